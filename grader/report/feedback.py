"""Per-student feedback as Markdown, a self-contained HTML page, or terminal text.

The student's copy never shows a reference value; the instructor's copy adds it. Everything
that is the same for every student (prompts, escaped text, styles) is prepared once per
assignment by ``FeedbackRenderer``, so a class of thousands renders quickly.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import NamedTuple, Sequence

from grader.assignment import Assignment
from grader.grading import GradedSubmission, Outcome, Verdict
from grader.overrides import Override, with_overrides
from grader.report.gradebook_csv import points_text

MARK = {
    Verdict.CORRECT: "✔",
    Verdict.FOLLOW_THROUGH: "↪",
    Verdict.SLIP: "≈",
    Verdict.WRONG: "✘",
    Verdict.UNREADABLE: "?",
    Verdict.MISSING: "–",
}
COLOUR = {
    Verdict.CORRECT: "#d9f2d9",
    Verdict.FOLLOW_THROUGH: "#dbeafe",
    Verdict.SLIP: "#fff3c4",
    Verdict.WRONG: "#f9d6d5",
    Verdict.UNREADABLE: "#ead7f5",
    Verdict.MISSING: "#eeeeee",
}
_LABEL = {v: f"{MARK[v]} {v.value}" for v in Verdict}

_CSS = "".join(f"tr.{v.name.lower()}{{background:{COLOUR[v]}}}" for v in Verdict) + """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,Menlo,Consolas,monospace}.note{color:#555;border-left:3px solid #ccc;padding-left:.6rem}
.legend span{display:inline-block;padding:.1rem .5rem;margin:.1rem;border:1px solid #ccc}
@page{size:A4;margin:15mm}@media print{body{margin:0}tr{page-break-inside:avoid}}
"""
_ROW_STYLE = {v: f'<tr class="{v.name.lower()}">' for v in Verdict}


def _ascii(markup: str) -> str:
    """HTML with every character beyond ASCII written as a character reference (``&#10004;``).

    The fixed parts of a page are kept ASCII so that a page whose student text is ASCII too is
    an ASCII string: cheaper to build, and encoded to UTF-8 by a plain copy.
    """
    return markup.encode("ascii", "xmlcharrefreplace").decode("ascii")


# Per verdict: the Markdown label, the HTML row's start and its label cell.
_VERDICT_CELLS = {v: (_LABEL[v], _ROW_STYLE[v], _ascii(f"<td>{_LABEL[v]}</td>")) for v in Verdict}
# A raw answer with nothing in it that Markdown or HTML would read as markup (most numbers).
_PLAIN = re.compile(r"[\w.,+\- ]*\Z").match
_MD_HEAD = "| question | your answer | outcome | points | tolerance | feedback |"
_MD_RULE = "|---|---|---|---|---|---|"
_HTML_HEAD = "<th>question</th><th>your answer</th><th>outcome</th><th>points</th><th>tolerance</th><th>feedback</th>"


@lru_cache(maxsize=4096)
def _esc(text: str) -> str:
    """html.escape, remembered: most messages ('correct', ...) repeat across a class."""
    return html.escape(text)


class FeedbackLine(NamedTuple):
    """One numeric question as feedback shows it (a NamedTuple: made by the hundred thousand)."""

    question: str
    raw: str
    verdict: Verdict
    points: str
    message: str
    tolerance: str
    expected: str  # empty in the student's copy


def _line(outcome: Outcome, instructor: bool) -> FeedbackLine:
    answer = outcome.answer
    return FeedbackLine(
        outcome.question,
        answer.raw if answer else "",
        outcome.verdict,
        _points_of(outcome.points, outcome.max_points),
        outcome.message,
        "" if outcome.verdict is Verdict.MISSING else _tolerance_text(outcome.allowed),
        _expected_text(outcome) if instructor else "",
    )


@lru_cache(maxsize=1024)
def _points_of(points: float, max_points: float) -> str:
    return f"{points_text(points)}/{points_text(max_points)}"


def _tolerance_digits(allowed: float) -> str:
    """The allowed error to 2 significant figures; ``""`` where there is none (or it is NaN)."""
    return f"{allowed:.2g}" if allowed == allowed and allowed else ""


def _tolerance_text(allowed: float) -> str:
    digits = _tolerance_digits(allowed)
    return f"± {digits}" if digits else ""


def _expected_text(outcome: Outcome) -> str:
    """The reference value, and what the student's own earlier values lead to (instructor only).
    Numbers as %g: nothing in them for Markdown or HTML to escape."""
    text = f"{outcome.expected:.6g}"
    if outcome.recomputed is not None:
        what = "the slip from own values" if outcome.slip else "from own values"
        text += f" ({what}: {outcome.recomputed:.6g})"
    return text


def _raw_texts(raw: str) -> tuple[str, str]:
    """A raw answer as a Markdown code span and as HTML text."""
    if not raw:
        return "", ""
    if _PLAIN(raw):
        return f"`{raw}`", raw
    return f"`{_md_code(raw)}`", _esc(raw)


@lru_cache(maxsize=8192)
def _message_texts(message: str) -> tuple[str, str]:
    """A feedback message for Markdown and for HTML (most messages repeat across a class)."""
    return _md(message), _ascii(html.escape(message))


def feedback_lines(graded: GradedSubmission, instructor: bool) -> list[FeedbackLine]:
    return [_line(o, instructor) for o in graded.outcomes]


class FeedbackPages(NamedTuple):
    markdown: str
    html: str


class FeedbackRenderer:
    """Renders feedback for one assignment; build once, call for every student."""

    def __init__(self, assignment: Assignment) -> None:
        self.assignment = assignment
        self.title = assignment.title
        self.prompt_html = {q.id: f"<b>{html.escape(q.id)}</b><br><small>{html.escape(q.prompt)}</small>"
                            for q in assignment.questions}
        kinds = sorted({q.tolerance.describe() for q in assignment.numeric_questions})
        self.tolerance_note = ("Tolerance: " + "; ".join(kinds) + ". Follow-through: an answer that is right "
                               "from your own earlier values earns its points.")
        self.legend = "".join(f'<span style="background:{COLOUR[v]}">{_LABEL[v]}</span>' for v in Verdict)
        self._md_question = {q.id: f"| {q.id} | " for q in assignment.numeric_questions}
        self._html_question = {q.id: _ascii(f"<td>{self.prompt_html[q.id]}</td><td><code>")
                               for q in assignment.numeric_questions}
        # The line of a right answer, the common case, is the same around the answer for everyone.
        self._right_line = {
            q.id: self._line_template(Outcome(q.id, Verdict.CORRECT, q.points * 1.0, q.points, None, 0.0, 0.0, "correct"))
            for q in assignment.numeric_questions}
        self._md_text_question = {q.id: f"**{q.id}** — {_md(q.prompt)}" for q in assignment.text_questions}
        self._html_text_question = {
            q.id: _ascii(f"<h3>{html.escape(q.id)}</h3><p><small>{html.escape(q.prompt)}</small></p>")
            for q in assignment.text_questions}

    # ---- pages ------------------------------------------------------------------------
    def pages(self, graded: GradedSubmission, instructor: bool = False,
              overrides: Sequence[Override] = ()) -> FeedbackPages:
        """(Markdown, HTML) of one copy of a student's feedback."""
        return self._render(graded, overrides, (instructor,))[0]

    def copies(self, graded: GradedSubmission, overrides: Sequence[Override] = ()) -> tuple[FeedbackPages, FeedbackPages]:
        """The student's copy and the instructor's, rendered together: the lines they share are made once."""
        student, instructor = self._render(graded, overrides, (False, True))
        return student, instructor

    def markdown(self, graded: GradedSubmission, instructor: bool = False, overrides: Sequence[Override] = ()) -> str:
        return self.pages(graded, instructor, overrides).markdown

    def html(self, graded: GradedSubmission, instructor: bool = False, overrides: Sequence[Override] = ()) -> str:
        return self.pages(graded, instructor, overrides).html

    def _render(self, graded: GradedSubmission, overrides: Sequence[Override],
                copies: tuple[bool, ...]) -> list[FeedbackPages]:
        esc = html.escape
        automatic = graded.marks.points if overrides else None
        total = sum(with_overrides(automatic, overrides).values()) if overrides else graded.total
        title, score, source = self._heading(graded, total, graded.max_total)
        notes = self._notes(graded, overrides, automatic)
        free = self._free_text(graded)
        md_rows: list[str] = []
        html_rows: list[str] = []
        expected: list[str] = []
        right = self._right_line
        any_instructor = any(copies)
        for o in graded.outcomes:
            answer = o.answer
            raw = answer.raw if answer is not None else ""
            md_raw, html_raw = _raw_texts(raw)
            tolerance = "" if o.verdict is Verdict.MISSING else _tolerance_digits(o.allowed)
            md_tolerance, html_tolerance = ("± " + tolerance, "&#177; " + tolerance) if tolerance else ("", "")
            line = right[o.question] if o.verdict is Verdict.CORRECT else self._line_template(o)
            md_rows.append(f"{line[0]}{md_raw}{line[1]}{md_tolerance}{line[2]}")
            html_rows.append(f"{line[3]}{html_raw}{line[4]}{html_tolerance}{line[5]}")
            if any_instructor:
                expected.append(_expected_text(o))

        md_head = ["# " + title, "", f"**{score}**", "", _md(source), "", *(f"> {_md(n)}" for n in notes), ""]
        md_free = ["", self.tolerance_note, "", "## Written answers (graded by a person)", ""]
        for qid, _, raw, note in free:
            md_free += [self._md_text_question[qid], "", f"> {_md(raw)}", ""]
            if note:
                md_free += [f"*{_md(note)}*", ""]
        html_notes = "".join(f'<p class="note">{esc(n)}</p>' for n in notes)
        html_head = _ascii('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                           f"<title>{esc(title)} — {esc(graded.student_id)}</title><style>{_CSS}</style></head><body>\n"
                           f"<h1>{esc(title)}</h1><p><b>{esc(score)}</b></p><p>{esc(source)}</p>{html_notes}\n"
                           f'<p class="legend">{self.legend}</p>\n<table><thead><tr>')
        html_free = "".join(
            f"{self._html_text_question[qid]}<blockquote>{esc(raw)}</blockquote>"
            + (f"<p><i>{esc(note)}</i></p>" if note else "")
            for qid, _, raw, note in free
        )
        html_tail = _ascii(f"\n</tbody></table><p><small>{esc(self.tolerance_note)}</small></p>\n"
                     f"<h2>Written answers (graded by a person)</h2>{html_free}\n</body></html>\n")
        pages = []
        for instructor in copies:
            if instructor:
                md_table = [_MD_HEAD + " expected |", _MD_RULE + "---|",
                            *(f"{line} {value} |" for line, value in zip(md_rows, expected))]
                html_table = "\n".join(f"{line}<td>{value}</td></tr>" for line, value in zip(html_rows, expected))
                head = _HTML_HEAD + "<th>expected</th>"
            else:
                md_table = [_MD_HEAD, _MD_RULE, *md_rows]
                html_table = "</tr>\n".join(html_rows) + "</tr>" if html_rows else ""
                head = _HTML_HEAD
            markdown = "\n".join([*md_head, *md_table, *md_free]) + "\n"
            page = f"{html_head}{head}</tr></thead><tbody>\n{html_table}{html_tail}"
            pages.append(FeedbackPages(markdown, page))
        return pages

    # ---- shared pieces ----------------------------------------------------------------
    def _line_template(self, o: Outcome) -> tuple[str, str, str, str, str, str]:
        """A table line around the raw answer and the tolerance: (Markdown before, between, after;
        HTML before, between, after)."""
        md_label, html_start, html_label = _VERDICT_CELLS[o.verdict]
        md_message, html_message = _message_texts(o.message)
        points = _points_of(o.points, o.max_points)
        return (self._md_question[o.question], f" | {md_label} | {points} | ", f" | {md_message} |",
                f"{html_start}{self._html_question[o.question]}", f"</code></td>{html_label}<td>{points}</td><td>",
                f"</td><td>{html_message}</td>")

    def _heading(self, graded: GradedSubmission, total: float, max_total: float) -> tuple[str, str, str]:
        return (self.title,
                f"Student {graded.student_id} — {points_text(total)} of {points_text(max_total)} points",
                f"File: {graded.submission.file}")

    @staticmethod
    def _notes(graded: GradedSubmission, overrides: Sequence[Override],
               automatic: dict[str, float] | None) -> tuple[str, ...]:
        people = tuple(f"a person set the points for {o.question} to {points_text(o.points)}"
                       f" (automatic: {points_text(automatic.get(o.question, 0.0))})"
                       + (f": {o.comment}" if o.comment else "") for o in overrides)
        return (*graded.submission.notes, *graded.notes, *people)

    def _free_text(self, graded: GradedSubmission) -> list[tuple[str, str, str, str]]:
        """(question, prompt, answer as written, keyword note) for each free-text question."""
        scored = {o.question: o for o in graded.keyword_outcomes}
        items = []
        for question in self.assignment.text_questions:
            answer = graded.free_text.get(question.id)
            raw = answer.raw if answer and answer.raw.strip() else "(no answer)"
            outcome = scored.get(question.id)
            note = (f"{points_text(outcome.points)}/{points_text(outcome.max_points)}: {outcome.message}"
                    if outcome else "")
            items.append((question.id, question.prompt, raw, note))
        return items

    def text(self, graded: GradedSubmission, reveal: bool = False) -> str:
        """The self-check as terminal text: per question the outcome and a hint."""
        title, score, source = self._heading(graded, graded.total, graded.max_total)
        out = [title, score, source]
        out += [f"warning: {n}" for n in (*graded.submission.notes, *graded.notes)]
        out.append("")
        width = max(len(q.id) for q in self.assignment.numeric_questions)
        for line in feedback_lines(graded, instructor=reveal):
            raw = f"{line.raw!r}" if line.raw else "(blank)"
            text = f"{MARK[line.verdict]} {line.question:<{width}}  {line.verdict.outcome:<14} {raw:<14} {line.message}"
            if reveal and line.expected:
                text += f"  [expected {line.expected}]"
            out.append(text)
        to_fix = [o.question for o in graded.outcomes if o.verdict in (Verdict.WRONG, Verdict.SLIP)]
        unread = [o.question for o in graded.outcomes if o.verdict is Verdict.UNREADABLE]
        out.append("")
        if to_fix:
            later = f" (then {', '.join(to_fix[1:4])}{', ...' if len(to_fix) > 4 else ''})" if len(to_fix) > 1 else ""
            out.append(f"Where to look first: {to_fix[0]}{later}.")
        if unread:
            out.append(f"Write these as plain numbers (0.1234, -0,5, 5e-3): {', '.join(unread)}.")
        if not to_fix and not unread:
            out.append("Every numeric answer checks out.")
        return "\n".join(out) + "\n"


_MARKDOWN_SAFE = str.maketrans({"|": "\\|", "\n": " ", "\r": " ", "`": "'", "<": "&lt;", ">": "&gt;", "&": "&amp;"})


_CODE_SAFE = str.maketrans({"|": "\\|", "\n": " ", "\r": " ", "`": "'"})


def _md_code(text: str) -> str:
    """Student text inside a code span, where Markdown shows HTML as it is and never runs it."""
    return text.translate(_CODE_SAFE)


def _md(text: str) -> str:
    """Student text for a Markdown table or quote: no table breaks, no code spans, no HTML."""
    return text.translate(_MARKDOWN_SAFE)
