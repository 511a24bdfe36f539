"""A class graded in shards: each shard's files read, graded and their feedback rendered in one go.

Grading a student never looks at another student, so the files are dealt out to the shards in
turn (every shard gets its share of each format) and each shard can run in its own process.
Only plain values leave a shard: each submission's ``Marks``, its feedback pages as UTF-8 bytes,
and the rejections, each tagged with its file's place in the reading order. ``merge`` puts them
back in that order and keeps each student's newest submission, so the class comes out the same
whatever the number of shards.
"""

from __future__ import annotations

import heapq
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, NamedTuple, Sequence

from grader.assignment import Assignment
from grader.engine.variants import VariantTable, default_variant, draw_variants
from grader.grading import Marks, grade_class
from grader.key import Key, compute_key, params_mismatch
from grader.overrides import Override
from grader.report.feedback import FeedbackRenderer
from grader.submissions import QuestionSet, read_file
from grader.submissions.discover import newest_per_student
from grader.submissions.records import Rejection, Skipped, Submission, Superseded

Progress = Callable[[str, int, int], None]


def question_set(assignment: Assignment) -> QuestionSet:
    """The assignment's question ids, as the readers take them."""
    return QuestionSet(numeric=tuple(q.id for q in assignment.numeric_questions),
                       text=tuple(q.id for q in assignment.text_questions))


def class_variants(assignment: Assignment, student_ids: Sequence[str], secret: str | None,
                   same_variant: bool) -> VariantTable:
    """Each student's own variant, or the sheet's own numbers for everyone."""
    if not same_variant:
        return draw_variants(assignment, student_ids, secret)
    single = default_variant(assignment)
    table = single.take([0] * len(student_ids))
    return VariantTable(tuple(student_ids), table.columns, table.attempts)


@dataclass(frozen=True)
class ClassSetup:
    """What every shard needs, the same for all of them."""

    assignment: Assignment
    secret: str | None = None
    same_variant: bool = False
    overrides: Mapping[str, tuple[Override, ...]] = field(default_factory=dict)  # by student id


Page = bytes | memoryview  # a page from another process arrives as a view of its result file


class Feedback(NamedTuple):
    """One student's feedback pages, UTF-8 encoded, ready for the archives, with their CRC-32s
    (in the same order), computed here while the pages are fresh rather than when the archives are written."""

    student_md: Page
    student_html: Page
    instructor_md: Page
    instructor_html: Page
    checksums: tuple[int, int, int, int]

    @classmethod
    def of(cls, student_md: str, student_html: str, instructor_md: str, instructor_html: str) -> Feedback:
        pages = [page.encode() for page in (student_md, student_html, instructor_md, instructor_html)]
        return cls(*pages, tuple(map(zlib.crc32, pages)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ShardResult:
    marks: tuple[tuple[int, Marks], ...]          # (file's place in the reading order, marks)
    feedback: tuple[Feedback, ...]                # one per marks, in the same order
    rejections: tuple[tuple[int, Rejection], ...]


@dataclass(frozen=True)
class GradedClass:
    """The class put back together: each student's newest submission and what became of the rest."""

    marks: tuple[Marks, ...]                      # in reading order
    feedback: Mapping[str, Feedback]              # by student id
    rejections: tuple[Rejection, ...]
    superseded: tuple[Superseded, ...]
    skipped: tuple[Skipped, ...]


def deal(files: Sequence[Path], shards: int) -> list[list[tuple[int, Path]]]:
    """``files`` dealt out in turn to ``shards`` shards, each file with its place in the reading order."""
    numbered = list(enumerate(files))
    return [numbered[k::shards] for k in range(max(1, min(shards, len(numbered))))]


def grade_shard(setup: ClassSetup, files: Sequence[tuple[int, Path]], progress: Progress | None = None) -> ShardResult:
    """Read, grade and render feedback for ``files``; ``progress`` hears of reading and rendering."""
    assignment = setup.assignment
    questions = question_set(assignment)
    submissions: list[tuple[int, Submission]] = []
    rejections: list[tuple[int, Rejection]] = []
    for done, (place, path) in enumerate(files, start=1):
        for item in read_file(path, questions):
            if isinstance(item, Submission):
                submissions.append((place, item))
            else:
                rejections.append((place, item))
        if progress:
            progress("reading", done, len(files))
    handed_in = [s for _, s in submissions]
    variants = class_variants(assignment, [s.student_id for s in handed_in], setup.secret, setup.same_variant)
    key = compute_key(assignment, variants)
    notes = [variant_notes(assignment, key, row, s) for row, s in enumerate(handed_in)]
    graded = grade_class(assignment, key, handed_in, notes)
    renderer = FeedbackRenderer(assignment)
    feedback = []
    for done, item in enumerate(graded, start=1):
        student, instructor = renderer.copies(item, setup.overrides.get(item.student_id, ()))
        feedback.append(Feedback.of(student.markdown, student.html, instructor.markdown, instructor.html))
        if progress:
            progress("feedback", done, len(graded))
    marks = tuple((place, item.marks) for (place, _), item in zip(submissions, graded))
    return ShardResult(marks, tuple(feedback), tuple(rejections))


def variant_notes(assignment: Assignment, key: Key, row: int, submission: Submission) -> tuple[str, ...]:
    """A remark when the parameters a file carries are not the student's own variant."""
    if not submission.params:
        return ()
    differences = params_mismatch(assignment, submission.params, key.params(row))
    if not differences:
        return ()
    return (f"the parameters in this file differ from this student's variant ({'; '.join(differences[:3])}"
            f"{'; ...' if len(differences) > 3 else ''}); graded against the student's own variant",)


def merge(results: Sequence[ShardResult], skipped: Sequence[Skipped] = (),
          listing_rejections: Sequence[Rejection] = ()) -> GradedClass:
    """The shards' results in reading order, each student's newest submission kept."""
    graded = list(heapq.merge(*(zip(r.marks, r.feedback) for r in results), key=lambda pair: pair[0][0]))
    everyone = [marks for (_, marks), _ in graded]
    kept, superseded = newest_per_student(everyone)
    winners = {id(marks) for marks in kept}
    feedback = {marks.student_id: pages for (_, marks), pages in graded if id(marks) in winners}
    rejections = [r for _, r in heapq.merge(*(r.rejections for r in results), key=lambda pair: pair[0])]
    return GradedClass(tuple(kept), feedback, (*listing_rejections, *rejections), tuple(superseded), tuple(skipped))
