"""Class statistics on a small hand-built class of the sheet's default variant.

The class: R (all right), S (E = (y - y_hat)^2 / 2, the half_squared_error slip), W (s1 off
by 0.2, every later backpropagation value carried through from it), B (hands in a blank
sheet). On the roster also M (nothing handed in); X's only file is rejected.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from handins import submission

from grader.assignment import load_assignment
from grader.engine.variants import default_variant
from grader.gradebook import build_gradebook
from grader.grading import Verdict, grade_class
from grader.key import compute_key
from grader.report.stats import class_summary, question_stats, stats_csv
from grader.roster import Roster, RosterEntry
from grader.submissions.records import Batch, Rejection

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
GRAPH = ASSIGNMENT.graph
QUESTIONS = [q.id for q in ASSIGNMENT.numeric_questions]
SOFTMAX = ["exp_dog", "exp_cat", "exp_boat", "exp_airplane", "p_dog", "p_cat", "p_boat", "p_airplane", "loss"]


def hand_in(student_id: str, values: dict[str, float]):
    key = compute_key(ASSIGNMENT, default_variant(ASSIGNMENT, student_id))
    return grade_class(ASSIGNMENT, key, [submission(student_id, values, f"{student_id}.yaml")])[0]


def right_answers() -> dict[str, float]:
    return compute_key(ASSIGNMENT, default_variant(ASSIGNMENT)).answers(0)


def chain_from_wrong_s1(offset: float) -> dict[str, float]:
    """Every answer computed correctly from a wrong s1 (what follow-through credits)."""
    params = default_variant(ASSIGNMENT).columns
    reference = GRAPH.reference(params)
    computed = GRAPH.evaluate(params, overrides={"s1": reference["s1"] + offset}).computed
    values = {q: float(computed[GRAPH.question_nodes[q].name][0]) for q in QUESTIONS}
    values["s1"] = float(reference["s1"][0] + offset)
    return values


def with_slip_in_e() -> dict[str, float]:
    answers = right_answers()
    formula = GRAPH.slip("half_squared_error").formulas["E"]
    y = default_variant(ASSIGNMENT).columns["y"]
    answers["E"] = float(formula.fn(y, np.array([answers["y_hat"]]))[0])
    return answers


@pytest.fixture(scope="module")
def book():
    graded = [hand_in("R", right_answers()), hand_in("S", with_slip_in_e()),
              hand_in("W", chain_from_wrong_s1(0.2)), hand_in("B", {})]
    roster = Roster("roster.csv", tuple(RosterEntry(s, "", i) for i, s in enumerate("RSWBMX", start=2)),
                    "student_id")
    rejection = Rejection("X.csv", "X.csv, line 1: not a submission", "X")
    return build_gradebook(ASSIGNMENT, graded, Batch(rejections=(rejection,)), roster)


@pytest.fixture(scope="module")
def stats(book):
    return {s.question: s for s in question_stats(book)}


def test_the_class_is_what_the_docstring_says(book):
    rows = {r.student_id: r for r in book.rows}
    assert rows["R"].total == 29
    at = QUESTIONS.index
    assert rows["S"].verdict(at("E")) is Verdict.SLIP
    assert rows["S"].marks.slips[at("E")] == "half_squared_error"
    assert rows["W"].verdict(at("s1")) is Verdict.WRONG
    assert rows["W"].verdict(at("dE_dw1")) is Verdict.FOLLOW_THROUGH
    assert set(rows["B"].marks.verdicts) == {Verdict.MISSING}


def test_every_numeric_question_has_stats_over_the_graded_students_only(stats):
    assert list(stats) == QUESTIONS
    assert {s.graded for s in stats.values()} == {4}


def shares(stats, question):
    return {k: v for k, v in stats[question].shares.items() if v}


def test_the_first_wrong_step_is_wrong_for_one_in_four(stats):
    assert shares(stats, "s1") == {"correct": 0.5, "wrong": 0.25, "missing": 0.25}
    assert stats["s1"].mean_points == 0.5


def test_what_builds_on_it_is_follow_through_for_one_in_four(stats):
    # (w5_new and w1_new scale the carried-through error by eta = 0.1: W's are within tolerance, so correct)
    for question in ("a1", "s3", "y_hat", "dE_dw5", "dE_dw9", "dE_dw1", "dE_dw2", "dE_dw13"):
        assert shares(stats, question) == {"correct": 0.5, "follow-through": 0.25, "missing": 0.25}, question
        assert stats[question].mean_points == 0.75, question


def test_e_is_right_for_one_a_slip_for_one_carried_through_for_one_and_blank_for_one(stats):
    assert shares(stats, "E") == {"correct": 0.25, "follow-through": 0.25, "slip": 0.25, "missing": 0.25}
    assert stats["E"].slips["half_squared_error"] == 0.25
    assert stats["E"].mean_points == 0.5  # a slip earns no points on this assignment


def test_a_slip_is_counted_only_where_it_was_made(stats):
    for question, stat in stats.items():
        expected = 0.25 if question == "E" else 0.0
        assert stat.slips == {**{s.name: 0.0 for s in GRAPH.slips}, "half_squared_error": expected}, question


def test_questions_nobody_got_wrong_are_right_for_everyone_who_answered(stats):
    for question in ("s2", "a2", *SOFTMAX):
        assert shares(stats, question) == {"correct": 0.75, "missing": 0.25}, question
        assert stats[question].mean_points == 0.75


def test_shares_of_each_question_add_up_to_one(stats):
    for stat in stats.values():
        assert sum(stat.shares.values()) == pytest.approx(1.0)
        assert set(stat.shares) == {v.value for v in Verdict}


def test_class_summary_counts_and_averages(book):
    summary = class_summary(book)
    assert (summary.students, summary.graded, summary.missing, summary.rejected) == (6, 4, 1, 1)
    # R 29/29, S 28/29, W 28/29, B 0/29: mean of 100, 96.55, 96.55, 0
    assert summary.mean_percent == pytest.approx(73.275, abs=0.0051)
    assert summary.median_percent == 96.55


def test_an_empty_class_has_zeros_and_no_division_by_zero():
    book = build_gradebook(ASSIGNMENT, [], Batch())
    summary = class_summary(book)
    assert (summary.students, summary.graded, summary.mean_percent, summary.median_percent) == (0, 0, 0.0, 0.0)
    assert {s.graded for s in question_stats(book)} == {0}
    assert all(v == 0.0 for s in question_stats(book) for v in (*s.shares.values(), s.mean_points))


def test_stats_csv_has_a_row_per_question_with_shares_and_slips(book):
    table = list(csv.DictReader(io.StringIO(stats_csv(book))))
    assert [row["question"] for row in table] == QUESTIONS
    e = next(row for row in table if row["question"] == "E")
    assert e["graded"] == "4"
    assert (e["correct"], e["follow-through"], e["slip"], e["wrong"], e["missing"]) == (
        "0.2500", "0.2500", "0.2500", "0.0000", "0.2500")
    assert e["slip:half_squared_error"] == "0.2500" and e["slip:log10_loss"] == "0.0000"
    assert e["mean_points"] == "0.5000"
