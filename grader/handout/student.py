"""What one student's handout and templates may show: their id, name, parameters and hint table.

A ``StudentVariant`` carries no reference answer other than the hint table's, so nothing
rendered from it can give an answer away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from grader.assignment import Assignment, Question
from grader.filenames import safe_stem
from grader.key import Key, nested_params


@dataclass(frozen=True)
class HintCell:
    """One column of the sheet's hint table: the node, its heading, its value for this variant."""

    node: str
    heading: str
    value: float


@dataclass(frozen=True)
class StudentVariant:
    """One student's variant as their handout and templates show it."""

    assignment: Assignment
    student_id: str
    name: str
    file_stem: str  # the student id made safe for a file name
    params: Mapping[str, float | str]  # flat: x, ..., score_dog, ..., true_class (a class name)
    hint_table: tuple[HintCell, ...]
    access_code: str = ""  # for the web page (grader serve), when a secret was used; else none shown

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.assignment.questions

    def shown(self, name: str) -> str:
        """Parameter ``name`` as the handout shows it: whole numbers without a decimal point."""
        value = self.params[name]
        if not isinstance(value, str) and self.assignment.parameter(name).whole:
            return str(int(value))
        return show_number(value)

    def template_name(self, suffix: str) -> str:
        """``B12345_practice09.yaml``: the id first, then ``_``, as the submission readers expect."""
        return f"{self.file_stem}_{safe_stem(self.assignment.id)}.{suffix}"

    @property
    def template_params(self) -> tuple[tuple[str, float | str], ...]:
        """Parameters as the templates print them, in SPEC's order: ``scores.dog`` under ``scores``."""
        pairs: list[tuple[str, float | str]] = []
        for name, value in nested_params(self.assignment, self.params).items():
            if isinstance(value, Mapping):
                pairs.extend((f"{name}.{inner}", v) for inner, v in value.items())
            else:
                pairs.append((name, value))
        return tuple(pairs)


def student_variant(key: Key, row: int, *, name: str = "", file_stem: str, access_code: str = "") -> StudentVariant:
    """Row ``row`` of a class key as one student's variant (``access_code``: for the web page, if any)."""
    assignment = key.assignment
    hint = tuple(
        HintCell(node, heading, float(key.values[node][row]))
        for node, heading in assignment.sheet.hint_table.items()
    )
    return StudentVariant(
        assignment=assignment,
        student_id=str(key.variants.student_ids[row]),
        name=name,
        file_stem=file_stem,
        params=key.params(row),
        hint_table=hint,
        access_code=access_code,
    )


def show_number(value: Any) -> str:
    """A parameter as written in handouts and templates: the shortest text that reads back exactly."""
    if isinstance(value, str):
        return value
    number = float(value)
    if number == 0:
        return "0.0"  # never "-0.0"
    return repr(number)


def show_hint(value: float) -> str:
    """A hint-table value as the sheet prints it: 4 decimals."""
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text
