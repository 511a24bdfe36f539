"""``gradebook.xlsx`` for people: coloured outcomes with a legend, free text, files, statistics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from grader.gradebook import Gradebook
from grader.grading import Verdict
from grader.report.feedback import COLOUR
from grader.report.files import safe_cell, write_atomic
from grader.report.stats import QuestionStats, class_summary, question_stats
from grader.report.xlsx_writer import Workbook

# A fixed creation date keeps the file byte-identical from run to run.
_CREATED = datetime(2020, 1, 1)


def gradebook_xlsx(gradebook: Gradebook, stats: list[QuestionStats] | None = None) -> bytes:
    """The workbook's bytes. Student text is always written as text: never a formula or a link.
    ``stats`` are ``question_stats(gradebook)`` when the caller has them already."""
    book = Workbook(title=f"{gradebook.assignment.title}: gradebook", created=_CREATED)
    styles = {
        "header": book.add_style(bold=True, fill="#f4f4f4", border=True),
        "wrap": book.add_style(wrap=True, valign="top"),
        "percent": book.add_style(num_format="0.00"),
        **{v: book.add_style(fill=COLOUR[v], border=True, num_format="0.##") for v in Verdict},
    }
    _gradebook_sheet(book, gradebook, styles)
    _free_text_sheet(book, gradebook, styles)
    _files_sheet(book, gradebook, styles)
    _statistics_sheet(book, gradebook, styles, question_stats(gradebook) if stats is None else stats)
    return book.to_bytes()


def write_gradebook_xlsx(gradebook: Gradebook, path: Path, stats: list[QuestionStats] | None = None) -> None:
    """Write the workbook to ``path`` atomically."""
    write_atomic(path, gradebook_xlsx(gradebook, stats))


def _gradebook_sheet(book: Workbook, gradebook: Gradebook, styles: dict) -> None:
    sheet = book.add_sheet("gradebook")
    questions = [q.id for q in gradebook.assignment.numeric_questions]
    texts = [q.id for q in gradebook.assignment.scored_text_questions]  # free text worth points
    header = ["student_id", "name", *questions, "total", "max_total", "percent", "status", "reason", "similar_to",
              "auto_total", *texts]
    sheet.write_row(0, 0, header, styles["header"])
    sheet.freeze(rows=1, cols=2)
    tail_styles = [0, 0, styles["percent"], 0, 0, 0, 0, *(0 for _ in texts)]
    for r, row in enumerate(gradebook.rows, start=1):
        points = row.points
        marks = row.marks
        verdicts = marks.verdicts if marks else (Verdict.MISSING,) * len(questions)
        values = [safe_cell(row.student_id), safe_cell(row.name), *(points.get(q) for q in questions),
                  row.total, row.max_total, row.percent, row.status, safe_cell(row.reason), safe_cell(row.similar_to),
                  row.auto_total, *(points.get(q) for q in texts)]
        cell_styles = [0, 0, *map(styles.__getitem__, verdicts), *tail_styles]
        sheet.write_row(r, 0, values, cell_styles)
        for override in row.overrides:
            if override.question in questions:
                c = 2 + questions.index(override.question)
                automatic = row.automatic.get(override.question)
                sheet.comment(r, c, f"overridden by a person (automatic: {automatic}): {override.comment}")
    sheet.column_width(0, 1, 14)
    sheet.column_width(2, 1 + len(questions), 8)
    sheet.column_width(2 + len(questions) + 4, 2 + len(questions) + 4, 60)
    legend_row = len(gradebook.rows) + 3
    sheet.write_row(legend_row, 0, ["legend"], styles["header"])
    for i, verdict in enumerate(Verdict):
        sheet.write_row(legend_row + 1 + i, 0, [verdict.value], styles[verdict])


def _free_text_sheet(book: Workbook, gradebook: Gradebook, styles: dict) -> None:
    sheet = book.add_sheet("free text")
    texts = [q.id for q in gradebook.assignment.text_questions]
    sheet.write_row(0, 0, ["student_id", *texts], styles["header"])
    sheet.freeze(rows=1, cols=1)
    wrap = styles["wrap"]
    for r, row in enumerate((row for row in gradebook.rows if row.marks), start=1):
        answers = row.marks.free_text
        values = [safe_cell(row.student_id),
                  *(safe_cell(answers[q]) if q in answers else None for q in texts)]
        sheet.write_row(r, 0, values, [0, *(wrap for _ in texts)])
    sheet.column_width(1, max(1, len(texts)), 40)


def _files_sheet(book: Workbook, gradebook: Gradebook, styles: dict) -> None:
    sheet = book.add_sheet("files")
    sheet.write_row(0, 0, ["file", "student_id", "status", "reason"], styles["header"])
    sheet.freeze(rows=1)
    ordered = sorted(gradebook.files, key=lambda f: (f.status == "graded", f.file))
    for r, fate in enumerate(ordered, start=1):
        sheet.write_row(r, 0, [safe_cell(fate.file), safe_cell(fate.student_id), fate.status, safe_cell(fate.reason)])
    sheet.column_width(0, 0, 50)
    sheet.column_width(3, 3, 80)


def _statistics_sheet(book: Workbook, gradebook: Gradebook, styles: dict, rows: list[QuestionStats]) -> None:
    sheet = book.add_sheet("statistics")
    summary = class_summary(gradebook)
    for r, (label, value) in enumerate(vars(summary).items()):
        sheet.write_row(r, 0, [label, value], [styles["header"], 0])
    start = len(vars(summary)) + 2
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    header = ["question", "graded", *(v.value for v in Verdict), *(f"slip:{n}" for n in slip_names), "mean_points"]
    sheet.write_row(start, 0, header, styles["header"])
    for r, stats in enumerate(rows, start=start + 1):
        values = [*(stats.shares[v.value] for v in Verdict), *(stats.slips[n] for n in slip_names), stats.mean_points]
        sheet.write_row(r, 0, [stats.question, stats.graded, *(round(value, 4) for value in values)])
    sheet.column_width(0, 0, 16)
