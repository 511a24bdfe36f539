"""Writers of the spreadsheet formats a student may hand in besides .xlsx: .ods (odfpy), .xls (xlwt)
and .xlsb (written here record by record, as MS-XLSB lays them out: no Python library writes .xlsb).

Each takes rows of cells: a number, a text, ``None`` (blank) or ``Formula(text, saved)`` where
``saved`` is the value a spreadsheet program saved with it (``None``: saved without a value, as
a program that does not calculate writes it).
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

Cell = "float | int | str | None | Formula"


@dataclass(frozen=True)
class Formula:
    text: str               # without the leading '='
    saved: float | None = None


def write_ods(path: Path, rows: Sequence[Sequence[object]], sheet: str = "answers") -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        line = TableRow()
        for value in row:
            if isinstance(value, Formula):
                if value.saved is None:
                    cell = TableCell(formula=f"of:={value.text}")
                else:
                    cell = TableCell(formula=f"of:={value.text}", valuetype="float", value=value.saved)
                    cell.addElement(P(text=str(value.saved)))
            elif isinstance(value, bool) or value is None:
                cell = TableCell()
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def write_xls(path: Path, rows: Sequence[Sequence[object]], sheet: str = "answers") -> Path:
    import xlwt

    book = xlwt.Workbook()
    page = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, Formula):
                if value.saved is not None:
                    raise ValueError("xlwt saves formulas without a value")
                page.write(r, c, xlwt.Formula(value.text))
            elif value is not None:
                page.write(r, c, value)
    book.save(str(path))
    return path


def write_xlsb(path: Path, rows: Sequence[Sequence[object]], sheet: str = "answers",
               far_cell: tuple[int, int] | None = None) -> Path:
    """``far_cell`` (row, column), 0-based: one more number there, however far."""
    cells = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}
    if far_cell is not None:
        cells[far_cell] = 1.0
    workbook = (_record(0x83) + _record(0x8F)
                + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet))
                + _record(0x90) + _record(0x9D) + _record(0x84))
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.bin"/></Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '</Types>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.bin", workbook)
        archive.writestr("xl/_rels/workbook.bin.rels", rels)
        archive.writestr("xl/worksheets/sheet1.bin", _sheet(cells))
    path.write_bytes(buffer.getvalue())
    return path


def _sheet(cells: dict[tuple[int, int], object]) -> bytes:
    last_row = max((r for r, _ in cells), default=0)
    last_col = max((c for _, c in cells), default=0)
    out = _record(0x81) + _record(0x94, struct.pack("<4I", 0, last_row, 0, last_col)) + _record(0x91)
    for row in sorted({r for r, _ in cells}):
        out += _record(0x00, struct.pack("<IIHHB", row, 0, 0, 0, 0) + bytes(8))  # BrtRowHdr
        for (_, column), value in sorted((k, v) for k, v in cells.items() if k[0] == row):
            head = struct.pack("<II", column, 0)
            if isinstance(value, Formula):  # BrtFmlaNum (an empty formula body: calamine keeps the value)
                out += _record(0x09, head + struct.pack("<dHII", value.saved or 0.0, 0, 0, 0))
            elif isinstance(value, str):  # BrtCellSt
                out += _record(0x06, head + _wide(value))
            else:  # BrtCellReal
                out += _record(0x05, head + struct.pack("<d", float(value)))
    return out + _record(0x92) + _record(0x82)


def _record(typ: int, body: bytes = b"") -> bytes:
    head = bytearray([typ] if typ < 0x80 else [(typ & 0x7F) | 0x80, typ >> 7])
    size = len(body)
    while True:
        byte, size = size & 0x7F, size >> 7
        head.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(head) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def ods_content(table_xml: str) -> bytes:
    """A minimal .ods whose one table is ``table_xml`` (rows as OpenDocument writes them), for files
    no library writes: far-away repeated cells."""
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="answers">{table_xml}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
