"""Practice session 9: backpropagation through a 1-2-2-1 network, softmax with cross-entropy.

Wiring (SPEC): w1 x->1, w2 bias 1, w3 x->2, w4 bias 2, w5 a1->3, w6 a2->3, w7 bias 3,
w8 a1->4, w9 a2->4, w10 bias 4, w11 a3->out, w12 a4->out, w13 out bias. Hidden neurons
are logistic, the output is linear, E = (y - y_hat)^2.
"""

from __future__ import annotations

import numpy as np

from grader.engine.graph import Formula, Graph, Node, Slip

CLASSES = ("dog", "cat", "boat", "airplane")
WEIGHTS = tuple(f"w{i}" for i in range(1, 14))
SCORES = tuple(f"score_{c}" for c in CLASSES)
PARAMETERS = ("x", "y", "eta", *WEIGHTS, *SCORES, "true_class")

UNIT = (0.0, 1.0)
POSITIVE = (0.0, np.inf)


def _sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


def _logistic_slope(a):
    return a * (1.0 - a)


def _node(name, inputs, fn, question=None, label="", domain=(-np.inf, np.inf)):
    return Node(name, Formula(tuple(inputs), fn), question, label, domain)


def _true_probability(tc, *probabilities):
    return np.choose(np.asarray(tc, dtype=np.intp), probabilities)


def _nodes() -> tuple[Node, ...]:
    n = _node
    nodes = [
        # forward pass
        n("s1", ("w1", "x", "w2"), lambda w1, x, w2: w1 * x + w2, "s1", "s₁ = w₁·x + w₂"),
        n("s2", ("w3", "x", "w4"), lambda w3, x, w4: w3 * x + w4, "s2", "s₂ = w₃·x + w₄"),
        n("a1", ("s1",), _sigmoid, "a1", "a₁ = σ(s₁)", UNIT),
        n("a2", ("s2",), _sigmoid, "a2", "a₂ = σ(s₂)", UNIT),
        n("s3", ("w5", "a1", "w6", "a2", "w7"), lambda w5, a1, w6, a2, w7: w5 * a1 + w6 * a2 + w7,
          "s3", "s₃ = w₅·a₁ + w₆·a₂ + w₇"),
        n("s4", ("w8", "a1", "w9", "a2", "w10"), lambda w8, a1, w9, a2, w10: w8 * a1 + w9 * a2 + w10,
          "s4", "s₄ = w₈·a₁ + w₉·a₂ + w₁₀"),
        n("a3", ("s3",), _sigmoid, "a3", "a₃ = σ(s₃)", UNIT),
        n("a4", ("s4",), _sigmoid, "a4", "a₄ = σ(s₄)", UNIT),
        n("y_hat", ("w11", "a3", "w12", "a4", "w13"), lambda w11, a3, w12, a4, w13: w11 * a3 + w12 * a4 + w13,
          "y_hat", "ŷ = w₁₁·a₃ + w₁₂·a₄ + w₁₃"),
        n("E", ("y", "y_hat"), lambda y, y_hat: (y - y_hat) ** 2, "E", "E = (y − ŷ)²", POSITIVE),
        # hint table of 1b.iii
        n("dE_dyhat", ("y", "y_hat"), lambda y, y_hat: -2.0 * (y - y_hat), None, "∂E/∂ŷ = −2(y − ŷ)"),
        n("da1_ds1", ("a1",), _logistic_slope, None, "∂a₁/∂s₁ = a₁(1 − a₁)"),
        n("da2_ds2", ("a2",), _logistic_slope, None, "∂a₂/∂s₂ = a₂(1 − a₂)"),
        n("da3_ds3", ("a3",), _logistic_slope, None, "∂a₃/∂s₃ = a₃(1 − a₃)"),
        n("da4_ds4", ("a4",), _logistic_slope, None, "∂a₄/∂s₄ = a₄(1 − a₄)"),
        # error signals dE/ds_k
        n("delta3", ("dE_dyhat", "w11", "da3_ds3"), lambda g, w11, d3: g * w11 * d3, None, "∂E/∂s₃"),
        n("delta4", ("dE_dyhat", "w12", "da4_ds4"), lambda g, w12, d4: g * w12 * d4, None, "∂E/∂s₄"),
        n("delta1", ("delta3", "w5", "delta4", "w8", "da1_ds1"),
          lambda d3, w5, d4, w8, d1: (d3 * w5 + d4 * w8) * d1, None, "∂E/∂s₁"),
        n("delta2", ("delta3", "w6", "delta4", "w9", "da2_ds2"),
          lambda d3, w6, d4, w9, d2: (d3 * w6 + d4 * w9) * d2, None, "∂E/∂s₂"),
        # gradients and updates asked for
        n("dE_dw5", ("delta3", "a1"), lambda d3, a1: d3 * a1, "dE_dw5", "∂E/∂w₅ = ∂E/∂s₃ · a₁"),
        n("dE_dw9", ("delta4", "a2"), lambda d4, a2: d4 * a2, "dE_dw9", "∂E/∂w₉ = ∂E/∂s₄ · a₂"),
        n("dE_dw1", ("delta1", "x"), lambda d1, x: d1 * x, "dE_dw1", "∂E/∂w₁ = ∂E/∂s₁ · x"),
        n("w5_new", ("w5", "eta", "dE_dw5"), lambda w5, eta, g: w5 - eta * g, "w5_new", "w₅ − η·∂E/∂w₅"),
        n("w1_new", ("w1", "eta", "dE_dw1"), lambda w1, eta, g: w1 - eta * g, "w1_new", "w₁ − η·∂E/∂w₁"),
        n("dE_dw2", ("delta1",), lambda d: d * 1.0, "dE_dw2", "∂E/∂w₂ = ∂E/∂s₁ · 1"),
        n("dE_dw4", ("delta2",), lambda d: d * 1.0, "dE_dw4", "∂E/∂w₄ = ∂E/∂s₂ · 1"),
        n("dE_dw7", ("delta3",), lambda d: d * 1.0, "dE_dw7", "∂E/∂w₇ = ∂E/∂s₃ · 1"),
        n("dE_dw10", ("delta4",), lambda d: d * 1.0, "dE_dw10", "∂E/∂w₁₀ = ∂E/∂s₄ · 1"),
        n("dE_dw13", ("dE_dyhat",), lambda g: g * 1.0, "dE_dw13", "∂E/∂w₁₃ = ∂E/∂ŷ · 1"),
    ]
    # softmax and cross-entropy
    for c in CLASSES:
        nodes.append(n(f"exp_{c}", (f"score_{c}",), np.exp, f"exp_{c}", f"e^z ({c})", POSITIVE))
    exps = tuple(f"exp_{c}" for c in CLASSES)
    for i, c in enumerate(CLASSES):
        nodes.append(n(f"p_{c}", exps, lambda *e, i=i: e[i] / (e[0] + e[1] + e[2] + e[3]),
                       f"p_{c}", f"σ(z) ({c})", UNIT))
    nodes.append(n("loss", ("true_class", *(f"p_{c}" for c in CLASSES)),
                   lambda tc, *p: -np.log(_true_probability(tc, *p)), "loss",
                   "−ln p(true class)", POSITIVE))
    return tuple(nodes)


def _slips() -> tuple[Slip, ...]:
    f = lambda inputs, fn: Formula(tuple(inputs), fn)  # noqa: E731
    sigmoid_at_s = {
        f"da{k}_ds{k}": f((f"s{k}",), _logistic_slope) for k in (1, 2, 3, 4)
    }
    update = lambda sign, with_eta: (lambda w, eta, g: w + sign * (eta if with_eta else 1.0) * g)  # noqa: E731
    return (
        Slip("half_squared_error",
             "you used E = ½(y − ŷ)²; this sheet defines E = (y − ŷ)² with no ½",
             {"E": f(("y", "y_hat"), lambda y, y_hat: (y - y_hat) ** 2 / 2.0)}),
        Slip("missing_factor_2",
             "∂E/∂ŷ lost its factor 2: the derivative of (y − ŷ)² is −2(y − ŷ)",
             {"dE_dyhat": f(("y", "y_hat"), lambda y, y_hat: -(y - y_hat))},
             family="half_squared_error"),
        Slip("dE_dyhat_sign",
             "∂E/∂ŷ has the wrong sign: the derivative of (y − ŷ)² with respect to ŷ is −2(y − ŷ)",
             {"dE_dyhat": f(("y", "y_hat"), lambda y, y_hat: 2.0 * (y - y_hat))}),
        Slip("update_sign",
             "the update went up the gradient: the rule is w_new = w − η·∂E/∂w, with a minus",
             {"w5_new": f(("w5", "eta", "dE_dw5"), update(+1, True)),
              "w1_new": f(("w1", "eta", "dE_dw1"), update(+1, True))}),
        Slip("update_without_eta",
             "the update left out the learning rate: w_new = w − η·∂E/∂w",
             {"w5_new": f(("w5", "eta", "dE_dw5"), update(-1, False)),
              "w1_new": f(("w1", "eta", "dE_dw1"), update(-1, False))}),
        Slip("sigmoid_derivative_at_s",
             "the logistic derivative was taken at the net input s; it is a(1 − a), with a = σ(s)",
             sigmoid_at_s),
        Slip("one_path_to_w1",
             "∂E/∂w₁ (and ∂E/∂w₂) followed only the path through neuron 3; a₁ also feeds neuron 4 through w₈",
             {"delta1": f(("delta3", "w5", "da1_ds1"), lambda d3, w5, d1: d3 * w5 * d1)}),
        Slip("softmax_without_exp",
             "the scores were used without exponentials: softmax divides e^z by the sum of e^z",
             {f"exp_{c}": f((f"score_{c}",), lambda z: z * 1.0) for c in CLASSES}),
        Slip("log10_loss",
             "the loss used log base 10; cross-entropy uses the natural log",
             {"loss": f(("true_class", *(f"p_{c}" for c in CLASSES)),
                        lambda tc, *p: -np.log10(_true_probability(tc, *p)))}),
    )


# The hint table of question 1b.iii, as the sheet prints it: node -> column heading.
HINT_TABLE = {
    "dE_dyhat": "∂E/∂ŷ",
    "a3": "∂ŷ/∂w₁₁",
    "a4": "∂ŷ/∂w₁₂",
    "da3_ds3": "∂a₃/∂s₃",
    "da4_ds4": "∂a₄/∂s₄",
}

GRAPH = Graph(parameters=PARAMETERS, nodes=_nodes(), slips=_slips())
