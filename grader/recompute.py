"""What a student's own written values lead to: every question recomputed from them, for a whole class.

Follow-through and slips are both judged against values recomputed from the student's own
answers, never against the reference alone. A ``Recomputation`` is one way of doing that:
- ``own``: each quantity from the student's written values, the reference where they wrote none;
- ``own_chain``: the same, but a blank step computed from the student's earlier values (so
  follow-through reaches past a step the student did not write down);
- ``hint``: ``own`` with the hint table's printed values where the sheet prints them;
- one per named slip: the student's values with the slip's formulas.

Which recomputations credit may rest on is decided while grading, question by question
(``grader.grading``): it depends on which earlier answers were accepted. The size rules live here.
Pure functions: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np

from grader.engine.graph import Graph, Slip
from grader.tolerances import recomputed_rounding

if TYPE_CHECKING:
    from grader.assignment import Assignment

Array = np.ndarray

OWN, OWN_CHAIN, HINT = "own", "own_chain", "hint"

# A value is trivial when its size is below ``graded_value_min_abs`` and below this share of the
# reference's size (0, or 1e-8 where 0.3 is right): no credit rests on one that was not accepted.
TRIVIAL_SHARE = 0.1


@dataclass(frozen=True)
class Recomputation:
    """Every question recomputed one way from the students' own values (question id -> per student)."""

    name: str
    values: Mapping[str, Array]
    rounding: Mapping[str, Array | None]  # rounding bound of the steps between own values and the question
    fixed: frozenset[str] = frozenset()   # nodes replaced by printed values
    blanks_computed: bool = False         # a blank step is computed from earlier own values (else the reference)
    slip: Slip | None = None


def trivial(values: Array, reference: Array, min_abs: float) -> Array:
    """Sizes below ``min_abs`` and below a tenth of the reference's size."""
    size = np.abs(values)
    return (size < min_abs) & (size < TRIVIAL_SHARE * np.abs(reference))


def outside(values: Array, domain: tuple[float, float]) -> Array:
    """Outside the range a quantity can take, or not a number at all."""
    low, high = domain
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(values) & ~np.isnan(values) | (values < low) | (values > high)


def hint_values(hint_table: Mapping[str, str], reference_nodes: Mapping[str, Array]) -> dict[str, Array]:
    """The hint table's values as the handout prints them (4 decimals), per student."""
    return {node: np.array([float(f"{v:.4f}") for v in reference_nodes[node].tolist()]) for node in hint_table}


def recompute(
    assignment: "Assignment",
    params: Mapping[str, Array],
    given: Mapping[str, Array],
    reference: Mapping[str, Array],
    reference_nodes: Mapping[str, Array],
) -> tuple[list[Recomputation], list[Recomputation]]:
    """(follow-through recomputations, one recomputation per named slip) for the class.

    ``given``: question id -> the students' written numbers (NaN where none); ``reference``:
    question id -> right answers; ``reference_nodes``: every node's right values (the key)."""
    graph: Graph = assignment.graph
    nodes = graph.question_nodes
    own = {nodes[qid].name: values for qid, values in given.items()}
    filled = {nodes[qid].name: np.where(np.isnan(values), reference[qid], values) for qid, values in given.items()}
    blanks = any(bool(np.isnan(values).any()) for values in given.values())

    def one(name: str, overrides: Mapping[str, Array], slip: Slip | None = None,
            fixed: Mapping[str, Array] | None = None,
            rounding: Mapping[str, Array | None] | None = None) -> Recomputation:
        evaluation = graph.evaluate(params, overrides=overrides, slip=slip, fixed=fixed)
        values = {qid: evaluation.computed[nodes[qid].name] for qid in given}
        if rounding is None:
            rounding = recomputed_rounding(assignment, params, evaluation.effective)
        return Recomputation(name, values, rounding, frozenset(fixed or ()), overrides is own, slip)

    first = one(OWN, filled)
    follow = [first]
    if blanks:
        follow.append(one(OWN_CHAIN, own))
    hint_table = assignment.sheet.hint_table
    if hint_table:
        follow.append(one(HINT, filled, fixed=hint_values(hint_table, reference_nodes)))
    base = own if blanks else filled
    slips = [one(slip.name, base, slip=slip, rounding=first.rounding) for slip in graph.slips]
    return follow, slips
