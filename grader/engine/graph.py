"""The computation graph: named quantities, each a formula over the quantities it reads.

Every value is a numpy array with one entry per variant (one row per student), so one
evaluation computes a whole class. The same graph gives reference values, follow-through
values (a node recomputed from a student's own upstream answers), slip values (a node
computed with a named alternative formula) and rounding bounds (how far rounding the steps
to 4 decimals can move a node).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Collection, Mapping

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Formula:
    """A function of the named inputs, called positionally in ``inputs`` order."""

    inputs: tuple[str, ...]
    fn: Callable[..., Array]


@dataclass(frozen=True)
class Node:
    """A quantity of the sheet: its formula, the question it answers (if any), its label."""

    name: str
    formula: Formula
    question: str | None = None
    label: str = ""
    # Values outside this closed range are not meaningful (a probability of 1.7, say).
    domain: tuple[float, float] = (-np.inf, np.inf)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.formula.inputs


@dataclass(frozen=True)
class Slip:
    """A known mistake: alternative formulas for one or more nodes, named for a student.

    Slips of one ``family`` are one misconception showing in several questions
    (``E = ½(y − ŷ)²`` and ∂E/∂ŷ without its 2): it is charged once."""

    name: str
    description: str
    formulas: Mapping[str, Formula]
    family: str = ""

    @property
    def family_name(self) -> str:
        return self.family or self.name


@dataclass(frozen=True)
class Evaluation:
    """``computed``: each node from its formula; ``effective``: what later nodes read
    (a fixed value, else a student's own value where one was given, else the computed one)."""

    computed: Mapping[str, Array]
    effective: Mapping[str, Array]


@dataclass(frozen=True)
class Graph:
    """Parameters plus nodes in an order where every node comes after what it reads."""

    parameters: tuple[str, ...]
    nodes: tuple[Node, ...]
    slips: tuple[Slip, ...] = ()
    by_name: Mapping[str, Node] = field(init=False, repr=False)
    position: Mapping[str, int] = field(init=False, repr=False)
    question_nodes: Mapping[str, Node] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", {node.name: i for i, node in enumerate(self.nodes)})
        known = set(self.parameters)
        by_name: dict[str, Node] = {}
        for node in self.nodes:
            missing = [name for name in node.inputs if name not in known]
            if missing:
                raise ValueError(f"node {node.name!r} reads {missing} before they are defined")
            known.add(node.name)
            by_name[node.name] = node
        for slip in self.slips:
            for target, formula in slip.formulas.items():
                if target not in by_name:
                    raise ValueError(f"slip {slip.name!r} replaces unknown node {target!r}")
                late = [n for n in formula.inputs if self.position.get(n, -1) >= self.position[target]]
                if late:
                    raise ValueError(f"slip {slip.name!r} reads {late} after {target!r}")
        object.__setattr__(self, "by_name", by_name)
        # Question id -> the node that answers it, in sheet order.
        object.__setattr__(self, "question_nodes", {n.question: n for n in self.nodes if n.question})

    # ---- structure -------------------------------------------------------------------
    def slip(self, name: str) -> Slip:
        for slip in self.slips:
            if slip.name == name:
                return slip
        raise KeyError(name)

    def nearest_questions_upstream(self, name: str) -> tuple[str, ...]:
        """Question nodes a node reads, looking through intermediate nodes but not past a question."""
        found: list[str] = []
        seen: set[str] = set()
        stack = list(self.by_name[name].inputs)
        while stack:
            current = stack.pop()
            if current in seen or current not in self.by_name:
                continue
            seen.add(current)
            node = self.by_name[current]
            if node.question:
                found.append(current)
            else:
                stack.extend(node.inputs)
        return tuple(sorted(found, key=self.position.__getitem__))

    # ---- evaluation ------------------------------------------------------------------
    def evaluate(
        self,
        params: Mapping[str, Array],
        overrides: Mapping[str, Array] | None = None,
        slip: Slip | None = None,
        fixed: Mapping[str, Array] | None = None,
    ) -> Evaluation:
        """Evaluate every node for every row of ``params``.

        ``overrides[node]`` holds a student's own values (NaN where they gave none): later
        nodes read those instead of the computed ones. ``fixed[node]`` replaces a node's value
        outright (a hint table's printed values). ``slip`` swaps in its formulas.
        """
        overrides = overrides or {}
        fixed = fixed or {}
        replaced = slip.formulas if slip else {}
        effective: dict[str, Array] = {name: np.asarray(params[name]) for name in self.parameters}
        shape = np.shape(next(iter(effective.values()))) if effective else ()
        computed: dict[str, Array] = {}
        with np.errstate(all="ignore"):
            for node in self.nodes:
                name = node.name
                formula = replaced.get(name, node.formula)
                value = np.asarray(formula.fn(*(effective[i] for i in formula.inputs)), dtype=float)
                if value.shape != shape:  # a constant (an expression that reads nothing): one per variant
                    value = np.broadcast_to(value, shape).copy()
                computed[name] = value
                own = overrides.get(name)
                if name in fixed:
                    effective[name] = np.asarray(fixed[name], dtype=float)
                elif own is not None:
                    effective[name] = np.where(np.isnan(own), value, own)
                else:
                    effective[name] = value
        return Evaluation(computed=computed, effective=effective)

    def inputs_of(self, name: str, slip: Slip | None = None) -> tuple[str, ...]:
        """What node ``name`` reads, with ``slip``'s formula where it replaces the node's."""
        if slip is not None and name in slip.formulas:
            return slip.formulas[name].inputs
        return self.by_name[name].inputs

    def reference(self, params: Mapping[str, Array]) -> dict[str, Array]:
        """Every node's right value, one entry per variant."""
        return dict(self.evaluate(params).computed)

    def rounding_bounds(
        self,
        params: Mapping[str, Array],
        step: float = 0.5e-4,
        reference: Mapping[str, Array] | None = None,
        exact: Collection[str] = (),
    ) -> dict[str, Array]:
        """How far each node can move when every intermediate value is rounded before use.

        Linear propagation: a node's bound is the sum over what it reads of
        |partial derivative| x (that input's own bound + one rounding ``step``). Parameters
        are exact, and so are the nodes in ``exact`` (values a student wrote and then used as
        written). The rounding of the node's own written value is not included. ``reference``
        may pass the values (for these ``params``) at which the derivatives are taken. A bound
        is proportional to ``step``.
        """
        values = dict(reference) if reference is not None else self.reference(params)
        values.update({name: np.asarray(params[name], dtype=float) for name in self.parameters})
        exact = set(exact) | set(self.parameters)
        bounds: dict[str, Array] = {}
        with np.errstate(all="ignore"):
            for node in self.nodes:
                total = np.zeros(np.shape(values[node.name]))
                args = [values[name] for name in node.inputs]
                for position, name in enumerate(node.inputs):
                    if name in exact:
                        continue
                    slope = _partial(node.formula.fn, args, position)
                    total = total + np.abs(slope) * (bounds[name] + step)
                bounds[node.name] = total
        return bounds


def _partial(fn: Callable[..., Array], args: list[Array], position: int) -> Array:
    """Central difference of ``fn`` in its ``position``-th argument, row by row."""
    base = np.asarray(args[position], dtype=float)
    step = 1e-6 * np.maximum(1.0, np.abs(base))
    up = list(args)
    down = list(args)
    up[position] = base + step
    down[position] = base - step
    return (np.asarray(fn(*up)) - np.asarray(fn(*down))) / (2 * step)
