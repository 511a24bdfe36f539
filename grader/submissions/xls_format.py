"""Old-style Excel (.xls, BIFF8 in an OLE2 compound file): what to check before calamine reads it.

calamine reads every sheet of an ``.xls`` when it opens the file and reserves room for
each sheet's declared dimensions, so the record stream is walked first: a password
(``FILEPASS``), a sheet whose cells or declared size span more than ``MAX_CELLS``, and
formula cells whose saved result cannot be trusted (a program that writes formulas
without calculating them, such as xlwt, saves an empty result) are found here.
"""

from __future__ import annotations

import struct
from typing import Iterator, Mapping

from grader.submissions.draft import Origin, rejection
from grader.submissions.ole import CompoundFile, OleError
from grader.submissions.records import Rejection
from grader.submissions.sheet_limits import MAX_CELLS, RESAVE, cell_name, too_many_cells

_PASSWORD = "a password-protected workbook: remove the password (File > Info > Protect Workbook) and save it again"

_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
_FORMULA, _STRING, _MULRK = 0x0006, 0x0207, 0x00BD
# Records holding one cell's value, row and column first (NUMBER, LABEL, BOOLERR, RK, LABELSST).
_VALUE_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD})
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A"}


def check_ole(data: bytes, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    """The first sheet's unreadable formula cells (row, column), or why the file is refused."""
    try:
        container = CompoundFile(data)
    except OleError as exc:
        return rejection(origin, f"a damaged Office file ({exc})")
    names = set(container.names)
    if {"EncryptionInfo", "EncryptedPackage"} <= names:
        return rejection(origin, _PASSWORD)
    stream = next((n for n in ("Workbook", "Book") if n in names), None)
    if stream is None:
        return rejection(origin, "an Office file, but not an Excel workbook (no Workbook stream): "
                                 "hand in .xlsx, .ods, .xls, .csv or .yaml")
    try:
        return _check_workbook(container.read(stream), origin)
    except (OleError, struct.error) as exc:
        return rejection(origin, f"a damaged Excel workbook ({exc})")


def _check_workbook(stream: bytes, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    sheets: list[int] = []
    for typ, data in _records(stream, 0):
        if typ == _FILEPASS:
            return rejection(origin, _PASSWORD)
        if typ == _BOUNDSHEET and len(data) >= 4:
            sheets.append(struct.unpack_from("<I", data)[0])
        elif typ == _EOF:
            break
    problems: dict[tuple[int, int], str] = {}
    cells = 0
    for index, start in enumerate(sheets):
        rows, columns, found = _scan_sheet(stream, start)
        cells += rows * columns
        if cells > MAX_CELLS:
            what = "the first sheet" if index == 0 else f"sheet {index + 1}"
            return too_many_cells(origin, what, rows, columns)
        if index == 0:
            problems = found
    return problems


def _scan_sheet(stream: bytes, start: int) -> tuple[int, int, dict[tuple[int, int], str]]:
    """(rows, columns) that calamine will hold for the sheet at ``start``, and its formula problems."""
    rows = columns = 0
    problems: dict[tuple[int, int], str] = {}
    pending: tuple[int, int] | None = None  # a formula whose text result comes in the next STRING record
    for typ, data in _records(stream, start):
        if typ == _EOF:
            break
        if typ == _STRING:
            pending = None
            continue
        if pending is not None:
            problems[pending] = _no_value(*pending)
            pending = None
        if typ == _DIMENSIONS and len(data) in (10, 14):
            first_row, last_row, first_col, last_col = _dimensions(data)
            if last_row and last_col and (last_row <= first_row or last_col <= first_col):
                return MAX_CELLS + 1, 1, problems  # calamine would reserve for a negative extent
            rows, columns = max(rows, last_row), max(columns, last_col)
        elif len(data) >= 4 and (typ in _VALUE_CELLS or typ in (_FORMULA, _MULRK)):
            row, column = struct.unpack_from("<HH", data)
            if typ == _MULRK and len(data) >= 6:
                column = max(column, struct.unpack_from("<H", data, len(data) - 2)[0])
            rows, columns = max(rows, row + 1), max(columns, column + 1)
            if typ == _FORMULA and len(data) >= 14:
                pending = _formula(data, row, struct.unpack_from("<H", data, 2)[0], problems)
    if pending is not None:
        problems[pending] = _no_value(*pending)
    return rows, columns, problems


def _formula(data: bytes, row: int, column: int, problems: dict[tuple[int, int], str]) -> tuple[int, int] | None:
    """Notes a formula's problem; the cell when its text result is to follow in a STRING record."""
    if data[12:14] != b"\xff\xff":
        return None  # a number, saved
    kind = data[6]
    if kind == 0:
        return row, column
    if kind == 2:
        problems[row, column] = f"the formula in {cell_name(row, column)} gives an error ({_ERRORS.get(data[8], '#?')})"
    elif kind == 3:  # an empty result: what a program that never calculates saves (in an answer cell, nothing to read either way)
        problems[row, column] = _no_value(row, column)
    return None


def _no_value(row: int, column: int) -> str:
    return (f"the formula in {cell_name(row, column)} has no saved value"
            f" (the file was written by a program that does not calculate formulas): {RESAVE}")


def _dimensions(data: bytes) -> tuple[int, int, int, int]:
    if len(data) == 14:
        return struct.unpack_from("<IIHH", data)
    return struct.unpack_from("<HHHH", data)


def _records(stream: bytes, start: int) -> Iterator[tuple[int, bytes]]:
    at = start
    while at + 4 <= len(stream):
        typ, size = struct.unpack_from("<HH", stream, at)
        yield typ, stream[at + 4: at + 4 + size]
        at += 4 + size


__all__ = ["check_ole"]
