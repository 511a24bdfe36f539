"""What grading gives back: a verdict per numeric question, its points and why; a submission's marks.

Typed records only; ``grader.grading`` decides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from operator import itemgetter
from typing import Mapping, NamedTuple

from grader.submissions.records import Answer, Submission


class Verdict(Enum):
    CORRECT = "correct"
    FOLLOW_THROUGH = "follow-through"
    SLIP = "slip"
    WRONG = "wrong"
    UNREADABLE = "unreadable"
    MISSING = "missing"

    # Identity hashing in C (Enum's own hashes the name in Python): verdicts are counted and
    # looked up by the hundred thousand. Equality is identity already, so the two agree.
    __hash__ = object.__hash__

    @property
    def outcome(self) -> str:
        """The outcome's name in the self-check's JSON: ``correct``, ``follow_through``, ..."""
        return self.name.lower()


class Outcome(NamedTuple):
    """One numeric question of one student: the verdict, the points and what feedback needs.

    ``expected`` is the reference value (for the instructor only); ``recomputed`` the value
    follow-through or the slip leads to from the student's own earlier answers. (A NamedTuple:
    immutable like the other records, and cheap to make by the hundred thousand.)
    """

    question: str
    verdict: Verdict
    points: float
    max_points: float
    answer: Answer | None
    expected: float
    allowed: float
    message: str
    recomputed: float | None = None
    slip: str | None = None
    upstream: tuple[str, ...] = ()


class Marks(NamedTuple):
    """What the gradebook, the workbook and the statistics keep of one graded submission.

    Plain values only, so that a process that graded part of a class sends them back cheaply;
    the full ``GradedSubmission`` (answers, messages, sources) stays where the feedback is written.
    """

    student_id: str
    file: str
    modified: float                 # the file's modification time: the newest file of a student counts
    verdicts: tuple[Verdict, ...]   # per numeric question, in the assignment's order
    slips: tuple[str | None, ...]   # the named slip charged per numeric question (verdict slip), else None
    points: dict[str, float]        # automatic points: numeric questions and keyword-scored free text
    free_text: dict[str, str]       # free-text answers as written
    # Per numeric question, for the class-wide search for copied answers (``grader.similarity``):
    values: tuple[float, ...] = ()    # the number read (NaN where none)
    expected: tuple[float, ...] = ()  # the student's own reference value
    allowed: tuple[float, ...] = ()   # its tolerance


_QUESTION, _VERDICT, _POINTS, _EXPECTED, _ALLOWED = (
    itemgetter(Outcome._fields.index(name)) for name in ("question", "verdict", "points", "expected", "allowed"))
_NAN = float("nan")


@dataclass(frozen=True)
class GradedSubmission:
    submission: Submission
    outcomes: tuple[Outcome, ...]
    free_text: Mapping[str, Answer]
    notes: tuple[str, ...] = ()
    keyword_outcomes: tuple[Outcome, ...] = ()  # free-text questions the assignment gives keywords for

    @property
    def student_id(self) -> str:
        return self.submission.student_id

    @property
    def total(self) -> float:
        return sum(o.points for o in (*self.outcomes, *self.keyword_outcomes))

    @property
    def max_total(self) -> float:
        return sum(o.max_points for o in (*self.outcomes, *self.keyword_outcomes))

    def outcome(self, question_id: str) -> Outcome:
        return self.by_question[question_id]

    @cached_property
    def by_question(self) -> dict[str, Outcome]:
        return {o.question: o for o in self.outcomes}

    @property
    def marks(self) -> Marks:
        scored = (*self.outcomes, *self.keyword_outcomes)
        return Marks(
            self.submission.student_id,
            self.submission.file,
            self.submission.modified,
            tuple(map(_VERDICT, self.outcomes)),
            tuple(o.slip if o.verdict is Verdict.SLIP else None for o in self.outcomes),
            dict(zip(map(_QUESTION, scored), map(_POINTS, scored))),
            {question: answer.raw for question, answer in self.free_text.items()},
            tuple(_NAN if o.answer is None or o.answer.value is None else o.answer.value for o in self.outcomes),
            tuple(map(_EXPECTED, self.outcomes)),
            tuple(map(_ALLOWED, self.outcomes)),
        )
