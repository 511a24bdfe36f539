"""Limits and cell names the spreadsheet formats share (.xlsx .xlsm .xlsb .ods .xls).

calamine allocates a sheet's whole rectangle, from A1 to its farthest cell, so each
format's check bounds that rectangle before calamine sees the file.
"""

from __future__ import annotations

from grader.submissions.draft import Origin, rejection
from grader.submissions.records import Rejection

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip-based workbook, all its parts together
MAX_CELLS = 1_000_000

RESAVE = "open it in Excel or LibreOffice and save it again"


def too_many_cells(origin: Origin, what: str, rows: int, columns: int) -> Rejection:
    """The rejection of a workbook whose sheet (``what``) reaches too far."""
    if rows * columns > MAX_CELLS:
        return rejection(origin, f"{what} spans {rows} rows by {columns} columns (at most {MAX_CELLS:,} cells):"
                                 " delete the far-away cells")
    return rejection(origin, f"the sheets up to {what} hold more than {MAX_CELLS:,} cells together:"
                             " hand in the answer sheet alone")


def column_letters(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    name, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell_name(row: int, column: int) -> str:
    """``(6, 1)`` (0-based) -> ``B7``."""
    return f"{column_letters(column)}{row + 1}"


__all__ = ["MAX_CELLS", "MAX_UNPACKED_BYTES", "RESAVE", "cell_name", "column_letters", "too_many_cells"]
