"""A small, fast writer of styled ``.xlsx`` workbooks (XML text zipped with the stdlib), for the gradebook.

It writes numbers, inline strings, a few cell styles, frozen panes, column widths and cell comments; each row's
XML is built once, so 150,000 cells take a fraction of a second. Deliberately left out: formulas (a string is
never a formula), dates, booleans, shared strings, merged cells, row heights, themes, rich text, hyperlinks.
``None`` leaves a gap; ``""`` is a blank cell that keeps its style (left out when unstyled). Same calls, same bytes.
"""

from __future__ import annotations

import io
import math
import numbers
import os
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import product
from string import ascii_uppercase
from typing import Any

MAX_ROWS, MAX_COLS, MAX_CHARS = 1_048_576, 16_384, 32_767
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/"
_PKG = "http://schemas.openxmlformats.org/package/2006/"
_REL = _DOC + "relationships"
_CT = "application/vnd.openxmlformats-officedocument."
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
_VALIGN = {"top", "center", "bottom", "justify", "distributed"}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0
_EXCEL_ESCAPE = re.compile("_(x[0-9a-fA-F]{4}_)")  # Excel reads "_x0041_" as "A" unless written "_x005F_x0041_"
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]|^'|'$")
_COLOUR = re.compile("#[0-9a-fA-F]{6}")
_MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
_COLUMNS = ["".join(letters) for n in (1, 2, 3) for letters in product(ascii_uppercase, repeat=n)][:MAX_COLS]  # A..XFD


def _text(text: str, quote: bool = False, excel: bool = True) -> str:
    """XML text: cut to Excel's cell limit, illegal characters -> U+FFFD, ``& < >`` (and ``"``) escaped.

    ``excel``: the text is read by Excel (not a document property), which decodes ``_xHHHH_``; keep it literal.
    """
    text = _ILLEGAL.sub("\ufffd", text[:MAX_CHARS])
    text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text) if excel else text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


class Sheet:
    """One worksheet (made by ``Workbook.add_sheet``); rows are written once each, in increasing order."""

    def __init__(self, book: Workbook, name: str) -> None:
        self.name, self._book = name, book
        self._rows: list[str] = []  # each written row's <row> element
        self._last_row, self._max_row, self._max_col = -1, -1, 0  # the last row given; the used range's corner
        self._freeze = (0, 0)
        self._widths: list[tuple[int, int, float]] = []
        self._comments: dict[tuple[int, int], str] = {}

    def freeze(self, rows: int = 0, cols: int = 0) -> None:
        """Keep the top ``rows`` and the left ``cols`` in view while scrolling."""
        if not (0 <= rows < MAX_ROWS and 0 <= cols < MAX_COLS):
            raise ValueError(f"cannot freeze {rows} rows and {cols} columns")
        self._freeze = (rows, cols)

    def column_width(self, first: int, last: int, width: float) -> None:
        """Width (in characters) of the 0-based columns ``first..last``; ranges may not overlap."""
        if not (0 <= first <= last < MAX_COLS and 0 <= width <= 255):
            raise ValueError(f"bad column range {first}..{last} or width {width}")
        if any(first <= b and a <= last for a, b, _ in self._widths):
            raise ValueError(f"columns {first}..{last} overlap columns already given a width")
        self._widths.append((first, last, width))

    def comment(self, row: int, col: int, text: str) -> None:
        """A note on the 0-based cell, shown on hover; one per cell."""
        if not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLS) or (row, col) in self._comments:
            raise ValueError(f"bad or repeated comment cell ({row}, {col})")
        self._comments[row, col] = text

    def write_row(self, row: int, first_col: int, values: Sequence[object], style: int | Sequence[int] = 0) -> None:
        """Write ``values`` into 0-based ``row`` from column ``first_col``; ``style``: one id, or one per value."""
        if not self._last_row < row < MAX_ROWS:
            raise ValueError(f"row {row} must come after row {self._last_row} (rows go in increasing order)")
        n, attrs = len(values), self._book._attrs
        if first_col < 0 or first_col + n > MAX_COLS:
            raise ValueError(f"row {row}: columns {first_col}..{first_col + n - 1} are outside the sheet")
        styles = [style] * n if isinstance(style, int) else list(style)
        if len(styles) != n or (n and (min(styles) < 0 or max(styles) >= len(attrs))):
            raise ValueError(f"row {row}: need {n} style ids from 0 to {len(attrs) - 1}, got {style!r}")
        self._last_row, r, isfinite, printable = row, str(row + 1), math.isfinite, str.isprintable
        cells: list[str] = []
        add = cells.append
        value: Any  # checked below with ``type(value) is``, which is faster than isinstance
        for col, value, s in zip(_COLUMNS[first_col : first_col + n], values, styles):
            kind = type(value)
            if kind is float or kind is int:
                if kind is float and not isfinite(value):
                    raise ValueError(f"{_cell(row, col)}: {value!r} is not a finite number")
                add(f'<c r="{col}{r}"{attrs[s]}><v>{value!r}</v></c>')
            elif kind is str:
                if value:  # fast path: nothing to escape, cut or replace
                    plain = printable(value) and len(value) <= MAX_CHARS and "&" not in value and "<" not in value
                    plain = plain and ">" not in value and "_x" not in value
                    add(f'<c r="{col}{r}"{attrs[s]} t="inlineStr"><is><t xml:space="preserve">'
                        f"{value if plain else _text(value)}</t></is></c>")
                elif s:
                    add(f'<c r="{col}{r}"{attrs[s]}/>')
            elif value is not None:
                add(_rare_cell(row, col, value, attrs[s]))
        if cells:
            last = n - 1
            while values[last] is None or (type(values[last]) is str and not values[last] and not styles[last]):
                last -= 1
            self._rows.append(f'<row r="{r}">{"".join(cells)}</row>')
            self._max_row, self._max_col = row, max(self._max_col, first_col + last)

    def _xml(self, selected: bool) -> str:
        corner = f"{_COLUMNS[self._max_col]}{self._max_row + 1}" if self._rows else "A1"
        rows, cols = self._freeze
        view = '<sheetView tabSelected="1" workbookViewId="0"' if selected else '<sheetView workbookViewId="0"'
        if rows or cols:
            pane = "bottomRight" if rows and cols else "bottomLeft" if rows else "topRight"
            split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
            view += (f'><pane{split} topLeftCell="{_COLUMNS[cols]}{rows + 1}" activePane="{pane}" state="frozen"/>'
                     f'<selection pane="{pane}"/></sheetView>')
        else:
            view += "/>"
        widths = "".join(f'<col min="{a + 1}" max="{b + 1}" width="{w}" customWidth="1"/>'
                         for a, b, w in sorted(self._widths))
        return "".join([
            _HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
            f'<dimension ref="{"A1" if corner == "A1" else "A1:" + corner}"/><sheetViews>{view}</sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>', f"<cols>{widths}</cols>" if widths else "",
            "<sheetData>", *self._rows, "</sheetData>", _MARGINS,
            '<legacyDrawing r:id="rId2"/>' if self._comments else "", "</worksheet>"])

    def _comments_xml(self) -> str:
        notes = "".join(f'<comment ref="{_COLUMNS[c]}{r + 1}" authorId="0"><text><t xml:space="preserve">{_text(text)}'
                        "</t></text></comment>" for (r, c), text in sorted(self._comments.items()))
        return (f'{_HEAD}<comments xmlns="{_MAIN}"><authors><author>grader</author></authors>'
                f"<commentList>{notes}</commentList></comments>")

    def _vml(self, block: int) -> str:
        """The legacy drawing that shows the notes: hidden 128 x 74 px boxes placed the way xlsxwriter places them.

        A box starts 15 px right of its cell's column and 10 px into the row above; the anchor names the columns
        and rows (of 20 px) its corners fall in. Shape ids come in blocks of 1024 named in ``o:idmap``, from ``block``.
        """
        custom = {col: int(w * 12 + 0.5) if w < 1 else int(w * 7 + 0.5) + 5 for a, b, w in self._widths
                  for col in range(a, b + 1)}  # column widths in pixels (Calibri 11), 64 unless set

        def locate(x: int) -> tuple[int, int]:  # pixels from the left edge -> (column, pixels into it)
            col = 0
            while x >= custom.get(col, 64):
                x, col = x - custom.get(col, 64), col + 1
            return col, x

        shapes = []
        for i, (r, c) in enumerate(sorted(self._comments)):
            left = sum(custom.get(col, 64) for col in range(c + 1)) + 15
            (col1, x1), (col2, x2) = locate(left), locate(left + 128)
            top, y1 = (0, 2) if r == 0 else (r - 1, 10)
            bottom, y2 = divmod(top * 20 + y1 + 74, 20)
            style = (f"position:absolute;margin-left:{left * 0.75:g}pt;margin-top:{(top * 20 + y1) * 0.75:g}pt;"
                     f"width:96pt;height:55.5pt;z-index:{i + 1};visibility:hidden")
            anchor = f"{col1}, {x1}, {top}, {y1}, {col2}, {x2}, {bottom}, {y2}"
            shapes.append(
                f'<v:shape id="_x0000_s{1024 * block + 1 + i}" type="#_x0000_t202" style="{style}" fillcolor="#ffffe1"'
                ' o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
                '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
                '</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
                f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column>"
                "</x:ClientData></v:shape>")
        blocks = ",".join(str(block + k) for k in range(len(self._comments) // 1024 + 1))
        return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                f'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
                f'data="{blocks}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
                f'o:connecttype="rect"/></v:shapetype>{"".join(shapes)}</xml>')


def _cell(row: int, col: str) -> str:
    return f"cell {col}{row + 1} (row {row}, column {_COLUMNS.index(col)})"


def _rare_cell(row: int, col: str, value: object, attr: str) -> str:
    """Subclasses of float and str, other integers (numpy's, enums); bool and anything else is refused."""
    ref = f"{col}{row + 1}"
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{attr}><v>{float.__repr__(value)}</v></c>'
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f'<c r="{ref}"{attr}><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}"{attr} t="inlineStr"><is><t xml:space="preserve">{_text(str.__str__(value))}</t></is></c>'
    raise ValueError(f"{_cell(row, col)}: cannot write {value!r} ({type(value).__name__}), only finite numbers and str")


class Workbook:
    """Sheets and cell styles; ``to_bytes`` or ``save`` writes the ``.xlsx``."""

    def __init__(self, title: str = "", created: datetime | None = None) -> None:
        """``created`` (naive means UTC) is written as created and modified time; without it, no time at all."""
        self.title, self.created = title, created
        self._sheets: list[Sheet] = []
        self._styles: dict[tuple[object, ...], int] = {(False, None, False, 0, False, None): 0}
        self._xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self._attrs = [""]  # the ` s="id"` attribute of each style id ("" for the default, 0)
        self._fills: dict[str, int] = {}  # ARGB -> fillId (0 and 1 are the mandatory none and gray125)
        self._formats: dict[str, int] = {}  # custom format code -> numFmtId (from 164)

    def add_style(self, *, bold: bool = False, fill: str | None = None, border: bool = False,
                  num_format: str | None = None, wrap: bool = False, valign: str | None = None) -> int:
        """The id of a cell style: bold font, solid ``#rrggbb`` fill, thin border, number format, alignment."""
        if fill is not None and not _COLOUR.fullmatch(fill):
            raise ValueError(f"fill must look like '#d9f2d9', not {fill!r}")
        if valign is not None and valign not in _VALIGN:
            raise ValueError(f"valign must be one of {sorted(_VALIGN)}, not {valign!r}")
        argb = "FF" + fill[1:].upper() if fill else None
        fmt = _BUILTIN_FORMATS.get(num_format or "General")
        if fmt is None:
            fmt = self._formats.setdefault(num_format, 164 + len(self._formats))  # type: ignore[arg-type]
        key = (bool(bold), argb, bool(border), fmt, bool(wrap), valign)
        if key not in self._styles:
            fill_id = self._fills.setdefault(argb, 2 + len(self._fills)) if argb else 0
            xf = f'<xf numFmtId="{fmt}" fontId="{int(bold)}" fillId="{fill_id}" borderId="{int(border)}" xfId="0"'
            flags = {"NumberFormat": fmt, "Font": bold, "Fill": argb, "Border": border, "Alignment": wrap or valign}
            xf += "".join(f' apply{name}="1"' for name, on in flags.items() if on)
            align = (' wrapText="1"' if wrap else "") + (f' vertical="{valign}"' if valign else "")
            self._styles[key] = len(self._xfs)
            self._xfs.append(f"{xf}><alignment{align}/></xf>" if align else f"{xf}/>")
            self._attrs.append(f' s="{self._styles[key]}"')
        return self._styles[key]

    def add_sheet(self, name: str) -> Sheet:
        """A new last sheet. Excel's rules: 1-31 characters, none of ``[]:*?/\\``, unique ignoring case."""
        if not 0 < len(name) <= 31 or _BAD_SHEET_NAME.search(name) or _ILLEGAL.search(name):
            raise ValueError(f"{name!r} is not a valid sheet name")
        if name.casefold() in (sheet.name.casefold() for sheet in self._sheets):
            raise ValueError(f"there is already a sheet named {name!r}")
        self._sheets.append(Sheet(self, name))
        return self._sheets[-1]

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "wb") as out:
            out.write(self.to_bytes())

    def to_bytes(self) -> bytes:
        if not self._sheets:
            raise ValueError("a workbook needs at least one sheet")
        sheets = "".join(f'<sheet name="{_text(sheet.name, True)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, sheet in enumerate(self._sheets, 1))
        parts = {  # the zip's entries in order, "[Content_Types].xml" goes first once all are known
            "_rels/.rels": _rels([(f"{_REL}/officeDocument", "xl/workbook.xml"),
                                  (f"{_PKG}relationships/metadata/core-properties", "docProps/core.xml"),
                                  (f"{_REL}/extended-properties", "docProps/app.xml")]),
            "docProps/core.xml": self._core_xml(),
            "docProps/app.xml": f'{_HEAD}<Properties xmlns="{_DOC}extended-properties">'
                                "<Application>grader</Application></Properties>",
            "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
                               f"</bookViews><sheets>{sheets}</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": _rels([*((f"{_REL}/worksheet", f"worksheets/sheet{i}.xml")
                                                   for i in range(1, len(self._sheets) + 1)),
                                                 (f"{_REL}/styles", "styles.xml")]),
            "xl/styles.xml": self._styles_xml(),
        }
        types = {"/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
                 "/docProps/app.xml": _CT + "extended-properties+xml",
                 "/xl/workbook.xml": _CT + "spreadsheetml.sheet.main+xml",
                 "/xl/styles.xml": _CT + "spreadsheetml.styles+xml"}
        block = 1  # VML shape ids: each sheet with comments takes the next 1024-id block(s)
        for i, sheet in enumerate(self._sheets, 1):
            parts[f"xl/worksheets/sheet{i}.xml"] = sheet._xml(selected=i == 1)
            types[f"/xl/worksheets/sheet{i}.xml"] = _CT + "spreadsheetml.worksheet+xml"
            if sheet._comments:
                parts[f"xl/comments{i}.xml"] = sheet._comments_xml()
                types[f"/xl/comments{i}.xml"] = _CT + "spreadsheetml.comments+xml"
                parts[f"xl/drawings/vmlDrawing{i}.vml"] = sheet._vml(block)
                parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _rels(
                    [(f"{_REL}/comments", f"../comments{i}.xml"),
                     (f"{_REL}/vmlDrawing", f"../drawings/vmlDrawing{i}.vml")])
                block += len(sheet._comments) // 1024 + 1
        overrides = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in types.items())
        parts = {"[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="{_PKG}content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="vml" ContentType="{_CT}vmlDrawing"/>{overrides}</Types>'), **parts}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, text in parts.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                archive.writestr(info, text.encode(), compresslevel=1)
        return buffer.getvalue()

    def _core_xml(self) -> str:
        times = ""
        if self.created is not None:
            when = self.created.astimezone(UTC) if self.created.tzinfo else self.created
            times = "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{when:%Y-%m-%dT%H:%M:%SZ}</dcterms:{tag}>'
                            for tag in ("created", "modified"))
        return (f'{_HEAD}<cp:coreProperties xmlns:cp="{_PKG}metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{_text(self.title, excel=False)}'
                f"</dc:title><dc:creator>grader</dc:creator>{times}</cp:coreProperties>")

    def _styles_xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode="{_text(code, True)}"/>'
                          for code, i in self._formats.items())
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        fills = "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="{argb}"/><bgColor indexed="64"/>'
                        "</patternFill></fill>" for argb in self._fills)
        thin = "".join(f'<{e} style="thin"><color auto="1"/></{e}>' for e in ("left", "right", "top", "bottom"))
        return "".join([
            _HEAD, f'<styleSheet xmlns="{_MAIN}">',
            f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if formats else "",
            f'<fonts count="2"><font>{font}<font><b/>{font}</fonts><fills count="{2 + len(self._fills)}">',
            f'<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>{fills}',
            '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>',
            f'<border>{thin}<diagonal/></border></borders><cellStyleXfs count="1">',
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(self._xfs)}">{"".join(self._xfs)}</cellXfs>',
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'])


def _rels(relations: list[tuple[str, str]]) -> str:
    """A relationships part: (type, target) pairs, with ids rId1, rId2, ... in order."""
    items = "".join(f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
                    for i, (kind, target) in enumerate(relations, 1))
    return f'{_HEAD}<Relationships xmlns="{_PKG}relationships">{items}</Relationships>'
