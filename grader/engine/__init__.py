"""The sheets grader knows, each a computation graph plus what its handout needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from grader.engine.graph import Evaluation, Formula, Graph, Node, Slip


@dataclass(frozen=True)
class Sheet:
    """A sheet's graph; ``categories`` maps a categorical parameter to its names (index = value)."""

    name: str
    graph: Graph
    categories: Mapping[str, tuple[str, ...]]
    hint_table: Mapping[str, str]
    net_inputs: tuple[str, ...] = ()      # inputs of logistic units: kept away from saturation
    probabilities: tuple[str, ...] = ()   # kept away from rounding to 0.0000


def _practice09() -> Sheet:
    from grader.engine import practice09

    return Sheet(
        name="practice09",
        graph=practice09.GRAPH,
        categories={"true_class": practice09.CLASSES},
        hint_table=practice09.HINT_TABLE,
        net_inputs=("s1", "s2", "s3", "s4"),
        probabilities=tuple(f"p_{c}" for c in practice09.CLASSES),
    )


_SHEETS = {"practice09": _practice09}


def engine_named(name: str) -> Sheet:
    """The sheet called ``name``; KeyError carries the known names."""
    if name not in _SHEETS:
        raise KeyError(", ".join(sorted(_SHEETS)))
    return _SHEETS[name]()


__all__ = ["Evaluation", "Formula", "Graph", "Node", "Sheet", "Slip", "engine_named"]
