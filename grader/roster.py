"""The class roster: who should hand something in (CSV or a spreadsheet, written by hand or
exported from Moodle or Canvas).

Besides the student id and the name, a roster may carry an ``lms_id`` column (the Moodle
participant number or the Canvas user id, which an LMS download names its files by; a Canvas
gradebook export's ``ID`` column serves) and an ``email`` column (``Email address``), through
which the rows of an LMS grade sheet are matched.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Mapping

from python_calamine import CalamineWorkbook

from grader.errors import ConfigError
from grader.submissions.csv_format import decode
from grader.submissions.numbers import cell_text

MAX_ROSTER_BYTES = 20_000_000
MAX_WORKBOOK_UNPACKED_BYTES = 200 * 1024 * 1024

# Column names that hold the student id, most specific first (our own, Moodle, Canvas).
ID_COLUMNS = ("student_id", "student id", "id number", "idnumber", "sis user id", "sis_user_id",
              "matriculation number", "email address", "email", "username", "id")
NAME_COLUMNS = ("name", "student", "full name", "fullname")
FIRST_NAME_COLUMNS = ("first name", "firstname", "given name")
LAST_NAME_COLUMNS = ("last name", "lastname", "surname", "family name")
LMS_ID_COLUMNS = ("lms_id", "lms id")
EMAIL_COLUMNS = ("email", "email address", "e-mail", "e-mail address")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")

# Canvas's student view adds this student to every course; it is nobody to grade.
_TEST_STUDENT = frozenset({"test student", "student, test"})


@dataclass(frozen=True)
class RosterEntry:
    student_id: str
    name: str = ""
    line: int = 0
    lms_id: str = ""
    email: str = ""


@dataclass(frozen=True)
class Roster:
    file: str
    entries: tuple[RosterEntry, ...]
    id_column: str
    name_columns: tuple[str, ...] = ()
    lms_id_column: str = ""
    email_column: str = ""
    notes: tuple[str, ...] = ()  # rows left out on purpose (Canvas's Test Student), one line each

    @property
    def student_ids(self) -> tuple[str, ...]:
        return tuple(e.student_id for e in self.entries)

    @property
    def has_names(self) -> bool:
        return any(e.name for e in self.entries)

    def name_of(self, student_id: str) -> str:
        return next((e.name for e in self.entries if e.student_id == student_id), "")

    @cached_property
    def by_lms_id(self) -> Mapping[str, str]:
        """LMS id (Moodle participant number, Canvas user id) -> student id, where the roster gives one."""
        return {e.lms_id: e.student_id for e in self.entries if e.lms_id}

    @cached_property
    def by_email(self) -> Mapping[str, str]:
        """E-mail address (case-folded) -> student id, where the roster gives one."""
        return {e.email.casefold(): e.student_id for e in self.entries if e.email}


def load_roster(path: str | Path) -> Roster:
    """Read a roster (CSV, or the first sheet of .xlsx, .ods, .xls); an empty or duplicate id
    fails with the line (row) it is on."""
    path = Path(path)
    file = str(path)
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise ConfigError(file, "(file)", f"a roster of at most {MAX_ROSTER_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(file, "(file)", f"a readable roster CSV or spreadsheet ({exc.strerror})") from None
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        numbered, place = _workbook_rows(data, file), "row"
    else:
        numbered, place = _csv_rows(data, file), "line"
    return _roster(file, numbered, place)


def _csv_rows(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    """(the line a row starts on, its cells): a quoted cell may span lines."""
    text = decode(data)  # the same encodings a submission CSV may come in
    if text is None:
        raise ConfigError(file, "(file)", "text in UTF-8, UTF-16 or cp1252")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for row in reader:
            numbered.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error as exc:
        raise ConfigError(file, f"line {reader.line_num}", f"CSV that can be read ({exc})") from None
    return numbered


def _workbook_rows(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text (``12345.0`` -> ``"12345"``), numbered as the spreadsheet shows them."""
    expected = "a spreadsheet (.xlsx, .ods or .xls) that opens, without a password"
    if data[:4] == b"PK\x03\x04":  # .xlsx and .ods are zip archives: bounded before calamine unpacks them
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise ConfigError(file, "(file)", f"{expected}; got a damaged zip archive ({exc})") from None
        if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
            raise ConfigError(file, "(file)", f"a workbook that unpacks to at most "
                                              f"{MAX_WORKBOOK_UNPACKED_BYTES // 2**20} MB, got {unpacked // 2**20} MB")
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a pyo3 panic derives from BaseException
        raise ConfigError(file, "(file)", f"{expected}; it could not be read ({type(exc).__name__}: {exc})") from None
    return [(number, [cell_text(cell) for cell in row]) for number, row in enumerate(rows, start=1)]


def _roster(file: str, numbered: list[tuple[int, list[str]]], place: str) -> Roster:
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
    lms_at = _lms_id_column(lowered, id_at)
    email_at = (_columns(lowered, EMAIL_COLUMNS) or [None])[0]
    entries: list[RosterEntry] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    seen_lms: dict[str, int] = {}
    for line, row in numbered[1:]:
        if not any(cell.strip() for cell in row) or _canvas_header_row(row, id_at):
            continue
        name = " ".join(_cell(row, i) for i in name_at if _cell(row, i))
        if name.casefold() in _TEST_STUDENT:
            notes.append(f"{file}: {place} {line}: Canvas's \"Test Student\" left out (not a student)")
            continue
        student_id = _cell(row, id_at)
        if not student_id:
            raise ConfigError(file, f"{place} {line}", f"a student id in column '{header[id_at]}', found none")
        if student_id in seen:
            raise ConfigError(file, f"{place} {line}",
                              f"a unique student id; '{student_id}' is already on {place} {seen[student_id]}")
        seen[student_id] = line
        lms_id = _cell(row, lms_at) if lms_at is not None else ""
        if lms_id in seen_lms:
            raise ConfigError(file, f"{place} {line}",
                              f"a unique {header[lms_at]}; '{lms_id}' is already on {place} {seen_lms[lms_id]}")
        if lms_id:
            seen_lms[lms_id] = line
        email = _cell(row, email_at) if email_at is not None else ""
        entries.append(RosterEntry(student_id, name, line, lms_id, email))
    return Roster(file, tuple(entries), header[id_at], tuple(header[i] for i in name_at),
                  header[lms_at] if lms_at is not None else "", header[email_at] if email_at is not None else "",
                  tuple(notes))


def _cell(row: list[str], at: int | None) -> str:
    return row[at].strip() if at is not None and at < len(row) else ""


def _id_column(lowered: list[str], rows: list[list[str]]) -> int | None:
    """The first id column (in ``ID_COLUMNS`` order) that holds an id on some row: an export's
    "ID number" column is often left empty, and then "Email address" names the students."""
    present = [lowered.index(c) for c in ID_COLUMNS if c in lowered]
    filled = [at for at in present if any(at < len(row) and row[at].strip() for row in rows)]
    return (filled or present or [None])[0]


def _lms_id_column(lowered: list[str], id_at: int) -> int | None:
    """``lms_id``; in a Canvas gradebook export (``SIS User ID`` beside ``ID``) its ``ID`` column,
    the Canvas user id, unless that is the student id already."""
    named = _columns(lowered, LMS_ID_COLUMNS)
    if named:
        return named[0]
    if "sis user id" in lowered and "id" in lowered and lowered.index("id") != id_at:
        return lowered.index("id")
    return None


_CANVAS_ROWS = {"Points Possible", "Manual Posting"}


def _canvas_header_row(row: list[str], id_at: int) -> bool:
    """Canvas's gradebook export puts "Manual Posting" and "Points Possible" rows (no student)
    under the header."""
    no_id = id_at >= len(row) or not row[id_at].strip()
    return no_id and any(cell.strip() in _CANVAS_ROWS for cell in row)


def _columns(lowered: list[str], names: tuple[str, ...]) -> list[int]:
    return [lowered.index(n) for n in names if n in lowered]
