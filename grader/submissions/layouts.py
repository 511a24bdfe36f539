"""Rows of cells (a CSV file or a sheet) read in the long or the wide layout.

Long: a header row with ``question`` and ``answer`` columns, then one row per
question; a row labelled ``student_id`` names the student and ``param:`` rows carry
the variant's parameters. Wide: a header row whose first column is ``student_id``
and whose other columns are question ids (or ``param:`` names); one row per student.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from grader.submissions.draft import Draft, Origin, rejection, where
from grader.submissions.ids import QuestionSet, canonical_question, is_student_id_label
from grader.submissions.numbers import cell_text, parse_number
from grader.submissions.records import Rejection, Source, Submission

# How far down a header row (or a labelled student id) is looked for.
HEADER_SEARCH_ROWS = 20

_PARAM_PREFIX = "param:"


@dataclass(frozen=True)
class Grid:
    """The cells of a file, and how to name where a cell sits.

    ``locate(row, column)`` (both 0-based) gives the ``Source`` of a cell;
    ``problems`` maps cells the reader already knows are unreadable to the reason;
    ``comma_split`` is set for a ``,``-delimited CSV file, where an unquoted decimal
    comma splits a number into two fields (``s1,-0,53``) that are joined again.
    """

    rows: Sequence[Sequence[object]]
    locate: Callable[[int, int], Source]
    problems: Mapping[tuple[int, int], str] = field(default_factory=dict)
    comma_split: bool = False


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


# The two halves of a number split by an unquoted decimal comma: an optionally signed
# integer, then digits (with an optional exponent).
_INTEGER_PART = re.compile(r"\s*[+\-\u2212]?[0-9]+")
_FRACTION_PART = re.compile(r"[0-9]+(?:[eE][+-]?[0-9]+)?\s*")

_SPLIT_ADVICE = "put numbers with a decimal comma in quotes, or use ';' as the delimiter"
_ROW_QUOTE_LIMIT = 120


def _width(grid: Grid, header: int) -> int:
    """How many fields a row may have before it has extra ones: the header's, up to its
    last non-blank cell (no limit for a file that is not a ``,``-delimited CSV, or has no header)."""
    if not grid.comma_split or header < 0:
        return sys.maxsize
    cells = grid.rows[header]
    width = len(cells)
    while width and _is_blank(cells[width - 1]):
        width -= 1
    return width


def _filled(row: Sequence[object], width: int) -> int:
    """The number of fields of ``row`` up to its last non-blank one (at least ``width``)."""
    n = len(row)
    while n > width and _is_blank(row[n - 1]):
        n -= 1
    return n


def _is_split(row: Sequence[object], p: int) -> bool:
    """Whether fields ``p`` and ``p + 1`` look like one number split at its decimal comma."""
    first, second = row[p], row[p + 1]
    return (
        type(first) is str
        and type(second) is str
        and _INTEGER_PART.fullmatch(first) is not None  # type: ignore[arg-type]
        and _FRACTION_PART.fullmatch(second) is not None  # type: ignore[arg-type]
    )


def _row_text(row: Sequence[object], n: int) -> str:
    """The first ``n`` fields of a CSV row as written, in single quotes (quoted fields re-quoted)."""
    fields = []
    for cell in row[:n]:
        text = cell_text(cell)
        if "," in text or '"' in text or "\n" in text or "\r" in text:
            text = '"' + text.replace('"', '""') + '"'
        fields.append(text)
    text = ",".join(fields).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if len(text) > _ROW_QUOTE_LIMIT:
        text = text[: _ROW_QUOTE_LIMIT - 1] + "\u2026"
    return f"'{text}'"


def _split_problem(row: Sequence[object], n: int) -> str:
    return (
        f"could not read the row {_row_text(row, n)} one way only: quote numbers with a decimal comma"
        " (\"0,53\") or use ';' as the delimiter"
    )


def _number_text(value: float | None) -> str:
    return repr(value) if value is not None else "nothing"


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
    width = _width(grid, layout.header)
    for r in range(layout.header + 1, len(rows)):
        row = rows[r]
        if len(row) > width and _read_long_extra(grid, layout, r, width, draft):
            continue
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


def _read_long_extra(grid: Grid, layout: _Long, r: int, width: int, draft: Draft) -> bool:
    """A long-layout row of a ``,`` CSV with more fields than the header; False when the
    row is read as usual (its extra fields are blank, or it is not an answer or a parameter).

    The extra fields are taken to follow the answer field: one integer field then one
    digits field is a number split by a decimal comma, joined again (and noted); extra
    fields after an answer that cannot be split are a text column's (a prompt with a
    comma); any other row is unreadable, the row quoted.
    """
    row = grid.rows[r]
    n = _filled(row, width)
    if n <= width:
        return False  # trailing empty fields
    extra = n - width
    a, q = layout.answer, layout.question
    split = _is_split(row, a)
    if not split and a < width - 1:
        return False  # the extra fields belong to a text column after the answer
    joined = split and extra == 1
    label = cell_text(row[q + extra if q > a else q]).strip()
    folded = label.casefold()
    if not label or is_student_id_label(label) or folded == "question":
        return False
    raw = ",".join(cell_text(cell) for cell in row[a : a + extra + 1])
    source = grid.locate(r, a)
    if joined:
        value, _ = parse_number(raw)
        draft.note(
            f"{where(source)}: {_row_text(row, n)} has an unquoted decimal comma; read as {_number_text(value)}"
            f" ({_SPLIT_ADVICE})"
        )
        problem = grid.problems.get((r, a))
    else:
        problem = _split_problem(row, n)
    if folded.startswith(_PARAM_PREFIX):
        draft.add_param(label[len(_PARAM_PREFIX) :], raw)
    else:
        draft.add_answer(label, raw, source, problem)
    return True


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
    width = _width(grid, layout.header)
    labels = {c: label for c, label in columns}
    found: list[Submission | Rejection] = []
    for r in range(layout.header + 1, len(grid.rows)):
        row = grid.rows[r]
        if all(_is_blank(cell) for cell in row):
            continue
        draft = Draft(origin, questions, use_name_id=False)
        draft.set_student_id(_cell(row, layout.student_id))
        unreadable = None
        if len(row) > width:
            row, unreadable = _rejoin_wide(grid, r, width, layout.student_id, labels, draft)
        for c, label in columns:
            cell = _cell(row, c)
            if label.casefold().startswith(_PARAM_PREFIX):
                draft.add_param(label[len(_PARAM_PREFIX) :], cell)
            else:
                draft.add_answer(label, cell, grid.locate(r, c), unreadable or grid.problems.get((r, c)))
        found.append(draft.finish(grid.locate(r, layout.student_id)))
    if not found:
        header = grid.locate(layout.header, layout.student_id)
        return [rejection(origin, "a 'student_id' header row but no student rows under it", header)]
    return found


def _rejoin_wide(
    grid: Grid, r: int, width: int, first: int, labels: Mapping[int, str], draft: Draft
) -> tuple[Sequence[object], str | None]:
    """A wide-layout row of a ``,`` CSV with ``k`` more fields than the header: the row with
    its split numbers joined again (each noted), and ``None``; or the row as it is and the
    problem given to all its answers when it cannot be read one way only.

    Rule: the row is rejoined when exactly one choice of ``k`` non-overlapping field pairs
    after the student id (an integer field, then a digits field) exists; else it is unreadable.
    """
    row = grid.rows[r]
    n = _filled(row, width)
    if n <= width:
        return row, None  # trailing empty fields
    extra = n - width
    pairs = [p for p in range(first + 1, n - 1) if _is_split(row, p)]
    chosen = _only_choice(pairs, extra)
    if chosen is None:
        return row, _split_problem(row, n)
    joined: list[object] = []
    notes = []
    p = 0
    while p < n:
        if p in chosen:
            text = f"{cell_text(row[p])},{cell_text(row[p + 1])}"
            c = len(joined)
            value, _ = parse_number(text)
            column = f"'{labels[c]}'" if c in labels else str(c + 1)
            notes.append(
                f"{where(grid.locate(r, c))}, column {column}: {_row_text(row, n)} has an unquoted decimal comma;"
                f" read '{text}' as {_number_text(value)} ({_SPLIT_ADVICE})"
            )
            joined.append(text)
            p += 2
        else:
            joined.append(row[p])
            p += 1
    for text in notes:
        draft.note(text)
    return joined, None


def _only_choice(pairs: Sequence[int], k: int) -> frozenset[int] | None:
    """The one set of ``k`` non-overlapping pairs (``p`` and ``p + 1``) among ``pairs``
    (sorted starting fields), or ``None`` when there is none or more than one."""
    if len(pairs) < k:
        return None
    count = len(pairs)
    after = [next((j for j in range(i + 1, count) if pairs[j] >= pairs[i] + 2), count) for i in range(count)]
    # ways[i][m]: the ways (counted up to 2) to choose m pairs among pairs[i:]
    ways = [[0] * (k + 1) for _ in range(count + 1)]
    for i in range(count, -1, -1):
        ways[i][0] = 1
        if i < count:
            for m in range(1, k + 1):
                ways[i][m] = min(2, ways[i + 1][m] + ways[after[i]][m - 1])
    if ways[0][k] != 1:
        return None
    chosen = []
    i, m = 0, k
    while m:
        if ways[after[i]][m - 1] == 1 and ways[i + 1][m] == 0:
            chosen.append(pairs[i])
            i, m = after[i], m - 1
        else:
            i += 1
    return frozenset(chosen)
