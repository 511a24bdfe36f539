"""The gradebook: one row per student (roster and hand-ins), every input file accounted for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from grader.assignment import Assignment
from grader.grading import GradedSubmission
from grader.overrides import Override
from grader.roster import Roster
from grader.submissions.records import Batch


@dataclass(frozen=True)
class FileFate:
    """What became of one input file."""

    file: str
    student_id: str
    status: str  # graded, rejected, superseded, skipped
    reason: str = ""


@dataclass(frozen=True)
class GradebookRow:
    """``points`` holds what counts (a person's override where there is one); ``automatic``
    always keeps what grading gave."""

    student_id: str
    name: str
    status: str  # graded, missing, rejected
    points: Mapping[str, float]
    automatic: Mapping[str, float]
    overrides: tuple[Override, ...]
    total: float
    max_total: float
    reason: str
    files: tuple[str, ...]
    graded: GradedSubmission | None = None

    @property
    def percent(self) -> float:
        return round(100.0 * self.total / self.max_total, 2) if self.max_total else 0.0


@dataclass(frozen=True)
class Gradebook:
    assignment: Assignment
    rows: tuple[GradebookRow, ...]
    files: tuple[FileFate, ...]
    has_names: bool = False


def build_gradebook(
    assignment: Assignment,
    graded: Sequence[GradedSubmission],
    batch: Batch,
    roster: Roster | None = None,
    overrides: Sequence[Override] = (),
) -> Gradebook:
    """Join graded submissions, rejections and the roster; roster order first, then the rest by id."""
    by_student: dict[str, GradedSubmission] = {g.student_id: g for g in graded}
    rejected: dict[str, list[str]] = {}
    files: list[FileFate] = []
    for item in graded:
        files.append(FileFate(item.submission.file, item.student_id, "graded"))
    for rejection in batch.rejections:
        student = rejection.student_id or Path(rejection.file).stem
        named = rejection.reason if rejection.file in rejection.reason else f"{rejection.file}: {rejection.reason}"
        rejected.setdefault(student, []).append(named)
        files.append(FileFate(rejection.file, student, "rejected", rejection.reason))
    for old in batch.superseded:
        files.append(FileFate(old.file, old.student_id, "superseded", f"a newer file counts: {old.by}"))
    for skipped in batch.skipped:
        files.append(FileFate(skipped.file, "", "skipped", skipped.reason))

    names = {e.student_id: e.name for e in roster.entries} if roster else {}
    order = list(roster.student_ids) if roster else []
    listed = set(order)
    order += sorted((set(by_student) | set(rejected)) - listed)
    by_override: dict[str, list[Override]] = {}
    for override in overrides:
        by_override.setdefault(override.student_id, []).append(override)

    files_of: dict[str, set[str]] = {}
    for fate in files:
        files_of.setdefault(fate.student_id, set()).add(fate.file)
    max_total = sum(q.points for q in assignment.questions)
    rows = []
    for student_id in order:
        item = by_student.get(student_id)
        automatic = {o.question: o.points for o in (*item.outcomes, *item.keyword_outcomes)} if item else {}
        points = dict(automatic)
        own_overrides = tuple(by_override.get(student_id, ()))
        for override in own_overrides:
            points[override.question] = override.points
        status = "graded" if item else ("rejected" if student_id in rejected else "missing")
        reasons = rejected.get(student_id, [])
        if item and reasons:
            reasons = [f"also handed in {r}" for r in reasons]
        if roster is not None and student_id not in listed:
            reasons = ["not on the roster", *reasons]
        rows.append(GradebookRow(
            student_id=student_id,
            name=names.get(student_id, ""),
            status=status,
            points=points if item or own_overrides else {},
            automatic=automatic,
            overrides=own_overrides,
            total=sum(points.values()),
            max_total=max_total,
            reason="; ".join(reasons) if reasons else ("" if item or status != "missing" else "nothing handed in"),
            files=tuple(sorted(files_of.get(student_id, ()))),
            graded=item,
        ))
    return Gradebook(assignment, tuple(rows), tuple(sorted(files, key=lambda f: f.file)),
                     has_names=bool(roster and roster.has_names))
