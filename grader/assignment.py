"""The assignment file (``answer_keys/*.yaml``): questions, points, tolerances, parameters.

``load_assignment(path)`` returns a frozen ``Assignment`` or raises ``ConfigError`` with one
line naming the file, the field and what was expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import re

import yaml

from grader.compare import Tolerance, ToleranceMode
from grader.engine import Sheet
from grader.engine.graph import Graph
from grader.errors import ConfigError
from grader.fields import Fields
from grader.sheet.read import read_sheet

if TYPE_CHECKING:
    from grader.handout.blocks import Layout



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, reading ``1e-3`` and ``5E2`` as numbers (YAML 1.1's float needs a dot and a signed
    exponent, so PyYAML alone reads them as text, which no one writing a tolerance means)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
MAX_ASSIGNMENT_BYTES = 1_000_000
MAX_GRID_VALUES = 100_000


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    kind: str = "numeric"  # or "text"
    points: float = 1.0
    tolerance: Tolerance = Tolerance()
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other spellings students use for the id (yhat, ŷ for y_hat)

    @property
    def numeric(self) -> bool:
        return self.kind == "numeric"


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter: its default and the values a variant may take (sorted, deterministic)."""

    name: str
    default: float | str
    values: tuple[float | str, ...]

    @property
    def categorical(self) -> bool:
        return isinstance(self.default, str)

    @cached_property
    def whole(self) -> bool:
        """Every value a whole number (counts, a 0/1 target): shown as 6, not 6.0."""
        return not self.categorical and all(float(v).is_integer() for v in (self.default, *self.values))


@dataclass(frozen=True)
class Constraints:
    """What every variant must keep (the sheet's ``bounds`` too), else it is re-drawn."""

    graded_value_min_abs: float = 0.005
    tolerance_max_rel: float = 0.02
    max_attempts: int = 200


@dataclass(frozen=True)
class StudentAdjustment:
    """An instructor's fix for one student's variant: a fresh draw, or pinned parameters."""

    reseed: int = 0
    params: Mapping[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    path: str
    sheet: Sheet
    questions: tuple[Question, ...]
    parameters: tuple[ParameterSpec, ...]
    constraints: Constraints
    follow_through: float = 1.0
    slip: float = 0.0
    slip_carry: bool = True  # a slip's family is charged once; later questions consistent with it follow through
    students: Mapping[str, StudentAdjustment] = field(default_factory=dict)
    handout: tuple[Layout, ...] = ()  # the sheet's handout blocks, with ${name} placeholders
    # Parameters shown together (in keys and templates): group -> inner name -> parameter.
    parameter_groups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Constraints the sheet's printed default variant breaks (``grader lint`` accepts those).
    default_breaks: tuple[str, ...] = ()

    @property
    def graph(self) -> Graph:
        return self.sheet.graph

    @cached_property
    def numeric_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.numeric)

    @cached_property
    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.numeric)

    @cached_property
    def scored_text_questions(self) -> tuple[Question, ...]:
        """Free-text questions worth points: keyword-scored, or graded by a person (0 automatic points)."""
        return tuple(q for q in self.text_questions if q.keywords or q.points)

    def parameter(self, name: str) -> ParameterSpec:
        return next(p for p in self.parameters if p.name == name)


def load_assignment(path: str | Path) -> Assignment:
    """Read and check an assignment file."""
    path = Path(path)
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_ASSIGNMENT_BYTES:
            raise ConfigError(file, "(file)", f"an assignment file of at most {MAX_ASSIGNMENT_BYTES} bytes, "
                                              f"got {size} bytes")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(file, "(file)", "an existing assignment file (a sheet such as "
                                          "answer_keys/practice09.yaml), got no such file") from None
    except IsADirectoryError:
        raise ConfigError(file, "(file)", "an assignment file (a sheet such as answer_keys/practice09.yaml), "
                                          "got a folder") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(file, "(file)", f"text in UTF-8, got a byte that is not UTF-8 at offset {exc.start} "
                                          f"(save the file as UTF-8)") from None
    except OSError as exc:
        raise ConfigError(file, "(file)", f"a readable assignment file, got {exc.strerror or exc}") from None
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(file, line, f"valid YAML, got {getattr(exc, 'problem', None) or exc}") from None
    return parse_assignment(document, file)


def parse_assignment(document: Any, file: str) -> Assignment:
    top = Fields(file, "", document)
    top.only({"id", "title", "grading", "parameters", "constraints", "students", "questions",
              "categories", "quantities", "network", "slips", "hint_table", "handout", "parameter_groups",
              "default_breaks"})
    grading = top.sub("grading", {})
    grading.only({"points", "follow_through", "slip", "slip_carry", "tolerance"})
    default_points = grading.get("points", float, "a number of points", 1.0)
    default_tolerance = _tolerance(grading.sub("tolerance", {}), Tolerance())
    questions = _questions(top, default_points, default_tolerance)
    names = [str(name) for name in top.sub("parameters").mapping]
    sheet = read_sheet(top, names, [q.id for q in questions if q.numeric])
    parameters = _parameters(top.sub("parameters"), sheet)
    from grader.sheet.handout import read_handout  # here: the handout package reads assignments itself

    handout = read_handout(top, names, [q.id for q in questions], bool(sheet.hint_table))
    return Assignment(
        id=top.get("id", str, "an assignment id such as practice09"),
        title=top.get("title", str, "a title"),
        path=file,
        sheet=sheet,
        questions=questions,
        parameters=parameters,
        constraints=_constraints(top.sub("constraints", {})),
        follow_through=_share(grading, "follow_through", 1.0),
        slip=_share(grading, "slip", 0.0),
        slip_carry=grading.get("slip_carry", bool, "true or false", True),
        students=_students(top.sub("students", {}), parameters),
        handout=handout,
        parameter_groups=_parameter_groups(top.sub("parameter_groups", {}), names),
        default_breaks=tuple(str(c) for c in top.get("default_breaks", list, "a list of constraint names", [])),
    )


def _parameter_groups(fields: Fields, parameters: list[str]) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    for group in fields.mapping:
        if group in parameters:
            raise fields.fail(str(group), f"a group name that is not also a parameter's, got the parameter {group!r}")
        members = fields.sub(group)
        groups[str(group)] = {}
        for inner in members.mapping:
            parameter = members.get(inner, str, "a parameter")
            if parameter not in parameters or parameter in taken:
                raise members.fail(str(inner), f"a parameter in no other group ({', '.join(parameters)}), "
                                               f"got {parameter!r}")
            taken.add(parameter)
            groups[str(group)][str(inner)] = parameter
    return groups


def _share(fields: Fields, key: str, default: float) -> float:
    value = fields.get(key, float, "a share of the points between 0 and 1", default)
    if not 0.0 <= value <= 1.0:
        raise fields.fail(key, f"a share of the points between 0 and 1, got {value}")
    return value


def _tolerance(fields: Fields, base: Tolerance) -> Tolerance:
    fields.only({"mode", "rel", "abs", "digits", "places", "require_digits", "safety", "rounding_decimals"})
    modes = ", ".join(m.value for m in ToleranceMode)
    mode_name = fields.get("mode", str, f"one of {modes}", base.mode.value)
    try:
        mode = ToleranceMode(mode_name)
    except ValueError:
        raise fields.fail("mode", f"one of {modes}, got {mode_name!r}") from None
    values = {
        "rel": fields.get("rel", float, "a non-negative number", base.rel),
        "abs": fields.get("abs", float, "a non-negative number", base.abs),
        "safety": fields.get("safety", float, "a number of at least 1", base.safety),
    }
    for key, value in values.items():
        if value < 0 or not math.isfinite(value):
            raise fields.fail(key, f"a non-negative number, got {value}")
    counts = {
        "digits": fields.get("digits", int, "a whole number of significant figures", base.digits),
        "places": fields.get("places", int, "a whole number of decimal places", base.places),
        "rounding_decimals": fields.get("rounding_decimals", int, "a whole number", base.rounding_decimals),
    }
    if counts["digits"] < 1:
        raise fields.fail("digits", f"at least 1, got {counts['digits']}")
    return Tolerance(
        mode=mode,
        require_digits=fields.get("require_digits", bool, "true or false", base.require_digits),
        **values,
        **counts,
    )


def _questions(top: Fields, points: float, tolerance: Tolerance) -> tuple[Question, ...]:
    entries = top.get("questions", list, "a list of questions")
    questions: list[Question] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        fields = Fields(top.file, f"questions[{index}]", entry)
        qid = fields.get("id", str, "a question id")
        fields.where = f"questions[{qid}]"
        fields.only({"id", "prompt", "kind", "points", "tolerance", "keywords", "aliases"})
        if qid in seen:
            raise fields.fail("id", f"a question id used once, got {qid!r} a second time")
        seen.add(qid)
        kind = fields.get("kind", str, "numeric or text", "numeric")
        if kind not in ("numeric", "text"):
            raise fields.fail("kind", f"numeric or text, got {kind!r}")
        keywords = fields.get("keywords", list, "a list of words", [])
        questions.append(
            Question(
                id=qid,
                prompt=fields.get("prompt", str, "the question's text"),
                kind=kind,
                points=fields.get("points", float, "a number of points", points if kind == "numeric" else 0.0),
                tolerance=_tolerance(fields.sub("tolerance", {}), tolerance),
                keywords=tuple(str(k) for k in keywords),
                aliases=tuple(str(a) for a in fields.get("aliases", list, "a list of other spellings", [])),
            )
        )
    return tuple(questions)


def _parameters(fields: Fields, sheet: Sheet) -> tuple[ParameterSpec, ...]:
    specs = []
    for name in sheet.graph.parameters:
        spec = fields.sub(name)
        spec.only({"default", "grid", "choices"})
        if "choices" in spec.mapping:
            values = tuple(spec.get("choices", list, "a list of values"))
            if not values:
                raise spec.fail("choices", "at least one value, got an empty list")
        else:
            values = _grid(spec.sub("grid"))
        default = spec.get("default", (int, float, str), "a number or a class name")
        if isinstance(default, int):
            default = float(default)
        if any(isinstance(v, str) != isinstance(default, str) for v in values):
            raise spec.fail("choices", f"values of the same kind as the default {default!r} (all numbers or all "
                                       f"names), got {list(values)!r}")
        names = sheet.categories.get(name)
        if names is not None:
            strange = [v for v in (default, *values) if v not in names]
            if strange:
                raise spec.fail("choices", f"names among {', '.join(names)}, got {strange[0]!r}")
        elif isinstance(default, str):
            raise spec.fail("default", f"a number (the parameter has no categories), got text {default!r}")
        specs.append(ParameterSpec(name=name, default=default, values=tuple(_tidy(v) for v in values)))
    return tuple(specs)


def _grid(fields: Fields) -> tuple[float, ...]:
    fields.only({"min", "max", "step", "exclude"})
    low = fields.get("min", float, "a number")
    high = fields.get("max", float, "a number")
    step = fields.get("step", float, "a positive number")
    if step <= 0 or high < low:
        raise fields.fail("step", f"a positive step with min <= max, got min={low} max={high} step={step}")
    excluded = {round(float(v), 12) for v in fields.get("exclude", list, "a list of numbers", [])}
    count = int(round((high - low) / step)) + 1
    if count > MAX_GRID_VALUES:
        raise fields.fail("step", f"a grid of at most {MAX_GRID_VALUES} values, "
                                  f"got {count} (min={low} max={high} step={step})")
    values = tuple(round(low + i * step, 10) for i in range(count))
    return tuple(v for v in values if round(v, 12) not in excluded)


def _tidy(value: Any) -> float | str:
    return value if isinstance(value, str) else round(float(value), 10)


def _constraints(fields: Fields) -> Constraints:
    fields.only({"graded_value_min_abs", "tolerance_max_rel", "max_attempts", "bounds"})  # bounds: grader.sheet
    base = Constraints()
    return Constraints(
        graded_value_min_abs=fields.get("graded_value_min_abs", float, "a number", base.graded_value_min_abs),
        tolerance_max_rel=fields.get("tolerance_max_rel", float, "a number", base.tolerance_max_rel),
        max_attempts=fields.get("max_attempts", int, "a whole number", base.max_attempts),
    )


def _students(fields: Fields, parameters: tuple[ParameterSpec, ...]) -> dict[str, StudentAdjustment]:
    known = {p.name: p for p in parameters}
    adjustments: dict[str, StudentAdjustment] = {}
    for student_id in sorted(fields.mapping, key=str):
        entry = fields.sub(student_id)
        entry.only({"reseed", "params"})
        pinned = entry.sub("params", {})
        params: dict[str, float | str] = {}
        for name, value in pinned.mapping.items():
            if name not in known:
                raise pinned.fail(str(name), f"a parameter ({', '.join(known)}), got {name!r}")
            spec = known[name]
            expected = "a class name" if spec.categorical else "a number"
            value = pinned.get(name, str if spec.categorical else float, expected)
            if spec.categorical and value not in spec.values:
                raise pinned.fail(name, f"one of {', '.join(map(str, spec.values))}, got {value!r}")
            params[name] = value
        adjustments[str(student_id)] = StudentAdjustment(
            reseed=entry.get("reseed", int, "a whole number", 0), params=params
        )
    return adjustments
