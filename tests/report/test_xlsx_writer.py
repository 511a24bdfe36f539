"""The small ``.xlsx`` writer: what openpyxl and calamine read back, valid parts, same bytes, refused input."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from grader.report.xlsx_writer import Workbook

NOTE = "overridden by a person (automatic: 1.0): partly"


def example() -> bytes:
    book = Workbook(title="Practice 9: gradebook", created=datetime(2020, 1, 1))
    header = book.add_style(bold=True, fill="#f4f4f4", border=True)
    wrap = book.add_style(wrap=True, valign="top")
    pct = book.add_style(num_format="0.00")
    green = book.add_style(fill="#d9f2d9", border=True, num_format="0.##")
    sheet = book.add_sheet("gradebook")
    sheet.freeze(rows=1, cols=2)
    sheet.column_width(first=0, last=1, width=14)
    sheet.column_width(first=6, last=6, width=60)
    sheet.write_row(0, 0, ["student_id", "name", "s1", "s2", "s3", "percent", "reason"], header)
    sheet.write_row(1, 0, ["S1", "", 1.0, None, 0.5, 87.5, "late & <short>"], [0, 0, green, 0, green, pct, wrap])
    sheet.write_row(3, 0, ["S2", "Zoë Ünal", 0, 2, -1.25e-7, 12345678901234, "line 1\nline 2"])
    sheet.comment(1, 2, NOTE)
    text = book.add_sheet("free text")
    text.freeze(rows=1)
    text.write_row(0, 0, ["student_id", "q1"], header)
    text.write_row(1, 0, ["S1", "  spaces kept  "], [0, wrap])
    text.comment(0, 1, "second sheet's note")
    book.add_sheet("empty")
    return book.to_bytes()


GRADEBOOK = [
    ["student_id", "name", "s1", "s2", "s3", "percent", "reason"],
    ["S1", None, 1.0, None, 0.5, 87.5, "late & <short>"],
    [None] * 7,
    ["S2", "Zoë Ünal", 0, 2, -1.25e-7, 12345678901234, "line 1\nline 2"],
]


def test_openpyxl_reads_values_types_and_gaps():
    book = openpyxl.load_workbook(io.BytesIO(example()))
    assert book.sheetnames == ["gradebook", "free text", "empty"]
    sheet = book["gradebook"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=4, max_col=7)] == GRADEBOOK
    assert sheet.max_row == 4 and sheet.max_column == 7
    assert sheet["C2"].data_type == "n" and isinstance(sheet["F4"].value, int)
    assert sheet["A2"].data_type == "s" and sheet["B2"].value is None  # "" without a style writes no cell
    assert book["free text"]["B2"].value == "  spaces kept  "
    assert book["empty"].max_row == 1 and book["empty"]["A1"].value is None


def test_openpyxl_reads_layout_styles_comments_and_title():
    book = openpyxl.load_workbook(io.BytesIO(example()))
    sheet = book["gradebook"]
    assert sheet.freeze_panes == "C2"
    assert book["free text"].freeze_panes == "A2"
    assert book["empty"].freeze_panes is None
    assert sheet.column_dimensions["A"].width == 14
    assert sheet.column_dimensions["G"].width == 60
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["A1"].fill.fgColor.rgb.endswith("F4F4F4") and sheet["A1"].border.left.style == "thin"
    assert sheet["C2"].fill.fgColor.rgb.endswith("D9F2D9") and sheet["C2"].border.bottom.style == "thin"
    assert sheet["C2"].number_format == "0.##" and sheet["F2"].number_format == "0.00"
    assert sheet["F4"].number_format == "General" and sheet["A2"].fill.fill_type is None
    assert sheet["G2"].alignment.wrap_text and sheet["G2"].alignment.vertical == "top"
    assert not sheet["C1"].alignment.wrap_text
    assert sheet["C2"].comment.text == NOTE and sheet["C2"].comment.author == "grader"
    commented = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.comment]
    assert commented == ["C2"]
    assert book["free text"]["B1"].comment.text == "second sheet's note"
    assert book.properties.title == "Practice 9: gradebook"
    assert book.properties.created == datetime(2020, 1, 1)


def test_calamine_reads_the_same_values():
    book = CalamineWorkbook.from_filelike(io.BytesIO(example()))
    assert book.sheet_names == ["gradebook", "free text", "empty"]
    rows = book.get_sheet_by_name("gradebook").to_python()
    expected = [["" if value is None else value for value in row] for row in GRADEBOOK]
    assert rows == expected
    assert book.get_sheet_by_name("free text").to_python() == [["student_id", "q1"], ["S1", "  spaces kept  "]]


def test_every_part_parses_and_has_a_content_type():
    archive = zipfile.ZipFile(io.BytesIO(example()))
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml"
    for name in names:
        ElementTree.fromstring(archive.read(name))
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension") for d in types.iter(ns + "Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(ns + "Override")}
    for name in names:
        assert "/" + name in overrides or name.rsplit(".", 1)[-1] in defaults, name
    assert set(overrides) <= {"/" + name for name in names}
    assert overrides["/xl/comments1.xml"].endswith("spreadsheetml.comments+xml")
    assert {"xl/comments2.xml", "xl/drawings/vmlDrawing2.vml", "xl/worksheets/_rels/sheet2.xml.rels"} <= set(names)
    assert "xl/comments3.xml" not in names


def test_worksheet_xml_order_and_references():
    archive = zipfile.ZipFile(io.BytesIO(example()))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    tags = re.findall(r"<(dimension|sheetViews|sheetFormatPr|cols|sheetData|pageMargins|legacyDrawing)\b", sheet)
    assert tags == ["dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "pageMargins", "legacyDrawing"]
    assert '<dimension ref="A1:G4"/>' in sheet and '<row r="3"' not in sheet
    assert '<c r="A2" t="inlineStr">' in sheet  # style 0 writes no s=""
    assert '<dimension ref="A1"/>' in archive.read("xl/worksheets/sheet3.xml").decode()
    rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert 'Target="../comments1.xml"' in rels and 'Target="../drawings/vmlDrawing1.vml"' in rels


def test_comment_vml_shapes():
    archive = zipfile.ZipFile(io.BytesIO(example()))
    first = archive.read("xl/drawings/vmlDrawing1.vml").decode()
    second = archive.read("xl/drawings/vmlDrawing2.vml").decode()
    assert 'o:idmap v:ext="edit" data="1"' in first and 'o:idmap v:ext="edit" data="2"' in second
    assert 'id="_x0000_s1025"' in first and 'id="_x0000_s2049"' in second  # shape ids unique across the book
    assert "<x:Row>1</x:Row><x:Column>2</x:Column>" in first and "visibility:hidden" in first
    assert "<x:Anchor>3, 15, 0, 10, 5, 15, 4, 4</x:Anchor>" in first  # where xlsxwriter puts a note on C2
    assert "<x:Row>0</x:Row><x:Column>1</x:Column>" in second


def test_same_calls_give_the_same_bytes(tmp_path):
    data = example()
    assert data == example()
    book = Workbook(title="t", created=datetime(2020, 1, 1))
    book.add_sheet("s").write_row(0, 0, ["a", 1])
    book.save(tmp_path / "a.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == book.to_bytes()


def test_same_style_arguments_give_the_same_id():
    book = Workbook()
    green = book.add_style(fill="#d9f2d9", border=True, num_format="0.##")
    assert book.add_style(fill="#D9F2D9", border=True, num_format="0.##") == green
    assert book.add_style() == 0 and book.add_style(num_format="General") == 0
    assert book.add_style(bold=True) not in (0, green)
    with pytest.raises(ValueError):
        book.add_style(fill="green")
    with pytest.raises(ValueError):
        book.add_style(valign="middle")


def test_strings_that_look_like_formulas_stay_strings():
    book = Workbook()
    book.add_sheet("s").write_row(0, 0, ["=1+1", "+33", "-x", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
    data = book.to_bytes()
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["s"]
    assert [cell.value for cell in sheet[1]] == ["=1+1", "+33", "-x", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]
    assert {cell.data_type for cell in sheet[1]} == {"s"}


def test_illegal_characters_are_replaced_and_long_strings_cut():
    book = Workbook(title="a\x00title")
    sheet = book.add_sheet("s")
    sheet.write_row(0, 0, ["bell\x07", "lone \ud800 surrogate", "x" * 40_000, "tab\tand\nnewline", "\ufffe"])
    sheet.comment(0, 0, "note \x1b with escape")
    data = book.to_bytes()
    for name in zipfile.ZipFile(io.BytesIO(data)).namelist():
        ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))
    row = openpyxl.load_workbook(io.BytesIO(data))["s"][1]
    assert [cell.value for cell in row[:2]] == ["bell\ufffd", "lone \ufffd surrogate"]
    assert len(row[2].value) == 32_767
    assert row[3].value == "tab\tand\nnewline" and row[4].value == "\ufffd"
    assert row[0].comment.text == "note \ufffd with escape"
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("s").to_python()[0][0] == "bell\ufffd"


def test_text_that_looks_like_an_excel_escape_stays_literal():
    """Excel (and calamine) read ``_x0041_`` in a string as "A"; the writer keeps such text as typed."""
    book = Workbook()
    book.add_sheet("s").write_row(0, 0, ["_x0041_", "a_x00e9_b", "plain_x"])
    data = book.to_bytes()
    assert b"_x005F_x0041_" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("s").to_python()
    assert rows == [["_x0041_", "a_x00e9_b", "plain_x"]]


def test_dimension_covers_only_written_cells():
    book = Workbook()
    sheet = book.add_sheet("s")
    sheet.write_row(0, 1, [1, None])
    sheet.write_row(2, 0, ["a", "b", None, None])
    sheet.write_row(7, 0, [None, "", None])
    xml = zipfile.ZipFile(io.BytesIO(book.to_bytes())).read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:B3"/>' in xml and '<row r="8"' not in xml


def test_styled_empty_string_is_a_blank_cell_with_its_style():
    book = Workbook()
    fill = book.add_style(fill="#ffcc00")
    book.add_sheet("s").write_row(0, 0, ["", "", "x", None, ""], [fill, 0, 0, fill, 0])
    sheet = openpyxl.load_workbook(io.BytesIO(book.to_bytes()))["s"]
    assert sheet.dimensions == "A1:C1"  # the styled gap and the unstyled "" at the end are not cells
    assert sheet["A1"].value is None and sheet["A1"].fill.fgColor.rgb == "FFFFCC00"
    assert sheet["B1"].fill.fill_type is None and sheet["D1"].fill.fill_type is None


def test_columns_far_right_and_numpy_numbers():
    """Column letters run A..Z, AA.. up to XFD; numpy's float64 and int64 are numbers."""
    book = Workbook()
    sheet = book.add_sheet("s")
    sheet.write_row(0, 25, [np.float64(0.1), np.int64(3), 7])
    sheet.write_row(1, 16_383, ["last"])
    xml = zipfile.ZipFile(io.BytesIO(book.to_bytes())).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="Z1"><v>0.1</v></c><c r="AA1"><v>3</v></c><c r="AB1"><v>7</v></c>' in xml
    assert '<c r="XFD2" t="inlineStr">' in xml and '<dimension ref="A1:XFD2"/>' in xml
    with pytest.raises(ValueError):
        sheet.write_row(2, 16_383, ["too", "far"])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), True, b"bytes", datetime(2020, 1, 1)])
def test_values_it_cannot_write_are_refused_naming_the_cell(bad):
    sheet = Workbook().add_sheet("s")
    with pytest.raises(ValueError, match=r"cell C5 \(row 4, column 2\)"):
        sheet.write_row(4, 0, ["a", 1, bad])


def test_rows_go_in_increasing_order():
    sheet = Workbook().add_sheet("s")
    sheet.write_row(2, 0, ["a"])
    for row in (2, 1):
        with pytest.raises(ValueError, match="increasing"):
            sheet.write_row(row, 0, ["b"])
    sheet.write_row(5, 0, ["c"])


def test_styles_must_match_the_values():
    book = Workbook()
    sheet = book.add_sheet("s")
    with pytest.raises(ValueError):
        sheet.write_row(0, 0, ["a", "b"], [0])
    with pytest.raises(ValueError):
        sheet.write_row(1, 0, ["a"], 7)


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a:b", "q?", "[x]", "a*", "back\\slash", "'quoted'"])
def test_bad_sheet_names_are_refused(name):
    with pytest.raises(ValueError):
        Workbook().add_sheet(name)


def test_duplicate_sheet_names_are_refused_ignoring_case():
    book = Workbook()
    book.add_sheet("Gradebook")
    book.add_sheet("x" * 31)
    with pytest.raises(ValueError, match="already"):
        book.add_sheet("gradebook")


def test_overlapping_widths_repeated_comments_and_an_empty_book_are_refused():
    book = Workbook()
    with pytest.raises(ValueError):
        book.to_bytes()
    sheet = book.add_sheet("s")
    sheet.column_width(0, 2, 10)
    with pytest.raises(ValueError):
        sheet.column_width(2, 3, 10)
    sheet.comment(0, 0, "one")
    with pytest.raises(ValueError):
        sheet.comment(0, 0, "two")
