"""``grader check``: a student's self-check of one filled template, as terminal text."""

from __future__ import annotations

from pathlib import Path

from grader.assignment import load_assignment
from grader.shards import question_set
from grader.engine.variants import default_variant, draw_variants, variant_from_params
from grader.errors import RejectedFile, UsageError
from grader.grading import grade_class
from grader.key import compute_key, flat_params
from grader.report.feedback import FeedbackRenderer
from grader.submissions import read_file
from grader.submissions.records import Rejection


def check(
    *,
    assignment: str | Path,
    submission: str | Path,
    reveal: bool = False,
    secret: str | None = None,
    same_variant: bool = False,
) -> str:
    """Per question the outcome and a hint; reference values only with ``reveal``.

    The variant comes from the parameters the template carries, else from the student id.
    """
    sheet = load_assignment(assignment)
    path = Path(submission)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    items = read_file(path, question_set(sheet))
    rejected = [i for i in items if isinstance(i, Rejection)]
    if rejected and len(rejected) == len(items):
        raise RejectedFile(f"{rejected[0].file}: {rejected[0].reason}")
    reports = []
    renderer = FeedbackRenderer(sheet)
    for item in items:
        if isinstance(item, Rejection):
            reports.append(f"{item.file}: {item.reason}\n")
            continue
        params = flat_params(item.params)
        if same_variant:
            variants = default_variant(sheet, item.student_id)
        elif all(p.name in params and str(params[p.name]).strip() for p in sheet.parameters):
            variants = variant_from_params(sheet, item.student_id, _numbers(params))
        else:
            variants = draw_variants(sheet, [item.student_id], secret)
        graded = grade_class(sheet, compute_key(sheet, variants), [item])[0]
        reports.append(renderer.text(graded, reveal=reveal))
    return "\n".join(reports)


def _numbers(params: dict) -> dict:
    """Template parameters as written (decimal commas too) -> values."""
    from grader.submissions import parse_number

    values = {}
    for name, text in params.items():
        value, _ = parse_number(str(text))
        values[name] = value if value is not None else str(text).strip()
    return values
