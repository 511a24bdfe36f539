"""The computation graph: named quantities, each a formula over the quantities it reads.

Every value is a numpy array with one entry per variant (one row per student), so one
evaluation computes a whole class. The same graph gives reference values, follow-through
values (a node recomputed from a student's own upstream answers), slip values (a node
computed with a named alternative formula) and rounding bounds (how far rounding the
inputs to 4 decimals can move a node).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

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
    """A known mistake: alternative formulas for one or more nodes, named for a student."""

    name: str
    description: str
    formulas: Mapping[str, Formula]


@dataclass(frozen=True)
class Evaluation:
    """``computed``: each node from its formula; ``effective``: what later nodes read
    (a student's own value where one was given, else the computed one)."""

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
    ) -> Evaluation:
        """Evaluate every node for every row of ``params``.

        ``overrides[node]`` holds a student's own values (NaN where they gave none): later
        nodes read those instead of the computed ones. ``slip`` swaps in its formulas.
        """
        overrides = overrides or {}
        replaced = slip.formulas if slip else {}
        effective: dict[str, Array] = {name: np.asarray(params[name]) for name in self.parameters}
        computed: dict[str, Array] = {}
        with np.errstate(all="ignore"):
            for node in self.nodes:
                formula = replaced.get(node.name, node.formula)
                value = np.asarray(formula.fn(*(effective[name] for name in formula.inputs)), dtype=float)
                computed[node.name] = value
                own = overrides.get(node.name)
                effective[node.name] = value if own is None else np.where(np.isnan(own), value, own)
        return Evaluation(computed=computed, effective=effective)

    def reference(self, params: Mapping[str, Array]) -> dict[str, Array]:
        """Every node's right value, one entry per variant."""
        return dict(self.evaluate(params).computed)

    def rounding_bounds(
        self, params: Mapping[str, Array], half_step: float = 0.5e-4, reference: Mapping[str, Array] | None = None
    ) -> dict[str, Array]:
        """How far each node can move when every intermediate value is rounded before use.

        Linear propagation: a node's bound is the sum over what it reads of
        |partial derivative| x (that input's own bound + one rounding step). Parameters are
        exact. The rounding of the node's own written value is not included. ``reference``
        may pass values already computed for these ``params``.
        """
        values = dict(reference) if reference is not None else self.reference(params)
        values.update({name: np.asarray(params[name], dtype=float) for name in self.parameters})
        bounds: dict[str, Array] = {}
        with np.errstate(all="ignore"):
            for node in self.nodes:
                total = np.zeros_like(values[node.name])
                args = [values[name] for name in node.inputs]
                for position, name in enumerate(node.inputs):
                    if name in self.parameters:
                        continue
                    slope = _partial(node.formula.fn, args, position)
                    total = total + np.abs(slope) * (bounds[name] + half_step)
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
