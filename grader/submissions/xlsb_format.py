"""Excel binary workbooks (.xlsb, BIFF12 records in a zip): what to check before calamine reads one.

calamine reads only the sheet asked for (the first), and allocates its rectangle from
A1 to the farthest cell that holds a value, so that sheet's records are walked first.
A formula record always carries its saved value in this format; one whose value is an
error is noted.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from typing import Iterator, Mapping

from grader.submissions.draft import Origin, rejection
from grader.submissions.records import Rejection
from grader.submissions.sheet_limits import MAX_CELLS, cell_name, too_many_cells

_ROW_HEADER, _FORMULA_ERROR, _END_SHEET_DATA, _BUNDLE_SHEET, _END_BUNDLE_SHEETS = 0x0000, 0x000B, 0x0092, 0x009C, 0x0090
_VALUE_CELLS = range(0x0002, 0x000C)  # BrtCellRk .. BrtFmlaError: the records calamine keeps
_MAX_ROW = 0x0010_0000  # calamine stops reading a sheet at a row past this
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def check_xlsb(archive: zipfile.ZipFile, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    """The first sheet's formula cells whose saved value is an error, or why the workbook is refused."""
    names = set(archive.namelist())
    members = [_first_sheet(archive, names)]
    if members[0] is None:  # whichever part calamine takes for the first sheet, it has been bounded
        members = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin"))
    problems: dict[tuple[int, int], str] = {}
    try:
        for member in members:
            rows, columns, found = _scan(archive.read(member))
            problems = problems if member != members[0] else found
            if rows * columns > MAX_CELLS:
                return too_many_cells(origin, "the first sheet", rows, columns)
    except (struct.error, IndexError) as exc:
        return rejection(origin, f"a damaged Excel binary workbook ({exc})")
    return problems


def _scan(sheet: bytes) -> tuple[int, int, dict[tuple[int, int], str]]:
    rows = columns = row = 0
    problems: dict[tuple[int, int], str] = {}
    for typ, body in _records(sheet):
        if typ == _ROW_HEADER and len(body) >= 4:
            row = struct.unpack_from("<I", body)[0]
            if row > _MAX_ROW:
                break
        elif typ in _VALUE_CELLS and len(body) >= 4:
            column = struct.unpack_from("<I", body)[0]
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            if typ == _FORMULA_ERROR and len(problems) < 1000:
                problems[row, column] = f"the formula in {cell_name(row, column)} gives an error"
        elif typ == _END_SHEET_DATA:
            break
    return rows, columns, problems


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, body) as MS-XLSB writes them: type and size as little-endian base-128 numbers."""
    at, end = 0, len(data)
    while at < end:
        typ = data[at] & 0x7F
        if data[at] & 0x80:
            typ |= (data[at + 1] & 0x7F) << 7
            at += 1
        at += 1
        size = shift = 0
        for _ in range(4):
            byte = data[at]
            at += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield typ, data[at: at + size]
        at += size


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The part holding the workbook's first sheet (the one calamine reads), from workbook.bin and its rels."""
    if "xl/workbook.bin" not in names or "xl/_rels/workbook.bin.rels" not in names:
        return None
    try:
        for typ, body in _records(archive.read("xl/workbook.bin")):
            if typ == _BUNDLE_SHEET and len(body) >= 12:
                length = struct.unpack_from("<I", body, 8)[0]
                relation = body[12: 12 + 2 * length].decode("utf-16-le", "replace").encode()
                break
            if typ == _END_BUNDLE_SHEETS:
                return None
        else:
            return None
    except (IndexError, struct.error):
        return None
    for found in _RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.bin.rels")):
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        if attributes.get(b"Id") == relation:
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            member = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            return member if member in names else None
    return None


__all__ = ["check_xlsb"]
