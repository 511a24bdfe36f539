"""Per-student feedback as Markdown, a self-contained HTML page, or terminal text.

The student's copy never shows a reference value; the instructor's copy adds it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from grader.assignment import Assignment
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


@dataclass(frozen=True)
class FeedbackLine:
    question: str
    prompt: str
    raw: str
    where: str
    verdict: Verdict
    points: str
    message: str
    tolerance: str
    expected: str


def feedback_lines(assignment: Assignment, graded: GradedSubmission, instructor: bool) -> list[FeedbackLine]:
    prompts = {q.id: q.prompt for q in assignment.questions}
    tolerances = {q.id: q.tolerance.describe() for q in assignment.numeric_questions}
    return [_line(o, prompts[o.question], tolerances[o.question], instructor) for o in graded.outcomes]


def _line(outcome: Outcome, prompt: str, tolerance: str, instructor: bool) -> FeedbackLine:
    answer = outcome.answer
    expected = ""
    if instructor:
        expected = f"{outcome.expected:.6g} ± {outcome.allowed:.2g}"
        if outcome.recomputed is not None:
            expected += f" (from own values: {outcome.recomputed:.6g})"
    return FeedbackLine(
        question=outcome.question,
        prompt=prompt,
        raw=answer.raw if answer else "",
        where=str(answer.source) if answer else "",
        verdict=outcome.verdict,
        points=f"{points_text(outcome.points)}/{points_text(outcome.max_points)}",
        message=outcome.message,
        tolerance=tolerance,
        expected=expected,
    )


def _heading(assignment: Assignment, graded: GradedSubmission, total: float, max_total: float) -> list[str]:
    return [
        f"{assignment.title}",
        f"Student {graded.student_id} — {points_text(total)} of {points_text(max_total)} points",
        f"File: {graded.submission.file}",
    ]


def feedback_markdown(assignment: Assignment, graded: GradedSubmission, total: float, max_total: float,
                      instructor: bool = False) -> str:
    title, score, source = _heading(assignment, graded, total, max_total)
    out = [f"# {title}", "", f"**{score}**", "", source, ""]
    for note in (*graded.submission.notes, *graded.notes):
        out.append(f"> {_md(note)}")
    out += ["", "| question | your answer | outcome | points | feedback |" + (" expected |" if instructor else ""),
            "|---|---|---|---|---|" + ("---|" if instructor else "")]
    for line in feedback_lines(assignment, graded, instructor):
        cells = [line.question, f"`{_md(line.raw)}`" if line.raw else "", f"{MARK[line.verdict]} {line.verdict.value}",
                 line.points, _md(line.message)]
        if instructor:
            cells.append(line.expected)
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "Tolerance: " + _tolerance_note(assignment), ""]
    out += _free_text_markdown(assignment, graded)
    return "\n".join(out) + "\n"


def _free_text_items(assignment: Assignment, graded: GradedSubmission) -> list[tuple[str, str, str, str]]:
    """(question, prompt, answer as written, keyword note) for each free-text question."""
    scored = {o.question: o for o in graded.keyword_outcomes}
    items = []
    for question in assignment.text_questions:
        answer = graded.free_text.get(question.id)
        raw = answer.raw if answer and answer.raw.strip() else "(no answer)"
        outcome = scored.get(question.id)
        note = f"{points_text(outcome.points)}/{points_text(outcome.max_points)}: {outcome.message}" if outcome else ""
        items.append((question.id, question.prompt, raw, note))
    return items


def _free_text_markdown(assignment: Assignment, graded: GradedSubmission) -> list[str]:
    out = ["## Written answers (graded by a person)", ""]
    for qid, prompt, raw, note in _free_text_items(assignment, graded):
        out += [f"**{qid}** — {_md(prompt)}", "", f"> {_md(raw)}", ""]
        if note:
            out += [f"*{_md(note)}*", ""]
    return out


def _tolerance_note(assignment: Assignment) -> str:
    kinds = sorted({q.tolerance.describe() for q in assignment.numeric_questions})
    return "; ".join(kinds) + ". Follow-through: an answer right from your own earlier values earns its points."


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("`", "'")


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,Menlo,Consolas,monospace}.note{color:#555;border-left:3px solid #ccc;padding-left:.6rem}
.legend span{display:inline-block;padding:.1rem .5rem;margin:.1rem;border:1px solid #ccc}
@media print{body{margin:0}table{page-break-inside:auto}tr{page-break-inside:avoid}}
"""


def feedback_html(assignment: Assignment, graded: GradedSubmission, total: float, max_total: float,
                  instructor: bool = False) -> str:
    esc = html.escape
    title, score, source = _heading(assignment, graded, total, max_total)
    rows = []
    for line in feedback_lines(assignment, graded, instructor):
        cells = [f"<td><b>{esc(line.question)}</b><br><small>{esc(line.prompt)}</small></td>",
                 f"<td><code>{esc(line.raw)}</code></td>",
                 f"<td>{MARK[line.verdict]} {line.verdict.value}</td>",
                 f"<td>{line.points}</td>",
                 f"<td>{esc(line.message)}</td>"]
        if instructor:
            cells.append(f"<td>{esc(line.expected)}</td>")
        rows.append(f'<tr style="background:{COLOUR[line.verdict]}">' + "".join(cells) + "</tr>")
    legend = "".join(f'<span style="background:{COLOUR[v]}">{MARK[v]} {v.value}</span>' for v in Verdict)
    notes_html = "".join(f'<p class="note">{esc(n)}</p>' for n in (*graded.submission.notes, *graded.notes))
    free = "".join(
        f"<h3>{esc(qid)}</h3><p><small>{esc(prompt)}</small></p><blockquote>{esc(raw)}</blockquote>"
        + (f"<p><i>{esc(note)}</i></p>" if note else "")
        for qid, prompt, raw, note in _free_text_items(assignment, graded)
    )
    head = "<th>question</th><th>your answer</th><th>outcome</th><th>points</th><th>feedback</th>"
    if instructor:
        head += "<th>expected</th>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(title)} — {esc(graded.student_id)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{esc(title)}</h1><p><b>{esc(score)}</b></p><p>{esc(source)}</p>{notes_html}\n"
        f'<p class="legend">{legend}</p>\n<table><thead><tr>{head}</tr></thead><tbody>\n'
        + "\n".join(rows)
        + f"\n</tbody></table><p><small>Tolerance: {esc(_tolerance_note(assignment))}</small></p>\n"
        f"<h2>Written answers (graded by a person)</h2>{free}\n</body></html>\n"
    )


def feedback_text(assignment: Assignment, graded: GradedSubmission, reveal: bool = False) -> str:
    """The self-check as terminal text: per question the outcome and a hint."""
    title, score, source = _heading(assignment, graded, graded.total, graded.max_total)
    out = [title, score, source]
    out += [f"note: {n}" for n in (*graded.submission.notes, *graded.notes)]
    out.append("")
    width = max(len(q.id) for q in assignment.numeric_questions)
    for line in feedback_lines(assignment, graded, instructor=reveal):
        raw = f"{line.raw!r}" if line.raw else "(blank)"
        text = f"{MARK[line.verdict]} {line.question:<{width}}  {line.verdict.value:<14} {raw:<14} {line.message}"
        if reveal and line.expected:
            text += f"  [expected {line.expected}]"
        out.append(text)
    return "\n".join(out) + "\n"
