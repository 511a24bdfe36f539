"""The gradebook: one row per student (roster and hand-ins), every input file accounted for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from grader.assignment import Assignment
from grader.grading import GradedSubmission, Marks, Verdict
from grader.overrides import Override, with_overrides
from grader.roster import Roster
from grader.similarity import similar_to
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
    marks: Marks | None = None  # None unless graded
    similar_to: str = ""  # another student whose variant these answers fit (a flag for a person, no points)

    @property
    def auto_total(self) -> float:
        """The total grading gave, before any person's points."""
        return sum(self.automatic.values())

    @property
    def percent(self) -> float:
        return round(100.0 * self.total / self.max_total, 2) if self.max_total else 0.0

    def verdict(self, question_index: int) -> Verdict:
        """The verdict on the ``question_index``-th numeric question (missing when nothing was graded)."""
        return self.marks.verdicts[question_index] if self.marks else Verdict.MISSING


@dataclass(frozen=True)
class Gradebook:
    assignment: Assignment
    rows: tuple[GradebookRow, ...]
    files: tuple[FileFate, ...]
    has_names: bool = False


def build_gradebook(
    assignment: Assignment,
    graded: Sequence[Marks | GradedSubmission],
    batch: Batch,
    roster: Roster | None = None,
    overrides: Sequence[Override] = (),
) -> Gradebook:
    """Join graded submissions (or their marks), rejections and the roster; roster order first,
    then the rest by id. ``batch`` gives the rejected, superseded and skipped files."""
    marks = [item.marks if isinstance(item, GradedSubmission) else item for item in graded]
    by_student: dict[str, Marks] = {m.student_id: m for m in marks}
    rejected: dict[str, list[str]] = {}
    files: list[FileFate] = []
    for item in marks:
        files.append(FileFate(item.file, item.student_id, "graded"))
    for rejection in batch.rejections:
        student = rejection.student_id or Path(rejection.file).stem
        named = rejection.reason if rejection.file in rejection.reason else f"{rejection.file}: {rejection.reason}"
        rejected.setdefault(student, []).append(named)
        files.append(FileFate(rejection.file, student, "rejected", rejection.reason))
    for old in batch.superseded:
        files.append(FileFate(old.file, old.student_id, "superseded", f"a newer file counts: {old.by}"))
    for skipped in batch.skipped:
        files.append(FileFate(skipped.file, "", "ignored", skipped.reason))

    names = {e.student_id: e.name for e in roster.entries} if roster else {}
    order = list(roster.student_ids) if roster else []
    listed = set(order)
    order += sorted((set(by_student) | set(rejected)) - listed)
    by_override: dict[str, list[Override]] = {}
    for override in overrides:
        by_override.setdefault(override.student_id, []).append(override)

    similar = _similar(marks)
    files_of: dict[str, set[str]] = {}
    for fate in files:
        files_of.setdefault(fate.student_id, set()).add(fate.file)
    max_total = sum(q.points for q in assignment.questions)
    rows = []
    for student_id in order:
        item = by_student.get(student_id)
        automatic = item.points if item else {}
        own_overrides = tuple(by_override.get(student_id, ()))
        points = with_overrides(automatic, own_overrides)
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
            marks=item,
            similar_to=similar.get(student_id, ""),
        ))
    return Gradebook(assignment, tuple(rows), tuple(sorted(files, key=lambda f: f.file)),
                     has_names=bool(roster and roster.has_names))


def _similar(marks: Sequence[Marks]) -> dict[str, str]:
    """Student id -> the student whose variant their answers fit, where there is one."""
    if len(marks) < 2 or not marks[0].values:
        return {}
    values = np.array([m.values for m in marks], dtype=float)
    expected = np.array([m.expected for m in marks], dtype=float)
    allowed = np.array([m.allowed for m in marks], dtype=float)
    found = similar_to([m.student_id for m in marks], values, expected, allowed)
    return {m.student_id: other for m, other in zip(marks, found) if other}
