"""Reference answers for any number of variants at once, and their plain-value records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from grader.access import access_code
from grader.assignment import Assignment
from grader.engine.variants import VariantTable, params_record


@dataclass(frozen=True)
class Key:
    """Every node's right value for every variant of ``variants`` (one row per student)."""

    assignment: Assignment
    variants: VariantTable
    values: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.variants)

    def answer(self, question_id: str) -> np.ndarray:
        """The reference answers to one question, one per variant."""
        return self.values[self.assignment.graph.question_nodes[question_id].name]

    def answers(self, row: int) -> dict[str, float]:
        """Question id -> reference answer, for one variant, in sheet order."""
        return {q.id: float(self.answer(q.id)[row]) for q in self.assignment.numeric_questions}

    def params(self, row: int) -> dict[str, Any]:
        return params_record(self.assignment, self.variants, row)


def compute_key(assignment: Assignment, variants: VariantTable) -> Key:
    """Evaluate the sheet's graph over every variant at once."""
    return Key(assignment, variants, assignment.graph.reference(variants.columns))


def nested_params(assignment: Assignment, flat: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as the sheet's ``parameter_groups`` shape them (practice09: ``score_dog`` and
    friends under ``scores``), each group where its first member stands; flat without groups."""
    member_of = {parameter: (group, inner) for group, members in assignment.parameter_groups.items()
                 for inner, parameter in members.items()}
    nested: dict[str, Any] = {}
    for spec in assignment.parameters:
        if spec.name not in flat:
            continue
        if spec.name in member_of:
            group, inner = member_of[spec.name]
            nested.setdefault(group, {})[inner] = flat[spec.name]
        else:
            nested[spec.name] = flat[spec.name]
    return nested


def flat_params(assignment: Assignment, params: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of ``nested_params``; also accepts ``scores.dog`` spelled flat."""
    groups = assignment.parameter_groups
    flat: dict[str, Any] = {}
    for name, value in params.items():
        group, _, inner = str(name).partition(".")
        if name in groups and isinstance(value, Mapping):
            flat.update({groups[name].get(str(k), f"{name}.{k}"): v for k, v in value.items()})
        elif inner and group in groups and inner in groups[group]:
            flat[groups[group][inner]] = value
        else:
            flat[name] = value
    return flat


def key_record(key: Key, row: int, secret: str | None = None) -> dict[str, Any]:
    """SPEC's ``grader key --format json`` object for one variant; with a secret, a student's
    variant also carries the student's ``access_code`` for the web page (``grader serve``)."""
    student_id = key.variants.student_ids[row]
    record: dict[str, Any] = {
        "assignment": key.assignment.id,
        "student_id": student_id,
        "params": nested_params(key.assignment, key.params(row)),
    }
    if secret and student_id is not None:
        record["access_code"] = access_code(secret, key.assignment.id, student_id)
    record["answers"] = key.answers(row)
    return record


def params_mismatch(assignment: Assignment, written: Mapping[str, Any], own: Mapping[str, Any]) -> list[str]:
    """Parameters a file carries that differ from the student's own variant: 'w1: file 0.3, variant 0.4'."""
    from grader.submissions.numbers import parse_number

    differences = []
    flat = flat_params(assignment, written)
    for spec in assignment.parameters:
        if spec.name not in flat or flat[spec.name] in (None, ""):
            continue
        text = str(flat[spec.name]).strip()
        if spec.categorical:
            same = text == own[spec.name]
        else:
            value, _ = parse_number(text)
            same = value is not None and abs(value - float(own[spec.name])) <= 1e-9
        if not same:
            differences.append(f"{spec.name}: file {text}, variant {own[spec.name]}")
    return differences
