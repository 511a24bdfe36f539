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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, NamedTuple, Sequence

import numpy as np

from grader.assignment import Assignment
from grader.engine.variants import VariantTable, default_variant, draw_variants
from grader.grading import Marks, grade_class
from grader.issued import IssuedVariants
from grader.key import Key, compute_key, params_mismatch
from grader.overrides import Override
from grader.report.feedback import FeedbackRenderer
from grader.submissions import QuestionSet
from grader.submissions.archives import ArchiveReader
from grader.submissions.discover import Listed, newest_per_student, read_item
from grader.submissions.records import Rejection, Skipped, Submission, Superseded

Progress = Callable[[str, int, int], None]


def question_set(assignment: Assignment) -> QuestionSet:
    """The assignment's question ids, as the readers take them."""
    return QuestionSet(numeric=tuple(q.id for q in assignment.numeric_questions),
                       aliases=tuple((alias, q.id) for q in assignment.questions for alias in q.aliases),
                       text=tuple(q.id for q in assignment.text_questions))


def class_variants(assignment: Assignment, student_ids: Sequence[str], secret: str | None,
                   same_variant: bool, issued: IssuedVariants | None = None
                   ) -> tuple[VariantTable, list[tuple[str, ...]]]:
    """Each student's own variant (as issued in ``key.csv`` where one is given), or the sheet's own
    numbers for everyone; with a remark for each student the key does not list."""
    ids = tuple(student_ids)
    notes: list[tuple[str, ...]] = [()] * len(ids)
    if same_variant:
        table = default_variant(assignment).take([0] * len(ids))
        return VariantTable(ids, table.columns, table.attempts), notes
    if issued is None:
        return draw_variants(assignment, ids, secret), notes
    listed = [i for i, s in enumerate(ids) if s in issued]
    if len(listed) == len(ids):
        return issued.take(ids), notes
    drawn = draw_variants(assignment, ids, secret)
    if listed:
        rows = np.array(listed, dtype=np.intp)
        given = issued.take([ids[i] for i in listed])
        for name, column in drawn.columns.items():
            column[rows] = given.columns[name]
    listed_set = set(listed)
    absent = (f"not in {Path(issued.file).name}: graded against the variant drawn for this id",)
    return drawn, [absent if i not in listed_set else () for i in range(len(ids))]


@dataclass(frozen=True)
class ClassSetup:
    """What every shard needs, the same for all of them."""

    assignment: Assignment
    secret: str | None = None
    same_variant: bool = False
    overrides: Mapping[str, tuple[Override, ...]] = field(default_factory=dict)  # by student id
    issued: IssuedVariants | None = None  # key.csv: the variants as handed out


Page = bytes | memoryview  # a page from another process arrives as a view of its result file


class Feedback(NamedTuple):
    """One student's feedback pages, UTF-8 encoded, ready for the archives."""

    student_md: Page
    student_html: Page
    instructor_md: Page
    instructor_html: Page

    @classmethod
    def of(cls, student_md: str, student_html: str, instructor_md: str, instructor_html: str) -> Feedback:
        pages = [page.encode() for page in (student_md, student_html, instructor_md, instructor_html)]
        return cls(*pages)  # type: ignore[arg-type]


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


def deal(files: Sequence[Listed], shards: int) -> list[list[tuple[int, Listed]]]:
    """``files`` dealt out in turn to ``shards`` shards, each file with its place in the reading order."""
    numbered = list(enumerate(files))
    return [numbered[k::shards] for k in range(max(1, min(shards, len(numbered))))]


def grade_shard(setup: ClassSetup, files: Sequence[tuple[int, Listed]], progress: Progress | None = None) -> ShardResult:
    """Read, grade and render feedback for ``files`` (files, or entries of an archive that this
    process opens for itself); ``progress`` hears of reading and rendering."""
    assignment = setup.assignment
    questions = question_set(assignment)
    submissions: list[tuple[int, Submission]] = []
    rejections: list[tuple[int, Rejection]] = []
    with ArchiveReader() as archives:
        for done, (place, path) in enumerate(files, start=1):
            for item in read_item(path, questions, archives):
                if isinstance(item, Submission):
                    submissions.append((place, item))
                else:
                    rejections.append((place, item))
            if progress:
                progress("reading", done, len(files))
    handed_in = [s for _, s in submissions]
    variants, absent = class_variants(assignment, [s.student_id for s in handed_in], setup.secret,
                                      setup.same_variant, setup.issued)
    key = compute_key(assignment, variants)
    notes = [(*absent[row], *variant_notes(assignment, key, row, s)) for row, s in enumerate(handed_in)]
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
    more = f" and {len(differences) - 1} more" if len(differences) > 1 else ""
    return (f"the parameters in this file are not this student's variant ({differences[0]}{more}); "
            f"graded against the student's own variant",)


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


def flag_similar(setup: ClassSetup, flagged: Sequence[tuple[Marks, str]],
                 feedback: Mapping[str, Feedback], listed: Mapping[str, Listed] | None = None) -> dict[str, Feedback]:
    """The pages of each flagged student (``(marks, other student's id)``) with the instructor's copy
    rendered anew, noting that the answers fit the other student's variant: that is known only once
    the whole class is graded. The student's copy stays as it was. Each file is read once (an
    archive's entry as ``listed``, by its name, says where it is)."""
    assignment = setup.assignment
    questions = question_set(assignment)
    submissions: list[Submission] = []
    notes: list[str] = []
    listed, groups = listed or {}, _by_file(flagged)
    with ArchiveReader() as archives:
        read = {file: read_item(listed.get(file) or Path(file), questions, archives) for file in groups}
    for file, group in groups.items():
        found = {item.student_id: item for item in read[file]
                 if isinstance(item, Submission)}  # the last of an id in reading order, as merge keeps it
        for marks, other in group:
            if marks.student_id in found:  # else the file changed under us: its pages stay as they are
                submissions.append(found[marks.student_id])
                notes.append(f"similar_to {other}: most of these answers fit {other}'s variant and not this "
                             f"student's own (a flag for a person; no points were changed)")
    if not submissions:
        return {}
    variants, absent = class_variants(assignment, [s.student_id for s in submissions], setup.secret,
                                      setup.same_variant, setup.issued)
    key = compute_key(assignment, variants)
    all_notes = [(*absent[row], *variant_notes(assignment, key, row, s), notes[row])
                 for row, s in enumerate(submissions)]
    renderer = FeedbackRenderer(assignment)
    pages = {}
    for graded in grade_class(assignment, key, submissions, all_notes):
        _, instructor = renderer.copies(graded, setup.overrides.get(graded.student_id, ()))
        pages[graded.student_id] = feedback[graded.student_id]._replace(
            instructor_md=instructor.markdown.encode(), instructor_html=instructor.html.encode())
    return pages


def _by_file(flagged: Sequence[tuple[Marks, str]]) -> dict[str, list[tuple[Marks, str]]]:
    groups: dict[str, list[tuple[Marks, str]]] = {}
    for marks, other in flagged:
        groups.setdefault(marks.file, []).append((marks, other))
    return groups
