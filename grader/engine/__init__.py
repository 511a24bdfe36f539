"""A sheet's computation: its graph plus what variants and handouts need. Knows no sheet by name:
every sheet is read from its YAML (``grader.sheet``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from grader.engine.graph import Evaluation, Formula, Graph, Node, Slip


@dataclass(frozen=True)
class Bound:
    """A quantity's value that every variant must keep (else the variant is re-drawn): at most
    ``abs_max`` in size, at least ``min``, at most ``max`` (None where not set)."""

    quantity: str
    abs_max: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Sheet:
    """A sheet's graph; ``categories`` maps a categorical parameter to its names (index = value);
    ``hint_table`` maps a quantity to its heading on the handout; ``bounds`` keep variants sound."""

    name: str
    graph: Graph
    categories: Mapping[str, tuple[str, ...]]
    hint_table: Mapping[str, str]
    bounds: tuple[Bound, ...] = ()


__all__ = ["Bound", "Evaluation", "Formula", "Graph", "Node", "Sheet", "Slip"]
