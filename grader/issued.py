"""Variants as issued: ``key.csv`` (written by ``grader variants``) read back.

``grader grade --key key.csv`` and ``grader check --key key.csv`` grade each student against the
parameters their handout printed, even after the assignment file changed. ``load_issued(path,
assignment)`` returns an ``IssuedVariants`` or raises ``ConfigError`` naming the file, the line or
column, and what was expected.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from grader.assignment import Assignment
from grader.engine.variants import VariantTable
from grader.errors import ConfigError
from grader.submissions.csv_format import decode

MAX_KEY_BYTES = 200_000_000


@dataclass(frozen=True)
class IssuedVariants:
    """Each issued student's parameters (one row each), as the graph reads them."""

    file: str
    table: VariantTable
    row_of: Mapping[str, int]

    def __contains__(self, student_id: str) -> bool:
        return student_id in self.row_of

    def take(self, student_ids: Sequence[str]) -> VariantTable:
        """The issued variants of ``student_ids`` (every one of them must be in the key)."""
        table = self.table.take([self.row_of[s] for s in student_ids])
        return VariantTable(tuple(student_ids), table.columns, table.attempts)


def load_issued(path: str | Path, assignment: Assignment) -> IssuedVariants:
    """Read ``key.csv``: a ``student_id`` column and one column per parameter of ``assignment``
    (the answer columns, and any other, are not read: answers come from the sheet's graph)."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_KEY_BYTES:
            raise ConfigError(file, "(file)", f"a key of at most {MAX_KEY_BYTES} bytes, got {size} bytes")
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, "(file)", "an existing key file (key.csv from grader variants), "
                                          "got no such file") from None
    except OSError as exc:
        raise ConfigError(file, "(file)", f"a readable key file, got {exc.strerror or exc}") from None
    text = decode(data)
    if text is None:
        raise ConfigError(file, "(file)", "a text CSV file (key.csv from grader variants), got bytes that "
                                          "are not text in UTF-8, UTF-16 or cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ConfigError(file, "(file)", "a header row: student_id, then every parameter; got an empty file")
    header = [cell.strip() for cell in rows[0]]
    if "student_id" not in header:
        raise ConfigError(file, "line 1", f"a column 'student_id' (key.csv from grader variants), "
                                          f"got {', '.join(header[:6])}")
    missing = [p.name for p in assignment.parameters if p.name not in header]
    if missing:
        raise ConfigError(file, "line 1", f"a column for every parameter of {assignment.id}, "
                                          f"got none for {', '.join(missing)}")
    id_at = header.index("student_id")
    at = {p.name: header.index(p.name) for p in assignment.parameters}
    ids: list[str] = []
    row_of: dict[str, int] = {}
    values: dict[str, list[float]] = {name: [] for name in at}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        student_id = row[id_at].strip() if id_at < len(row) else ""
        if not student_id:
            raise ConfigError(file, f"line {line}", "a student id in column 'student_id', got an empty cell")
        if student_id in row_of:
            raise ConfigError(file, f"line {line}", f"each student once, got {student_id!r} a second time "
                                                    f"(first on line {row_of[student_id] + 2})")
        for spec in assignment.parameters:
            cell = row[at[spec.name]].strip() if at[spec.name] < len(row) else ""
            values[spec.name].append(_value(assignment, spec.name, cell, file, line))
        row_of[student_id] = len(ids)
        ids.append(student_id)
    columns = {name: np.array(column, dtype=float) for name, column in values.items()}
    return IssuedVariants(file, VariantTable(tuple(ids), columns, np.zeros(len(ids), dtype=np.int64)), row_of)


def _value(assignment: Assignment, name: str, cell: str, file: str, line: int) -> float:
    """A parameter's cell as the graph reads it: a number, or a class name's index."""
    names = assignment.sheet.categories.get(name)
    if names is not None:
        if cell not in names:
            raise ConfigError(file, f"line {line}: {name}", f"one of {', '.join(names)}, got {cell!r}")
        return float(names.index(cell))
    try:
        number = float(cell)
    except ValueError:
        raise ConfigError(file, f"line {line}: {name}", f"a number, got {cell!r}") from None
    if not np.isfinite(number):
        raise ConfigError(file, f"line {line}: {name}", f"a finite number, got {cell!r}")
    return number
