"""A person's points for a question (``student_id,question,points,comment``); never erases the automatic score."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from grader.errors import ConfigError

COLUMNS = ("student_id", "question", "points", "comment")


@dataclass(frozen=True)
class Override:
    student_id: str
    question: str
    points: float
    comment: str = ""
    line: int = 0


def load_overrides(path: str | Path, question_ids: Iterable[str]) -> tuple[Override, ...]:
    """Read an overrides CSV; a malformed row fails with its line."""
    file = str(path)
    known = set(question_ids)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, "(file)", f"a readable UTF-8 CSV ({exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip().lower() for h in rows[0][:3]] != list(COLUMNS[:3]):
        raise ConfigError(file, "line 1", f"the header {','.join(COLUMNS)}")
    overrides: list[Override] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [c.strip() for c in row] + [""] * (4 - len(row))
        student_id, question, points, comment = cells[:4]
        if not student_id:
            raise ConfigError(file, f"line {line}", "a student_id")
        if question not in known:
            raise ConfigError(file, f"line {line}", f"a question id of the assignment, got {question!r}")
        try:
            value = float(points.replace(",", "."))
        except ValueError:
            raise ConfigError(file, f"line {line}", f"points as a number, got {points!r}") from None
        if (student_id, question) in seen:
            earlier = seen[student_id, question]
            raise ConfigError(file, f"line {line}", f"one override per student and question; "
                                                    f"{student_id}/{question} is already on line {earlier}")
        seen[student_id, question] = line
        overrides.append(Override(student_id, question, value, comment, line))
    return tuple(overrides)
