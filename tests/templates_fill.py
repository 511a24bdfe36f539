"""Blank answer templates filled in the way a student does it: numbers typed into the answer cells,
free text quoted where YAML needs it. Used by every test that round-trips templates through grading."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl


def typed(value: float | str) -> str:
    """A number as a student types it: 4 decimals."""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def fill_yaml(blank: Path, answers, into: Path) -> Path:
    lines = []
    for line in blank.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^  (\w+):(\s+)#", line)
        if match and match.group(1) in answers:
            value = answers[match.group(1)]
            text = typed(value) if isinstance(value, float) else json.dumps(value)  # quoted: it may hold a colon
            line = line.replace(f"{match.group(1)}:", f"{match.group(1)}: {text}", 1)
        lines.append(line)
    path = into / blank.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fill_csv(blank: Path, answers, into: Path) -> Path:
    rows = list(csv.reader(io.StringIO(blank.read_text(encoding="utf-8-sig"))))
    for row in rows[1:]:
        if row[0] in answers:
            row[1] = typed(answers[row[0]])
    path = into / blank.name
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return path


def fill_xlsx(blank: Path, answers, into: Path) -> Path:
    book = openpyxl.load_workbook(blank)
    for row in book["answers"].iter_rows(min_row=2):
        if row[0].value in answers:
            row[1].value = answers[row[0].value]
    path = into / blank.name
    book.save(path)
    return path


FILLERS = {"yaml": fill_yaml, "csv": fill_csv, "xlsx": fill_xlsx}


def fill_templates(folder: Path, stem: str, answers, into: Path, sheet: str = "practice09") -> dict[str, Path]:
    """Copies of the three blank templates in ``folder`` with ``answers`` typed in; format -> path."""
    into.mkdir(parents=True, exist_ok=True)
    return {fmt: fill(folder / f"{stem}_{sheet}.{fmt}", answers, into) for fmt, fill in FILLERS.items()}
