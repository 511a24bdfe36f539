"""Typed records that leave the readers: what a file said, and where it said it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, NamedTuple


class Source(NamedTuple):
    """Where a value was read: the file, and the line/row (1-based) or the cell (``B7``).

    ``Source`` and ``Answer`` are NamedTuples: immutable, and made by the hundred thousand
    for a class (a third of the cost of a frozen dataclass).
    """

    file: str
    row: int | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.cell:
            where += f", cell {self.cell}"
        elif self.row is not None:
            where += f", line {self.row}"
        return where


class Answer(NamedTuple):
    """One answer as handed in.

    ``question`` is the canonical question id (or the id as written when it is unknown);
    ``raw`` is the text as written; ``value`` the number read from it (``None`` for free
    text, blanks and unreadable text); ``problem`` says why a numeric answer could not be
    read (``None`` when it could, or for free text).
    """

    question: str
    raw: str
    value: float | None
    problem: str | None
    source: Source


@dataclass(frozen=True)
class Submission:
    """One student's answers from one file (a wide file yields one per row)."""

    student_id: str
    file: str
    answers: Mapping[str, Answer]
    params: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    modified: float = 0.0


@dataclass(frozen=True)
class Rejection:
    """A file (or a row of a wide file) that could not be read as a submission."""

    file: str
    reason: str
    student_id: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file that is clearly not a submission (lock file, hidden file, ...)."""

    file: str
    reason: str


@dataclass(frozen=True)
class Superseded:
    """An older file of a student who handed in a newer one; the newer one counts."""

    file: str
    student_id: str
    by: str


@dataclass(frozen=True)
class Batch:
    """Everything read from the paths given: nothing is dropped silently."""

    submissions: tuple[Submission, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    superseded: tuple[Superseded, ...] = ()
