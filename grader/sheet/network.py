"""The ``network:`` shorthand: the forward and backward quantities of a layered network, generated.

    network:
      inputs: [x1, x2]                  # parameters
      layers:                           # hidden layers, then the output layer (one unit)
        - {size: 2, activation: tanh}
        - {size: 1, activation: sigmoid}
      loss: binary_cross_entropy        # squared_error, half_squared_error or binary_cross_entropy
      target: t                         # the parameter the output is compared with
      learning_rate: eta                # optional: every weight's update w<k>_new = w<k> - eta*dL_dw<k>
      names: {net: s, activation: h, output_net: z, output: p, loss: L, weight: w}   # all optional

Weights are numbered per neuron, layer by layer: its inputs in order, then its bias (``w1 x1->1,
w2 x2->1, w3 bias 1, ...``). Hidden neuron k has net input ``s<k>`` and output ``h<k>`` (numbered
across the hidden layers); the output unit has net input ``z`` (none for a linear output) and output
``p``; the loss is ``L``. Backward: ``dh<k>_ds<k>``, ``delta<k>`` (∂L/∂s<k>), ``dL_dz``, ``dL_dw<i>``.
The generated quantities are ordinary ones: questions, slips and the hint table name them.
"""

from __future__ import annotations

from typing import Any

from grader.fields import Fields

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
LOSSES = ("squared_error", "half_squared_error", "binary_cross_entropy")
_NAMES = {"net": "s", "activation": "a", "output_net": "z", "output": "y_hat", "loss": "E", "weight": "w"}


def _activation(kind: str, net: str) -> str:
    return {"sigmoid": f"sigmoid({net})", "tanh": f"tanh({net})", "relu": f"max({net}, 0)", "linear": net}[kind]


def _slope(kind: str, out: str, net: str) -> str:
    """d out / d net, written with the unit's own values."""
    return {"sigmoid": f"{out}*(1 - {out})", "tanh": f"1 - {out}**2", "relu": f"where({net} > 0, 1, 0)",
            "linear": "1"}[kind]


def _range(kind: str) -> list[float] | None:
    return {"sigmoid": [0.0, 1.0], "tanh": [-1.0, 1.0], "relu": [0.0, float("inf")]}.get(kind)


def generate(fields: Fields, parameters: set[str]) -> dict[str, dict[str, Any]]:
    """Quantity name -> ``{expr, label, range}``, in computation order."""
    fields.only({"inputs", "layers", "loss", "target", "learning_rate", "names"})
    names = dict(_NAMES)
    given = fields.sub("names", {})
    given.only(set(_NAMES))
    names.update({key: given.get(key, str, "a name") for key in given.mapping})
    inputs = fields.get("inputs", list, "a list of the input parameters")
    for name in (*inputs, fields.get("target", str, "the target parameter")):
        if name not in parameters:
            raise fields.fail("inputs" if name in inputs else "target", f"parameters of the sheet, got {name!r}")
    layers = fields.get("layers", list, "a list of layers: {size, activation}")
    if not layers:
        raise fields.fail("layers", "at least the output layer, got no layer")
    specs = []
    for index, layer in enumerate(layers):
        spec = Fields(fields.file, f"{fields.name('layers')}[{index}]", layer)
        spec.only({"size", "activation"})
        size = spec.get("size", int, "a number of units")
        kind = spec.get("activation", str, f"one of {', '.join(ACTIVATIONS)}")
        if size < 1 or kind not in ACTIVATIONS:
            raise spec.fail("activation" if size >= 1 else "size",
                            f"at least 1 unit and one of {', '.join(ACTIVATIONS)}, got {size} {kind!r}")
        specs.append((size, kind))
    if specs[-1][0] != 1:
        raise fields.fail("layers", f"an output layer of one unit (the last layer), got {specs[-1][0]} units")
    loss = fields.get("loss", str, f"one of {', '.join(LOSSES)}")
    if loss not in LOSSES:
        raise fields.fail("loss", f"one of {', '.join(LOSSES)}, got {loss!r}")
    rate = fields.get("learning_rate", str, "a parameter", "")
    if rate and rate not in parameters:
        raise fields.fail("learning_rate", f"a parameter of the sheet, got {rate!r}")
    return _Network(names, list(inputs), specs, loss, fields.mapping["target"], rate).quantities()


class _Network:
    def __init__(self, names: dict[str, str], inputs: list[str], layers: list[tuple[int, str]], loss: str,
                 target: str, rate: str) -> None:
        self.n, self.inputs, self.layers, self.loss, self.target, self.rate = names, inputs, layers, loss, target, rate
        self.out: dict[str, Any] = {}

    def add(self, name: str, expr: str, label: str = "", value_range: list[float] | None = None) -> None:
        entry: dict[str, Any] = {"expr": expr, "label": label}
        if value_range is not None:
            entry["range"] = value_range
        self.out[name] = entry

    def quantities(self) -> dict[str, dict[str, Any]]:
        n = self.n
        w = n["weight"]
        counter = 0
        previous = list(self.inputs)
        units = []  # (net name, output name, kind, [(weight, source)], bias weight)
        hidden = 0
        for position, (size, kind) in enumerate(self.layers):
            last = position == len(self.layers) - 1
            current = []
            for _ in range(size):
                links = []
                for source in previous:
                    counter += 1
                    links.append((f"{w}{counter}", source))
                counter += 1
                bias = f"{w}{counter}"
                if last:
                    net = n["output_net"] if kind != "linear" else n["output"]
                    out = n["output"]
                else:
                    hidden += 1
                    net, out = f"{n['net']}{hidden}", f"{n['activation']}{hidden}"
                sum_text = " + ".join(f"{weight}*{source}" for weight, source in links) + f" + {bias}"
                self.add(net, sum_text, f"{net} = {sum_text.replace('*', '·')}")
                if net != out:
                    self.add(out, _activation(kind, net), f"{out} = {kind}({net})", _range(kind))
                units.append((net, out, kind, links, bias))
                current.append(out)
            previous = current
        self._loss(units[-1])
        self._backward(units)
        return self.out

    def _loss(self, output: tuple) -> None:
        L, o, t = self.n["loss"], output[1], self.target
        expr = {"squared_error": f"({t} - {o})**2", "half_squared_error": f"({t} - {o})**2 / 2",
                "binary_cross_entropy": f"-({t}*log({o}) + (1 - {t})*log(1 - {o}))"}[self.loss]
        self.add(L, expr, f"{L} = {expr}", [0.0, float("inf")])

    def _backward(self, units: list[tuple]) -> None:
        L, t = self.n["loss"], self.target
        net, out, kind, links, bias = units[-1]
        signal = f"d{L}_d{net}"
        if kind == "sigmoid" and self.loss == "binary_cross_entropy":
            self.add(signal, f"{out} - {t}", f"∂{L}/∂{net} = {out} − {t}")
        else:
            d_out = {"squared_error": f"-2*({t} - {out})", "half_squared_error": f"-({t} - {out})",
                     "binary_cross_entropy": f"-({t}/{out} - (1 - {t})/(1 - {out}))"}[self.loss]
            if kind == "linear":
                self.add(signal, d_out, f"∂{L}/∂{out}")
            else:
                self.add(f"d{L}_d{out}", d_out, f"∂{L}/∂{out}")
                self.add(signal, f"d{L}_d{out}*({_slope(kind, out, net)})", f"∂{L}/∂{net}")
        signals = {out: signal}  # a unit's output -> the quantity holding dL/d(its net input)
        # Hidden units, from the last layer back: dL/ds_k sums over the units it feeds.
        feeds: dict[str, list[tuple[str, str]]] = {}
        for unit_net, unit_out, _, unit_links, _ in units:
            for weight, source in unit_links:
                feeds.setdefault(source, []).append((weight, signals.get(unit_out, f"delta:{unit_net}")))
        for unit_net, unit_out, unit_kind, unit_links, _ in reversed(units[:-1]):
            slope_name = f"d{unit_out}_d{unit_net}"
            self.add(slope_name, _slope(unit_kind, unit_out, unit_net), f"∂{unit_out}/∂{unit_net}")
            terms = [f"{signal_of}*{weight}" for weight, signal_of in feeds[unit_out]]
            delta = f"delta{unit_net[len(self.n['net']):]}"
            body = terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"
            self.add(delta, f"{body}*{slope_name}", f"∂{L}/∂{unit_net}")
            signals[unit_out] = delta
            # what this unit feeds was recorded with a placeholder for units not yet seen: fix it
            for source, targets in feeds.items():
                feeds[source] = [(wt, delta if s == f"delta:{unit_net}" else s) for wt, s in targets]
        for unit_net, unit_out, _, unit_links, bias in units:
            signal_of = signals[unit_out]
            for weight, source in unit_links:
                self._gradient(weight, f"{signal_of}*{source}")
            self._gradient(bias, f"{signal_of}*1")

    def _gradient(self, weight: str, expr: str) -> None:
        L = self.n["loss"]
        self.add(f"d{L}_d{weight}", expr, f"∂{L}/∂{weight}")
        if self.rate:
            self.add(f"{weight}_new", f"{weight} - {self.rate}*d{L}_d{weight}",
                     f"{weight} − {self.rate}·∂{L}/∂{weight}")
