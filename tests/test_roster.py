"""The class roster as instructors have it: written by hand, or exported from Moodle or Canvas."""

from __future__ import annotations

from pathlib import Path

import pytest
from roster_files import ods_bytes, xlsx_bytes

from grader.errors import ConfigError
from grader.roster import load_roster

MOODLE_NO_ID_NUMBERS = (
    "First name,Surname,ID number,Institution,Department,Email address\n"
    "Ada,Lovelace,,Uni,CS,ada@uni.example\n"
    "Alan,Turing,,Uni,CS,alan@uni.example\n"
)
MOODLE_WITH_ID_NUMBERS = (
    "First name,Surname,ID number,Email address\n"
    "Ada,Lovelace,B101,ada@uni.example\n"
    "Alan,Turing,B102,alan@uni.example\n"
)
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Practice 9 (4411),Current Score\n"
    "    Points Possible,,,,,29.00,(read only)\n"
    '"Lovelace, Ada",9001,B101,ada,ML 2025,,\n'
    '"Turing, Alan",9002,B102,alan,ML 2025,,\n'
)

GOOD = {
    "plain ids": ("student_id\nB101\nB102\n", ["B101", "B102"], ["", ""]),
    "ids and names": ("student_id,name\nB101,Ada Lovelace\nB102,Alan Turing\n",
                      ["B101", "B102"], ["Ada Lovelace", "Alan Turing"]),
    "header in another case, spaces around cells": ("Student_ID , Name\n B101 , Ada Lovelace \n",
                                                    ["B101"], ["Ada Lovelace"]),
    "blank lines are skipped": ("student_id\n\nB101\n,\n\nB102\n", ["B101", "B102"], ["", ""]),
    "CRLF line endings": ("student_id,name\r\nB101,Ada\r\nB102,Alan\r\n", ["B101", "B102"], ["Ada", "Alan"]),
    "Moodle, ID number empty: ids from Email address": (
        MOODLE_NO_ID_NUMBERS, ["ada@uni.example", "alan@uni.example"], ["Ada Lovelace", "Alan Turing"]),
    "Moodle, ID number filled": (MOODLE_WITH_ID_NUMBERS, ["B101", "B102"], ["Ada Lovelace", "Alan Turing"]),
    "Canvas, with its Points Possible row": (CANVAS, ["B101", "B102"], ["Lovelace, Ada", "Turing, Alan"]),
    "semicolons, a comma inside a name": ("student_id;name\nB101;Lovelace, Ada\nB102;Turing, Alan\n",
                                          ["B101", "B102"], ["Lovelace, Ada", "Turing, Alan"]),
    "tabs": ("student_id\tname\nB101\tAda Lovelace\n", ["B101"], ["Ada Lovelace"]),
    "one column": ("student_id\nB101\n", ["B101"], [""]),
}


@pytest.mark.parametrize(("text", "ids", "names"), list(GOOD.values()), ids=list(GOOD))
def test_a_good_roster_gives_its_ids_and_names_in_order(tmp_path, text, ids, names):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8", newline="")
    roster = load_roster(path)
    assert list(roster.student_ids) == ids
    assert [e.name for e in roster.entries] == names
    assert roster.has_names == any(names)


@pytest.mark.parametrize(("data", "names"), [
    ("\ufeffstudent_id,name\nB101,Jürgen Müller\n".encode("utf-8"), ["Jürgen Müller"]),
    ("student_id;name\nB101;Jürgen Müller\nB102;François Œuvre – Señor\n".encode("cp1252"),
     ["Jürgen Müller", "François Œuvre – Señor"]),
    ("student_id\tname\nB101\tJürgen Müller\n".encode("utf-16"), ["Jürgen Müller"]),
    (b"\xfe\xff" + "student_id\tname\nB101\tJürgen Müller\n".encode("utf-16-be"), ["Jürgen Müller"]),
], ids=["UTF-8 with a byte-order mark", "cp1252 (older Excel)", "UTF-16 LE (Excel Unicode text)", "UTF-16 BE"])
def test_encodings_as_spreadsheets_write_them(tmp_path, data, names):
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    roster = load_roster(path)
    assert roster.student_ids[0] == "B101"  # no byte-order mark glued to the header or the id
    assert roster.id_column == "student_id"
    assert [e.name for e in roster.entries] == names


def test_entries_remember_their_line_and_the_columns_used(tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text(MOODLE_NO_ID_NUMBERS, encoding="utf-8")
    roster = load_roster(path)
    assert [e.line for e in roster.entries] == [2, 3]
    assert roster.id_column == "Email address"
    assert roster.name_columns == ("First name", "Surname")
    assert roster.name_of("alan@uni.example") == "Alan Turing" and roster.name_of("nobody") == ""


BAD = {
    "empty file": ("", "(header)"),
    "no id column": ("name,grade\nAda,5\n", "(header)"),
    "an empty id": ("student_id,name\nB101,Ada\n,Alan\n", "line 3"),
    "an id of spaces": ("student_id,name\nB101,Ada\n   ,Alan\n", "line 3"),
    "a short row": ("name,student_id\nAda,B101\nAlan\n", "line 3"),
    "a duplicate id": ("student_id\nB101\nB102\nB101\n", "line 4"),
    "a duplicate after trimming": ("student_id\nB101\n B101 \n", "line 3"),
    "Moodle, ID number filled on some rows only": (
        "First name,Surname,ID number,Email address\nAda,Lovelace,B101,ada@x\nAlan,Turing,,alan@x\n", "line 3"),
}


@pytest.mark.parametrize(("text", "field"), list(BAD.values()), ids=list(BAD))
def test_a_bad_roster_is_a_one_line_config_error_naming_file_and_line(tmp_path, text, field):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: ")
    assert caught.value.file == str(path) and caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_a_duplicate_names_both_lines_and_the_id(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id\nB101\nB102\nB101\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 4: .*'B101' is already on line 2"):
        load_roster(path)


def test_an_empty_id_names_the_column(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Student ID,Name\nB101,Ada\n,Alan\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="column 'Student ID'"):
        load_roster(path)


def test_a_missing_file_is_a_config_error(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    assert str(caught.value).startswith(f"{path}: (file): ")
    assert "\n" not in str(caught.value)


def test_canvas_export_with_a_manual_posting_row(tmp_path):
    path = tmp_path / "canvas.csv"
    lines = CANVAS.splitlines(keepends=True)
    path.write_text(lines[0] + ",,,,,Manual Posting,\n" + "".join(lines[1:]), encoding="utf-8")
    assert list(load_roster(path).student_ids) == ["B101", "B102"]


def test_a_duplicate_after_a_two_line_cell_names_the_line_it_is_on(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text('student_id,name\nB101,"Ada\nLovelace"\nB101,Alan\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 4: "):
        load_roster(path)


# --- LMS columns, spreadsheets, Canvas's Test Student -------------------------------------------

DATA = Path(__file__).resolve().parent / "data"


def test_lms_id_and_email_columns_are_kept(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,email,lms_id\nB101,Ada,Ada@Uni.example,3141001\nB102,Alan,,\n", encoding="utf-8")
    roster = load_roster(path)
    assert [(e.student_id, e.lms_id, e.email) for e in roster.entries] == [
        ("B101", "3141001", "Ada@Uni.example"), ("B102", "", "")]
    assert (roster.lms_id_column, roster.email_column) == ("lms_id", "email")
    assert roster.by_lms_id == {"3141001": "B101"}
    assert roster.by_email == {"ada@uni.example": "B101"}


def test_a_canvas_export_as_roster_gives_the_canvas_user_id_as_lms_id(tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS, encoding="utf-8")
    roster = load_roster(path)
    assert roster.id_column == "SIS User ID" and roster.lms_id_column == "ID"
    assert roster.by_lms_id == {"9001": "B101", "9002": "B102"}


def test_a_duplicate_lms_id_names_both_lines(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,lms_id\nB101,77\nB102,78\nB103,77\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    assert str(caught.value) == f"{path}: line 4: expected a unique lms_id; '77' is already on line 2"


@pytest.mark.parametrize("test_student", ['"Student, Test",9099,,test-7f3a,ML 2025,,\n',
                                          '"Test Student",9099,,,ML 2025,,\n'])
def test_canvas_test_student_is_left_out_with_a_note_not_refused(tmp_path, test_student):
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS + test_student, encoding="utf-8")
    roster = load_roster(path)
    assert list(roster.student_ids) == ["B101", "B102"]
    assert roster.notes == (f"{path}: line 5: Canvas's \"Test Student\" left out (not a student)",)


SPREADSHEET_ROWS = [("Student ID", "Name", "lms_id", "Email"), ("B101", "Ada Lovelace", 3141001, "ada@uni.example"),
                    (20202, "Jürgen Müller", 3141002, "jurgen@uni.example"), ("B103", "Alan Turing", "", "alan@uni.example")]
SPREADSHEET_ENTRIES = [("B101", "Ada Lovelace", "3141001", "ada@uni.example", 2),
                       ("20202", "Jürgen Müller", "3141002", "jurgen@uni.example", 3),
                       ("B103", "Alan Turing", "", "alan@uni.example", 4)]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_a_spreadsheet_roster_reads_as_its_csv_would(tmp_path, suffix):
    path = tmp_path / f"roster{suffix}"
    if suffix == ".xls":  # made once with xlwt (Excel 97-2003), which the project does not depend on
        path.write_bytes((DATA / "roster.xls").read_bytes())
    else:
        path.write_bytes(xlsx_bytes(SPREADSHEET_ROWS) if suffix == ".xlsx" else ods_bytes(SPREADSHEET_ROWS))
    roster = load_roster(path)
    assert [(e.student_id, e.name, e.lms_id, e.email, e.line) for e in roster.entries] == SPREADSHEET_ENTRIES
    assert (roster.id_column, roster.lms_id_column, roster.email_column) == ("Student ID", "lms_id", "Email")


def test_a_spreadsheet_roster_names_the_row_of_a_problem(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([("student_id",), ("B101",), ("B101",)]))
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    assert str(caught.value) == f"{path}: row 3: expected a unique student id; 'B101' is already on row 2"


@pytest.mark.parametrize("data", [b"not a workbook at all", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xx"])
def test_a_damaged_spreadsheet_roster_is_one_line(tmp_path, data):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as caught:
        load_roster(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: (file): expected a spreadsheet (.xlsx, .ods or .xls)") and "\n" not in message
