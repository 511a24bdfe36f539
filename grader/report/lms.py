"""LMS grade files: a Moodle grading worksheet or a Canvas gradebook export, filled with the class's grades.

    parse_lms_sheet(data, file, column=None) -> LmsSheet      ConfigError (one line) for a sheet that cannot work
    lms_grades(sheet, gradebook, roster) -> LmsGrades          which row gets which grade, and what did not match
    fill_lms_sheet(sheet, grades) -> bytes                     the sheet with those grades, ready to upload

The file written has the header, the rows and their order, the encoding (with its byte-order mark,
if any), the delimiter and the line endings of the sheet read; a row is changed only in its grade
cell (and, for Moodle, ``Feedback comments``), every other row is left as it was, byte for byte.
A graded student's grade is their share of the points times ``Maximum Grade`` (Moodle, per row) or
the column's ``Points Possible`` (Canvas), with two decimals.

Rows are matched by the Moodle participant number (``Identifier``: ``Participant 1234567``) or the
Canvas user ``ID``, as the roster's ``lms_id`` column or the name of the file in the LMS download
gives it; else by e-mail (the roster's ``email`` column against ``Email address`` / ``SIS Login
ID``); else by the student id itself (Canvas ``SIS User ID`` / ``SIS Login ID``, Moodle ``ID number``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from grader.errors import ConfigError
from grader.gradebook import Gradebook, GradebookRow
from grader.grading import Verdict
from grader.report.files import safe_cell
from grader.report.gradebook_csv import points_text
from grader.roster import Roster
from grader.submissions.archives import entry_name, lms_identity

MAX_SHEET_BYTES = 50_000_000
MOODLE, CANVAS = "moodle", "canvas"
OUT_NAMES = {MOODLE: "moodle_grades.csv", CANVAS: "canvas_grades.csv"}
UPLOAD_HINTS = {
    MOODLE: "in Moodle, the assignment's View all submissions, Grading action: Upload grading worksheet",
    CANVAS: "in Canvas, Grades, Import",
}

_ASSIGNMENT_COLUMN = re.compile(r"(?P<title>.*?)\s*\((?P<id>[0-9]+)\)")
_PARTICIPANT = re.compile(r"([0-9]+)\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CANVAS_ROWS = ("Points Possible", "Manual Posting")
_FINE = (Verdict.CORRECT, Verdict.FOLLOW_THROUGH)


@dataclass(frozen=True)
class LmsRow:
    """One student's row of the sheet, and what it can be matched by."""

    record: int                   # its place among the sheet's records (header included)
    line: int                     # the line it starts on
    lms_id: str                   # Moodle participant number, Canvas user id
    emails: tuple[str, ...]       # case-folded
    ids: tuple[str, ...]          # student ids it names (SIS User ID, ID number, ...)
    max_grade: float | None       # what a full grade is on this row


@dataclass(frozen=True)
class LmsSheet:
    file: str
    kind: str                     # MOODLE or CANVAS
    records: tuple[tuple[str, tuple[str, ...]], ...]  # (raw text with its line ending, cells)
    encoding: str
    bom: bytes
    delimiter: str
    grade_at: int
    feedback_at: int | None       # Moodle's Feedback comments, where the worksheet has it
    column: str                   # the grade column's title
    rows: tuple[LmsRow, ...]

    @property
    def out_name(self) -> str:
        return OUT_NAMES[self.kind]

    @property
    def upload_hint(self) -> str:
        """Where the filled sheet goes back in."""
        return UPLOAD_HINTS[self.kind]


@dataclass(frozen=True)
class _Csv:
    """A grade sheet as CSV: its records, how it was written, and its header."""

    file: str
    records: tuple[tuple[str, tuple[str, ...]], ...]
    encoding: str
    bom: bytes
    delimiter: str
    header_at: int
    header: list[str]

    @property
    def lowered(self) -> list[str]:
        return [h.casefold() for h in self.header]

    def sheet(self, kind: str, grade_at: int, feedback_at: int | None, rows: list[LmsRow]) -> LmsSheet:
        return LmsSheet(self.file, kind, self.records, self.encoding, self.bom, self.delimiter, grade_at,
                        feedback_at, self.header[grade_at], tuple(rows))


@dataclass(frozen=True)
class LmsGrade:
    grade: str                    # "96.55"
    comment: str = ""


@dataclass(frozen=True)
class LmsGrades:
    by_record: Mapping[int, LmsGrade]
    warnings: tuple[str, ...] = ()


def load_lms_sheet(path: str | Path, column: str | None = None) -> LmsSheet:
    """``parse_lms_sheet`` of the file at ``path``."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SHEET_BYTES:
            raise ConfigError(str(path), "(file)", f"a grade sheet of at most {MAX_SHEET_BYTES // 10**6} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), "(file)", f"a Moodle grading worksheet or a Canvas gradebook export "
                                               f"(CSV) that can be read ({exc.strerror or exc})") from None
    return parse_lms_sheet(data, str(path), column)


def parse_lms_sheet(data: bytes, file: str, column: str | None = None) -> LmsSheet:
    """The sheet's records and its students' rows; ``column`` picks a Canvas assignment column
    (its title, its id or the whole header text)."""
    text, encoding, bom = _decode(data)
    if data[:2] == b"PK" or "\x00" in text[:4096]:
        raise ConfigError(file, "(file)", "a CSV file as the LMS exports it (a workbook was given: export "
                                          "the grading worksheet or the gradebook as CSV)")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        records = tuple(_records(text, delimiter))
    except csv.Error as exc:
        raise ConfigError(file, "(file)", f"CSV that can be read ({exc})") from None
    header_at = next((i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)), None)
    if header_at is None:
        raise ConfigError(file, "(header)", "a Moodle grading worksheet (Identifier, Full name, ..., Grade) or "
                                            "a Canvas gradebook export (Student, ID, SIS User ID, ...); the file is empty")
    read = _Csv(file, records, encoding, bom, delimiter, header_at, [c.strip() for c in records[header_at][1]])
    lowered = read.lowered
    if "identifier" in lowered:
        if column is not None:
            raise ConfigError(file, "--lms-column", "no --lms-column with a Moodle grading worksheet "
                                                    "(it has one Grade column)")
        return _moodle(read)
    if "student" in lowered and "id" in lowered:
        return _canvas(read, column)
    raise ConfigError(file, "(header)", "a Moodle grading worksheet (Identifier, Full name, ..., Grade) or a Canvas "
                                        f"gradebook export (Student, ID, SIS User ID, ...); got {_shown(read.header)}")


def _shown(header: list[str]) -> str:
    return ", ".join(header)[:200]


def _moodle(read: _Csv) -> LmsSheet:
    file, header, lowered = read.file, read.header, read.lowered

    def column(name: str, required: bool = True) -> int | None:
        if name.casefold() in lowered:
            return lowered.index(name.casefold())
        if required:
            raise ConfigError(file, "(header)", f"a '{name}' column, as Moodle's grading worksheet has "
                                                f"(Identifier, ..., Grade, Maximum Grade, ...); got {_shown(header)}")
        return None

    identifier, grade, maximum = column("Identifier"), column("Grade"), column("Maximum Grade")
    email, feedback = column("Email address", False), column("Feedback comments", False)
    others = [at for at in (column("ID number", False), column("Username", False)) if at is not None]
    rows = []
    for index, line, cells in _body(read.records, read.header_at):
        found = _PARTICIPANT.search(_cell(cells, identifier))
        if not found:
            continue  # not a participant's row: left as it is
        rows.append(LmsRow(index, line, found.group(1), _folded(cells, [email]), _values(cells, others),
                           _number(_cell(cells, maximum))))
    return read.sheet(MOODLE, grade, feedback, rows)


def _canvas(read: _Csv, chosen: str | None) -> LmsSheet:
    file, header, lowered = read.file, read.header, read.lowered
    assignments = [at for at, h in enumerate(header) if _ASSIGNMENT_COLUMN.fullmatch(h)]
    if not assignments:
        raise ConfigError(file, "(header)", "an assignment column 'Title (id)' after Student, ID, SIS User ID, "
                                            f"SIS Login ID, Section; got {_shown(header)}")
    grade = _chosen_column(file, header, assignments, chosen)
    points_row = next((cells for _, _, cells in _body(read.records, read.header_at)
                       if _cell(cells, 0) == "Points Possible"), None)
    if points_row is None:
        raise ConfigError(file, "Points Possible row", "a '    Points Possible' row under the header, as Canvas "
                                                       "exports the gradebook (export it again from Grades)")
    points = _number(_cell(points_row, grade))
    if points is None or points <= 0:
        raise ConfigError(file, "Points Possible row", f"a number of points in column '{header[grade]}', "
                                                       f"got {_cell(points_row, grade)!r}")
    user_id = lowered.index("id")
    sis = [lowered.index(n) for n in ("sis user id", "sis login id") if n in lowered]
    login = [lowered.index("sis login id")] if "sis login id" in lowered else []
    rows = []
    for index, line, cells in _body(read.records, read.header_at):
        if _cell(cells, 0) in _CANVAS_ROWS or not _cell(cells, user_id) or any(c.strip() == "Manual Posting"
                                                                                for c in cells):
            continue
        rows.append(LmsRow(index, line, _cell(cells, user_id), _folded(cells, login), _values(cells, sis), points))
    return read.sheet(CANVAS, grade, None, rows)


def _chosen_column(file: str, header: list[str], assignments: list[int], chosen: str | None) -> int:
    titles = ", ".join(f"'{header[at]}'" for at in assignments)
    if chosen is None:
        if len(assignments) > 1:
            raise ConfigError(file, "--lms-column", f"--lms-column to choose one of the {len(assignments)} "
                                                    f"assignment columns: {titles}")
        return assignments[0]
    wanted = chosen.strip().casefold()
    for at in assignments:
        parts = _ASSIGNMENT_COLUMN.fullmatch(header[at])
        if wanted in (header[at].casefold(), parts["title"].casefold(), parts["id"]):
            return at
    raise ConfigError(file, "--lms-column", f"one of {titles} (a title, or the id in brackets); got {chosen!r}")


def lms_grades(sheet: LmsSheet, gradebook: Gradebook, roster: Roster | None = None) -> LmsGrades:
    """The grade (and Moodle's one-line comment) of each graded student's row, and a warning for
    students no row matches."""
    by_lms, by_email, by_id = {}, {}, {}
    for row in sheet.rows:
        by_lms.setdefault(row.lms_id, row)
        for email in row.emails:
            by_email.setdefault(email, row)
        for student in row.ids:
            by_id.setdefault(student, row)
    entries = {e.student_id: e for e in roster.entries} if roster else {}
    grades: dict[int, LmsGrade] = {}
    taken: dict[int, str] = {}
    unmatched: list[str] = []
    warnings: list[str] = []
    for student in gradebook.rows:
        if student.marks is None:
            continue
        entry = entries.get(student.student_id)
        lms_ids = [i for i in (entry.lms_id if entry else "", _lms_id_of_file(student.marks.file, sheet.kind)) if i]
        emails = [e.casefold() for e in (entry.email if entry else "", student.student_id) if "@" in e]
        row = (next((by_lms[i] for i in lms_ids if i in by_lms), None)
               or next((by_email[e] for e in emails if e in by_email), None)
               or by_id.get(student.student_id))
        if row is None:
            unmatched.append(student.student_id)
            continue
        if row.record in taken:
            warnings.append(f"{sheet.file}: line {row.line}: matches both {taken[row.record]} and "
                            f"{student.student_id}; the grade of {taken[row.record]} is written")
            continue
        if row.max_grade is None:
            warnings.append(f"{sheet.file}: line {row.line}: the Maximum Grade is not a number; "
                            f"the grade of {student.student_id} is not written")
            continue
        taken[row.record] = student.student_id
        share = student.total / student.max_total if student.max_total else 0.0
        comment = feedback_comment(student, gradebook) if sheet.feedback_at is not None else ""
        grades[row.record] = LmsGrade(f"{share * row.max_grade:.2f}", comment)
    if unmatched:
        shown = ", ".join(unmatched[:3]) + (", ..." if len(unmatched) > 3 else "")
        warnings.append(f"{sheet.file}: no row for {len(unmatched)} graded student(s) ({shown}): give the roster "
                        f"an lms_id or email column to match them; their grades are not in {sheet.out_name}")
    return LmsGrades(grades, tuple(warnings))


def feedback_comment(row: GradebookRow, gradebook: Gradebook) -> str:
    """One line for the LMS: the points, and the first step to look at."""
    text = f"{points_text(row.total)}/{points_text(row.max_total)} points"
    questions = gradebook.assignment.numeric_questions
    for question, verdict, slip in zip(questions, row.marks.verdicts, row.marks.slips):
        if verdict not in _FINE:
            named = f", {slip}" if slip else ""
            return f"{text}; first step to look at: {question.id} ({verdict.value}{named})"
    return f"{text}; every step right"


def fill_lms_sheet(sheet: LmsSheet, grades: LmsGrades | Mapping[int, LmsGrade]) -> bytes:
    """The sheet's bytes with ``grades`` written into their rows; every other row as it was."""
    by_record = grades.by_record if isinstance(grades, LmsGrades) else grades
    pieces = []
    for index, (raw, cells) in enumerate(sheet.records):
        grade = by_record.get(index)
        if grade is None:
            pieces.append(raw)
            continue
        changes = {sheet.grade_at: grade.grade}  # a number: never neutralised
        if sheet.feedback_at is not None:
            changes[sheet.feedback_at] = safe_cell(" ".join(grade.comment.split()))
        pieces.append(_with_cells(raw, cells, changes, sheet.delimiter))
    return sheet.bom + "".join(pieces).encode(sheet.encoding, errors="replace")


def _lms_id_of_file(file: str, kind: str) -> str:
    entry = entry_name(file)
    identity = lms_identity(entry) if entry else None
    return identity.lms_id if identity and identity.lms == kind else ""


def _decode(data: bytes) -> tuple[str, str, bytes]:
    """(text, encoding, byte-order mark): encoding the text again gives the same bytes."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding, bom
            except UnicodeDecodeError:
                break
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding, b""
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def _records(text: str, delimiter: str):
    """(the record's raw text, its cells) for every record, blank lines included: a quoted cell may
    span lines, so the lines are fed to csv one at a time and gathered back."""
    consumed: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    for cells in csv.reader(lines(), delimiter=delimiter):
        raw = "".join(consumed)
        consumed.clear()
        yield raw, tuple(cells)


def _body(records, header_at: int):
    """(record index, the line it starts on, cells) of every record after the header."""
    line = 1
    for index, (raw, cells) in enumerate(records):
        if index > header_at:
            yield index, line, cells
        line += len(_LINE_BREAK.findall(raw))


def _with_cells(raw: str, cells: Sequence[str], changes: Mapping[int, str], delimiter: str) -> str:
    """The record ``raw`` with the cells at ``changes`` replaced, every other cell as it was written."""
    body = raw.rstrip("\r\n")
    ending = raw[len(body):]
    fields = _fields(body, delimiter)
    if fields is None or len(fields) != len(cells):  # not as csv read it: write the whole row anew
        fields = [_quoted(c, delimiter, False) for c in cells]
    fields += [""] * (max(changes) + 1 - len(fields))
    for at, text in changes.items():
        fields[at] = _quoted(text, delimiter, fields[at].startswith('"'))
    return delimiter.join(fields) + ending


def _fields(body: str, delimiter: str) -> list[str] | None:
    """The record's fields as written (quotes kept), or ``None`` when it is not plain CSV."""
    fields: list[str] = []
    at, size = 0, len(body)
    while True:
        if body.startswith('"', at):
            close = at + 1
            while True:
                close = body.find('"', close)
                if close < 0:
                    return None
                if body.startswith('""', close):
                    close += 2
                    continue
                break
            end = close + 1
            if end < size and body[end] != delimiter:
                return None
        else:
            end = body.find(delimiter, at)
            end = size if end < 0 else end
        fields.append(body[at:end])
        if end >= size:
            return fields
        at = end + 1


def _quoted(text: str, delimiter: str, quote: bool) -> str:
    if quote or any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _cell(cells: Sequence[str], at: int | None) -> str:
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _values(cells: Sequence[str], columns: Sequence[int]) -> tuple[str, ...]:
    return tuple(v for v in (_cell(cells, at) for at in columns) if v)


def _folded(cells: Sequence[str], columns: Sequence[int | None]) -> tuple[str, ...]:
    return tuple(v.casefold() for v in (_cell(cells, at) for at in columns) if "@" in v)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


__all__ = ["LmsGrade", "LmsGrades", "LmsRow", "LmsSheet", "fill_lms_sheet", "lms_grades", "load_lms_sheet",
           "parse_lms_sheet"]
