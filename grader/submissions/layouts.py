"""Rows of cells (a CSV file or a sheet) read in the long or the wide layout.

Long: a header row with ``question`` and ``answer`` columns, then one row per
question; a row labelled ``student_id`` names the student and ``param:`` rows carry
the variant's parameters. Wide: a header row whose first column is ``student_id``
and whose other columns are question ids (or ``param:`` names); one row per student.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from grader.submissions.draft import Draft, Origin, rejection, where
from grader.submissions.ids import QuestionSet, canonical_question, is_student_id_label
from grader.submissions.numbers import cell_text
from grader.submissions.records import Rejection, Source, Submission

# How far down a header row (or a labelled student id) is looked for.
HEADER_SEARCH_ROWS = 20

_PARAM_PREFIX = "param:"


@dataclass(frozen=True)
class Grid:
    """The cells of a file, and how to name where a cell sits.

    ``locate(row, column)`` (both 0-based) gives the ``Source`` of a cell;
    ``problems`` maps cells the reader already knows are unreadable to the reason.
    """

    rows: Sequence[Sequence[object]]
    locate: Callable[[int, int], Source]
    problems: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Long:
    header: int  # row index of the header, -1 when the file has none
    question: int
    answer: int


@dataclass(frozen=True)
class _Wide:
    header: int
    student_id: int


@dataclass(frozen=True)
class _NoLayout:
    source: Source
    reason: str


def read_grid(grid: Grid, origin: Origin, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in ``grid``: one for the long layout, one per row for the wide."""
    layout = _find_layout(grid, questions)
    if isinstance(layout, _Wide):
        return _read_wide(grid, layout, origin, questions)
    if isinstance(layout, _Long):
        return [_read_long(grid, layout, origin, questions)]
    return [rejection(origin, layout.reason, layout.source)]


def _label(cell: object) -> str:
    return cell.strip().casefold() if type(cell) is str else ""  # type: ignore[union-attr]


def _cell(row: Sequence[object], column: int) -> object:
    return row[column] if column < len(row) else None


def _is_blank(cell: object) -> bool:
    return not cell_text(cell).strip()


def _find_layout(grid: Grid, questions: QuestionSet) -> _Long | _Wide | _NoLayout:
    """The layout of ``grid``, or where and why none was found."""
    question_only: int | None = None
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        labels = [_label(cell) for cell in row]
        if "question" in labels:
            if "answer" in labels:
                return _Long(r, labels.index("question"), labels.index("answer"))
            question_only = r if question_only is None else question_only
        first = next((c for c, label in enumerate(labels) if label), None)
        if first is not None and is_student_id_label(labels[first]):
            if any(canonical_question(label, questions) for label in labels[first + 1 :] if label):
                return _Wide(r, first)
    if question_only is not None:
        column = [_label(cell) for cell in grid.rows[question_only]].index("question")
        return _NoLayout(grid.locate(question_only, column), "a 'question' column but no 'answer' column")
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        for c, cell in enumerate(row):
            if type(cell) is str and canonical_question(cell, questions):
                return _Long(-1, c, c + 1)
    return _NoLayout(
        grid.locate(0, 0),
        f"no header row with 'question' and 'answer' columns (looked in the first {HEADER_SEARCH_ROWS} rows),"
        " and no question ids",
    )


def _read_long(grid: Grid, layout: _Long, origin: Origin, questions: QuestionSet) -> Submission | Rejection:
    draft = Draft(origin, questions)
    if layout.header < 0:
        draft.note(f"no 'question,answer' header row: read question ids from column {layout.question + 1}")
    rows = grid.rows
    for r in range(layout.header + 1, len(rows)):
        row = rows[r]
        label = cell_text(_cell(row, layout.question)).strip()
        answer = _cell(row, layout.answer)
        if not label:
            if not _is_blank(answer):
                draft.note(f"an answer with no question id ({where(grid.locate(r, layout.answer))})")
            continue
        folded = label.casefold()
        if is_student_id_label(label):
            draft.set_student_id(answer)
        elif folded.startswith(_PARAM_PREFIX):
            draft.add_param(label[len(_PARAM_PREFIX) :], answer)
        elif folded != "question":  # a repeated header row
            draft.add_answer(label, answer, grid.locate(r, layout.answer), grid.problems.get((r, layout.answer)))
    if not draft.student_id:
        _find_labelled_student_id(grid, draft)
    return draft.finish()


def _find_labelled_student_id(grid: Grid, draft: Draft) -> None:
    """A ``Student ID`` label anywhere near the top, with the id in the cell to its right."""
    for row in grid.rows[:HEADER_SEARCH_ROWS]:
        for c, cell in enumerate(row[:-1]):
            if type(cell) is str and is_student_id_label(cell) and not _is_blank(row[c + 1]):
                draft.set_student_id(row[c + 1])
                return


def _read_wide(grid: Grid, layout: _Wide, origin: Origin, questions: QuestionSet) -> list[Submission | Rejection]:
    header = grid.rows[layout.header]
    columns = [
        (c, cell_text(header[c]).strip())
        for c in range(layout.student_id + 1, len(header))
        if not _is_blank(header[c])
    ]
    found: list[Submission | Rejection] = []
    for r in range(layout.header + 1, len(grid.rows)):
        row = grid.rows[r]
        if all(_is_blank(cell) for cell in row):
            continue
        draft = Draft(origin, questions, use_name_id=False)
        draft.set_student_id(_cell(row, layout.student_id))
        for c, label in columns:
            cell = _cell(row, c)
            if label.casefold().startswith(_PARAM_PREFIX):
                draft.add_param(label[len(_PARAM_PREFIX) :], cell)
            else:
                draft.add_answer(label, cell, grid.locate(r, c), grid.problems.get((r, c)))
        found.append(draft.finish(grid.locate(r, layout.student_id)))
    if not found:
        header = grid.locate(layout.header, layout.student_id)
        return [rejection(origin, "a 'student_id' header row but no student rows under it", header)]
    return found
