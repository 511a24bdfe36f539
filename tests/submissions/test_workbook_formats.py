""".ods, .xls and .xlsb submissions, through python-calamine like .xlsx: the template read, formulas
never calculated (a formula without a saved value is unreadable), passwords and far-away cells refused
with a reason before calamine allocates anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from workbook_files import Formula, ods_content, write_ods, write_xls, write_xlsb

from grader.submissions import Rejection, Submission, read_file
from grader.submissions.sheet_limits import MAX_CELLS

from .conftest import QUESTIONS, Write

DATA = Path(__file__).resolve().parents[1] / "data" / "workbooks"
NO_VALUE = "has no saved value (the file was written by a program that does not calculate formulas)"

TEMPLATE = [
    ["Practice session 9"],
    ["Student ID", "B12345"],
    [],
    ["Question", "Answer"],
    ["param:true_class", "airplane"],
    ["s1", 0.7],
    ["s2", "0,7"],
    ["yhat", " \u22120.05 "],
    ["E", None],
    ["loss", "n/a"],
    ["q1a_vi", "because the gradient"],
]
WRITERS = {".ods": write_ods, ".xls": write_xls, ".xlsb": write_xlsb}


def read_one(path: Path):
    items = read_file(path, QUESTIONS)
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_the_template_layout_reads_as_from_an_xlsx(tmp_path: Path, suffix: str) -> None:
    submission = read_one(WRITERS[suffix](tmp_path / f"B12345_p9{suffix}", TEMPLATE))
    assert isinstance(submission, Submission), submission
    assert submission.student_id == "B12345"
    assert dict(submission.params) == {"true_class": "airplane"}
    answers = submission.answers
    assert {q: answers[q].value for q in ("s1", "s2", "y_hat", "E", "loss")} == {
        "s1": 0.7, "s2": 0.7, "y_hat": -0.05, "E": None, "loss": None}
    assert str(answers["s1"].source).endswith(f"B12345_p9{suffix}, cell B6")
    assert answers["E"].problem == "blank"
    assert answers["loss"].problem == "could not read 'n/a' as a number"
    assert answers["q1a_vi"].raw == "because the gradient"


@pytest.mark.parametrize("suffix", [".ods", ".xlsb"])
def test_a_formula_counts_with_the_value_the_program_saved(tmp_path: Path, suffix: str) -> None:
    rows = [["question", "answer"], ["student_id", "B1"], ["s1", Formula("0.35*2", 0.7)]]
    submission = read_one(WRITERS[suffix](tmp_path / f"B1{suffix}", rows))
    assert submission.answers["s1"].value == 0.7 and submission.answers["s1"].problem is None


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_a_formula_saved_without_a_value_is_unreadable_never_calculated(tmp_path: Path, suffix: str) -> None:
    """odfpy and xlwt write formulas as text, with no result: nothing here calculates one."""
    rows = [["question", "answer"], ["student_id", "B1"], ["s1", 0.7], ["s2", Formula("0.35*2")]]
    submission = read_one(WRITERS[suffix](tmp_path / f"B1{suffix}", rows))
    assert submission.answers["s1"].value == 0.7
    assert submission.answers["s2"].value is None
    assert submission.answers["s2"].problem.startswith(f"the formula in B4 {NO_VALUE}: open it in Excel")


def test_an_ods_formula_whose_saved_value_is_an_error_says_so(write: Write) -> None:
    table = ('<table:table-row><table:table-cell office:value-type="string"><text:p>s1</text:p></table:table-cell>'
             '<table:table-cell table:formula="of:=1/0" office:value-type="string" calcext:value-type="error" '
             'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
             "<text:p>#DIV/0!</text:p></table:table-cell></table:table-row>")
    header = ('<table:table-row><table:table-cell office:value-type="string"><text:p>question</text:p>'
              '</table:table-cell><table:table-cell office:value-type="string"><text:p>answer</text:p>'
              "</table:table-cell></table:table-row>")
    submission = read_one(write("B1.ods", ods_content(header + table)))
    assert submission.answers["s1"].problem == "the formula in B2 gives an error"


def test_an_xls_with_a_password_is_refused_with_what_to_do(tmp_path: Path, write: Write) -> None:
    data = bytearray(write_xls(tmp_path / "plain.xls", [["question", "answer"], ["s1", 0.7]]).read_bytes())
    at = data.index(b"\x19\x00\x02\x00")  # WINDOWPROTECT, the first 2-byte record of the workbook's globals
    data[at: at + 6] = b"\x2f\x00\x02\x00\x01\x00"  # ... made FILEPASS (RC4), as Excel marks an encrypted .xls
    rejection = read_one(write("B1.xls", bytes(data)))
    assert isinstance(rejection, Rejection)
    assert rejection.reason.endswith("a password-protected workbook: remove the password (File > Info > "
                                     "Protect Workbook) and save it again")


def test_an_xlsx_with_a_password_is_refused_not_taken_for_an_xls(tmp_path: Path) -> None:
    """A real encrypted workbook (tests/data/workbooks/README.md says how it was made): an OLE2 file."""
    path = tmp_path / "B10001_practice09.xlsx"
    path.write_bytes((DATA / "B10001_password.xlsx").read_bytes())
    rejection = read_one(path)
    assert isinstance(rejection, Rejection) and "a password-protected workbook" in rejection.reason
    assert rejection.student_id == "B10001"


def test_an_ods_with_a_password_is_refused(write: Write) -> None:
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(ods_content("<table:table-row/>")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "META-INF/manifest.xml":
                data = data.replace(b'media-type="text/xml"/>', b'media-type="text/xml"><manifest:encryption-data/>'
                                                                b"</manifest:file-entry>")
            target.writestr(name, data)
    rejection = read_one(write("B1.ods", buffer.getvalue()))
    assert isinstance(rejection, Rejection) and "password-protected" in rejection.reason


@pytest.mark.parametrize("table, expected", [
    # one value repeated across 20,000 columns of 100 rows: 2 million cells from a few bytes
    ('<table:table-row table:number-rows-repeated="100"><table:table-cell table:number-columns-repeated="20000" '
     'office:value-type="float" office:value="1"/></table:table-row>', "spans 100 rows by 20000 columns"),
    # one value 2 million empty rows down: calamine writes every row in between
    ('<table:table-row><table:table-cell office:value-type="string"><text:p>question</text:p></table:table-cell>'
     '</table:table-row><table:table-row table:number-rows-repeated="2000000"><table:table-cell/></table:table-row>'
     '<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>',
     "spans 2000002 rows by 1 columns"),
])
def test_an_ods_whose_repeated_cells_reach_too_far_is_refused(write: Write, table: str, expected: str) -> None:
    rejection = read_one(write("B1.ods", ods_content(table)))
    assert isinstance(rejection, Rejection) and expected in rejection.reason


def test_repeated_empty_cells_and_rows_after_the_last_value_cost_nothing(write: Write) -> None:
    """As LibreOffice saves every sheet: the rest of its million rows and thousand columns, empty."""
    table = ('<table:table-row><table:table-cell office:value-type="string"><text:p>question</text:p>'
             '</table:table-cell><table:table-cell office:value-type="string"><text:p>answer</text:p>'
             '</table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
             '<table:table-row><table:table-cell office:value-type="string"><text:p>s1</text:p></table:table-cell>'
             '<table:table-cell office:value-type="float" office:value="0.7"/>'
             '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
             '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
             'table:number-columns-repeated="1024"/></table:table-row>')
    submission = read_one(write("B1.ods", ods_content(table)))
    assert isinstance(submission, Submission) and submission.answers["s1"].value == 0.7


def test_an_xlsb_with_a_far_away_cell_is_refused(tmp_path: Path) -> None:
    rows = [["question", "answer"], ["s1", 0.7]]
    rejection = read_one(write_xlsb(tmp_path / "B1.xlsb", rows, far_cell=(200_000, 100)))
    assert isinstance(rejection, Rejection) and "spans 200001 rows by 101 columns" in rejection.reason


def test_an_xls_with_a_far_away_cell_is_refused(tmp_path: Path) -> None:
    rows = [["question", "answer"], ["s1", 0.7]] + [[]] * 60_000 + [[None] * 200 + [1.0]]
    rejection = read_one(write_xls(tmp_path / "B1.xls", rows))
    assert isinstance(rejection, Rejection) and "spans 60003 rows by 201 columns" in rejection.reason
    assert f"at most {MAX_CELLS:,} cells" in rejection.reason


def test_an_xls_declaring_a_huge_sheet_is_refused_before_calamine_reserves_it(tmp_path: Path, write: Write) -> None:
    data = bytearray(write_xls(tmp_path / "plain.xls", [["question", "answer"], ["s1", 0.7]]).read_bytes())
    at = data.index(b"\x00\x02\x0e\x00")  # DIMENSIONS: first row, last row + 1 (u32), first, last column + 1
    data[at + 4: at + 18] = b"\x00\x00\x00\x00" + b"\xff\xff\xff\x0f" + b"\x00\x00" + b"\x00\x01" + b"\x00\x00"
    rejection = read_one(write("B1.xls", bytes(data)))
    assert isinstance(rejection, Rejection) and "rows by 256 columns" in rejection.reason


def test_an_office_file_that_is_no_workbook_is_refused(tmp_path: Path, write: Write) -> None:
    data = bytearray(write_xls(tmp_path / "plain.xls", [["s1", 0.7]]).read_bytes())
    name = "Workbook".encode("utf-16-le")
    at = data.index(name)
    data[at: at + len(name)] = "Document".encode("utf-16-le")  # the stream a word processor keeps its text in
    rejection = read_one(write("B1.xls", bytes(data)))
    assert isinstance(rejection, Rejection) and "not an Excel workbook (no Workbook stream)" in rejection.reason


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path: Path, write: Write, suffix: str) -> None:
    data = WRITERS[suffix](tmp_path / f"good{suffix}", [["question", "answer"], ["s1", 0.7]]).read_bytes()
    submission = read_one(write("B12345_p9.csv", data))
    assert isinstance(submission, Submission) and submission.answers["s1"].value == 0.7
