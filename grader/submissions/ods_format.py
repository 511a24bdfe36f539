"""OpenDocument spreadsheets (.ods): what to check before calamine reads one.

calamine reads every table of ``content.xml`` when it opens the file and writes out a
repeated cell (``table:number-columns-repeated``, ``table:number-rows-repeated``) once
per repetition, so a few bytes can stand for billions of cells. ``content.xml`` is
walked once, as calamine counts: repeated empty cells after a row's last value and
empty rows after a table's last value cost nothing, everything else does. A formula
cell without a saved value, or whose saved value is an error, is found here too
(nothing is ever calculated).
"""

from __future__ import annotations

import zipfile
from typing import Mapping
from xml.parsers import expat

from grader.submissions.draft import Origin, rejection
from grader.submissions.records import Rejection
from grader.submissions.sheet_limits import MAX_CELLS, RESAVE, cell_name, too_many_cells

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CELLS = frozenset({"table:table-cell", "table:covered-table-cell"})
_VALUES = ("office:value-type", "office:value", "office:string-value", "office:boolean-value",
           "office:date-value", "office:time-value")
_MAX_PROBLEMS = 1000  # formula cells noted; a file with more says enough with these


class _TooLarge(Exception):
    def __init__(self, table: int, rows: int, columns: int) -> None:
        self.table, self.rows, self.columns = table, rows, columns


class _NoDoctype(Exception):
    pass


class _Tables:
    """Counts every table's rectangle as calamine will hold it; notes the first table's formula problems."""

    def __init__(self) -> None:
        self.tables = 0      # tables seen (the current one is self.tables - 1)
        self.depth = 0       # table:table elements open (a table inside a cell counts with its outer one)
        self.cells = 0       # cells held by the tables finished so far
        self.problems: dict[tuple[int, int], str] = {}
        self.row = self.rows = self.width = 0
        self.row_repeats = 1
        self.column = self.row_end = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "table:table":
            self.depth += 1
            if self.depth == 1:
                self.tables += 1
                self.row = self.rows = self.width = 0
        elif self.depth and name == "table:table-row":
            self.row_repeats = _count(attributes.get("table:number-rows-repeated"))
            self.column = self.row_end = 0
        elif self.depth and name in _CELLS:
            self._cell(attributes)

    def end(self, name: str) -> None:
        if name == "table:table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.cells += self.rows * self.width
                self._bound(self.rows, self.width)
        elif self.depth and name == "table:table-row":
            if self.row_end:
                self.rows = self.row + self.row_repeats
                self.width = max(self.width, self.row_end)
                self._bound(self.rows, self.width)
            self.row += self.row_repeats

    def _cell(self, attributes: dict[str, str]) -> None:
        repeats = _count(attributes.get("table:number-columns-repeated"))
        valued = any(key in attributes for key in _VALUES)
        formula = "table:formula" in attributes
        if valued or formula:
            self.row_end = self.column + repeats
            if self.row_end > MAX_CELLS:
                raise _TooLarge(self.tables, self.row + 1, self.row_end)
            if self.tables == 1 and formula and len(self.problems) < _MAX_PROBLEMS:
                problem = _formula_problem(valued, attributes)
                for offset in range(min(repeats, _MAX_PROBLEMS)) if problem else ():
                    self.problems[self.row, self.column + offset] = problem.format(
                        cell=cell_name(self.row, self.column + offset))
        self.column += repeats

    def _bound(self, rows: int, width: int) -> None:
        if self.cells + rows * width > MAX_CELLS:
            raise _TooLarge(self.tables, rows, width)


def _formula_problem(valued: bool, attributes: dict[str, str]) -> str | None:
    if not valued:
        return (f"the formula in {{cell}} has no saved value (the file was written by a program that does not"
                f" calculate formulas): {RESAVE}")
    if attributes.get("calcext:value-type") == "error":
        return "the formula in {cell} gives an error"
    return None


def _count(text: str | None) -> int:
    try:
        return max(int(text), 1) if text else 1
    except ValueError:
        return 1


def check_ods(archive: zipfile.ZipFile, origin: Origin) -> Mapping[tuple[int, int], str] | Rejection:
    """The first table's unreadable formula cells (row, column), or why the spreadsheet is refused."""
    names = set(archive.namelist())
    if "content.xml" not in names:
        return rejection(origin, "a zip archive, but not an OpenDocument spreadsheet (.ods): no content.xml")
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
        return rejection(origin, "a password-protected spreadsheet: save it again without a password")
    tables = _Tables()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = tables.start
    parser.EndElementHandler = tables.end
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        parser.Parse(archive.read("content.xml"), True)
    except _TooLarge as big:
        what = "the first sheet" if big.table == 1 else f"sheet {big.table}"
        return too_many_cells(origin, what, big.rows, big.columns)
    except _NoDoctype:
        return rejection(origin, "a damaged spreadsheet: content.xml declares a document type (no spreadsheet does)")
    except expat.ExpatError as exc:
        return rejection(origin, f"a damaged spreadsheet: content.xml is not well-formed ({exc})")
    return tables.problems


def _refuse_doctype(*_: object) -> None:
    raise _NoDoctype


__all__ = ["MIMETYPE", "check_ods"]
