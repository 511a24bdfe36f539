"""A sheet's computation as data: ``categories``, ``quantities``, ``slips``, ``hint_table`` and the
constraints' ``bounds``, read from the assignment file into a ``Sheet`` (its graph and what the
variants, the grading and the handout need).

    quantities:                      # each a whitelisted expression over parameters and other quantities
      s1: {expr: "w1*x + w2", label: "s₁ = w₁·x + w₂"}
      a1: {expr: "sigmoid(s1)", label: "a₁ = σ(s₁)", range: [0, 1]}
      dE_dyhat: "-2*(y - y_hat)"     # an expression alone: a step the sheet does not ask for
    slips:                           # named mistakes: other expressions for some quantities
      half_squared_error:
        description: "you used E = ½(y − ŷ)²; this sheet defines E = (y − ŷ)² with no ½"
        replace: {E: "(y - y_hat)**2 / 2"}
      missing_factor_2: {family: half_squared_error, description: "...", replace: {dE_dyhat: "-(y - y_hat)"}}
    hint_table: {dE_dyhat: '\\frac{∂E}{∂ŷ}'}    # quantity -> its heading, printed to 4 decimals on handouts

Quantities may be listed in any order; they are computed in the order of the file where it allows,
each after what it reads. Every failure is a ``ConfigError`` naming the file, the field and what was
expected; an expression's own problem quotes the offending text.
"""

from __future__ import annotations

import math
from typing import Any, Collection, Mapping, Sequence

from grader.engine import Bound, Sheet
from grader.engine.graph import Formula, Graph, Node, Slip
from grader.errors import ConfigError
from grader.fields import Fields
from grader.sheet.expressions import Expression, ExpressionError, compile_expression
from grader.sheet.network import generate

_QUANTITY_FIELDS = {"expr", "label", "range"}
_SLIP_FIELDS = {"description", "family", "replace"}
_BOUND_FIELDS = {"abs_max", "min", "max"}


def read_sheet(top: Fields, parameters: Sequence[str], questions: Collection[str]) -> Sheet:
    """The sheet of the file ``top`` reads: ``parameters`` are its parameter names (in order),
    ``questions`` the ids of its numeric questions, each of which must be a quantity."""
    categories = _categories(top.sub("categories", {}), parameters)
    nodes = _quantities(top, parameters, questions, categories)
    names = [n.name for n in nodes]
    for qid in questions:
        if qid not in names:
            raise ConfigError(top.file, f"questions[{qid}].id",
                              f"a numeric question named for a quantity of the sheet ({', '.join(names)}), "
                              f"got {qid!r}, which none is called")
    slips = _slips(top.sub("slips", {}), nodes, parameters, categories)
    try:
        graph = Graph(parameters=tuple(parameters), nodes=nodes, slips=slips)
    except ValueError as exc:  # a slip reading a quantity computed after the one it replaces
        raise top.fail("slips", f"slips that read only what comes before the quantity they replace, got {exc}") from None
    hint_fields = top.sub("hint_table", {})
    hint_table: dict[str, str] = {}
    for name in hint_fields.mapping:
        if name not in graph.by_name:
            raise hint_fields.fail(str(name), f"a quantity of the sheet ({', '.join(sorted(graph.by_name))}), "
                                              f"got {name!r}")
        hint_table[str(name)] = hint_fields.get(name, str, "the column's heading")
    bounds = _bounds(top.sub("constraints", {}).sub("bounds", {}), graph)
    return Sheet(name=str(top.mapping.get("id", "")), graph=graph, categories=categories,
                 hint_table=hint_table, bounds=bounds)


def _categories(fields: Fields, parameters: Sequence[str]) -> dict[str, tuple[str, ...]]:
    categories = {}
    for name in fields.mapping:
        if name not in parameters:
            raise fields.fail(str(name), f"a parameter ({', '.join(parameters)}), got {name!r}")
        values = fields.get(name, list, "a list of names")
        if not values or not all(isinstance(v, str) for v in values) or len(set(values)) != len(values):
            raise fields.fail(str(name), f"a list of distinct names, got {values!r}")
        categories[str(name)] = tuple(values)
    return categories


def _expression(fields: Fields, key: str, text: Any, known: Collection[str],
                categories: Mapping[str, Sequence[str]]) -> Expression:
    if not isinstance(text, str):
        raise fields.fail(key, f"an expression as text, got {text!r}")
    try:
        return compile_expression(text, known, categories)
    except ExpressionError as exc:
        raise fields.fail(key, f"an expression over the parameters and quantities, got {exc}") from None


def _quantities(top: Fields, parameters: Sequence[str], questions: Collection[str],
                categories: Mapping[str, Sequence[str]]) -> tuple[Node, ...]:
    groups = []
    if "network" in top.mapping:  # generated quantities first, then the file's own
        groups.append(Fields(top.file, "network", generate(top.sub("network"), set(parameters))))
    if "quantities" in top.mapping or not groups:
        groups.append(top.sub("quantities"))
    declared: dict[str, tuple[Fields | None, Any]] = {}
    for fields in groups:
        for name in fields.mapping:
            key = str(name)
            if key in parameters or key in declared:
                what = "a parameter" if key in parameters else "another quantity (the network's, perhaps)"
                raise fields.fail(key, f"a name of its own, got {key!r}, which {what} is called")
            entry = fields.mapping[name]
            if isinstance(entry, dict):
                spec = fields.sub(name)
                spec.only(_QUANTITY_FIELDS)
                declared[key] = (spec, spec.get("expr", str, "an expression"))
            else:
                declared[key] = (None, entry)
    fields = groups[-1]
    known = set(parameters) | set(declared)
    compiled = {name: _expression(spec or fields, "expr" if spec else name, text, known, categories)
                for name, (spec, text) in declared.items()}
    order = _computation_order(fields, compiled, parameters)
    nodes = []
    for name in order:
        spec, _ = declared[name]
        expression = compiled[name]
        label = spec.get("label", str, "a label for feedback", "") if spec else ""
        domain = _range(spec) if spec else (-math.inf, math.inf)
        nodes.append(Node(name, Formula(expression.inputs, expression.fn), name if name in questions else None,
                          label, domain))
    return tuple(nodes)


def _computation_order(fields: Fields, compiled: Mapping[str, Expression], parameters: Sequence[str]) -> list[str]:
    """Each quantity after what it reads, otherwise in the file's order; a cycle is named."""
    done: set[str] = set(parameters)
    order: list[str] = []
    pending = list(compiled)
    while pending:
        ready = next((n for n in pending if all(i in done for i in compiled[n].inputs)), None)
        if ready is None:
            raise fields.fail(pending[0], f"quantities that do not depend on themselves, got {_cycle(compiled, pending)}")
        pending.remove(ready)
        done.add(ready)
        order.append(ready)
    return order


def _cycle(compiled: Mapping[str, Expression], pending: Sequence[str]) -> str:
    """One cycle among the ``pending`` quantities, as 'a reads b reads a'."""
    path = [pending[0]]
    while True:
        step = next(i for i in compiled[path[-1]].inputs if i in pending)
        if step in path:
            loop = path[path.index(step):] + [step]
            return "a cycle: " + " reads ".join(loop)
        path.append(step)


def _range(spec: Fields) -> tuple[float, float]:
    if "range" not in spec.mapping:
        return (-math.inf, math.inf)
    value = spec.mapping["range"]
    if isinstance(value, tuple):
        value = list(value)
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) or value[0] > value[1]):
        raise spec.fail("range", f"[lowest, highest] the quantity can take (.inf for none), got {value!r}")
    return (float(value[0]), float(value[1]))


def _slips(fields: Fields, nodes: Sequence[Node], parameters: Sequence[str],
           categories: Mapping[str, Sequence[str]]) -> tuple[Slip, ...]:
    by_name = {n.name: n for n in nodes}
    known = set(parameters) | set(by_name)
    slips = []
    for name in fields.mapping:
        spec = fields.sub(name)
        spec.only(_SLIP_FIELDS)
        replace = spec.sub("replace")
        if not replace.mapping:
            raise spec.fail("replace", "at least one quantity and its mistaken expression, got none")
        formulas = {}
        for target in replace.mapping:
            if target not in by_name:
                raise replace.fail(str(target), f"a quantity of the sheet ({', '.join(by_name)}), got {target!r}")
            expression = _expression(replace, str(target), replace.mapping[target], known, categories)
            formulas[str(target)] = Formula(expression.inputs, expression.fn)
        slips.append(Slip(str(name), spec.get("description", str, "what the student did, in a sentence"),
                          formulas, spec.get("family", str, "the name of a family of slips", "")))
    return tuple(slips)


def _bounds(fields: Fields, graph: Graph) -> tuple[Bound, ...]:
    """``constraints.bounds``: per quantity, the sizes a variant's value must keep (else it is re-drawn)."""
    bounds = []
    for name in fields.mapping:
        if name not in graph.by_name:
            raise fields.fail(str(name), f"a quantity of the sheet ({', '.join(graph.by_name)}), got {name!r}")
        spec = fields.sub(name)
        spec.only(_BOUND_FIELDS)
        if not spec.mapping:
            raise spec.fail("abs_max", f"at least one of {', '.join(sorted(_BOUND_FIELDS))}, got none")
        limits = {key: spec.get(key, float, "a number", None) for key in sorted(_BOUND_FIELDS)}
        bounds.append(Bound(str(name), limits["abs_max"], limits["min"], limits["max"]))
    return tuple(bounds)


__all__ = ["read_sheet"]
