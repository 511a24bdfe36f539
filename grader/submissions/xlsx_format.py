"""Spreadsheet submissions (.xlsx .xlsm .xlsb .ods .xls) through python-calamine, template or wide layout.

Before calamine sees a file, the format's own check bounds what calamine will
allocate (it holds a sheet's whole rectangle, so one far-away cell could cost
gigabytes) and finds formula cells without a usable saved value: for the zip-based
formats (.xlsx .xlsm .xlsb .ods) after the zip directory's total unpacked size is
checked; for .xls (an OLE2 compound file) by walking its record stream
(``xls_format``), which also tells a password-protected file. The .xlsx check is
here: the first sheet's XML is scanned once for its extent and, only when it holds
formulas, for formula cells without a saved value. No formula or macro is ever
evaluated: a cell's value is what the last spreadsheet program saved.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from typing import Mapping

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from grader.submissions.draft import Origin, rejection
from grader.submissions.ids import QuestionSet
from grader.submissions.layouts import Grid, read_grid
from grader.submissions.ods_format import MIMETYPE, check_ods
from grader.submissions.ole import MAGIC as _OLE_MAGIC
from grader.submissions.records import Rejection, Source, Submission
from grader.submissions.sheet_limits import MAX_CELLS, MAX_UNPACKED_BYTES, RESAVE, column_letters
from grader.submissions.xls_format import check_ole
from grader.submissions.xlsb_format import check_xlsb

_RESAVE = RESAVE
_FORMATS = ".xlsx, .ods, .xls or .xlsb"

# Scanning the sheet XML (tags may carry a namespace prefix, ``<x:c ...>``).
_REF_COLUMN = re.compile(rb'r="([A-Za-z]+)[0-9]')
_REF_ROW = re.compile(rb'r="[A-Za-z]*([0-9]+)"')
_CELL_REF = re.compile(rb'\br="([A-Za-z]+)([0-9]+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FIRST_SHEET = re.compile(rb'<(?:\w+:)?sheet\s[^>]*?\b(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def read_workbook(data: bytes, origin: Origin, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in a spreadsheet's bytes (.xlsx .xlsm .xlsb .ods .xls, told by their content,
    whatever the file's name says): its first sheet, template or wide layout."""
    checked = check_ole(data, origin) if data[:8] == _OLE_MAGIC else _check_zip(data, origin)
    if isinstance(checked, Rejection):
        return [checked]
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except PasswordError:
        return [rejection(origin, "a password-protected workbook: save it again without a password")]
    except CalamineError as exc:
        return [rejection(origin, f"not a readable spreadsheet ({_FORMATS}): {exc}")]
    if not rows:
        return [rejection(origin, "the first sheet is empty")]
    file = origin.file
    letters = [column_letters(c) for c in range(max(len(row) for row in rows) + 1)]
    grid = Grid(rows, lambda r, c: Source(file, cell=f"{letters[c]}{r + 1}"), checked)
    return read_grid(grid, origin, questions)


read_xlsx = read_workbook  # the name discover and older callers know


def _check_zip(data: bytes, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    """A zip-based workbook's unreadable formula cells, or why it is refused (by the check of its format)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return rejection(origin, "not a spreadsheet: the file is neither a zip archive (.xlsx, .ods, .xlsb) "
                                 "nor an OLE2 file (.xls)")
    try:
        with archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                limit = MAX_UNPACKED_BYTES // 2**20
                return rejection(origin, f"the workbook unpacks to {unpacked / 2**20:.0f} MB (at most {limit} MB)")
            names = {info.filename for info in infos}
            if "xl/workbook.xml" in names:
                return _check_archive(archive, origin)
            if "xl/workbook.bin" in names:
                return check_xlsb(archive, origin)
            if "mimetype" in names and archive.read("mimetype").strip() == MIMETYPE:
                return check_ods(archive, origin)
            return rejection(origin, f"a zip archive, but not a spreadsheet ({_FORMATS}): no xl/workbook.xml, "
                                     "xl/workbook.bin or OpenDocument mimetype")
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, KeyError) as exc:
        return rejection(origin, f"a damaged spreadsheet: {exc}")


def _check_archive(archive: zipfile.ZipFile, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    """An .xlsx or .xlsm: the first sheet's unreadable formula cells, or why the workbook is refused."""
    names = set(archive.namelist())
    first = _first_sheet_member(archive, names)
    # When the first sheet cannot be told, every XML part is checked: whichever one
    # calamine takes for the first sheet, it has been bounded.
    members = [first] if first else sorted(n for n in names if n.endswith(".xml"))
    for member in members:
        sheet_xml = archive.read(member)
        rows, columns = _extent(sheet_xml)
        if rows * columns > MAX_CELLS:
            return rejection(
                origin,
                f"the first sheet spans {rows} rows by {columns} columns (at most {MAX_CELLS:,} cells):"
                " delete the far-away cells",
            )
    if first is None or not _FORMULA.search(sheet_xml):
        return {}
    recalculate = b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")
    return _formula_problems(sheet_xml, recalculate)


def _first_sheet_member(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The zip member holding the workbook's first sheet (the one calamine reads)."""
    found = _FIRST_SHEET.search(archive.read("xl/workbook.xml"))
    if found is None or "xl/_rels/workbook.xml.rels" not in names:
        return None
    for relationship in _RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(relationship.group(1)))
        if attributes.get(b"Id") == found.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            member = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            return member if member in names else None
    return None


def _extent(sheet_xml: bytes) -> tuple[int, int]:
    """An upper bound on the rows and columns calamine will allocate for this sheet.

    Any attribute ending in ``r="`` counts as a reference, which can only raise the
    bound; cells and rows written without a reference follow the previous one.
    """
    columns = _REF_COLUMN.findall(sheet_xml)
    rows = _REF_ROW.findall(sheet_xml)
    max_column = max((_column_index(letters) + 1 for letters in set(columns)), default=0)
    max_row = max(map(int, set(rows)), default=0)
    cell_tags, row_tags = _count_tags(sheet_xml)
    unreferenced_cells = max(cell_tags - len(columns), 0)
    unreferenced_rows = max(row_tags - (len(rows) - len(columns)), 0)
    return max_row + unreferenced_rows, max_column + unreferenced_cells


def _count_tags(sheet_xml: bytes) -> tuple[int, int]:
    """At least as many as the sheet's ``<c>`` and ``<row>`` elements (prefixed or not)."""
    count = sheet_xml.count
    return count(b"<c") + count(b":c"), count(b"<row") + count(b":row")


def _formula_problems(sheet_xml: bytes, recalculate: bool) -> dict[tuple[int, int], str]:
    """Formula cells whose saved value cannot be trusted, by (row, column), 0-based."""
    problems: dict[tuple[int, int], str] = {}
    end = 0
    for formula in _FORMULA.finditer(sheet_xml):
        at = formula.start()
        if at < end:
            continue  # a second <f> in the same cell
        start = max(sheet_xml.rfind(b"<c ", 0, at), sheet_xml.rfind(b":c ", 0, at))
        tag_end = sheet_xml.find(b">", start)
        end = sheet_xml.find(b"c>", at)
        if start < 0 or tag_end < 0 or end < 0:
            continue
        attributes, body = sheet_xml[start:tag_end], sheet_xml[tag_end:end]
        ref = _CELL_REF.search(attributes)
        if ref is None:
            continue
        problem = _formula_problem((ref.group(1) + ref.group(2)).decode().upper(), attributes, body, recalculate)
        if problem:
            problems[int(ref.group(2)) - 1, _column_index(ref.group(1))] = problem
    return problems


def _formula_problem(name: str, attributes: bytes, body: bytes, recalculate: bool) -> str | None:
    value = _VALUE.search(body)
    kind = _CELL_TYPE.search(attributes)
    saved = value.group(1).decode("utf-8", "replace") if value else ""
    if not saved and not (value and kind is not None and kind.group(1) == b"str"):  # "" saves as t="str"
        return (
            f"the formula in {name} has no saved value"
            f" (the file was written by a program that does not calculate formulas): {_RESAVE}"
        )
    if kind is not None and kind.group(1) == b"e":
        return f"the formula in {name} gives an error ({saved})"
    if recalculate and saved == "0":
        return f"the formula in {name} was saved by a program without being calculated (it shows 0): {_RESAVE}"
    return None


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + (letter - 64)
    return index - 1


__all__ = ["MAX_CELLS", "MAX_UNPACKED_BYTES", "read_workbook", "read_xlsx"]
