"""``gradebook.csv`` (SPEC contract) and ``files.csv`` (what became of every input file)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from grader.gradebook import Gradebook
from grader.report.files import safe_cell


@lru_cache(maxsize=4096)
def points_text(value: float | None) -> str:
    """Points as people write them: 1, 0, 0.5."""
    if value is None:
        return ""
    return f"{round(value, 4):g}"


def gradebook_csv(gradebook: Gradebook) -> str:
    """student_id, one column per numeric question, total, max_total, percent, status; then
    reason, similar_to (another student whose variant the answers fit), auto_total (the total before
    any person's points), one column per free-text question worth points, name (when the roster has
    names) and the files that fed the row."""
    questions = [q.id for q in gradebook.assignment.numeric_questions]
    texts = [q.id for q in gradebook.assignment.scored_text_questions]
    header = ["student_id", *questions, "total", "max_total", "percent", "status", "reason", "similar_to",
              "auto_total", *texts]
    if gradebook.has_names:
        header.append("name")
    header.append("files")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in gradebook.rows:
        cells = [safe_cell(row.student_id)]
        cells += [points_text(row.points.get(q)) for q in questions]
        cells += [points_text(row.total), points_text(row.max_total), f"{row.percent:.2f}", row.status,
                  safe_cell(row.reason), safe_cell(row.similar_to), points_text(row.auto_total)]
        cells += [points_text(row.points.get(q)) for q in texts]
        if gradebook.has_names:
            cells.append(safe_cell(row.name))
        cells.append(safe_cell("; ".join(row.files)))
        writer.writerow(cells)
    return buffer.getvalue()


def files_csv(gradebook: Gradebook) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "student_id", "status", "reason"])
    for fate in gradebook.files:
        writer.writerow([safe_cell(fate.file), safe_cell(fate.student_id), fate.status, safe_cell(fate.reason)])
    return buffer.getvalue()
