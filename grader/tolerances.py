"""Each question's allowed error for each variant, from its tolerance mode and the graph."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import numpy as np

from grader.compare import ToleranceMode, allowed_error

if TYPE_CHECKING:
    from grader.assignment import Assignment


def allowed_errors(
    assignment: "Assignment", params: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Question id -> largest accepted |answer - reference| per variant.

    Derived tolerances ask the graph how far rounding every intermediate value can move
    the answer; the bounds are computed once, for all questions, only when needed.
    """
    graph = assignment.graph
    nodes = graph.question_nodes
    bounds: dict[float, dict[str, np.ndarray]] = {}
    allowed: dict[str, np.ndarray] = {}
    for question in assignment.numeric_questions:
        tolerance = question.tolerance
        node = nodes[question.id].name
        rounding = None
        if tolerance.mode is ToleranceMode.DERIVED:
            step = tolerance.half_step
            if step not in bounds:
                bounds[step] = graph.rounding_bounds(params, step, reference)
            rounding = bounds[step][node]
        allowed[question.id] = allowed_error(tolerance, reference[node], rounding)
    return allowed
