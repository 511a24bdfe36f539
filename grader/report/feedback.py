"""Per-student feedback as Markdown, a self-contained HTML page, or terminal text.

The student's copy never shows a reference value; the instructor's copy adds it. Everything
that is the same for every student (prompts, escaped text, styles) is prepared once per
assignment by ``FeedbackRenderer``, so a class of thousands renders quickly.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import NamedTuple

from grader.assignment import Assignment
from grader.gradebook import GradebookRow
from grader.grading import GradedSubmission, Outcome, Verdict
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
    expected = ""
    if instructor:
        expected = f"{outcome.expected:.6g}"
        if outcome.recomputed is not None:
            expected += f" (from own values: {outcome.recomputed:.6g})"
    return FeedbackLine(
        outcome.question,
        answer.raw if answer else "",
        outcome.verdict,
        _points_of(outcome.points, outcome.max_points),
        outcome.message,
        _tolerance_text(outcome.allowed),
        expected,
    )


@lru_cache(maxsize=1024)
def _points_of(points: float, max_points: float) -> str:
    return f"{points_text(points)}/{points_text(max_points)}"


@lru_cache(maxsize=65536)
def _tolerance_text(allowed: float) -> str:
    return f"± {allowed:.2g}" if allowed == allowed and allowed else ""


def feedback_lines(graded: GradedSubmission, instructor: bool) -> list[FeedbackLine]:
    return [_line(o, instructor) for o in graded.outcomes]


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

    # ---- shared pieces ----------------------------------------------------------------
    def _heading(self, graded: GradedSubmission, total: float, max_total: float) -> tuple[str, str, str]:
        return (self.title,
                f"Student {graded.student_id} — {points_text(total)} of {points_text(max_total)} points",
                f"File: {graded.submission.file}")

    def pages(self, row: GradebookRow, instructor: bool) -> tuple[str, str]:
        """(Markdown, HTML) of one student's copy, from one list of lines."""
        lines = feedback_lines(row.graded, instructor)
        return self.markdown(row, instructor, lines), self.html(row, instructor, lines)

    @staticmethod
    def _notes(row: GradebookRow) -> tuple[str, ...]:
        graded = row.graded
        people = tuple(f"a person set the points for {o.question} to {points_text(o.points)}"
                       f" (automatic: {points_text(row.automatic.get(o.question, 0.0))})"
                       + (f": {o.comment}" if o.comment else "") for o in row.overrides)
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

    # ---- formats ----------------------------------------------------------------------
    def markdown(self, row: GradebookRow, instructor: bool = False, lines: list[FeedbackLine] | None = None) -> str:
        graded = row.graded
        title, score, source = self._heading(graded, row.total, row.max_total)
        out = [f"# {title}", "", f"**{score}**", "", _md(source), ""]
        out += [f"> {_md(note)}" for note in self._notes(row)]
        head = "| question | your answer | outcome | points | tolerance | feedback |"
        rule = "|---|---|---|---|---|---|"
        if instructor:
            head, rule = head + " expected |", rule + "---|"
        out += ["", head, rule]
        for line in lines if lines is not None else feedback_lines(graded, instructor):
            raw = f"`{_md_code(line.raw)}`" if line.raw else ""
            row = (f"| {line.question} | {raw} | {_LABEL[line.verdict]} | {line.points} | {line.tolerance} "
                   f"| {_md(line.message)} |")
            out.append(row + (f" {line.expected} |" if instructor else ""))
        out += ["", self.tolerance_note, "", "## Written answers (graded by a person)", ""]
        for qid, prompt, raw, note in self._free_text(graded):
            out += [f"**{qid}** — {_md(prompt)}", "", f"> {_md(raw)}", ""]
            if note:
                out += [f"*{_md(note)}*", ""]
        return "\n".join(out) + "\n"

    def html(self, row: GradebookRow, instructor: bool = False, lines: list[FeedbackLine] | None = None) -> str:
        esc = html.escape
        graded = row.graded
        title, score, source = self._heading(graded, row.total, row.max_total)
        rows = []
        for line in lines if lines is not None else feedback_lines(graded, instructor):
            cells = (f"{_ROW_STYLE[line.verdict]}<td>{self.prompt_html[line.question]}</td>"
                     f"<td><code>{_esc(line.raw)}</code></td><td>{_LABEL[line.verdict]}</td><td>{line.points}</td>"
                     f"<td>{line.tolerance}</td><td>{_esc(line.message)}</td>")
            rows.append(cells + (f"<td>{esc(line.expected)}</td></tr>" if instructor else "</tr>"))
        notes = "".join(f'<p class="note">{esc(n)}</p>' for n in self._notes(row))
        free = "".join(
            f"<h3>{esc(qid)}</h3><p><small>{esc(prompt)}</small></p><blockquote>{esc(raw)}</blockquote>"
            + (f"<p><i>{esc(note)}</i></p>" if note else "")
            for qid, prompt, raw, note in self._free_text(graded)
        )
        head = "<th>question</th><th>your answer</th><th>outcome</th><th>points</th><th>tolerance</th><th>feedback</th>"
        if instructor:
            head += "<th>expected</th>"
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(title)} — {esc(graded.student_id)}</title><style>{_CSS}</style></head><body>\n"
            f"<h1>{esc(title)}</h1><p><b>{esc(score)}</b></p><p>{esc(source)}</p>{notes}\n"
            f'<p class="legend">{self.legend}</p>\n<table><thead><tr>{head}</tr></thead><tbody>\n'
            + "\n".join(rows)
            + f"\n</tbody></table><p><small>{esc(self.tolerance_note)}</small></p>\n"
            f"<h2>Written answers (graded by a person)</h2>{free}\n</body></html>\n"
        )

    def text(self, graded: GradedSubmission, reveal: bool = False) -> str:
        """The self-check as terminal text: per question the outcome and a hint."""
        title, score, source = self._heading(graded, graded.total, graded.max_total)
        out = [title, score, source]
        out += [f"note: {n}" for n in (*graded.submission.notes, *graded.notes)]
        out.append("")
        width = max(len(q.id) for q in self.assignment.numeric_questions)
        for line in feedback_lines(graded, instructor=reveal):
            raw = f"{line.raw!r}" if line.raw else "(blank)"
            text = f"{MARK[line.verdict]} {line.question:<{width}}  {line.verdict.value:<14} {raw:<14} {line.message}"
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
