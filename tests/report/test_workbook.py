"""``gradebook.xlsx``: opens in a spreadsheet, coloured by outcome, formulas never run, same bytes every time."""

from __future__ import annotations

import io
import numpy as np
import openpyxl
import pytest
from handins import submission

from grader.assignment import load_assignment
from grader.engine.variants import default_variant
from grader.gradebook import build_gradebook
from grader.grading import Verdict, grade_class
from grader.key import compute_key
from grader.overrides import Override
from grader.report.feedback import COLOUR
from grader.report.workbook import gradebook_xlsx
from grader.roster import Roster, RosterEntry
from grader.submissions.records import (
    Batch,
    Rejection,
    Skipped,
)

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
GRAPH = ASSIGNMENT.graph
QUESTIONS = [q.id for q in ASSIGNMENT.numeric_questions]
TEXT_IDS = [q.id for q in ASSIGNMENT.text_questions]
EVIL_ID = '=HYPERLINK("http://example.invalid","x")'


def hand_in(student_id: str, numbers: dict[str, float], text: dict[str, str] | None = None):
    key = compute_key(ASSIGNMENT, default_variant(ASSIGNMENT, student_id))
    handed = submission(student_id, {**numbers, **(text or {})}, f"{student_id}.yaml")
    return grade_class(ASSIGNMENT, key, [handed])[0]


def right_answers() -> dict[str, float]:
    return compute_key(ASSIGNMENT, default_variant(ASSIGNMENT)).answers(0)


def slip_in_e() -> dict[str, float]:
    answers = right_answers()
    half = GRAPH.slip("half_squared_error").formulas["E"]
    answers["E"] = float(half.fn(default_variant(ASSIGNMENT).columns["y"], np.array([answers["y_hat"]]))[0])
    return answers


@pytest.fixture(scope="module")
def book():
    graded = [
        hand_in("R1", right_answers(), {"q1a_vi": "Yes, far."}),
        hand_in("S2", slip_in_e(), {"q1a_vi": "=1+1", "q2_scores": "@SUM(A1:A9)"}),
        hand_in(EVIL_ID, right_answers()),
    ]
    roster = Roster("roster.csv", (RosterEntry("R1", "Ada Lovelace", 2), RosterEntry("S2", "", 3),
                                   RosterEntry("M3", "Alan Turing", 4)), "student_id")
    batch = Batch(rejections=(Rejection("X4.csv", "X4.csv, line 2: no answers", "X4"),),
                  skipped=(Skipped("~$R1.xlsx", "an Excel lock file"),))
    return build_gradebook(ASSIGNMENT, graded, batch, roster, [Override("S2", "s1", 0.5, "partly")])


@pytest.fixture(scope="module")
def data(book) -> bytes:
    return gradebook_xlsx(book)


@pytest.fixture(scope="module")
def workbook(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def header(sheet) -> list:
    return [c.value for c in sheet[1]]


def rows_by_id(sheet) -> dict[str, dict[str, object]]:
    names = header(sheet)
    out = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        out[values[0]] = dict(zip(names, values))
    return out


def test_it_opens_with_the_four_sheets_in_order(workbook):
    assert workbook.sheetnames == ["gradebook", "free text", "files", "statistics"]


def test_the_gradebook_sheet_has_a_frozen_header_and_a_row_per_student(workbook):
    sheet = workbook["gradebook"]
    assert sheet.freeze_panes == "C2"  # header row and the id and name columns
    assert header(sheet) == ["student_id", "name", *QUESTIONS, "total", "max_total", "percent", "status", "reason",
                             "similar_to", "auto_total"]
    rows = rows_by_id(sheet)
    assert list(rows) == ["R1", "S2", "M3", "'" + EVIL_ID, "X4"]
    assert rows["R1"]["name"] == "Ada Lovelace" and rows["R1"]["total"] == 29 and rows["R1"]["percent"] == 100
    assert rows["S2"]["E"] == 0 and rows["S2"]["s1"] == 0.5 and rows["S2"]["total"] == 27.5
    assert rows["S2"]["auto_total"] == 28  # before the person's 0.5 for s1
    assert rows["M3"]["status"] == "missing" and rows["M3"]["s1"] is None
    assert rows["X4"]["status"] == "rejected" and "line 2" in rows["X4"]["reason"]


def test_the_other_sheets_freeze_their_header(workbook):
    assert workbook["free text"].freeze_panes == "B2"
    assert workbook["files"].freeze_panes == "A2"


def cell_of(sheet, student: str, column: str):
    names = header(sheet)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == student:
            return row[names.index(column)]
    raise KeyError(student)


def fill_of(cell) -> str:
    return cell.fill.fgColor.rgb[-6:].lower()


def test_a_slip_cell_is_filled_with_the_slip_colour(workbook):
    sheet = workbook["gradebook"]
    assert fill_of(cell_of(sheet, "S2", "E")) == COLOUR[Verdict.SLIP].lstrip("#").lower()
    assert fill_of(cell_of(sheet, "S2", "s2")) == COLOUR[Verdict.CORRECT].lstrip("#").lower()
    assert fill_of(cell_of(sheet, "R1", "E")) == COLOUR[Verdict.CORRECT].lstrip("#").lower()


def test_the_legend_shows_every_outcome_in_its_colour(workbook):
    sheet = workbook["gradebook"]
    legend = {c.value: fill_of(c) for c in sheet["A"] if c.value in {v.value for v in Verdict}}
    assert legend == {v.value: COLOUR[v].lstrip("#").lower() for v in Verdict}


def test_an_overridden_cell_carries_a_comment_with_the_automatic_score(workbook):
    comment = cell_of(workbook["gradebook"], "S2", "s1").comment
    assert comment is not None
    assert "automatic: 1.0" in comment.text and "partly" in comment.text
    assert cell_of(workbook["gradebook"], "S2", "s2").comment is None


def test_a_formula_looking_answer_is_text_and_never_a_formula(workbook):
    sheet = workbook["free text"]
    assert header(sheet) == ["student_id", *TEXT_IDS]
    formula = cell_of(sheet, "S2", "q1a_vi")
    assert formula.data_type == "s" and formula.value == "'=1+1"
    at = cell_of(sheet, "S2", "q2_scores")
    assert at.data_type == "s" and at.value == "'@SUM(A1:A9)"
    assert cell_of(sheet, "R1", "q1a_vi").value == "Yes, far."
    for name in workbook.sheetnames:
        for row in workbook[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)


def test_a_formula_looking_student_id_is_text(workbook):
    cell = next(c for c in workbook["gradebook"]["A"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value == "'" + EVIL_ID
    assert cell.hyperlink is None


def test_the_files_sheet_lists_every_file(workbook):
    sheet = workbook["files"]
    assert header(sheet) == ["file", "student_id", "status", "reason"]
    fates = {values[0]: values[2] for values in sheet.iter_rows(min_row=2, values_only=True)}
    assert fates == {"~$R1.xlsx": "ignored", "X4.csv": "rejected", "R1.yaml": "graded", "S2.yaml": "graded",
                     f"'{EVIL_ID}.yaml": "graded"}


def test_the_statistics_sheet_has_the_summary_and_a_row_per_question(workbook):
    sheet = workbook["statistics"]
    summary = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 7)}
    assert summary == {"students": 5, "graded": 3, "missing": 1, "rejected": 1,
                       "mean_percent": pytest.approx((100 + 27.5 / 29 * 100 + 100) / 3, abs=0.01),
                       "median_percent": 100}
    questions = [sheet.cell(r, 1).value for r in range(10, 10 + len(QUESTIONS))]
    assert sheet.cell(9, 1).value == "question"
    assert questions == QUESTIONS
    e = [c.value for c in sheet[9 + 1 + QUESTIONS.index("E")]]
    names = [c.value for c in sheet[9]]
    assert dict(zip(names, e))["slip"] == pytest.approx(1 / 3, abs=1e-4)
    assert dict(zip(names, e))["slip:half_squared_error"] == pytest.approx(1 / 3, abs=1e-4)


def test_two_calls_give_identical_bytes(book, data):
    assert gradebook_xlsx(book) == data
