"""Grading one class at a time, from plain values: no files involved."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from handins import submission

from grader.assignment import load_assignment
from grader.engine.variants import default_variant, draw_variants
from grader.grading import Verdict, grade_class
from grader.key import compute_key
from grader.submissions import parse_number
from grader.submissions.records import Answer, Source, Submission

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
GRAPH = ASSIGNMENT.graph
QUESTIONS = [q.id for q in ASSIGNMENT.numeric_questions]


def rounded_chain(params, decimals=4, overrides=None, slip=None):
    """What a student who rounds every intermediate value before using it writes down."""
    overrides = overrides or {}
    replaced = slip.formulas if slip else {}
    values = {name: np.asarray(params[name], dtype=float) for name in GRAPH.parameters}
    for node in GRAPH.nodes:
        formula = replaced.get(node.name, node.formula)
        value = np.round(formula.fn(*(values[i] for i in formula.inputs)), decimals)
        values[node.name] = overrides.get(node.name, value)
    return values


def class_of(variants, chain):
    nodes = GRAPH.question_nodes
    return [
        submission(str(variants.student_ids[i]), {q: chain[nodes[q].name][i] for q in QUESTIONS})
        for i in range(len(variants))
    ]


def verdicts(graded):
    return {o.question: o.verdict for o in graded.outcomes}


def test_exact_answers_on_the_default_variant_get_full_marks():
    variants = default_variant(ASSIGNMENT, "A1")
    key = compute_key(ASSIGNMENT, variants)
    graded = grade_class(ASSIGNMENT, key, [submission("A1", key.answers(0))])[0]
    assert set(verdicts(graded).values()) == {Verdict.CORRECT}
    assert graded.total == graded.max_total == len(QUESTIONS)


def test_rounding_every_step_to_4_decimals_gets_full_marks_on_2000_variants():
    variants = draw_variants(ASSIGNMENT, [f"R{i:05d}" for i in range(2000)])
    key = compute_key(ASSIGNMENT, variants)
    graded = grade_class(ASSIGNMENT, key, class_of(variants, rounded_chain(variants.columns)))
    lost = [(g.student_id, o.question, o.answer.raw, o.expected, o.allowed)
            for g in graded for o in g.outcomes if o.verdict is not Verdict.CORRECT]
    assert lost == []


@pytest.mark.parametrize("factor", [1.05, 0.95])
def test_five_percent_off_gets_nothing_where_the_answer_is_at_least_0_01(factor):
    variants = draw_variants(ASSIGNMENT, [f"F{i:04d}" for i in range(300)])
    key = compute_key(ASSIGNMENT, variants)
    for qid in QUESTIONS:
        reference = key.answer(qid)
        subs = []
        for i in range(len(variants)):
            answers = key.answers(i)
            answers[qid] = reference[i] * factor
            subs.append(submission(str(i), answers))
        graded = grade_class(ASSIGNMENT, key, subs)
        for i, g in enumerate(graded):
            if abs(reference[i]) >= 0.01:
                outcome = g.outcome(qid)
                assert outcome.points == 0, (qid, i, outcome)


def test_a_wrong_s1_earns_follow_through_all_the_way_down():
    variants = draw_variants(ASSIGNMENT, ["C1"])
    key = compute_key(ASSIGNMENT, variants)
    wrong_s1 = key.answer("s1") + 0.3
    chain = rounded_chain(variants.columns, overrides={"s1": wrong_s1})
    graded = grade_class(ASSIGNMENT, key, class_of(variants, chain))[0]
    found = verdicts(graded)
    assert found["s1"] is Verdict.WRONG
    for qid in ("a1", "s3", "s4", "a3", "a4", "y_hat", "E", "dE_dw5", "dE_dw1"):
        assert found[qid] is Verdict.FOLLOW_THROUGH, (qid, graded.outcome(qid))
    assert all(o.points == 1.0 for o in graded.outcomes if o.question != "s1")
    assert "follow-through" in graded.outcome("a1").message
    assert "s1" in graded.outcome("a1").message
    assert graded.total == graded.max_total - 1  # only the first wrong step costs


def test_follow_through_is_not_given_from_an_upstream_zero():
    variants = draw_variants(ASSIGNMENT, ["Z1"])
    key = compute_key(ASSIGNMENT, variants)
    answers = key.answers(0)
    answers["s1"] = 0.0
    answers["a1"] = 0.5  # sigma(0): right from the student's own s1, but trivially so
    graded = grade_class(ASSIGNMENT, key, [submission("Z1", answers)])[0]
    assert graded.outcome("a1").verdict is Verdict.WRONG
    assert "s1 = 0" in graded.outcome("a1").message


@pytest.mark.parametrize("slip", [s.name for s in GRAPH.slips])
def test_each_slip_is_recognised_and_named(slip):
    variants = default_variant(ASSIGNMENT, "S1")
    key = compute_key(ASSIGNMENT, variants)
    chain = rounded_chain(variants.columns, slip=GRAPH.slip(slip))
    graded = grade_class(ASSIGNMENT, key, class_of(variants, chain))[0]
    named = [o for o in graded.outcomes if o.verdict is Verdict.SLIP]
    assert named, verdicts(graded)
    assert all(o.slip == slip for o in named), [(o.question, o.slip) for o in named]
    assert GRAPH.slip(slip).description in named[0].message
    assert all(o.points == 0 for o in named)  # a slip earns nothing by default


def test_unreadable_and_missing_answers_are_told_apart():
    variants = default_variant(ASSIGNMENT, "U1")
    key = compute_key(ASSIGNMENT, variants)
    answers = key.answers(0)
    answers["s1"] = "n/a"
    del answers["s2"]
    graded = grade_class(ASSIGNMENT, key, [submission("U1", answers)])[0]
    assert graded.outcome("s1").verdict is Verdict.UNREADABLE
    assert "'n/a'" in graded.outcome("s1").message
    assert graded.outcome("s2").verdict is Verdict.MISSING
    assert graded.outcome("a1").verdict is Verdict.CORRECT


def test_a_sign_error_gets_a_hint_without_the_answer():
    variants = default_variant(ASSIGNMENT, "H1")
    key = compute_key(ASSIGNMENT, variants)
    answers = key.answers(0)
    answers["s3"] = -answers["s3"]
    graded = grade_class(ASSIGNMENT, key, [submission("H1", answers)])[0]
    outcome = graded.outcome("s3")
    assert outcome.verdict is Verdict.WRONG and "sign" in outcome.message
    assert f"{abs(outcome.expected):.4f}" not in outcome.message


def test_free_text_scores_only_where_the_assignment_gives_keywords(tmp_path):
    text = Path("answer_keys/practice09.yaml").read_text(encoding="utf-8").replace(
        '{id: q1b_i, kind: text,', '{id: q1b_i, kind: text, points: 1, keywords: [gradient, descent],')
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    from grader.assignment import load_assignment as load

    sheet = load(path)
    variants = default_variant(sheet, "K1")
    key = compute_key(sheet, variants)
    answers = {q: round(v, 4) for q, v in key.answers(0).items()}
    sub = submission("K1", answers)
    words = {**sub.answers, "q1b_i": Answer("q1b_i", "Gradient descent!", None, None, Source("t")),
             "q1a_vi": Answer("q1a_vi", "yes", None, None, Source("t"))}
    graded = grade_class(sheet, key, [Submission("K1", "t", words)])[0]
    assert [o.question for o in graded.keyword_outcomes] == ["q1b_i"]  # q1a_vi has no keywords: a person grades it
    assert graded.total == graded.max_total == len(QUESTIONS) + 1
    half = {**words, "q1b_i": Answer("q1b_i", "descent", None, None, Source("t"))}
    assert grade_class(sheet, key, [Submission("K1", "t", half)])[0].total == len(QUESTIONS) + 0.5


def test_no_follow_through_for_a_trivial_result_from_a_convenient_upstream_value():
    variants = draw_variants(ASSIGNMENT, ["T1"])
    key = compute_key(ASSIGNMENT, variants)
    answers = key.answers(0)
    answers["y_hat"] = float(variants.columns["y"][0])  # "the network already outputs y"
    answers["E"] = 0.0
    answers["dE_dw13"] = 0.0
    graded = grade_class(ASSIGNMENT, key, [submission("T1", answers)])[0]
    for qid in ("E", "dE_dw13"):
        outcome = graded.outcome(qid)
        assert outcome.verdict is Verdict.WRONG and outcome.points == 0, outcome
        assert "no credit rests on a result that small" in outcome.message


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ANY_ANSWER = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, 1e-300, -1e300, 0.5, 1.0]),
    st.text(max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(QUESTIONS), _ANY_ANSWER, max_size=len(QUESTIONS)))
def test_any_answers_get_a_verdict_and_bounded_points(answers):
    variants = default_variant(ASSIGNMENT, "P1")
    key = compute_key(ASSIGNMENT, variants)
    graded = grade_class(ASSIGNMENT, key, [submission("P1", answers)])[0]
    assert [o.question for o in graded.outcomes] == QUESTIONS
    assert all(0.0 <= o.points <= o.max_points for o in graded.outcomes)
    assert all(isinstance(o.verdict, Verdict) and o.message for o in graded.outcomes)


def test_follow_through_reaches_past_a_blank_step():
    """s1 wrong, a1 left blank, s3 worked from the student's own (unwritten) a1: s3 follows through."""
    variants = draw_variants(ASSIGNMENT, ["G1"])
    key = compute_key(ASSIGNMENT, variants)
    wrong_s1 = key.answer("s1") + 0.3
    chain = rounded_chain(variants.columns, overrides={"s1": wrong_s1})
    answers = {q: float(chain[GRAPH.question_nodes[q].name][0]) for q in QUESTIONS}
    del answers["a1"]
    graded = grade_class(ASSIGNMENT, key, [submission("G1", answers)])[0]
    assert graded.outcome("a1").verdict is Verdict.MISSING
    assert graded.outcome("s3").verdict is Verdict.FOLLOW_THROUGH, graded.outcome("s3")
    assert graded.outcome("s3").points == 1.0
    assert graded.outcome("s3").upstream == ("s1",)  # named by what was written, not the blank a1


@pytest.mark.parametrize(
    "tolerance, written, verdict",
    [
        ("{mode: decimals, places: 2}", "{s1:.2f}", Verdict.CORRECT),
        ("{mode: decimals, places: 2, require_digits: true}", "{s1:.1f}", Verdict.WRONG),
        ("{mode: sigfigs, digits: 2}", "{s1:.2g}", Verdict.CORRECT),
        ("{mode: relabs, rel: 0.0, abs: 0.0}", "{s1_off:.6f}", Verdict.WRONG),
    ],
)
def test_a_questions_own_tolerance_in_the_assignment_file_is_applied(tmp_path, tolerance, written, verdict):
    text = Path("answer_keys/practice09.yaml").read_text(encoding="utf-8").replace(
        "{id: s3, prompt:", f"{{id: s3, tolerance: {tolerance}, prompt:")
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    sheet = load_assignment(path)
    key = compute_key(sheet, default_variant(sheet, "T2"))
    s3 = key.answers(0)["s3"]
    raw = written.format(s1=s3, s1_off=s3 + 1e-4)
    others = submission("T2", {q: v for q, v in key.answers(0).items() if q != "s3"})
    value, _ = parse_number(raw)
    written_s3 = Answer("s3", raw, value, None, Source("t"))
    handed = Submission("T2", "t", {**others.answers, "s3": written_s3})
    graded = grade_class(sheet, key, [handed])[0]
    assert graded.outcome("s3").verdict is verdict, (raw, graded.outcome("s3"))
