"""``grader check``: a student's self-check of one filled file, as terminal text or SPEC's JSON.

The variant is the one ``grader grade`` uses for the same student id (drawn from the id and the
secret, or as issued in ``key.csv``), so the self-check and the gradebook agree; parameters the
file carries that differ from it are a warning, never other points.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import load_assignment
from grader.errors import RejectedFile, UsageError
from grader.grading import GradedSubmission, grade_class
from grader.issued import load_issued
from grader.key import compute_key
from grader.report.feedback import FeedbackRenderer
from grader.report.selfcheck import self_check_record
from grader.shards import class_variants, question_set, variant_notes
from grader.submissions import read_file
from grader.submissions.records import Rejection, Submission

FORMATS = ("text", "json")


@dataclass(frozen=True)
class CheckResult:
    """What ``grader check`` prints: one report per submission in the file (a wide file has several)."""

    output: str
    graded: tuple[GradedSubmission, ...]


def check(
    *,
    assignment: str | Path,
    submission: str | Path,
    reveal: bool = False,
    secret: str | None = None,
    same_variant: bool = False,
    key: str | Path | None = None,
    fmt: str = "text",
) -> CheckResult:
    """Per question the outcome and a hint; reference values only with ``reveal``.

    Raises ``RejectedFile`` when nothing in the file can be read as a submission."""
    if fmt not in FORMATS:
        raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    sheet = load_assignment(assignment)
    issued = load_issued(key, sheet) if key is not None else None
    path = Path(submission)
    if not path.is_file():
        raise UsageError(f"{path}: expected a submission file (.yaml, .csv, .xlsx, .ods, .xls or .xlsb), "
                         f"got {'a folder' if path.is_dir() else 'no such file'}")
    items = read_file(path, question_set(sheet))
    submissions = [i for i in items if isinstance(i, Submission)]
    rejected = [i for i in items if isinstance(i, Rejection)]
    if not submissions:
        first = rejected[0] if rejected else Rejection(str(path), "no submission in the file")
        raise RejectedFile(first.reason if first.file in first.reason else f"{first.file}: {first.reason}")
    variants, absent = class_variants(sheet, [s.student_id for s in submissions], secret, same_variant, issued)
    class_key = compute_key(sheet, variants)
    notes = [(*absent[row], *variant_notes(sheet, class_key, row, s)) for row, s in enumerate(submissions)]
    graded = tuple(grade_class(sheet, class_key, submissions, notes))
    if fmt == "json":
        records = [self_check_record(sheet, g, reveal) for g in graded]
        document = records[0] if len(records) == 1 else records
        return CheckResult(json.dumps(document, indent=2, ensure_ascii=False) + "\n", graded)
    renderer = FeedbackRenderer(sheet)
    reports = [f"{r.file}: {r.reason}\n" for r in rejected] + [renderer.text(g, reveal=reveal) for g in graded]
    return CheckResult("\n".join(reports), graded)
