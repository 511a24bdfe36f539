"""LMS grade sheets: read as Moodle and Canvas write them, written back as they import them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from grader.errors import ConfigError
from grader.gradebook import Gradebook, GradebookRow
from grader.grading import Marks, Verdict
from grader.report.lms import (
    LmsGrade,
    fill_lms_sheet,
    lms_grades,
    load_lms_sheet,
    parse_lms_sheet,
)
from grader.roster import Roster, RosterEntry

ROOT = Path(__file__).resolve().parents[2]
WORKSHEET = ROOT / "submissions_example" / "moodle" / "grading_worksheet.csv"
EXPORT = ROOT / "submissions_example" / "canvas" / "gradebook_export.csv"

MOODLE_HEADER = ("Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
                 "Last modified (submission),Online text,Last modified (grade),Feedback comments")
MOODLE = (MOODLE_HEADER + "\n"
          "Participant 11,Ada Lovelace,ada@uni.example,Submitted for grading,,100.00,Yes,"
          '"Monday, 2 March 2026, 9:00 AM","two\nlines",-,\n'
          "Participant 12,Alan Turing,alan@uni.example,No submission,,10.00,Yes,-,,-,\n"
          "Participant 13,Grace Hopper,grace@uni.example,Submitted for grading,,100.00,Yes,-,,-,\n")
CANVAS_HEADER = "Student,ID,SIS User ID,SIS Login ID,Section,Practice 9 (4411),Quiz 1 (4412),Current Score"
CANVAS = (CANVAS_HEADER + "\n"
          "    Points Possible,,,,,29.00,5.00,(read only)\n"
          '"Lovelace, Ada",9001,B101,ada@uni.example,ML 2026,,,\n'
          '"Turing, Alan",9002,B102,alan,ML 2026,,,\n'
          '"Student, Test",9099,,,ML 2026,,,\n')


def moodle_import(data: bytes) -> list[dict[str, str]]:
    """The worksheet as Moodle's offline grading import reads it (UTF-8, comma; it needs Identifier,
    Grade and Last modified (grade), and reads Feedback comments when the header names it)."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert {"Identifier", "Grade", "Last modified (grade)"} <= set(rows[0])
    return rows


def canvas_import(data: bytes, column: str) -> dict[str, float]:
    """The export as Canvas's gradebook import reads it: students by ID, the assignment by "(id)",
    the Points Possible row kept under the header."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = rows[0]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0] == "    Points Possible"
    at = header.index(column)
    return {row[1]: float(row[at]) for row in rows[2:] if row[at]}


def test_a_moodle_worksheet_comes_back_with_grades_and_everything_else_as_it_was():
    data = WORKSHEET.read_bytes()
    sheet = parse_lms_sheet(data, str(WORKSHEET))
    assert (sheet.kind, sheet.out_name, sheet.column) == ("moodle", "moodle_grades.csv", "Grade")
    first, fourth = sheet.rows[0], sheet.rows[3]
    filled = fill_lms_sheet(sheet, {first.record: LmsGrade("96.55", "28/29 points; first step to look at: E (slip)"),
                                    fourth.record: LmsGrade("100.00", "29/29 points; every step right")})
    before, after = data.splitlines(keepends=True), filled.splitlines(keepends=True)
    assert len(before) == len(after) and after[0] == before[0]
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [1, 4]  # every other line byte for byte
    rows = moodle_import(filled)
    assert rows[0]["Identifier"] == "Participant 3141001" and float(rows[0]["Grade"]) == 96.55
    assert rows[0]["Feedback comments"] == "28/29 points; first step to look at: E (slip)"
    assert rows[3]["Grade"] == "100.00" and rows[1]["Grade"] == "" and rows[1]["Feedback comments"] == ""
    # only the grade and the comment changed; the other cells keep even their quotes
    assert after[1].replace(b"96.55", b"").replace(b"28/29 points; first step to look at: E (slip)", b"") == before[1]


def test_a_canvas_export_comes_back_with_the_points_possible_row_and_every_other_row_as_it_was():
    data = EXPORT.read_bytes()
    sheet = parse_lms_sheet(data, str(EXPORT))
    assert (sheet.kind, sheet.out_name, sheet.column) == ("canvas", "canvas_grades.csv", "Practice 9: backpropagation (4411)")
    assert len(sheet.rows) == 15 and sheet.rows[0].lms_id == "20001" and sheet.rows[0].max_grade == 29.0
    filled = fill_lms_sheet(sheet, {sheet.rows[0].record: LmsGrade("28.00"), sheet.rows[2].record: LmsGrade("29.00")})
    assert filled[:3] == b"\xef\xbb\xbf" == data[:3]
    before, after = data.splitlines(keepends=True), filled.splitlines(keepends=True)
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [2, 4]
    assert canvas_import(filled, sheet.column) == {"20001": 28.0, "20003": 29.0}


@pytest.mark.parametrize(("encoding", "bom", "newline", "delimiter"), [
    ("utf-8", b"", "\n", ","), ("utf-8", b"\xef\xbb\xbf", "\r\n", ","), ("cp1252", b"", "\r\n", ";"),
    ("utf-16-le", b"\xff\xfe", "\r\n", "\t"), ("utf-8", b"", "\r", ","),
], ids=["utf-8", "utf-8 with BOM, CRLF", "cp1252 semicolons", "utf-16 tabs", "old Mac CR"])
def test_the_encoding_byte_order_mark_delimiter_and_line_endings_are_kept(encoding, bom, newline, delimiter):
    text = MOODLE.replace("Ada Lovelace", "Jürgen Müller").replace(",", delimiter).replace("\n", newline)
    text = text.replace(f"{delimiter}9:00 AM", ", 9:00 AM").replace(f"Monday{delimiter} 2 March 2026", "Monday, 2 March 2026")
    data = bom + text.encode(encoding)
    sheet = parse_lms_sheet(data, "worksheet.csv")
    assert sheet.delimiter == delimiter and len(sheet.rows) == 3
    filled = fill_lms_sheet(sheet, {sheet.rows[2].record: LmsGrade("50.00", "14.5/29 points")})
    assert filled.startswith(bom) and filled[len(bom):].decode(encoding).count(newline) == text.count(newline)
    lines = filled[len(bom):].decode(encoding).split(newline)
    assert lines[:-2] == text.split(newline)[:-2]
    assert lines[-2] == delimiter.join(["Participant 13", "Grace Hopper", "grace@uni.example", "Submitted for grading",
                                        "50.00", "100.00", "Yes", "-", "", "-", "14.5/29 points"])


def test_a_cell_over_two_lines_is_one_row():
    sheet = parse_lms_sheet(MOODLE.encode(), "worksheet.csv")
    assert [(r.lms_id, r.line, r.max_grade) for r in sheet.rows] == [("11", 2, 100.0), ("12", 4, 10.0), ("13", 5, 100.0)]
    filled = fill_lms_sheet(sheet, {sheet.rows[0].record: LmsGrade("1.00", "x")}).decode()
    assert '"Monday, 2 March 2026, 9:00 AM","two\nlines",-,x\n' in filled


@pytest.mark.parametrize("comment", ["=HYPERLINK(\"http://x.example\")", "+A1+1", "-2 points", "@SUM(A1)"])
def test_a_comment_that_would_start_a_formula_is_neutralised_the_grade_is_not(comment):
    sheet = parse_lms_sheet(MOODLE.encode(), "worksheet.csv")
    filled = fill_lms_sheet(sheet, {sheet.rows[2].record: LmsGrade("-0.00", comment)})
    row = moodle_import(filled)[2]
    assert row["Feedback comments"] == "'" + comment and row["Grade"] == "-0.00"


BAD = {
    "no Identifier, no Student": ("Name,Grade\nAda,1\n", "(header)", "a Moodle grading worksheet"),
    "Moodle without Grade": ("Identifier,Full name,Maximum Grade\nParticipant 1,Ada,100\n", "(header)",
                             "a 'Grade' column"),
    "Moodle without Maximum Grade": ("Identifier,Full name,Grade\nParticipant 1,Ada,\n", "(header)",
                                     "a 'Maximum Grade' column"),
    "Canvas without Points Possible": ("Student,ID,SIS User ID,SIS Login ID,Section,Practice 9 (4411)\n"
                                       "\"Lovelace, Ada\",9001,B101,ada,ML,\n",
                                       "Points Possible row", "a '    Points Possible' row"),
    "Canvas, several assignments": (CANVAS, "--lms-column", "--lms-column to choose one of the 2 assignment "
                                                            "columns: 'Practice 9 (4411)', 'Quiz 1 (4412)'"),
    "Canvas, no assignment column": ("Student,ID,SIS User ID,SIS Login ID,Section,Current Score\n", "(header)",
                                     "an assignment column 'Title (id)'"),
    "empty": ("", "(header)", "a Moodle grading worksheet"),
    "a workbook, not CSV": ("PK\x03\x04...", "(file)", "a CSV file as the LMS exports it"),
}


@pytest.mark.parametrize(("text", "field", "expected"), list(BAD.values()), ids=list(BAD))
def test_a_sheet_that_cannot_work_is_one_line_naming_file_field_and_what_was_expected(text, field, expected):
    with pytest.raises(ConfigError) as caught:
        parse_lms_sheet(text.encode(), "sheet.csv")
    message = str(caught.value)
    assert message.startswith(f"sheet.csv: {field}: expected {expected}"), message
    assert "\n" not in message


@pytest.mark.parametrize("chosen", ["Quiz 1", "4412", "Quiz 1 (4412)", " quiz 1 "])
def test_lms_column_picks_a_canvas_assignment_by_title_or_id(chosen):
    sheet = parse_lms_sheet(CANVAS.encode(), "export.csv", chosen)
    assert sheet.column == "Quiz 1 (4412)" and sheet.rows[0].max_grade == 5.0
    filled = fill_lms_sheet(sheet, {sheet.rows[0].record: LmsGrade("2.50")})
    assert canvas_import(filled, "Quiz 1 (4412)") == {"9001": 2.5}


def test_an_unknown_lms_column_lists_the_ones_there_are():
    with pytest.raises(ConfigError) as caught:
        parse_lms_sheet(CANVAS.encode(), "export.csv", "Homework")
    assert str(caught.value) == ("export.csv: --lms-column: expected one of 'Practice 9 (4411)', 'Quiz 1 (4412)' "
                                 "(a title, or the id in brackets); got 'Homework'")


def test_lms_column_with_a_moodle_worksheet_is_refused():
    with pytest.raises(ConfigError, match=r"^w\.csv: --lms-column: expected no --lms-column"):
        parse_lms_sheet(MOODLE.encode(), "w.csv", "Grade")


def test_a_missing_sheet_is_one_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_lms_sheet(tmp_path / "nowhere.csv")
    assert str(caught.value).startswith(f"{tmp_path / 'nowhere.csv'}: (file): expected a Moodle grading worksheet")


# --- which row gets which grade ---------------------------------------------------------------------

def row(assignment, student_id, total, file="", first_wrong=None):
    questions = assignment.numeric_questions
    verdicts = tuple(Verdict.WRONG if q.id == first_wrong else Verdict.CORRECT for q in questions)
    marks = Marks(student_id, file, 0.0, verdicts, (None,) * len(questions), {}, {})
    return GradebookRow(student_id, "", "graded", {}, {}, (), total, 29.0, "", (file,), marks)


def test_rows_are_matched_by_participant_roster_lms_id_email_or_id(assignment):
    sheet = parse_lms_sheet(MOODLE.encode(), "w.csv")
    roster = Roster("r.csv", (RosterEntry("B2", lms_id="12"), RosterEntry("B3", email="Grace@Uni.example")), "student_id")
    gradebook = Gradebook(assignment, (
        row(assignment, "B1", 29.0, "moodle.zip!Ada Lovelace_11_assignsubmission_file/a.yaml"),  # by the file
        row(assignment, "B2", 14.5, "B2.yaml", first_wrong="E"),                                 # by lms_id
        row(assignment, "B3", 0.0, "B3.yaml"),                                                   # by e-mail
        row(assignment, "B4", 29.0, "B4.yaml"),                                                  # nowhere
    ), ())
    grades = lms_grades(sheet, gradebook, roster)
    by_line = {r.line: grades.by_record.get(r.record) for r in sheet.rows}
    assert by_line == {2: LmsGrade("100.00", "29/29 points; every step right"),
                       4: LmsGrade("5.00", "14.5/29 points; first step to look at: E (wrong)"),  # of 10.00
                       5: LmsGrade("0.00", "0/29 points; every step right")}
    assert grades.warnings == ("w.csv: no row for 1 graded student(s) (B4): give the roster an lms_id or email "
                               "column to match them; their grades are not in moodle_grades.csv",)


def test_canvas_rows_are_matched_by_user_id_or_sis_ids(assignment):
    sheet = parse_lms_sheet(CANVAS.encode(), "export.csv", "4411")
    gradebook = Gradebook(assignment, (
        row(assignment, "B101", 29.0, "canvas.zip!lovelaceada_9001_77_B101.yaml"),
        row(assignment, "B102", 14.5, "B102.yaml"),
    ), ())
    grades = lms_grades(sheet, gradebook)
    assert canvas_import(fill_lms_sheet(sheet, grades), "Practice 9 (4411)") == {"9001": 29.0, "9002": 14.5}
    assert grades.warnings == ()
