"""The practice-9 graph against the sheet: hint table, finite differences, update rule, softmax, slips."""

from __future__ import annotations

import numpy as np
import pytest

from grader.assignment import load_assignment
from grader.engine.variants import default_variant

from .helpers import random_grid_params

_SHEET = load_assignment("answer_keys/practice09.yaml").sheet
GRAPH, CLASSES, HINT_TABLE = _SHEET.graph, _SHEET.categories["true_class"], _SHEET.hint_table

# The sheet's hint table (question 1b.iii), printed to 4 decimals, and the node of the graph
# that holds each column: dE/dy_hat, dy_hat/dw11 = a3, dy_hat/dw12 = a4, a3(1-a3), a4(1-a4).
SHEET_HINT_TABLE = {
    "dE_dyhat": -0.5968,
    "a3": 0.2392,
    "a4": 0.7661,
    "da3_ds3": 0.1820,
    "da4_ds4": 0.1792,
}

# SPEC's default variant, written out here so the test does not read it from the YAML under test.
SPEC_DEFAULT = {
    "x": 0.5, "y": 0.25, "eta": 0.1,
    **dict(zip((f"w{i}" for i in range(1, 14)),
               (0.4, 0.5, 0.6, 0.7, 0.6, -0.9, -0.9, 0.4, 0.3, 0.7, 0.9, 0.7, -0.8))),
    "score_dog": -3.44, "score_cat": 1.16, "score_boat": -0.81, "score_airplane": 3.91,
    "true_class": float(CLASSES.index("airplane")),
}

# Each gradient question and the weight it differentiates E by.
GRADIENTS = {
    "dE_dw5": "w5", "dE_dw9": "w9", "dE_dw1": "w1", "dE_dw2": "w2",
    "dE_dw4": "w4", "dE_dw7": "w7", "dE_dw10": "w10", "dE_dw13": "w13",
}


def _spec_default() -> dict[str, np.ndarray]:
    return {name: np.array([value]) for name, value in SPEC_DEFAULT.items()}


@pytest.fixture(scope="module")
def random_variants(assignment):
    """1,000 unconstrained variants on the YAML's grids (numpy, fixed seed)."""
    return random_grid_params(assignment, 1000, seed=20191111)


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def _sheet_by_hand(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The sheet's forward pass and softmax written out independently of the engine."""
    s1 = p["w1"] * p["x"] + p["w2"]
    s2 = p["w3"] * p["x"] + p["w4"]
    a1, a2 = _sigmoid(s1), _sigmoid(s2)
    s3 = p["w5"] * a1 + p["w6"] * a2 + p["w7"]
    s4 = p["w8"] * a1 + p["w9"] * a2 + p["w10"]
    a3, a4 = _sigmoid(s3), _sigmoid(s4)
    y_hat = p["w11"] * a3 + p["w12"] * a4 + p["w13"]
    scores = np.vstack([p[f"score_{c}"] for c in CLASSES])
    exps = np.exp(scores)
    probabilities = exps / exps.sum(axis=0)
    true = p["true_class"].astype(int)
    out = dict(s1=s1, s2=s2, a1=a1, a2=a2, s3=s3, s4=s4, a3=a3, a4=a4, y_hat=y_hat, E=(p["y"] - y_hat) ** 2,
               loss=-np.log(probabilities[true, np.arange(true.size)]))
    for k, c in enumerate(CLASSES):
        out[f"exp_{c}"] = exps[k]
        out[f"p_{c}"] = probabilities[k]
    return out


# ---- the sheet's default variant ---------------------------------------------------------


def test_yaml_default_variant_is_specs(assignment):
    table = default_variant(assignment)
    assert {name: float(column[0]) for name, column in table.columns.items()} == SPEC_DEFAULT


@pytest.mark.parametrize("node, printed", sorted(SHEET_HINT_TABLE.items()))
def test_default_variant_reproduces_hint_table(node, printed):
    value = float(GRAPH.reference(_spec_default())[node][0])
    assert round(value, 4) == printed, f"{node}: engine gives {value!r}, the sheet prints {printed}"


def test_hint_table_names_the_sheets_columns():
    assert set(HINT_TABLE) == set(SHEET_HINT_TABLE)
    # dE/dy_hat is also the answer to the output bias gradient (dy_hat/dw13 = 1).
    values = GRAPH.reference(_spec_default())
    assert values["dE_dw13"][0] == values["dE_dyhat"][0]


def test_forward_pass_and_softmax_match_a_hand_written_version(random_variants):
    engine = GRAPH.reference(random_variants)
    by_hand = _sheet_by_hand(random_variants)
    for name, expected in by_hand.items():
        np.testing.assert_allclose(engine[name], expected, rtol=1e-12, atol=1e-15, err_msg=name)


def test_default_forward_values_to_four_decimals():
    values = {name: round(float(v[0]), 4) for name, v in GRAPH.reference(_spec_default()).items()}
    # Worked by hand from the sheet's default (and consistent with the hint table above).
    assert values["s1"] == 0.7 and values["s2"] == 1.0
    assert values["a1"] == 0.6682 and values["a2"] == 0.7311
    assert values["y_hat"] == -0.0484
    assert values["E"] == 0.0891
    assert values["p_airplane"] == 0.9315
    assert values["loss"] == 0.0709


# ---- gradients against finite differences ------------------------------------------------


@pytest.mark.parametrize("question, weight", sorted(GRADIENTS.items()))
def test_gradient_matches_central_difference(question, weight, random_variants):
    params = random_variants
    h = 1e-5
    up = dict(params, **{weight: params[weight] + h})
    down = dict(params, **{weight: params[weight] - h})
    numeric = (GRAPH.reference(up)["E"] - GRAPH.reference(down)["E"]) / (2 * h)
    node = GRAPH.question_nodes[question].name
    analytic = GRAPH.reference(params)[node]
    assert np.all(np.isfinite(analytic))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7,
                               err_msg=f"{question} is not dE/d{weight}")


def test_every_weight_gradient_question_is_covered():
    """The finite-difference test covers every question whose id is a gradient dE_dw*."""
    assert {q for q in GRAPH.question_nodes if q.startswith("dE_dw")} == set(GRADIENTS)


@pytest.mark.parametrize("question, weight", [("w5_new", "w5"), ("w1_new", "w1")])
def test_update_rule_with_numeric_gradient(question, weight, random_variants):
    """w_new = w - eta * dE/dw, with dE/dw taken from a finite difference of E."""
    params = random_variants
    h = 1e-5
    up = dict(params, **{weight: params[weight] + h})
    down = dict(params, **{weight: params[weight] - h})
    gradient = (GRAPH.reference(up)["E"] - GRAPH.reference(down)["E"]) / (2 * h)
    expected = params[weight] - params["eta"] * gradient
    np.testing.assert_allclose(GRAPH.reference(params)[question], expected, rtol=1e-6, atol=1e-7)


def test_default_updates():
    values = GRAPH.reference(_spec_default())
    assert values["w5_new"][0] == pytest.approx(0.6 - 0.1 * values["dE_dw5"][0], abs=1e-15)
    assert values["w1_new"][0] == pytest.approx(0.4 - 0.1 * values["dE_dw1"][0], abs=1e-15)
    # E is above its minimum, so a step against the gradient moves the weight the other way.
    assert np.sign(values["w5_new"][0] - 0.6) == -np.sign(values["dE_dw5"][0])


# ---- softmax and cross-entropy -----------------------------------------------------------


def test_probabilities_sum_to_one_and_lie_in_unit_interval(random_variants):
    values = GRAPH.reference(random_variants)
    probabilities = np.vstack([values[f"p_{c}"] for c in CLASSES])
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    assert np.all((probabilities > 0) & (probabilities < 1))


def test_loss_is_minus_ln_probability_of_true_class(random_variants):
    values = GRAPH.reference(random_variants)
    true = random_variants["true_class"].astype(int)
    assert set(np.unique(true)) == set(range(len(CLASSES)))  # every class occurs as the true one
    probabilities = np.vstack([values[f"p_{c}"] for c in CLASSES])
    expected = -np.log(probabilities[true, np.arange(true.size)])
    np.testing.assert_allclose(values["loss"], expected, rtol=1e-12, atol=0)


def test_default_loss_uses_airplane():
    values = GRAPH.reference(_spec_default())
    assert values["loss"][0] == pytest.approx(-np.log(values["p_airplane"][0]), rel=1e-14)


# ---- slips -------------------------------------------------------------------------------


def _downstream(names: set[str]) -> set[str]:
    """Every node that reads, directly or not, one of ``names`` (including those)."""
    reached = set(names)
    for node in GRAPH.nodes:
        if reached.intersection(node.inputs):
            reached.add(node.name)
    return reached


@pytest.mark.parametrize("slip", GRAPH.slips, ids=lambda s: s.name)
def test_slip_changes_a_question_on_default_variant(slip):
    params = _spec_default()
    right = GRAPH.reference(params)
    wrong = GRAPH.evaluate(params, slip=slip).computed
    changes = {
        question: abs(float(wrong[node.name][0]) - float(right[node.name][0]))
        for question, node in GRAPH.question_nodes.items()
    }
    assert max(changes.values()) > 1e-6, f"slip {slip.name!r} changes no question's value on the default variant"


@pytest.mark.parametrize("slip", GRAPH.slips, ids=lambda s: s.name)
def test_slip_leaves_unrelated_questions_alone(slip, random_variants):
    """A slip only moves the nodes it replaces and what reads them."""
    right = GRAPH.reference(random_variants)
    wrong = GRAPH.evaluate(random_variants, slip=slip).computed
    affected = _downstream(set(slip.formulas))
    for node in GRAPH.nodes:
        if node.name not in affected:
            np.testing.assert_array_equal(wrong[node.name], right[node.name],
                                          err_msg=f"slip {slip.name!r} moved {node.name}")


def test_slips_have_unique_names_and_descriptions():
    names = [s.name for s in GRAPH.slips]
    assert len(names) == len(set(names))
    assert all(s.description.strip() for s in GRAPH.slips)
