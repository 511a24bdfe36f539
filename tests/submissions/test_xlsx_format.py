"""Excel submissions: the template and wide layouts, cell kinds, and bad workbooks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

from grader.submissions import Rejection, Submission, read_file
from grader.submissions.xlsx_format import MAX_UNPACKED_BYTES

from .conftest import QUESTIONS, Write


def read_one(path: Path):
    items = read_file(path, QUESTIONS)
    assert len(items) == 1
    return items[0]


def write_template(path: Path, rows: list[tuple[str, object]], *, student_id: object = "B12345") -> Path:
    """The template layout: a title, a labelled id above, the header on row 4."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "Practice session 9")
    sheet.write(1, 0, "Student ID")
    sheet.write(1, 1, student_id)
    sheet.write_row(3, 0, ["Question", "Answer", "Prompt"])
    for offset, (label, value) in enumerate(rows, start=4):
        sheet.write_string(offset, 0, label)
        if isinstance(value, tuple):  # (formula, cached value or None)
            formula, cached = value
            if cached is None:
                sheet.write_formula(offset, 1, formula)
            else:
                sheet.write_formula(offset, 1, formula, None, cached)
        elif isinstance(value, str):
            sheet.write_string(offset, 1, value)
        elif value is not None:
            sheet.write(offset, 1, value)
    workbook.close()
    return path


def test_template(tmp_path: Path) -> None:
    rows = [
        ("param:x", 0.5),
        ("param:true_class", "airplane"),
        ("s1", 0.7),
        ("s2", "0,7"),  # a number stored as text
        ("dE/dw5", ("=-0.0242*2", -0.0484)),  # a formula with its cached value
        ("yhat", " \u22120.05 "),
        ("E", None),
        ("loss", "n/a"),
        ("q1a_vi", "because"),
    ]
    submission = read_one(write_template(tmp_path / "B12345_p9.xlsx", rows))
    assert isinstance(submission, Submission)
    assert submission.student_id == "B12345"
    assert submission.notes == ()
    assert dict(submission.params) == {"x": "0.5", "true_class": "airplane"}
    answers = submission.answers
    assert {q: a.value for q, a in answers.items()} == {
        "s1": 0.7,
        "s2": 0.7,
        "dE_dw5": -0.0484,
        "y_hat": -0.05,
        "E": None,
        "loss": None,
        "q1a_vi": None,
    }
    assert answers["s1"].source.cell == "B7" and str(answers["s1"].source).endswith("B12345_p9.xlsx, cell B7")
    assert answers["s1"].raw == "0.7"
    assert answers["E"].problem == "blank"
    assert answers["loss"].problem == "could not read 'n/a' as a number"
    assert answers["q1a_vi"].raw == "because"


def test_student_id_row_and_float_id(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["question", "answer"])
    sheet.write_row(1, 0, ["student_id", 12345])
    sheet.write_row(2, 0, ["s1", 1])
    workbook.close()
    submission = read_one(path)
    assert submission.student_id == "12345"


def test_formula_without_cached_value_is_unreadable(tmp_path: Path) -> None:
    """openpyxl saves formulas without values: never read them as 0."""
    path = tmp_path / "B1_p9.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["question", "answer"])
    sheet.append(["s1", "=1+1"])
    sheet.append(["s2", 0.5])
    workbook.save(path)
    submission = read_one(path)
    assert submission.answers["s1"].value is None
    problem = submission.answers["s1"].problem
    assert "formula in B2 has no saved value" in problem and "open it in Excel or LibreOffice" in problem
    assert submission.answers["s2"].value == 0.5


def test_uncalculated_formula_zero_is_unreadable(tmp_path: Path) -> None:
    """xlsxwriter saves 0 for a formula without a value and asks for a recalculation."""
    path = write_template(tmp_path / "B1.xlsx", [("s1", ("=0.3+0.4", None)), ("s2", ("=0.3+0.4", 0.7))])
    submission = read_one(path)
    assert submission.answers["s1"].value is None
    assert "open it in Excel or LibreOffice" in submission.answers["s1"].problem
    assert submission.answers["s2"].value == 0.7


def test_formula_error_value(tmp_path: Path) -> None:
    path = write_template(tmp_path / "B1.xlsx", [("s1", ("=1/0", "#DIV/0!"))])
    submission = read_one(path)
    assert submission.answers["s1"].value is None
    assert submission.answers["s1"].problem is not None and "#DIV/0!" in submission.answers["s1"].problem


def test_formula_giving_text(tmp_path: Path) -> None:
    path = write_template(tmp_path / "B1.xlsx", [("s1", ('="0,"&"7"', "0,7")), ("q1a_vi", ('=""', ""))])
    submission = read_one(path)
    assert submission.answers["s1"].value == 0.7


def test_wide_layout(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["student_id", "s1", "y_hat", "param:x"])
    sheet.write_row(1, 0, ["B1", 0.7, "0,5", 0.5])
    sheet.write_row(2, 0, [12345.0, "n/a", 0.25])
    sheet.write_row(3, 1, [0.1])
    workbook.close()
    first, second, third = read_file(path, QUESTIONS)
    assert first.student_id == "B1" and first.answers["y_hat"].value == 0.5 and first.params == {"x": "0.5"}
    assert second.student_id == "12345" and second.answers["s1"].problem == "could not read 'n/a' as a number"
    assert second.answers["s1"].source.cell == "B3"
    assert isinstance(third, Rejection) and third.reason.endswith("cell A4: no student id in this row")


def test_no_question_column(tmp_path: Path) -> None:
    path = tmp_path / "B1.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_row(0, 0, ["name", "value"])
    workbook.close()
    rejection = read_one(path)
    assert isinstance(rejection, Rejection) and "cell A1: no header row" in rejection.reason


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "B1.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet()
    workbook.close()
    rejection = read_one(path)
    assert isinstance(rejection, Rejection) and rejection.reason.endswith("the first sheet is empty")


def test_not_a_workbook(write: Write) -> None:
    rejection = read_one(write("B1.xlsx", "question,answer\ns1,0.7\n"))
    assert isinstance(rejection, Rejection)
    assert rejection.reason == (f"{rejection.file}: not a spreadsheet: the file is neither a zip archive (.xlsx, .ods, .xlsb)"
                                " nor an OLE2 file (.xls)")
    assert rejection.student_id == "B1"


def test_zip_that_is_not_a_workbook(write: Write) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    rejection = read_one(write("B1.xlsx", buffer.getvalue()))
    assert isinstance(rejection, Rejection) and "no xl/workbook.xml" in rejection.reason


def test_an_ole_header_with_nothing_behind_it_is_a_damaged_office_file(write: Write) -> None:
    """An .xls is read (tests/submissions/test_workbook_formats.py); these bytes are none."""
    rejection = read_one(write("B1.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))
    assert isinstance(rejection, Rejection) and "a damaged Office file" in rejection.reason


def test_truncated_workbook(tmp_path: Path, write: Write) -> None:
    data = write_template(tmp_path / "good.xlsx", [("s1", 0.7)]).read_bytes()
    rejection = read_one(write("B1.xlsx", data[: len(data) // 2]))
    assert isinstance(rejection, Rejection)


def test_zip_bomb_is_refused_from_the_directory(write: Write) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    rejection = read_one(write("B1.xlsx", buffer.getvalue()))
    assert isinstance(rejection, Rejection) and "unpacks to" in rejection.reason


def test_far_away_cell_is_refused_before_calamine(tmp_path: Path) -> None:
    """calamine allocates the whole used rectangle: 20,000 x 5,000 cells took 10 s and 3 GB."""
    path = tmp_path / "B1.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["question", "answer"])
    sheet.write_row(1, 0, ["s1", 0.7])
    sheet.write(20000, 5000, "x")
    workbook.close()
    rejection = read_one(path)
    assert isinstance(rejection, Rejection) and "20001 rows by 5001 columns" in rejection.reason


def test_cells_without_references_count_towards_the_extent(tmp_path: Path, write: Write) -> None:
    """A hand-made sheet whose cells carry no ``r`` still cannot reach far rows unchecked."""
    good = write_template(tmp_path / "good.xlsx", [("s1", 0.7)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                start, end = data.index(b"<sheetData>"), data.index(b"</sheetData>")
                far = b'<row r="1"><c t="inlineStr"><is><t>question</t></is></c></row>'
                far += b'<row r="900000">' + b"<c><v>1</v></c>" * 5 + b"</row>"
                data = data[:start] + b"<sheetData>" + far + data[end:]
            target.writestr(info.filename, data)
    rejection = read_one(write("B1.xlsx", buffer.getvalue()))
    assert isinstance(rejection, Rejection) and "rows by" in rejection.reason


def test_workbook_with_another_extension_is_read_as_a_workbook(tmp_path: Path, write: Write) -> None:
    data = write_template(tmp_path / "good.xlsx", [("s1", 0.7)]).read_bytes()
    submission = read_one(write("B12345_p9.csv", data))
    assert isinstance(submission, Submission) and submission.answers["s1"].value == 0.7


def test_first_sheet_is_read(tmp_path: Path) -> None:
    """With several sheets, the first sheet's XML is found through the relationships."""
    path = tmp_path / "B1.xlsx"
    workbook = openpyxl.Workbook()
    scratch = workbook.active
    scratch.title = "scratch"
    scratch.append(["question", "answer"])
    scratch.append(["s1", 99])
    answers = workbook.create_sheet("answers", 0)  # first in order, second in the zip
    answers.append(["question", "answer"])
    answers.append(["s1", 0.7])
    answers.append(["s2", "=1+1"])
    workbook.save(path)
    submission = read_one(path)
    assert submission.answers["s1"].value == 0.7
    assert "formula in B3 has no saved value" in submission.answers["s2"].problem


def test_first_sheet_member_follows_relationships() -> None:
    from grader.submissions.xlsx_format import _first_sheet_member

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        sheets = '<sheets><sheet name="a" sheetId="1" r:id="rId7"/></sheets>'
        archive.writestr("xl/workbook.xml", f"<workbook>{sheets}</workbook>")
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId3" Target="worksheets/sheet1.xml"/>'
            '<Relationship Target="worksheets/sheet2.xml" Type="x" Id="rId7"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        archive.writestr("xl/worksheets/sheet2.xml", "<worksheet/>")
    with zipfile.ZipFile(buffer) as archive:
        names = set(archive.namelist())
        assert _first_sheet_member(archive, names) == "xl/worksheets/sheet2.xml"


def test_extent_is_checked_on_the_sheet_calamine_reads(tmp_path: Path, write: Write) -> None:
    """A harmless decoy sheet1.xml does not hide a far-reaching first sheet elsewhere."""
    good = write_template(tmp_path / "good.xlsx", [("s1", 0.7)])
    cells = b'<c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c>'
    far = b'<worksheet><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"worksheets/sheet1.xml", b"elsewhere/first.xml")
            target.writestr(info.filename, data)
        target.writestr("xl/elsewhere/first.xml", far)
    rejection = read_one(write("B1.xlsx", buffer.getvalue()))
    assert isinstance(rejection, Rejection) and "1048576 rows by 16384 columns" in rejection.reason
