"""Hand-ins built from plain values, for tests that grade without reading any file.

``submission("B1", {"s1": 0.7, "a1": "n/a", "q1a_vi": "far"})``: a number is an answer read
as that number; text is free text for a free-text question, blank when empty, and otherwise
an answer that could not be read (quoted in its problem, as the readers do).
"""

from __future__ import annotations

from grader.assignment import load_assignment
from grader.submissions.records import Answer, Source, Submission

TEXT_IDS = frozenset(q.id for q in load_assignment("answer_keys/practice09.yaml").text_questions)


def answer(question: str, value: object, source: Source) -> Answer:
    if not isinstance(value, str):
        return Answer(question, repr(float(value)), float(value), None, source)
    if question in TEXT_IDS or not value.strip():
        return Answer(question, value, None, None, source)
    return Answer(question, value, None, f"could not read {value!r} as a number", source)


def submission(student_id: str, values: dict[str, object], file: str | None = None, row: int | None = None,
               params: dict[str, str] | None = None) -> Submission:
    file = file or f"{student_id}_practice09.yaml"
    source = Source(file, row=row)
    answers = {q: answer(q, v, source) for q, v in values.items()}
    return Submission(student_id, file, answers, params or {})
