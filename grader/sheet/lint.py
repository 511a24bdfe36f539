"""``grader lint``'s checks of one sheet: is it sound before a single student sees it?

``lint_sheet(path)`` reads the file (``load_assignment``: it parses, every name is known, there is
no cycle) and then, on the sheet's default variant and on 1,000 drawn variants:

1. the default variant (the printed sheet's own numbers) meets every constraint, except those the
   sheet lists in ``default_breaks`` (and each listed one it does break);
2. the constraints can be met: 1,000 variants can be drawn;
3. every slip differs from the quantity it replaces: each replacement changes some question's
   value beyond its tolerance on some variant;
4. a student who rounds every step to 4 decimals, each from the rounded earlier ones, gets full
   marks on every variant (graded by ``grade_class``, as the class would be);
5. a 5% error is caught: no answer of size 0.01 or more that is 5% off is within its tolerance.

Every problem is a ``Problem(field, message)``, printed as ``FILE: field: message``, the message
saying what is wrong and what was expected. All problems are collected, none stops the others,
except that a file that cannot be read (or variants that cannot be drawn) leaves nothing to check.
Nothing raises: an unexpected failure while evaluating the sheet becomes a problem too.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.assignment import Assignment, load_assignment
from grader.compare import within
from grader.engine.graph import Slip
from grader.engine.variants import (
    VariantTable,
    constraint_violations,
    default_variant,
    draw_variants,
)
from grader.errors import ConfigError, GraderError, VariantError
from grader.grading import grade_class
from grader.key import Key, compute_key
from grader.submissions.records import Answer, Source, Submission
from grader.tolerances import Tolerances, question_tolerances

VARIANTS = 1000
ROUNDING_DECIMALS = 4   # the rounder of check 4 keeps this many decimals at every step
ERROR = 0.05            # the error check 5 must catch ...
ERROR_MIN_ABS = 0.01    # ... on answers at least this large
REDRAW_NOTE = 0.5       # the summary notes it when more than this share of first draws is re-drawn


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a sheet: the field (``questions[E].tolerance``) and what is wrong,
    then what was expected, in one line."""

    field: str
    message: str


@dataclass(frozen=True)
class LintReport:
    """What ``grader lint`` found in one file: its problems (none when the sheet is sound) and what
    was checked."""

    file: str
    problems: tuple[Problem, ...] = ()
    numeric_questions: int = 0
    slips: int = 0
    variants: int = 0
    redrawn: float = 0.0  # share of the drawn variants whose first draw broke a constraint

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        """What was checked, e.g. '29 numeric questions, 9 slips, 1,000 drawn variants checked'."""
        text = (f"{_count(self.numeric_questions, 'numeric question')}, {_count(self.slips, 'slip')}, "
                f"{self.variants:,} drawn variants checked")
        if self.redrawn > REDRAW_NOTE:
            text += f"; note: {self.redrawn:.0%} of first draws broke a constraint and were re-drawn"
        return text

    def lines(self) -> list[str]:
        """The report as printed: ``FILE: ok: summary``, or one ``FILE: field: message`` per problem."""
        if self.ok:
            return [f"{self.file}: ok: {self.summary}"]
        return [f"{self.file}: {p.field}: {p.message}" for p in self.problems]


def lint_sheet(path: str | Path, variants: int = VARIANTS) -> LintReport:
    """Check the sheet in ``path`` on ``variants`` drawn variants; never raises for anything the file holds."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # a sheet's own inf and nan are checked, not warned
        warnings.simplefilter("ignore")
        return _lint(str(Path(path)), path, variants)


def _lint(file: str, path: str | Path, variants: int) -> LintReport:
    try:
        assignment = load_assignment(path)
    except ConfigError as exc:
        return LintReport(file, (Problem(exc.field, f"expected {exc.expected}"),))
    except GraderError as exc:
        return LintReport(file, (Problem("(file)", _one_line(exc)),))
    except Exception as exc:  # noqa: BLE001  (a file the reader did not foresee: still one line)
        return LintReport(file, (Problem("(file)", f"could not be read ({_exception(exc)}); "
                                                   f"expected an assignment file like answer_keys/practice09.yaml"),))
    counts = {"numeric_questions": len(assignment.numeric_questions), "slips": len(assignment.graph.slips)}
    if not assignment.numeric_questions:
        return LintReport(file, (Problem("questions", "no numeric question; expected at least one"),), **counts)
    problems: list[Problem] = []
    _guard(problems, "constraints", lambda: _check_default(assignment))
    drawn: list[tuple[VariantTable, Key, Tolerances]] = []

    def draw() -> list[Problem]:
        found = _draw(assignment, variants)
        if isinstance(found, list):
            return found
        drawn.append(found)
        return []

    _guard(problems, "constraints", draw)
    if not drawn:
        return LintReport(file, tuple(problems), **counts)
    table, key, tolerances = drawn[0]
    for slip in assignment.graph.slips:
        _guard(problems, f"slips.{slip.name}", lambda slip=slip: _check_slip(assignment, key, tolerances, slip))
    _guard(problems, "questions", lambda: _check_rounder(assignment, key))
    _guard(problems, "questions", lambda: _check_error_caught(assignment, key, tolerances))
    redrawn = float(np.mean(table.attempts > 0)) if len(table) else 0.0
    return LintReport(file, tuple(problems), variants=len(table), redrawn=redrawn, **counts)


# ---- 1. the default variant -------------------------------------------------------------------------

def _check_default(assignment: Assignment) -> list[Problem]:
    variant = default_variant(assignment)
    broken, listable = _default_violations(assignment, variant)
    listed = tuple(getattr(assignment, "default_breaks", ()) or ())
    problems = []
    for name in listed:
        if name not in broken:
            problems.append(Problem("default_breaks", f"lists {name!r}, which is not a constraint of this sheet; "
                                                      f"expected constraint names among {', '.join(broken)}"))
        elif name not in listable:
            problems.append(Problem("default_breaks", f"lists {name}, but the default variant meets it; "
                                                      f"expected only the constraints it breaks"))
    values = assignment.graph.reference(variant.columns)
    for name, is_broken in broken.items():
        if is_broken and name not in listed and name == "not finite":
            problems.append(Problem("constraints", f"the default variant (the printed sheet's own numbers) gives "
                                                   f"a graded value that is not a finite number "
                                                   f"({_why(assignment, name, values)}); expected finite values"))
        elif is_broken and name not in listed:
            problems.append(Problem("constraints", f"the default variant (the printed sheet's own numbers) breaks "
                                                   f"{name} ({_why(assignment, name, values)}); expected the "
                                                   f"default to meet it, or {name} listed in default_breaks"))
    return problems


def _default_violations(assignment: Assignment, variant: VariantTable) -> tuple[dict[str, bool], set[str]]:
    """(constraint name -> whether the default variant breaks it, the names it may list as broken).

    ``constraint_violations`` checks the tolerance constraint only where the cheap ones pass. Here it
    is checked regardless, on the graded values that are finite and not already too small (a value
    below ``graded_value_min_abs`` breaks the tolerance constraint too, as a consequence: listing
    that is allowed, not asked for)."""
    columns = variant.columns
    broken = {name: bool(v[0]) for name, v in constraint_violations(assignment, columns).items()}
    listable = {name for name, is_broken in broken.items() if is_broken}
    if broken["tolerance_max_rel"] or not any(broken.values()):
        return broken, listable
    values = assignment.graph.reference(columns)
    nodes = assignment.graph.question_nodes
    min_abs = assignment.constraints.graded_value_min_abs

    def sizeable(question) -> bool:
        value = float(values[nodes[question.id].name][0])
        return math.isfinite(value) and abs(value) >= min_abs

    def tolerance_broken(questions) -> bool:
        if not questions:
            return False
        relaxed = dataclasses.replace(
            assignment, questions=tuple(questions),
            constraints=dataclasses.replace(assignment.constraints, graded_value_min_abs=0.0),
            sheet=dataclasses.replace(assignment.sheet, bounds=()))
        return bool(constraint_violations(relaxed, columns)["tolerance_max_rel"][0])

    numeric = assignment.numeric_questions
    broken["tolerance_max_rel"] = tolerance_broken([q for q in numeric if sizeable(q)])
    finite = [q for q in numeric if math.isfinite(float(values[nodes[q.id].name][0]))]
    if broken["tolerance_max_rel"] or tolerance_broken(finite):
        listable.add("tolerance_max_rel")
    return broken, listable


def _why(assignment: Assignment, name: str, values: dict[str, np.ndarray]) -> str:
    """How the default variant breaks constraint ``name``, in a few words."""
    nodes = assignment.graph.question_nodes
    graded = {q.id: float(values[nodes[q.id].name][0]) for q in assignment.numeric_questions}
    limits = assignment.constraints
    if name == "not finite":
        bad = [f"{q} = {v}" for q, v in graded.items() if not math.isfinite(v)]
        return ", ".join(bad[:3])
    if name == "graded_value_min_abs":
        bad = [f"{q} = {v:.4g}" for q, v in graded.items() if abs(v) < limits.graded_value_min_abs]
        return f"{', '.join(bad[:3])}{' ...' if len(bad) > 3 else ''}, below {limits.graded_value_min_abs:g} in size"
    if name == "tolerance_max_rel":
        return (f"the rounding of some answer is more than {limits.tolerance_max_rel:.0%} of it: a 5% error "
                f"may not be caught")
    quantity = name.removeprefix("bounds.")
    bound = next((b for b in assignment.sheet.bounds if b.quantity == quantity), None)
    if bound is None or quantity not in values:
        return name
    value = float(values[quantity][0])
    keep = [f"{label} {limit:g}" for label, limit in (("abs_max", bound.abs_max), ("min", bound.min),
                                                        ("max", bound.max)) if limit is not None]
    return f"{quantity} = {value:.4g}, outside {', '.join(keep)}"


# ---- 2. the constraints can be met ------------------------------------------------------------------

def _draw(assignment: Assignment, n: int) -> tuple[VariantTable, Key, Tolerances] | list[Problem]:
    ids = [f"lint{i:04d}" for i in range(n)]
    try:
        table = draw_variants(assignment, ids)
    except VariantError as exc:
        return [Problem("constraints", f"cannot be met: {_one_line(exc)}{_rates(assignment, ids)}; expected "
                                       f"constraints most drawn variants meet: relax them or narrow the grids")]
    key = compute_key(assignment, table)
    return table, key, question_tolerances(assignment, table.columns, key.values)


def _rates(assignment: Assignment, ids: Sequence[str]) -> str:
    """How often each constraint breaks on (mostly) first draws: ' (broken on first draws: bounds.s1 100%)'."""
    relaxed = dataclasses.replace(
        assignment,
        constraints=dataclasses.replace(assignment.constraints, graded_value_min_abs=0.0, tolerance_max_rel=math.inf),
        sheet=dataclasses.replace(assignment.sheet, bounds=()),
    )
    try:
        table = draw_variants(relaxed, ids)
    except VariantError:
        return " (no draw gives finite answers)"
    violations = constraint_violations(assignment, table.columns)
    shares = sorted(((float(np.mean(v)), name) for name, v in violations.items() if v.any()), reverse=True)
    if not shares:
        return ""
    return " (broken on first draws: " + ", ".join(f"{name} {share:.0%}" for share, name in shares) + ")"


# ---- 3. every slip differs from its quantity --------------------------------------------------------

def _check_slip(assignment: Assignment, key: Key, tolerances: Tolerances, slip: Slip) -> list[Problem]:
    graph = assignment.graph
    nodes = graph.question_nodes
    problems = []
    for target, formula in slip.formulas.items():
        field = f"slips.{slip.name}.replace.{target}"
        shown = _downstream_questions(assignment, target)
        if not shown:
            problems.append(Problem(field, f"replaces {target}, which no question reads; expected a mistake in a "
                                           f"step some question depends on"))
            continue
        alone = Slip(slip.name, slip.description, {target: formula}, slip.family)
        computed = graph.evaluate(key.variants.columns, slip=alone).computed
        differs = np.zeros(len(key), dtype=bool)
        unfinite = np.zeros(len(key), dtype=bool)
        for qid in shown:
            value, right = computed[nodes[qid].name], key.answer(qid)
            off = ~within(value, right, tolerances.allowed(qid, right))
            differs |= off & np.isfinite(value)
            unfinite |= off & ~np.isfinite(value)
        if differs.any():
            continue
        if unfinite.all():
            problems.append(Problem(field, "gives no finite value on any drawn variant; expected a different "
                                           "mistake a student can write down"))
        elif unfinite.any():
            problems.append(Problem(field, f"gives no finite value on {_of(unfinite)} and the quantity's own value "
                                           f"on the rest; expected a different mistake a student can write down"))
        else:
            problems.append(Problem(field, "gives the same value as the quantity itself on every variant; "
                                           "expected a different mistake"))
    return problems


def _downstream_questions(assignment: Assignment, target: str) -> list[str]:
    """The numeric questions whose value depends on quantity ``target`` (itself included)."""
    graph = assignment.graph
    reached = {target}
    for node in graph.nodes[graph.position[target] + 1:]:
        if any(i in reached for i in node.inputs):
            reached.add(node.name)
    return [q.id for q in assignment.numeric_questions if graph.question_nodes[q.id].name in reached]


# ---- 4. a 4-decimal rounder gets full marks ---------------------------------------------------------

def _check_rounder(assignment: Assignment, key: Key) -> list[Problem]:
    graph = assignment.graph
    params = key.variants.columns
    values = {name: np.asarray(params[name], dtype=float) for name in graph.parameters}
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            computed = np.asarray(node.formula.fn(*(values[i] for i in node.inputs)), dtype=float)
            values[node.name] = np.round(np.broadcast_to(computed, (len(key),)), ROUNDING_DECIMALS)
    graded = grade_class(assignment, key, _hand_ins(assignment, key, values))
    problems = []
    for index, question in enumerate(assignment.numeric_questions):
        lost = [(g.student_id, g.outcomes[index]) for g in graded if g.outcomes[index].points < question.points]
        if not lost:
            continue
        student, outcome = lost[0]
        example = (f"{student}: {outcome.answer.raw if outcome.answer else 'nothing'} for {outcome.expected:.6g}, "
                   f"within ±{outcome.allowed:.2g} accepted, {outcome.verdict.value}")
        problems.append(Problem(f"questions[{question.id}]",
                                f"a {ROUNDING_DECIMALS}-decimal rounder loses points on {len(lost):,} of "
                                f"{len(key):,} drawn variants (e.g. {example}); expected full marks: widen the "
                                f"tolerance or constrain the variants"))
    return problems


def _hand_ins(assignment: Assignment, key: Key, values: dict[str, np.ndarray]) -> list[Submission]:
    """One hand-in per variant: each numeric question's worked value, written to the decimals kept."""
    nodes = assignment.graph.question_nodes
    columns = {q.id: values[nodes[q.id].name].tolist() for q in assignment.numeric_questions}
    submissions = []
    for row, student in enumerate(key.variants.student_ids):
        file = f"{student}_{assignment.id}.yaml"
        source = Source(file)
        answers = {qid: Answer(qid, f"{column[row]:.{ROUNDING_DECIMALS}f}", column[row], None, source)
                   for qid, column in columns.items()}
        submissions.append(Submission(str(student), file, answers))
    return submissions


# ---- 5. a 5% error is caught ------------------------------------------------------------------------

def _check_error_caught(assignment: Assignment, key: Key, tolerances: Tolerances) -> list[Problem]:
    problems = []
    for question in assignment.numeric_questions:
        right = key.answer(question.id)
        allowed = tolerances.allowed(question.id, right)
        sized = np.abs(right) >= ERROR_MIN_ABS
        accepted = sized & (within(right * (1 + ERROR), right, allowed) | within(right * (1 - ERROR), right, allowed))
        if not accepted.any():
            continue
        row = int(np.flatnonzero(accepted)[0])
        example = (f"{key.variants.student_ids[row]}: {right[row]:.6g} accepts ±{allowed[row]:.2g}, "
                   f"{allowed[row] / abs(right[row]):.1%} of it")
        problems.append(Problem(f"questions[{question.id}].tolerance",
                                f"an answer {ERROR:.0%} off is accepted as correct on {_of(accepted)} "
                                f"(e.g. {example}); expected a tolerance that catches a {ERROR:.0%} error on "
                                f"answers of {ERROR_MIN_ABS:g} or more: tighten it"))
    return problems


# ---- helpers ----------------------------------------------------------------------------------------

def _guard(problems: list[Problem], field: str, check: Callable[[], Iterable[Problem]]) -> None:
    """Run one check, adding its problems; an unexpected failure is a problem at ``field``."""
    try:
        problems.extend(check())
    except GraderError as exc:
        problems.append(Problem(field, _one_line(exc)))
    except Exception as exc:  # noqa: BLE001  (no traceback for any sheet)
        problems.append(Problem(field, f"could not be checked ({_exception(exc)}); expected expressions that "
                                       f"evaluate to numbers on every variant"))


def _of(flags: np.ndarray) -> str:
    return f"{int(np.count_nonzero(flags)):,} of {len(flags):,} drawn variants"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _exception(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


__all__ = ["LintReport", "Problem", "lint_sheet"]
