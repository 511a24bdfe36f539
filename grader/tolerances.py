"""Each question's allowed error for each variant, from its tolerance mode and the graph.

Two kinds of comparison need a tolerance:
- against the reference value (``correct``): in derived mode the graph's bound on how far rounding
  or truncating every step before the question can move it;
- against a value recomputed from the student's own written values (follow-through, slips): the
  written values are used as they are, so only the steps in between that the student did not
  write down (∂E/∂ŷ, a₁(1 − a₁), ...) carry rounding (derived and decimals modes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Mapping

import numpy as np

from grader.compare import Tolerance, ToleranceMode, allowed_error

if TYPE_CHECKING:
    from grader.assignment import Assignment


@dataclass(frozen=True)
class Tolerances:
    """Per question: its tolerance and, where the mode models rounded steps, the graph's rounding
    bound per variant for a comparison with the reference."""

    modes: Mapping[str, Tolerance]
    rounding: Mapping[str, np.ndarray | None]

    def allowed(self, question_id: str, expected: np.ndarray, rounding: np.ndarray | None = None) -> np.ndarray:
        """Largest accepted |answer - expected|, per variant; ``rounding`` is the bound of the steps
        between the compared value and what it was computed from (default: the reference's)."""
        bound = self.rounding[question_id] if rounding is None else rounding
        return allowed_error(self.modes[question_id], expected, bound)

    def coarse(self, question_id: str, expected: np.ndarray, rounding: np.ndarray | None = None) -> np.ndarray:
        """What the same comparison accepts one digit coarser (3 decimals instead of 4): what a student who
        merely rounds more than asked can be off by. A named slip is never an answer within this."""
        bound = self.rounding[question_id] if rounding is None else rounding
        return allowed_error(_coarser(self.modes[question_id]), expected, None if bound is None else 10.0 * bound)


def _coarser(tolerance: Tolerance) -> Tolerance:
    """One digit coarser: a step of 10x, one significant figure fewer, and 3x the relative part (what
    rounding to 3 significant figures adds). Measured on 2,000 drawn variants: no 3-decimal or
    3-significant-figure rounder is taken for a slip, and 96% of flipped update signs are still named."""
    return replace(tolerance, rounding_decimals=tolerance.rounding_decimals - 1, places=tolerance.places - 1,
                   digits=max(1, tolerance.digits - 1), rel=3.0 * tolerance.rel, abs=10.0 * tolerance.abs)


def question_tolerances(
    assignment: "Assignment", params: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray]
) -> Tolerances:
    """Tolerances against the reference values. Derived mode asks the graph how far rounding every
    step can move the answer (one bound per unit step, computed once, only when needed); decimals
    mode compares with the reference to its decimal places."""
    nodes = assignment.graph.question_nodes
    unit: dict[str, np.ndarray] | None = None
    modes: dict[str, Tolerance] = {}
    rounding: dict[str, np.ndarray | None] = {}
    for question in assignment.numeric_questions:
        tolerance = question.tolerance
        modes[question.id] = tolerance
        rounding[question.id] = None
        if tolerance.mode is ToleranceMode.DERIVED:
            if unit is None:
                unit = assignment.graph.rounding_bounds(params, 1.0, reference)
            rounding[question.id] = tolerance.step * unit[nodes[question.id].name]
    return Tolerances(modes, rounding)


def recomputed_rounding(
    assignment: "Assignment", params: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray | None]:
    """Question id -> the rounding bound of the steps between the student's written values and the
    question, at ``values`` (an evaluation from those written values); None where the mode has none."""
    graph = assignment.graph
    nodes = graph.question_nodes
    steps = {q.id: q.tolerance.step for q in assignment.numeric_questions}
    if all(step is None for step in steps.values()):
        return dict.fromkeys(steps)
    unit = graph.rounding_bounds(params, 1.0, values, exact=[node.name for node in nodes.values()])
    return {qid: None if step is None else step * unit[nodes[qid].name] for qid, step in steps.items()}
