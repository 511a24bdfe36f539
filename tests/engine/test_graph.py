"""The graph machinery: overrides, vectorised evaluation, upstream questions, rounding bounds."""

from __future__ import annotations

import numpy as np
import pytest

from grader.engine.graph import Formula, Graph, Node, Slip
from grader.assignment import load_assignment

GRAPH = load_assignment("answer_keys/practice09.yaml").graph
from grader.engine.variants import default_variant, draw_variants

from .helpers import random_grid_params, row


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


@pytest.fixture(scope="module")
def default_params(assignment):
    return dict(default_variant(assignment).columns)


# ---- overrides (follow-through) ----------------------------------------------------------


def test_override_replaces_value_downstream(default_params):
    own_s1 = 0.8  # the student wrote 0.8 for s1 (the right value is 0.7)
    evaluation = GRAPH.evaluate(default_params, overrides={"s1": np.array([own_s1])})
    right = GRAPH.reference(default_params)
    # s1 itself is still computed right; what later nodes read is the student's value.
    assert evaluation.computed["s1"][0] == pytest.approx(0.7, abs=1e-15)
    assert evaluation.effective["s1"][0] == own_s1
    assert evaluation.computed["a1"][0] == pytest.approx(_sigmoid(own_s1), rel=1e-15)
    # Everything downstream of s1 moves; the other branch does not.
    for name in ("a1", "s3", "s4", "y_hat", "E", "dE_dw5", "dE_dw1"):
        assert evaluation.computed[name][0] != right[name][0], name
    for name in ("s2", "a2", "exp_dog", "p_airplane", "loss"):
        assert evaluation.computed[name][0] == right[name][0], name


def test_override_chain_uses_each_own_value(default_params):
    """With a3 and a4 overridden, y_hat is computed from those, not from s3, s4."""
    own = {"a3": np.array([0.25]), "a4": np.array([0.75])}
    evaluation = GRAPH.evaluate(default_params, overrides=own)
    expected = 0.9 * 0.25 + 0.7 * 0.75 - 0.8  # w11 a3 + w12 a4 + w13
    assert evaluation.computed["y_hat"][0] == pytest.approx(expected, abs=1e-15)
    assert evaluation.computed["E"][0] == pytest.approx((0.25 - expected) ** 2, abs=1e-15)


def test_nan_override_means_not_given(assignment):
    params = random_grid_params(assignment, 4, seed=3)
    own_s1 = np.array([np.nan, 0.3, np.nan, -1.2])
    evaluation = GRAPH.evaluate(params, overrides={"s1": own_s1})
    right = GRAPH.reference(params)
    for name in right:
        same = evaluation.computed[name][[0, 2]]
        np.testing.assert_array_equal(same, right[name][[0, 2]], err_msg=name)
    np.testing.assert_array_equal(evaluation.effective["s1"], [right["s1"][0], 0.3, right["s1"][2], -1.2])
    np.testing.assert_allclose(evaluation.computed["a1"][[1, 3]], _sigmoid(np.array([0.3, -1.2])), rtol=1e-15)


def test_all_nan_overrides_change_nothing(assignment):
    params = random_grid_params(assignment, 50, seed=4)
    nothing = {node.name: np.full(50, np.nan) for node in GRAPH.nodes}
    evaluation = GRAPH.evaluate(params, overrides=nothing)
    right = GRAPH.reference(params)
    for name, value in right.items():
        np.testing.assert_array_equal(evaluation.computed[name], value, err_msg=name)
        np.testing.assert_array_equal(evaluation.effective[name], value, err_msg=name)


def test_override_with_slip_together(default_params):
    """A slip and an override compose: the slipped formula reads the student's own value."""
    slip = GRAPH.slip("missing_factor_2")
    own_y_hat = np.array([0.0])
    evaluation = GRAPH.evaluate(default_params, overrides={"y_hat": own_y_hat}, slip=slip)
    assert evaluation.computed["dE_dyhat"][0] == pytest.approx(-(0.25 - 0.0), abs=1e-15)


# ---- vectorised against one at a time ----------------------------------------------------


@pytest.fixture(scope="module")
def many(assignment):
    params = random_grid_params(assignment, 100_000, seed=100_000)
    return params, GRAPH.reference(params)


def test_hundred_thousand_at_once_match_one_at_a_time(many):
    params, at_once = many
    rows = np.random.default_rng(7).choice(len(params["x"]), size=200, replace=False)
    for i in rows:
        single = GRAPH.reference(row(params, i))
        for name, values in at_once.items():
            assert np.ndim(single[name]) == 0, name
            assert float(single[name]) == pytest.approx(float(values[i]), rel=1e-12, abs=1e-15), (name, i)


def test_hundred_thousand_rows_independent_of_batching(many):
    """Every row: the same values when evaluated in a shuffled order and in blocks of 1,000."""
    params, at_once = many
    n = len(params["x"])
    order = np.random.default_rng(8).permutation(n)
    shuffled = GRAPH.reference({name: column[order] for name, column in params.items()})
    for name, values in at_once.items():
        assert values.shape == (n,), name
        assert np.all(np.isfinite(values)), name
        np.testing.assert_allclose(shuffled[name], values[order], rtol=1e-12, atol=0, err_msg=name)
    for start in range(0, n, 1000):
        block = GRAPH.reference({name: column[start:start + 1000] for name, column in params.items()})
        for name, values in at_once.items():
            np.testing.assert_allclose(block[name], values[start:start + 1000], rtol=1e-12, atol=0, err_msg=name)


def test_evaluation_does_not_modify_its_inputs(assignment):
    params = random_grid_params(assignment, 100, seed=9)
    before = {name: column.copy() for name, column in params.items()}
    own = {"s1": np.full(100, np.nan)}
    GRAPH.evaluate(params, overrides=own, slip=GRAPH.slips[0])
    for name, column in params.items():
        np.testing.assert_array_equal(column, before[name])
    assert np.all(np.isnan(own["s1"]))


# ---- structure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "node, expected",
    [
        # dE/dw5 = dE/dy_hat * w11 * a3(1 - a3) * a1: reads y_hat (through dE/dy_hat), a3 and a1.
        ("dE_dw5", ("a1", "a3", "y_hat")),
        # dE/dw9 = dE/dy_hat * w12 * a4(1 - a4) * a2.
        ("dE_dw9", ("a2", "a4", "y_hat")),
        # dE/dw1 = (delta3 w5 + delta4 w8) a1(1 - a1) x: both paths, through a3 and a4.
        ("dE_dw1", ("a1", "a3", "a4", "y_hat")),
        ("dE_dw2", ("a1", "a3", "a4", "y_hat")),
        ("dE_dw13", ("y_hat",)),
        # updates stop at the gradient they use: it is itself a question.
        ("w5_new", ("dE_dw5",)),
        ("w1_new", ("dE_dw1",)),
        ("s3", ("a1", "a2")),
        ("a3", ("s3",)),
        ("E", ("y_hat",)),
        ("s1", ()),
        ("p_dog", ("exp_dog", "exp_cat", "exp_boat", "exp_airplane")),
        ("loss", ("p_dog", "p_cat", "p_boat", "p_airplane")),
    ],
)
def test_nearest_questions_upstream(node, expected):
    assert GRAPH.nearest_questions_upstream(node) == expected


def test_question_nodes_cover_spec_ids_once():
    spec_ids = ("s1 s2 a1 a2 s3 s4 a3 a4 y_hat E dE_dw5 dE_dw9 dE_dw1 w5_new w1_new dE_dw2 dE_dw4 dE_dw7 "
                "dE_dw10 dE_dw13 exp_dog exp_cat exp_boat exp_airplane p_dog p_cat p_boat p_airplane loss").split()
    assert list(GRAPH.question_nodes) == spec_ids
    questions = [node.question for node in GRAPH.nodes if node.question]
    assert len(questions) == len(set(questions))


def test_graph_rejects_bad_wiring():
    ok = Node("b", Formula(("a",), lambda a: a))
    with pytest.raises(ValueError, match="before they are defined"):
        Graph(parameters=("a",), nodes=(Node("c", Formula(("b",), lambda b: b)), ok))
    with pytest.raises(ValueError, match="unknown node"):
        Graph(parameters=("a",), nodes=(ok,), slips=(Slip("s", "", {"zz": Formula(("a",), lambda a: a)}),))
    late = Slip("s", "", {"b": Formula(("b",), lambda b: b)})
    with pytest.raises(ValueError, match="after"):
        Graph(parameters=("a",), nodes=(ok,), slips=(late,))


# ---- rounding bounds ---------------------------------------------------------------------


def _rounded_chain(params, decimals=4):
    """Node by node, every non-parameter value rounded before any later node reads it."""
    values = {name: np.asarray(column, dtype=float) for name, column in params.items()}
    chain = {}
    for node in GRAPH.nodes:
        exact_from_rounded = np.asarray(node.formula.fn(*(values[name] for name in node.inputs)), dtype=float)
        chain[node.name] = exact_from_rounded
        values[node.name] = np.round(exact_from_rounded, decimals)
    return chain


@pytest.fixture(scope="module")
def drawn_2000(assignment):
    table = draw_variants(assignment, [f"R{i:05d}" for i in range(2000)])
    return dict(table.columns)


def test_rounding_bounds_cover_a_rounded_chain(drawn_2000):
    params = drawn_2000
    exact = GRAPH.reference(params)
    bounds = GRAPH.rounding_bounds(params)
    chain = _rounded_chain(params)
    for question, node in GRAPH.question_nodes.items():
        bound = bounds[node.name]
        assert np.all(np.isfinite(bound)) and np.all(bound >= 0), question
        written = np.round(chain[node.name], 4)  # the student writes the value rounded too
        error = np.abs(written - exact[node.name])
        allowed = 1.5 * bound + 0.5e-4 + 1e-12
        worst = int(np.argmax(error - allowed))
        assert np.all(error <= allowed), (
            f"{question}: rounding moved it by {error[worst]:.3g}, bound {bound[worst]:.3g} (row {worst})"
        )


def test_rounding_bounds_on_random_grid_variants(assignment):
    """Also off the constrained set, where every probability stays clear of 0."""
    params = random_grid_params(assignment, 2000, seed=2000)
    exact = GRAPH.reference(params)
    keep = np.min(np.vstack([exact[f"p_{c}"] for c in ("dog", "cat", "boat", "airplane")]), axis=0) > 1e-3
    params = {name: column[keep] for name, column in params.items()}
    exact = {name: value[keep] for name, value in exact.items()}
    bounds = GRAPH.rounding_bounds(params)
    chain = _rounded_chain(params)
    for question, node in GRAPH.question_nodes.items():
        error = np.abs(np.round(chain[node.name], 4) - exact[node.name])
        assert np.all(error <= 1.5 * bounds[node.name] + 0.5e-4 + 1e-12), question


def test_rounding_bounds_known_values(default_params):
    bounds = GRAPH.rounding_bounds(default_params)
    values = GRAPH.reference(default_params)
    # Net inputs read only exact parameters: no rounding reaches them.
    for name in ("s1", "s2", "exp_dog", "exp_airplane"):
        assert bounds[name][0] == 0.0, name
    # a1 = sigma(s1) reads s1 rounded to 4 decimals: bound = sigma'(s1) * 0.5e-4.
    slope = values["a1"][0] * (1 - values["a1"][0])
    assert bounds["a1"][0] == pytest.approx(slope * 0.5e-4, rel=1e-6)
    # E = (y - y_hat)^2 reads y_hat: |dE/dy_hat| * (bound(y_hat) + 0.5e-4).
    expected = abs(values["dE_dyhat"][0]) * (bounds["y_hat"][0] + 0.5e-4)
    assert bounds["E"][0] == pytest.approx(expected, rel=1e-6)
    # A larger rounding step gives larger bounds, a zero step none.
    coarse = GRAPH.rounding_bounds(default_params, step=0.5e-2)
    assert coarse["loss"][0] > bounds["loss"][0] > 0
    zero = GRAPH.rounding_bounds(default_params, step=0.0)
    assert all(value[0] == 0.0 for value in zero.values())


def test_rounding_bounds_accepts_precomputed_reference(drawn_2000):
    fresh = GRAPH.rounding_bounds(drawn_2000)
    reused = GRAPH.rounding_bounds(drawn_2000, reference=GRAPH.reference(drawn_2000))
    for name, value in fresh.items():
        np.testing.assert_array_equal(reused[name], value, err_msg=name)
