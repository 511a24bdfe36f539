"""Students who work the sheet by hand, as plain values: what they write for each question.

``worked(params)`` follows the sheet's graph step by step the way a student does: each step from
the values written before it, kept to ``decimals`` (rounded, truncated, or to significant figures),
with a mistake of one's own (``wrong={"a1": lambda values: 5.0}``), a named slip's formulas, or
values copied from the hint table (``copied``) where the student uses those instead of their own.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from grader.assignment import load_assignment
from grader.engine.graph import Graph, Slip
from grader.submissions.records import Submission
from handins import submission

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
GRAPH = ASSIGNMENT.graph
NUMERIC = [q.id for q in ASSIGNMENT.numeric_questions]


def keep(values: np.ndarray, decimals: int | None, mode: str) -> np.ndarray:
    """A value as the student carries it on: rounded or truncated to decimals, or to significant figures."""
    if decimals is None:
        return values
    if mode == "round":
        return np.round(values, decimals)
    if mode == "truncate":
        return np.trunc(values * 10.0 ** decimals) / 10.0 ** decimals
    if mode == "sigfigs":
        with np.errstate(divide="ignore"):
            exponent = np.floor(np.log10(np.where(values == 0, 1.0, np.abs(values))))
        unit = 10.0 ** (exponent - decimals + 1)
        return np.round(values / unit) * unit
    raise ValueError(mode)


def worked(params: Mapping[str, np.ndarray], decimals: int | None = 4, mode: str = "round",
           wrong: Mapping[str, Callable[[dict], object]] | None = None, slips: Sequence[Slip] = (),
           copied: Mapping[str, np.ndarray] | None = None, graph: Graph = GRAPH) -> dict[str, np.ndarray]:
    """Every node as the student computes it (one entry per variant in ``params``), on ``graph``
    (practice09's unless another sheet's is given)."""
    wrong, copied = wrong or {}, copied or {}
    replaced = {name: formula for slip in slips for name, formula in slip.formulas.items()}
    values = {name: np.asarray(params[name], dtype=float) for name in graph.parameters}
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            formula = replaced.get(node.name, node.formula)
            value = keep(np.asarray(formula.fn(*(values[i] for i in formula.inputs)), dtype=float), decimals, mode)
            if node.name in wrong:
                value = np.broadcast_to(np.asarray(wrong[node.name](values), dtype=float), value.shape).copy()
            if node.name in copied:
                value = np.asarray(copied[node.name], dtype=float)
            values[node.name] = value
    return values


def hand_ins(student_ids: Sequence[str], values: Mapping[str, np.ndarray],
             questions: Sequence[str] = NUMERIC) -> list[Submission]:
    """One hand-in per student: the worked value of each question."""
    nodes = GRAPH.question_nodes
    return [submission(str(sid), {q: float(values[nodes[q].name][i]) for q in questions})
            for i, sid in enumerate(student_ids)]


def printed_hints(key_values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The hint table as the handout prints it: 4 decimals."""
    return {node: np.array([float(f"{v:.4f}") for v in key_values[node]]) for node in ASSIGNMENT.sheet.hint_table}
