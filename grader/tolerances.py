"""Each question's allowed error for each variant, from its tolerance mode and the graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np

from grader.compare import Tolerance, ToleranceMode, allowed_error

if TYPE_CHECKING:
    from grader.assignment import Assignment


@dataclass(frozen=True)
class Tolerances:
    """Per question: its tolerance and (derived mode) the graph's rounding bound per variant."""

    modes: Mapping[str, Tolerance]
    rounding: Mapping[str, np.ndarray | None]

    def allowed(self, question_id: str, expected: np.ndarray) -> np.ndarray:
        """Largest accepted |answer - expected|, per variant, around any expected value."""
        return allowed_error(self.modes[question_id], expected, self.rounding[question_id])


def question_tolerances(
    assignment: "Assignment", params: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray]
) -> Tolerances:
    """Derived tolerances ask the graph how far rounding every intermediate value can move
    the answer; the bounds are computed once for all questions, and only when needed."""
    graph = assignment.graph
    nodes = graph.question_nodes
    bounds: dict[float, dict[str, np.ndarray]] = {}
    modes: dict[str, Tolerance] = {}
    rounding: dict[str, np.ndarray | None] = {}
    for question in assignment.numeric_questions:
        tolerance = question.tolerance
        modes[question.id] = tolerance
        rounding[question.id] = None
        if tolerance.mode is ToleranceMode.DERIVED:
            step = tolerance.half_step
            if step not in bounds:
                bounds[step] = graph.rounding_bounds(params, step, reference)
            rounding[question.id] = bounds[step][nodes[question.id].name]
    return Tolerances(modes, rounding)


def allowed_errors(
    assignment: "Assignment", params: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Question id -> largest accepted |answer - reference| per variant."""
    tolerances = question_tolerances(assignment, params, reference)
    nodes = assignment.graph.question_nodes
    return {q.id: tolerances.allowed(q.id, reference[nodes[q.id].name]) for q in assignment.numeric_questions}
