"""SPEC's grading rules from a student's side: these answers handed in, these points and outcomes back.

The four expected results of SPEC are checked on the sheet's default variant, from a file through
``grader check --format json``, and on 1,000 drawn variants through the grading itself; then the
properties the rules promise: rounding or truncating to 4 decimals costs nothing, rounding more is
never taken for a named slip, a 5% error is never correct, and no convenient value earns credit.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from console import run
from worked import ASSIGNMENT, GRAPH, NUMERIC, hand_ins, printed_hints, worked

from grader.compare import Tolerance, ToleranceMode
from grader.engine.variants import default_variant, draw_variants
from grader.grading import Verdict, grade_class
from grader.key import compute_key

GRADIENTS = ["dE_dw5", "dE_dw9", "dE_dw1", "dE_dw2", "dE_dw4", "dE_dw7", "dE_dw10", "dE_dw13"]
HALF_E = [GRAPH.slip("half_squared_error"), GRAPH.slip("missing_factor_2")]


@pytest.fixture(scope="module")
def drawn():
    variants = draw_variants(ASSIGNMENT, [f"P{i:04d}" for i in range(1000)])
    return variants, compute_key(ASSIGNMENT, variants)


def hint_copier(key_values, which=("dE_dyhat", "a3", "a4", "da3_ds3", "da4_ds4")):
    return {node: values for node, values in printed_hints(key_values).items() if node in which}


# name -> (how the student works, the questions that earn nothing)
SCENARIOS = {
    "E with ½ and every gradient half as big": (
        lambda key: dict(slips=HALF_E), {"E"}),
    "y_hat = y + 0.0001, the rest computed from it": (
        lambda key: dict(wrong={"y_hat": lambda v: v["y"] + 0.0001}), {"y_hat", "E", *GRADIENTS, "w5_new", "w1_new"}),
    "a1 = 5.0, the rest computed from it": (
        lambda key: dict(wrong={"a1": lambda v: 5.0}), {"a1", "s3", "s4", "dE_dw5", "dE_dw1", "dE_dw2"}),
    "s1 wrong, then the hint table's printed values": (
        lambda key: dict(wrong={"s1": lambda v: 2 * (v["w1"] * v["x"] + v["w2"])}, copied=hint_copier(key.values)),
        {"s1"}),
    "s1 wrong, then the printed derivatives of the hint table": (
        lambda key: dict(wrong={"s1": lambda v: 2 * (v["w1"] * v["x"] + v["w2"])},
                         copied=hint_copier(key.values, ("dE_dyhat", "da3_ds3", "da4_ds4"))),
        {"s1"}),
}


def check_json(tmp_path, answers: dict[str, float], *extra: str) -> dict:
    """``grader check --format json`` on a YAML hand-in of ``answers``."""
    path = tmp_path / "B77777_practice09.yaml"
    path.write_text("student_id: B77777\nanswers:\n" + "".join(f"  {q}: {v!r}\n" for q, v in answers.items()),
                    encoding="utf-8")
    return run_check(path, *extra)


def run_check(path, *extra: str) -> dict:
    code, out, err = run("check", "answer_keys/practice09.yaml", str(path), "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_spec_expected_results_on_the_default_variant_from_a_file(scenario, tmp_path):
    how, zero = SCENARIOS[scenario]
    variant = default_variant(ASSIGNMENT, "B77777")
    key = compute_key(ASSIGNMENT, variant)
    values = worked(variant.columns, **how(key))
    answers = {q: round(float(values[GRAPH.question_nodes[q].name][0]), 4) for q in NUMERIC}
    result = check_json(tmp_path, answers, "--same-variant")
    earned_nothing = {q for q in NUMERIC if result["questions"][q]["points"] == 0}
    assert earned_nothing == zero
    assert result["points"] == len(NUMERIC) - len(zero) and result["max_points"] == 29
    assert "expected" not in json.dumps(result)  # no reference value unless --reveal


def test_half_squared_error_is_one_slip_and_the_gradients_follow_through(tmp_path):
    variant = default_variant(ASSIGNMENT, "B77777")
    values = worked(variant.columns, slips=HALF_E)
    answers = {q: round(float(values[GRAPH.question_nodes[q].name][0]), 4) for q in NUMERIC}
    result = check_json(tmp_path, answers, "--same-variant")["questions"]
    assert result["E"]["outcome"] == "slip" and result["E"]["slip"] == "half_squared_error"
    assert {g: result[g]["outcome"] for g in GRADIENTS} == dict.fromkeys(GRADIENTS, "follow_through")
    assert "counted there once" in result["dE_dw5"]["hint"]


def test_y_hat_next_to_y_earns_nothing_downstream(tmp_path):
    variant = default_variant(ASSIGNMENT, "B77777")
    values = worked(variant.columns, wrong={"y_hat": lambda v: v["y"] + 0.0001})
    answers = {q: round(float(values[GRAPH.question_nodes[q].name][0]), 4) for q in NUMERIC}
    result = check_json(tmp_path, answers, "--same-variant")
    assert result["points"] == 17
    for q in ("E", *GRADIENTS, "w5_new", "w1_new"):
        assert result["questions"][q]["outcome"] == "wrong", q
    assert "no credit rests on" in result["questions"]["dE_dw13"]["hint"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_spec_expected_results_on_1000_drawn_variants(scenario, drawn):
    variants, key = drawn
    how, zero = SCENARIOS[scenario]
    graded = grade_class(ASSIGNMENT, key, hand_ins(variants.student_ids, worked(variants.columns, **how(key))))
    differing = {g.student_id: sorted({o.question for o in g.outcomes if o.points == 0} ^ zero)
                 for g in graded if {o.question for o in g.outcomes if o.points == 0} != zero}
    assert differing == {}


def test_slip_carry_false_charges_every_question_the_slip_shows_in(drawn):
    variants, key = drawn
    every = dataclasses.replace(ASSIGNMENT, slip_carry=False)
    graded = grade_class(every, key, hand_ins(variants.student_ids, worked(variants.columns, slips=HALF_E)))
    for g in graded:
        assert g.outcome("E").verdict is Verdict.SLIP
        assert {q for q in GRADIENTS if g.outcome(q).verdict is Verdict.SLIP} == set(GRADIENTS)
        assert g.total == 29 - 9


def decimals_mode(places: int = 4):
    tolerance = Tolerance(ToleranceMode.DECIMALS, places=places)
    return dataclasses.replace(ASSIGNMENT, questions=tuple(
        dataclasses.replace(q, tolerance=tolerance) if q.numeric else q for q in ASSIGNMENT.questions))


@pytest.mark.parametrize("mode", ["round", "truncate"])
@pytest.mark.parametrize("assignment", [ASSIGNMENT, decimals_mode()], ids=["derived", "decimals-4"])
def test_rounding_or_truncating_every_step_to_4_decimals_gets_full_marks(drawn, mode, assignment):
    variants, key = drawn
    graded = grade_class(assignment, key, hand_ins(variants.student_ids, worked(variants.columns, 4, mode)))
    lost = [(g.student_id, o.question, o.verdict.value) for g in graded for o in g.outcomes
            if o.verdict not in (Verdict.CORRECT, Verdict.FOLLOW_THROUGH)]
    assert lost == []
    assert all(g.total == 29 for g in graded)


@pytest.mark.parametrize("decimals, mode", [(3, "round"), (3, "sigfigs"), (3, "truncate")])
def test_rounding_more_than_asked_is_never_taken_for_a_slip(drawn, decimals, mode):
    variants, key = drawn
    graded = grade_class(ASSIGNMENT, key, hand_ins(variants.student_ids, worked(variants.columns, decimals, mode)))
    slips = [(g.student_id, o.question, o.slip) for g in graded for o in g.outcomes if o.slip]
    assert slips == []


def test_a_named_slip_is_still_found_from_a_4_decimal_worker(drawn):
    variants, key = drawn
    for slip in GRAPH.slips:
        graded = grade_class(ASSIGNMENT, key, hand_ins(variants.student_ids, worked(variants.columns, slips=[slip])))
        named = sum(any(o.slip == slip.name for o in g.outcomes) for g in graded)
        assert named >= 850, (slip.name, named)  # the rest: variants where the slip changes too little to tell


@pytest.mark.parametrize("factor", [1.05, 0.95])
def test_five_percent_off_on_an_answer_of_0_01_or_more_is_never_correct(drawn, factor):
    variants, key = drawn
    for qid in NUMERIC:
        values = worked(variants.columns, None)
        node = GRAPH.question_nodes[qid].name
        values[node] = values[node] * factor
        graded = grade_class(ASSIGNMENT, key, hand_ins(variants.student_ids, values))
        for g in graded:
            outcome = g.outcome(qid)
            if abs(outcome.expected) >= 0.01:
                assert outcome.verdict is not Verdict.CORRECT and outcome.points == 0, (qid, g.student_id, outcome)


DOWNSTREAM_OF_Y_HAT = {"E", *GRADIENTS, "w5_new", "w1_new"}


@pytest.mark.parametrize("convenient, zero", [
    ({"y_hat": lambda v: v["y"]}, {"y_hat", *DOWNSTREAM_OF_Y_HAT}),            # "the network already outputs y"
    ({"y_hat": lambda v: v["y"] - 0.0002}, {"y_hat", *DOWNSTREAM_OF_Y_HAT}),
    ({"dE_dw5": lambda v: 0.0, "dE_dw1": lambda v: 0.0}, {"dE_dw5", "dE_dw1", "w5_new", "w1_new"}),  # w_new = w
    ({"a1": lambda v: 0.0}, {"a1", "s3", "s4", "dE_dw5", "dE_dw1", "dE_dw2", "w5_new", "w1_new"}),  # switched off
], ids=["y_hat=y", "y_hat=y-0.0002", "gradients-0", "a1=0"])
def test_a_convenient_value_never_earns_credit_downstream(drawn, convenient, zero):
    variants, key = drawn
    graded = grade_class(ASSIGNMENT, key, hand_ins(variants.student_ids, worked(variants.columns, 4, wrong=convenient)))
    rewarded = {g.student_id: sorted(q for q in zero if g.outcome(q).points > 0) for g in graded
                if any(g.outcome(q).points > 0 for q in zero)}
    assert rewarded == {}
    assert all(g.total <= 29 - len(zero) for g in graded)
