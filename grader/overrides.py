"""A person's points for a question (``student_id,question,points,comment``); never erases the automatic score."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from grader.errors import ConfigError

COLUMNS = ("student_id", "question", "points", "comment")


@dataclass(frozen=True)
class Override:
    student_id: str
    question: str
    points: float
    comment: str = ""
    line: int = 0


def with_overrides(automatic: Mapping[str, float], overrides: Iterable[Override]) -> dict[str, float]:
    """Points per question as they count: a person's points where given, else the automatic ones."""
    points = dict(automatic)
    for override in overrides:
        points[override.question] = override.points
    return points


def load_overrides(path: str | Path, max_points: dict[str, float]) -> tuple[Override, ...]:
    """Read an overrides CSV (``,`` or ``;``); ``max_points`` maps each question id to its points.

    Question ids match as anywhere else (``dE/dw5`` is ``dE_dw5``); a decimal comma is read
    where it is unambiguous (quoted, or with ``;``). A malformed row fails with its line.
    """
    from grader.submissions.ids import QuestionSet, canonical_question

    file = str(path)
    questions = QuestionSet(numeric=tuple(max_points))
    from grader.submissions.csv_format import decode

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(file, "(file)", f"a readable CSV file, got {exc.strerror or exc}") from None
    text = decode(data)  # as a spreadsheet program saves it: UTF-8 (with or without BOM), UTF-16, cp1252
    if text is None:
        raise ConfigError(file, "(file)", "text in UTF-8, UTF-16 or cp1252, got bytes that are none of them")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    if [h.strip().lower() for h in header[:3]] != list(COLUMNS[:3]):
        raise ConfigError(file, "line 1", f"the header {','.join(COLUMNS)}, got {','.join(header) or 'an empty line'}")
    overrides: list[Override] = []
    seen: dict[tuple[str, str], int] = {}
    line = reader.line_num
    for row in reader:
        line, start = reader.line_num, line + 1  # a quoted cell may span lines: name the first
        if not any(cell.strip() for cell in row):
            continue
        where = f"line {start}"
        if len(row) > 4 and any(cell.strip() for cell in row[4:]):
            raise ConfigError(file, where, f"4 columns (student_id,question,points,comment), got {len(row)}: "
                                           "quote a decimal comma (\"0,5\") or write 0.5")
        student_id, question, points, comment = ([c.strip() for c in row] + [""] * 4)[:4]
        if not student_id:
            raise ConfigError(file, where, "a student_id, got an empty cell")
        canonical = canonical_question(question, questions)
        if canonical is None:
            raise ConfigError(file, where, f"a question id of the assignment, got {question!r}")
        try:
            value = float(points.replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ConfigError(file, where, f"points as a number, got {points!r}")
        if not max_points[canonical] and value:
            raise ConfigError(file, where, f"no points for {canonical}, which is worth 0 in the assignment file "
                                           f"(give the question points: N there to grade it by hand), got {points!r}")
        if not 0.0 <= value <= max_points[canonical]:
            raise ConfigError(file, where, f"points between 0 and {max_points[canonical]:g} for {canonical} "
                                           f"(its points in the assignment file), got {points!r}")
        if (student_id, canonical) in seen:
            raise ConfigError(file, where, f"one override per student and question, got {student_id}/{canonical} "
                                           f"again (already on line {seen[student_id, canonical]})")
        seen[student_id, canonical] = start
        overrides.append(Override(student_id, canonical, value, comment, start))
    return tuple(overrides)
