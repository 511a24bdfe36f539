"""The class roster: who should hand something in (CSV, as written by hand, Moodle or Canvas)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ConfigError
from grader.submissions.csv_format import decode

MAX_ROSTER_BYTES = 20_000_000

# Column names that hold the student id, most specific first (our own, Moodle, Canvas).
ID_COLUMNS = ("student_id", "student id", "id number", "idnumber", "sis user id", "sis_user_id",
              "matriculation number", "email address", "email", "username", "id")
NAME_COLUMNS = ("name", "student", "full name", "fullname")
FIRST_NAME_COLUMNS = ("first name", "firstname", "given name")
LAST_NAME_COLUMNS = ("last name", "lastname", "surname", "family name")


@dataclass(frozen=True)
class RosterEntry:
    student_id: str
    name: str = ""
    line: int = 0


@dataclass(frozen=True)
class Roster:
    file: str
    entries: tuple[RosterEntry, ...]
    id_column: str
    name_columns: tuple[str, ...] = ()

    @property
    def student_ids(self) -> tuple[str, ...]:
        return tuple(e.student_id for e in self.entries)

    @property
    def has_names(self) -> bool:
        return any(e.name for e in self.entries)

    def name_of(self, student_id: str) -> str:
        return next((e.name for e in self.entries if e.student_id == student_id), "")


def load_roster(path: str | Path) -> Roster:
    """Read a roster; an empty or duplicate id fails with the line it is on."""
    path = Path(path)
    file = str(path)
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise ConfigError(file, "(file)", f"a roster of at most {MAX_ROSTER_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(file, "(file)", f"a readable roster CSV ({exc.strerror})") from None
    text = decode(data)  # the same encodings a submission CSV may come in
    if text is None:
        raise ConfigError(file, "(file)", "text in UTF-8, UTF-16 or cp1252")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []  # (the line a row starts on, its cells): a quoted cell may span lines
    previous = 0
    for row in reader:
        numbered.append((previous + 1, row))
        previous = reader.line_num
    rows = [row for _, row in numbered]
    if not rows:
        raise ConfigError(file, "(header)", "a header row with a student_id column")
    header = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in header]
    id_at = _id_column(lowered, rows[1:])
    if id_at is None:
        raise ConfigError(file, "(header)",
                          f"a student id column ({', '.join(ID_COLUMNS[:6])}, ...); got {', '.join(header)}")
    name_at = _columns(lowered, NAME_COLUMNS)[:1] or (
        _columns(lowered, FIRST_NAME_COLUMNS)[:1] + _columns(lowered, LAST_NAME_COLUMNS)[:1])
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:
        if not any(cell.strip() for cell in row) or _canvas_header_row(row, id_at):
            continue
        student_id = row[id_at].strip() if id_at < len(row) else ""
        if not student_id:
            raise ConfigError(file, f"line {line}", f"a student id in column '{header[id_at]}', found none")
        if student_id in seen:
            raise ConfigError(file, f"line {line}",
                              f"a unique student id; '{student_id}' is already on line {seen[student_id]}")
        seen[student_id] = line
        name = " ".join(row[i].strip() for i in name_at if i < len(row) and row[i].strip())
        entries.append(RosterEntry(student_id, name, line))
    return Roster(file, tuple(entries), header[id_at], tuple(header[i] for i in name_at))


def _id_column(lowered: list[str], rows: list[list[str]]) -> int | None:
    """The first id column (in ``ID_COLUMNS`` order) that holds an id on some row: an export's
    "ID number" column is often left empty, and then "Email address" names the students."""
    present = [lowered.index(c) for c in ID_COLUMNS if c in lowered]
    filled = [at for at in present if any(at < len(row) and row[at].strip() for row in rows)]
    return (filled or present or [None])[0]


_CANVAS_ROWS = {"Points Possible", "Manual Posting"}


def _canvas_header_row(row: list[str], id_at: int) -> bool:
    """Canvas's gradebook export puts "Manual Posting" and "Points Possible" rows (no student)
    under the header."""
    no_id = id_at >= len(row) or not row[id_at].strip()
    return no_id and any(cell.strip() in _CANVAS_ROWS for cell in row)


def _columns(lowered: list[str], names: tuple[str, ...]) -> list[int]:
    return [lowered.index(n) for n in names if n in lowered]
