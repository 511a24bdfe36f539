"""The ``network:`` shorthand: generated forward and backward quantities, checked against the sheet
written out by hand and against finite differences of the loss."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from grader.assignment import parse_assignment
from grader.engine.variants import draw_variants
from grader.errors import ConfigError

PRACTICE09 = yaml.safe_load(open("answer_keys/practice09.yaml", encoding="utf-8"))
NETWORK = {"inputs": ["x"], "target": "y", "learning_rate": "eta", "loss": "squared_error",
           "layers": [{"size": 2, "activation": "sigmoid"}, {"size": 2, "activation": "sigmoid"},
                      {"size": 1, "activation": "linear"}],
           "names": {"net": "s", "activation": "a", "output": "y_hat", "loss": "E"}}


def practice09_by_shorthand(network=NETWORK) -> dict:
    """practice09 with its backpropagation part generated instead of written out."""
    document = copy.deepcopy(PRACTICE09)
    document["network"] = copy.deepcopy(network)
    document["quantities"] = {k: v for k, v in PRACTICE09["quantities"].items() if k.startswith(("exp_", "p_", "loss"))}
    document["slips"] = {k: v for k, v in PRACTICE09["slips"].items()
                         if k in ("half_squared_error", "update_sign", "softmax_without_exp", "log10_loss")}
    document.pop("handout")
    document["hint_table"] = {"dE_dy_hat": "∂E/∂ŷ", **{k: v for k, v in PRACTICE09["hint_table"].items()
                                                     if k != "dE_dyhat"}}
    return document


def test_the_shorthand_gives_practice09s_numbers_exactly():
    written = parse_assignment(PRACTICE09, "practice09.yaml")
    generated = parse_assignment(practice09_by_shorthand(), "generated.yaml")
    variants = draw_variants(written, [f"N{i:03d}" for i in range(500)])
    by_hand, by_shorthand = written.graph.reference(variants.columns), generated.graph.reference(variants.columns)
    for question in written.numeric_questions:
        np.testing.assert_array_equal(by_shorthand[question.id], by_hand[question.id], err_msg=question.id)
    assert {f"dE_dw{i}" for i in range(1, 14)} <= set(generated.graph.by_name)  # every weight's gradient


def network_sheet(activations: list[str], loss: str, sizes: list[int]) -> dict:
    """A small sheet: two inputs, the given hidden layers, one output; every weight's gradient asked."""
    inputs = ["x1", "x2"]
    count = sum((a + 1) * b for a, b in zip([len(inputs), *sizes[:-1]], sizes))
    parameters = {name: {"default": 0.5, "grid": {"min": -1.0, "max": 1.0, "step": 0.1}}
                  for name in [*inputs, "t", *(f"w{i}" for i in range(1, count + 1))]}
    parameters["t"] = {"default": 1.0, "choices": [0.0, 1.0]} if loss == "binary_cross_entropy" else \
        {"default": 0.5, "grid": {"min": 0.1, "max": 0.9, "step": 0.1}}
    return {
        "id": "net", "title": "net", "parameters": parameters,
        "network": {"inputs": inputs, "target": "t", "loss": loss,
                    "layers": [{"size": s, "activation": a} for s, a in zip(sizes, activations)],
                    "names": {"activation": "h", "output": "p", "loss": "L"}},
        "questions": [{"id": f"dL_dw{i}", "prompt": "gradient"} for i in range(1, count + 1)],
    }


@pytest.mark.parametrize("activations, loss", [
    (["tanh", "sigmoid"], "binary_cross_entropy"),
    (["sigmoid", "tanh", "linear"], "squared_error"),
    (["relu", "sigmoid", "sigmoid"], "half_squared_error"),
    (["tanh", "linear"], "half_squared_error"),
])
def test_every_generated_gradient_is_the_derivative_of_the_loss(activations, loss):
    sizes = [2] * (len(activations) - 1) + [1]
    sheet = parse_assignment(network_sheet(activations, loss, sizes), "net.yaml")
    graph = sheet.graph
    rng = np.random.default_rng(3)
    params = {name: rng.uniform(-1, 1, 200) for name in graph.parameters}
    params["t"] = rng.choice([0.0, 1.0], 200) if loss == "binary_cross_entropy" else rng.uniform(0.1, 0.9, 200)
    values = graph.reference(params)
    for question in sheet.numeric_questions:
        weight = question.id.removeprefix("dL_d")
        h = 1e-6
        up, down = dict(params), dict(params)
        up[weight], down[weight] = params[weight] + h, params[weight] - h
        numeric = (graph.reference(up)["L"] - graph.reference(down)["L"]) / (2 * h)
        np.testing.assert_allclose(values[question.id], numeric, rtol=1e-5, atol=1e-7, err_msg=question.id)


def test_the_tanh_sheets_numbering_inputs_then_bias():
    sheet = parse_assignment(network_sheet(["tanh", "sigmoid"], "binary_cross_entropy", [2, 1]), "net.yaml")
    by_name = sheet.graph.by_name
    assert by_name["s1"].inputs == ("w1", "x1", "w2", "x2", "w3")
    assert by_name["s2"].inputs == ("w4", "x1", "w5", "x2", "w6")
    assert by_name["z"].inputs == ("w7", "h1", "w8", "h2", "w9")
    assert by_name["dL_dz"].inputs == ("p", "t")  # sigmoid with cross-entropy: p - t


@pytest.mark.parametrize("change, field, expected", [
    (lambda n: n["layers"][0].update(activation="softplus"), "network.layers[0].activation", "tanh"),
    (lambda n: n["layers"][-1].update(size=2), "network.layers", "one unit"),
    (lambda n: n.update(inputs=["x", "z9"]), "network.inputs", "'z9'"),
    (lambda n: n.update(loss="hinge"), "network.loss", "binary_cross_entropy"),
])
def test_a_mistake_in_the_shorthand_names_its_field(change, field, expected):
    network = copy.deepcopy(NETWORK)
    change(network)
    with pytest.raises(ConfigError) as caught:
        parse_assignment(practice09_by_shorthand(network), "bad.yaml")
    assert caught.value.field == field and expected in caught.value.expected, str(caught.value)


def test_a_quantity_may_not_take_a_generated_name():
    document = practice09_by_shorthand()
    document["quantities"]["a1"] = "x*2"
    with pytest.raises(ConfigError) as caught:
        parse_assignment(document, "bad.yaml")
    assert caught.value.field == "quantities.a1" and "another quantity" in caught.value.expected
