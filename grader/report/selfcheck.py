"""The self-check as SPEC's JSON object (``grader check --format json``, and the web page's check).

Never a reference value unless ``reveal``: a hint says where to look, not what the number is.
"""

from __future__ import annotations

from typing import Any

from grader.assignment import Assignment
from grader.grading import GradedSubmission

TEXT = "text"  # the outcome of a free-text question: a person reads it


def self_check_record(assignment: Assignment, graded: GradedSubmission, reveal: bool = False) -> dict[str, Any]:
    """``{"student_id", "points", "max_points", "warnings", "questions": {id: {"outcome", "points",
    "hint", "slip"}}}``; ``points`` is what the gradebook's ``total`` gives the same file."""
    questions: dict[str, dict[str, Any]] = {}
    numeric = graded.by_question
    keyworded = {o.question: o for o in graded.keyword_outcomes}
    for question in assignment.questions:
        if question.numeric:
            o = numeric[question.id]
            entry: dict[str, Any] = {"outcome": o.verdict.outcome, "points": o.points, "hint": o.message,
                                     "slip": o.slip}
            if reveal:
                entry["expected"] = o.expected
        else:
            scored = keyworded.get(question.id)
            entry = {"outcome": TEXT, "points": scored.points if scored else 0.0,
                     "hint": scored.message if scored else "read by a person", "slip": None}
        questions[question.id] = entry
    return {
        "student_id": graded.student_id,
        "points": graded.total,
        "max_points": float(sum(q.points for q in assignment.questions)),
        "warnings": [*graded.submission.notes, *graded.notes],
        "questions": questions,
    }
