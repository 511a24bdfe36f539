"""``gradebook.xlsx`` for people: coloured outcomes with a legend, free text, files, statistics."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import xlsxwriter

from grader.gradebook import Gradebook
from grader.grading import Verdict
from grader.report.feedback import COLOUR
from grader.report.files import atomic_target, safe_cell
from grader.report.stats import class_summary, question_stats

# A fixed creation date keeps the file byte-identical from run to run.
_CREATED = datetime(2020, 1, 1)
# Student text stays text: never turned into a formula or a link.
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def gradebook_xlsx(gradebook: Gradebook) -> bytes:
    """The workbook's bytes (for tests and callers that want them in memory)."""
    buffer = io.BytesIO()
    _fill(xlsxwriter.Workbook(buffer, {"in_memory": True, **_OPTIONS}), gradebook)
    return buffer.getvalue()


def write_gradebook_xlsx(gradebook: Gradebook, path: Path) -> None:
    """Write the workbook to ``path`` atomically; through a file, which xlsxwriter writes faster."""
    with atomic_target(path) as target:
        _fill(xlsxwriter.Workbook(str(target), _OPTIONS), gradebook)


def _fill(book, gradebook: Gradebook) -> None:
    book.set_properties({"created": _CREATED, "title": f"{gradebook.assignment.title}: gradebook"})
    styles = {
        "header": book.add_format({"bold": True, "bg_color": "#f4f4f4", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "percent": book.add_format({"num_format": "0.00"}),
        **{v: book.add_format({"bg_color": COLOUR[v], "border": 1, "num_format": "0.##"}) for v in Verdict},
    }
    _gradebook_sheet(book, gradebook, styles)
    _free_text_sheet(book, gradebook, styles)
    _files_sheet(book, gradebook, styles)
    _statistics_sheet(book, gradebook, styles)
    book.close()


def _gradebook_sheet(book, gradebook: Gradebook, styles) -> None:
    sheet = book.add_worksheet("gradebook")
    questions = [q.id for q in gradebook.assignment.numeric_questions]
    header = ["student_id", "name", *questions, "total", "max_total", "percent", "status", "reason"]
    sheet.write_row(0, 0, header, styles["header"])
    sheet.freeze_panes(1, 2)
    for r, row in enumerate(gradebook.rows, start=1):
        sheet.write_string(r, 0, safe_cell(row.student_id))
        sheet.write_string(r, 1, safe_cell(row.name))
        for c, qid in enumerate(questions, start=2):
            if qid not in row.points:
                continue
            verdict = row.graded.outcome(qid).verdict if row.graded else Verdict.MISSING
            sheet.write_number(r, c, row.points[qid], styles[verdict])
            overridden = [o for o in row.overrides if o.question == qid]
            if overridden:
                automatic = row.automatic.get(qid)
                sheet.write_comment(r, c, f"overridden by a person (automatic: {automatic}): {overridden[0].comment}")
        c = 2 + len(questions)
        sheet.write_number(r, c, row.total)
        sheet.write_number(r, c + 1, row.max_total)
        sheet.write_number(r, c + 2, row.percent, styles["percent"])
        sheet.write_string(r, c + 3, row.status)
        sheet.write_string(r, c + 4, safe_cell(row.reason))
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 1 + len(questions), 8)
    sheet.set_column(2 + len(questions) + 4, 2 + len(questions) + 4, 60)
    legend_row = len(gradebook.rows) + 3
    sheet.write_string(legend_row, 0, "legend", styles["header"])
    for i, verdict in enumerate(Verdict):
        sheet.write_string(legend_row + 1 + i, 0, verdict.value, styles[verdict])


def _free_text_sheet(book, gradebook: Gradebook, styles) -> None:
    sheet = book.add_worksheet("free text")
    texts = gradebook.assignment.text_questions
    sheet.write_row(0, 0, ["student_id", *(q.id for q in texts)], styles["header"])
    sheet.freeze_panes(1, 1)
    for r, row in enumerate((row for row in gradebook.rows if row.graded), start=1):
        sheet.write_string(r, 0, safe_cell(row.student_id))
        for c, question in enumerate(texts, start=1):
            answer = row.graded.free_text.get(question.id)
            if answer is not None:
                sheet.write_string(r, c, safe_cell(answer.raw), styles["wrap"])
    sheet.set_column(1, len(texts), 40)


def _files_sheet(book, gradebook: Gradebook, styles) -> None:
    sheet = book.add_worksheet("files")
    sheet.write_row(0, 0, ["file", "student_id", "status", "reason"], styles["header"])
    sheet.freeze_panes(1, 0)
    ordered = sorted(gradebook.files, key=lambda f: (f.status == "graded", f.file))
    for r, fate in enumerate(ordered, start=1):
        sheet.write_row(r, 0, [safe_cell(fate.file), safe_cell(fate.student_id), fate.status, safe_cell(fate.reason)])
    sheet.set_column(0, 0, 50)
    sheet.set_column(3, 3, 80)


def _statistics_sheet(book, gradebook: Gradebook, styles) -> None:
    sheet = book.add_worksheet("statistics")
    summary = class_summary(gradebook)
    for r, (label, value) in enumerate(vars(summary).items()):
        sheet.write_string(r, 0, label, styles["header"])
        sheet.write_number(r, 1, value)
    start = len(vars(summary)) + 2
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    header = ["question", "graded", *(v.value for v in Verdict), *(f"slip:{n}" for n in slip_names), "mean_points"]
    sheet.write_row(start, 0, header, styles["header"])
    for r, stats in enumerate(question_stats(gradebook), start=start + 1):
        sheet.write_string(r, 0, stats.question)
        sheet.write_number(r, 1, stats.graded)
        values = [*(stats.shares[v.value] for v in Verdict), *(stats.slips[n] for n in slip_names), stats.mean_points]
        for c, value in enumerate(values, start=2):
            sheet.write_number(r, c, round(value, 4))
    sheet.set_column(0, 0, 16)
