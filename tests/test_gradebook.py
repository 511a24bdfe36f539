"""The gradebook: one row per student (roster and hand-ins), every input file accounted for."""

from __future__ import annotations

import pytest
from handins import submission

from grader.assignment import load_assignment
from grader.engine.variants import default_variant
from grader.gradebook import GradebookRow, build_gradebook
from grader.grading import grade_class
from grader.key import compute_key
from grader.overrides import Override
from grader.roster import Roster, RosterEntry
from grader.submissions.records import (
    Batch,
    Rejection,
    Skipped,
    Superseded,
)

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
QUESTIONS = [q.id for q in ASSIGNMENT.numeric_questions]


def graded_default(student_id: str, change: dict[str, float] | None = None, file: str | None = None):
    """A student of the default variant who answers every question right, except ``change``."""
    key = compute_key(ASSIGNMENT, default_variant(ASSIGNMENT, student_id))
    answers = {**key.answers(0), **(change or {})}
    return grade_class(ASSIGNMENT, key, [submission(student_id, answers, file)])[0]


def roster(*ids: str, names: dict[str, str] | None = None) -> Roster:
    names = names or {}
    entries = tuple(RosterEntry(sid, names.get(sid, ""), line) for line, sid in enumerate(ids, start=2))
    return Roster("roster.csv", entries, "student_id")


def rows_by_id(book):
    return {row.student_id: row for row in book.rows}


def test_a_roster_student_with_nothing_handed_in_is_missing_with_a_reason():
    book = build_gradebook(ASSIGNMENT, [graded_default("A1")], Batch(), roster("A1", "A2"))
    row = rows_by_id(book)["A2"]
    assert row.status == "missing"
    assert row.reason == "nothing handed in"
    assert row.points == {} and row.total == 0 and row.files == ()
    assert row.marks is None


def test_a_rejected_file_makes_its_student_rejected_with_the_files_reason():
    rejection = Rejection("B2_practice09.csv", "B2_practice09.csv, line 4: two answers for s1", "B2")
    book = build_gradebook(ASSIGNMENT, [], Batch(rejections=(rejection,)), roster("B2"))
    row = rows_by_id(book)["B2"]
    assert row.status == "rejected"
    assert "line 4: two answers for s1" in row.reason
    assert "B2_practice09.csv" in row.reason
    assert row.points == {} and row.total == 0
    assert row.files == ("B2_practice09.csv",)
    assert [(f.file, f.status, f.reason) for f in book.files] == [
        ("B2_practice09.csv", "rejected", rejection.reason)]


def test_a_reason_that_does_not_name_its_file_gets_the_file_name_added():
    rejection = Rejection("B2_practice09.csv", "not a submission", "B2")
    book = build_gradebook(ASSIGNMENT, [], Batch(rejections=(rejection,)))
    assert book.rows[0].reason == "B2_practice09.csv: not a submission"


def test_a_graded_student_with_a_rejected_second_file_stays_graded_and_the_file_is_named():
    good = graded_default("C3", file="C3_final.yaml")
    rejection = Rejection("C3_draft.csv", "C3_draft.csv, line 2: no answers", "C3")
    book = build_gradebook(ASSIGNMENT, [good], Batch(rejections=(rejection,)), roster("C3"))
    row = rows_by_id(book)["C3"]
    assert row.status == "graded"
    assert "C3_draft.csv" in row.reason and "no answers" in row.reason
    assert row.total == len(QUESTIONS)
    assert row.files == ("C3_draft.csv", "C3_final.yaml")


def test_superseded_and_skipped_files_appear_in_the_files_with_their_status():
    good = graded_default("D4", file="D4_v2.yaml")
    batch = Batch(
        superseded=(Superseded("D4_v1.yaml", "D4", "D4_v2.yaml"),),
        skipped=(Skipped("~$D4_v2.xlsx", "an Excel lock file"),),
    )
    book = build_gradebook(ASSIGNMENT, [good], batch)
    fates = {f.file: f for f in book.files}
    assert set(fates) == {"D4_v2.yaml", "D4_v1.yaml", "~$D4_v2.xlsx"}
    assert fates["D4_v2.yaml"].status == "graded"
    assert fates["D4_v1.yaml"].status == "superseded"
    assert fates["D4_v1.yaml"].student_id == "D4"
    assert "D4_v2.yaml" in fates["D4_v1.yaml"].reason
    assert fates["~$D4_v2.xlsx"].status == "ignored"
    assert fates["~$D4_v2.xlsx"].reason == "an Excel lock file"
    row = rows_by_id(book)["D4"]
    assert row.status == "graded" and row.files == ("D4_v1.yaml", "D4_v2.yaml")
    assert [r.student_id for r in book.rows] == ["D4"]  # a skipped file makes no student


def test_roster_order_comes_first_then_everyone_else_sorted_by_id():
    graded = [graded_default(s) for s in ("Z9", "M5", "A1", "K2")]
    rejection = Rejection("B7.csv", "B7.csv: unreadable", "B7")
    book = build_gradebook(ASSIGNMENT, graded, Batch(rejections=(rejection,)), roster("M5", "Q1", "K2"))
    assert [r.student_id for r in book.rows] == ["M5", "Q1", "K2", "A1", "B7", "Z9"]


def test_without_a_roster_rows_are_sorted_by_id_and_nobody_is_flagged():
    graded = [graded_default(s) for s in ("Z9", "A1")]
    book = build_gradebook(ASSIGNMENT, graded, Batch())
    assert [r.student_id for r in book.rows] == ["A1", "Z9"]
    assert all(r.reason == "" for r in book.rows)


def test_a_student_not_on_the_roster_is_flagged():
    graded = [graded_default("A1"), graded_default("X8")]
    rejection = Rejection("Y9.csv", "Y9.csv: unreadable", "Y9")
    book = build_gradebook(ASSIGNMENT, graded, Batch(rejections=(rejection,)), roster("A1"))
    rows = rows_by_id(book)
    assert rows["A1"].reason == ""
    assert rows["X8"].status == "graded" and "not on the roster" in rows["X8"].reason
    assert rows["Y9"].status == "rejected"
    assert "not on the roster" in rows["Y9"].reason and "unreadable" in rows["Y9"].reason


def test_names_come_from_the_roster():
    book = build_gradebook(ASSIGNMENT, [graded_default("A1")], Batch(),
                           roster("A1", "A2", names={"A1": "Ada Lovelace"}))
    assert book.has_names
    assert rows_by_id(book)["A1"].name == "Ada Lovelace"
    assert rows_by_id(book)["A2"].name == ""
    assert not build_gradebook(ASSIGNMENT, [graded_default("A1")], Batch(), roster("A1")).has_names


def test_an_override_changes_points_and_total_but_automatic_keeps_the_automatic_score():
    wrong = graded_default("E5", {"s2": 123.0})
    assert wrong.outcome("s2").points == 0.0
    overrides = [Override("E5", "s2", 0.5, "right idea, arithmetic slip", 2),
                 Override("E5", "s1", 0.0, "copied", 3)]
    row = build_gradebook(ASSIGNMENT, [wrong], Batch(), overrides=overrides).rows[0]
    assert row.points["s2"] == 0.5 and row.points["s1"] == 0.0
    assert row.automatic["s2"] == 0.0 and row.automatic["s1"] == 1.0
    assert row.total == wrong.total + 0.5 - 1.0
    assert row.overrides == tuple(overrides)
    assert sum(row.marks.points.values()) == wrong.total  # the graded marks themselves are untouched


def test_another_students_override_changes_nothing():
    row = build_gradebook(ASSIGNMENT, [graded_default("E5")], Batch(),
                          overrides=[Override("F6", "s1", 0.0)]).rows[0]
    assert row.total == len(QUESTIONS) and row.overrides == ()


def test_max_total_counts_every_questions_points():
    expected = sum(q.points for q in ASSIGNMENT.questions)
    assert expected == len(QUESTIONS)  # 1 point per numeric question, free text carries none
    book = build_gradebook(ASSIGNMENT, [graded_default("A1")], Batch(), roster("A1", "A2"))
    assert [r.max_total for r in book.rows] == [expected, expected]  # the missing row too


@pytest.mark.parametrize(("total", "max_total", "percent"), [
    (29, 29, 100.0),
    (0, 29, 0.0),
    (2, 3, 66.67),
    (1, 3, 33.33),
    (28.5, 29, 98.28),
    (1, 29, 3.45),
    (5, 0, 0.0),
])
def test_percent_is_rounded_to_two_decimals(total, max_total, percent):
    row = GradebookRow("A1", "", "graded", {}, {}, (), total, max_total, "", ())
    assert row.percent == percent


def test_percent_of_a_built_row_follows_its_total():
    book = build_gradebook(ASSIGNMENT, [graded_default("A1", {"s1": 9.0})], Batch(),
                           overrides=[Override("A1", "s1", 0.5)])
    assert book.rows[0].total == 28.5
    assert book.rows[0].percent == 98.28
