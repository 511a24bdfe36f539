"""Per-student variants: parameters drawn from a stable hash, re-drawn until none is degenerate.

A variant depends only on (assignment id, student id, secret, the instructor's reseed count)
and the file's parameters, constraints and ``students:``: SHAKE-256 of those gives the draws, so
no library upgrade can change a student's numbers, and the constraints are checked with fixed
definitions that read no grading setting, so editing a tolerance never re-draws anybody.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from grader.errors import UsageError, VariantError

if TYPE_CHECKING:
    from grader.assignment import Assignment

_DOMAIN = b"grader-variant-v1"

# The fixed rounding model the ``tolerance_max_rel`` constraint measures against, whatever the
# grading settings say: half a unit of the 4th decimal per step, times 1.5, plus 0.1% of the value.
# Capped at 2% of each value, every tolerance of the default settings (one whole unit per step, for
# truncators too) stays under 4%, so a 5% error is caught.
_CONSTRAINT_HALF_STEP = 0.5e-4
_CONSTRAINT_SAFETY = 1.5
_CONSTRAINT_REL = 0.001


@dataclass(frozen=True)
class VariantTable:
    """Parameters of many variants, one row per student, as arrays the graph reads.

    Categorical parameters hold the index of the name in the sheet's category list.
    ``student_ids`` is None for the sheet's default variant.
    """

    student_ids: tuple[str | None, ...]
    columns: Mapping[str, np.ndarray]
    attempts: np.ndarray

    def __len__(self) -> int:
        return len(self.student_ids)

    def take(self, rows: Sequence[int] | np.ndarray) -> "VariantTable":
        rows = np.asarray(rows, dtype=np.intp)
        return VariantTable(
            tuple(self.student_ids[i] for i in rows),
            {name: column[rows] for name, column in self.columns.items()},
            self.attempts[rows],
        )


def default_variant(assignment: "Assignment", student_id: str | None = None) -> VariantTable:
    """The sheet's own numbers (SPEC's default variant)."""
    return _table_from_values(assignment, [student_id], [{p.name: p.default for p in assignment.parameters}])


def variant_from_params(assignment: "Assignment", student_id: str | None, params: Mapping[str, Any]) -> VariantTable:
    """A variant from explicit parameters (a template's ``params``); every parameter must be there."""
    values: dict[str, Any] = {}
    for spec in assignment.parameters:
        if spec.name not in params:
            raise UsageError(f"parameters: {spec.name}: expected a value for every parameter, got none for it")
        value = params[spec.name]
        if spec.categorical:
            value = str(value).strip()
        else:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise UsageError(f"parameters: {spec.name}: expected a number, got {value!r}") from None
        values[spec.name] = value
    return _table_from_values(assignment, [student_id], [values])


def _table_from_values(assignment: "Assignment", student_ids: list, rows: list[Mapping[str, Any]]) -> VariantTable:
    columns = {}
    for spec in assignment.parameters:
        names = assignment.sheet.categories.get(spec.name)
        raw = [row[spec.name] for row in rows]
        if names is not None:
            unknown = [v for v in raw if v not in names]
            if unknown:
                raise UsageError(f"parameters: {spec.name}: expected one of {', '.join(names)}, got {unknown[0]!r}")
            columns[spec.name] = np.array([names.index(v) for v in raw], dtype=float)
        else:
            columns[spec.name] = np.array(raw, dtype=float)
    return VariantTable(tuple(student_ids), columns, np.zeros(len(rows), dtype=np.int64))


def draw_variants(assignment: "Assignment", student_ids: Sequence[str], secret: str | None = None) -> VariantTable:
    """Each student's own variant, all at once; the same inputs give the same numbers anywhere.

    Pinned parameters (the assignment's ``students`` section) go on top of the variant the
    student would have had; only if that breaks a constraint is the rest drawn afresh.
    """
    ids = tuple(str(s) for s in student_ids)
    n = len(ids)
    stream = _DrawStream(assignment, ids, secret)
    attempts = np.zeros(n, dtype=np.int64)
    everyone = np.arange(n, dtype=np.intp)
    columns = stream.columns(everyone, attempts)
    _search(assignment, stream, columns, attempts, everyone, ids, pinned=False)
    pins = {i: assignment.students[sid].params for i, sid in enumerate(ids)
            if sid in assignment.students and assignment.students[sid].params}
    if pins:
        rows = np.array(sorted(pins), dtype=np.intp)
        _pin(assignment, ids, columns, rows)
        partly = np.array([i for i in rows if len(pins[i]) < len(assignment.parameters)], dtype=np.intp)
        _search(assignment, stream, columns, attempts, partly, ids, pinned=True)
    return VariantTable(ids, columns, attempts)


def _search(assignment: "Assignment", stream: "_DrawStream", columns: dict[str, np.ndarray], attempts: np.ndarray,
            pending: np.ndarray, ids: tuple[str, ...], pinned: bool) -> None:
    """Re-draw the ``pending`` rows, in place, until each passes every constraint."""
    for _ in range(assignment.constraints.max_attempts):
        if pending.size == 0:
            return
        subset = {name: column[pending] for name, column in columns.items()}
        pending = pending[~acceptable(assignment, subset)]
        if pending.size == 0:
            return
        attempts[pending] += 1
        redrawn = stream.columns(pending, attempts[pending])
        for name, column in columns.items():
            column[pending] = redrawn[name]
        if pinned:
            _pin(assignment, ids, columns, pending)
    if pending.size:
        raise VariantError(
            f"no valid variant for student {ids[pending[0]]} after "
            f"{assignment.constraints.max_attempts} draws; pin its parameters or relax the constraints"
        )


class _DrawStream:
    """Hash output per student, read attempt by attempt: one SHAKE-256 call yields ``BLOCK`` attempts."""

    BLOCK = 8

    def __init__(self, assignment: "Assignment", ids: Sequence[str], secret: str | None) -> None:
        self.assignment, self.ids = assignment, ids
        self.specs = assignment.parameters
        self.values = [_numeric_values(assignment, spec.name, spec.values) for spec in self.specs]
        self.reseeds = [assignment.students[s].reseed if s in assignment.students else 0 for s in ids]
        self.prefix = b"\x1f".join([_DOMAIN, assignment.id.encode(), (secret or "").encode()]) + b"\x1f"
        self.block_of = np.full(len(ids), -1, dtype=np.int64)
        self.draws = np.zeros((len(ids), self.BLOCK, len(self.specs)), dtype=np.uint32)

    def _fill(self, rows: np.ndarray, blocks: np.ndarray) -> None:
        width = 4 * len(self.specs) * self.BLOCK
        ids, reseeds, prefix = self.ids, self.reseeds, self.prefix
        digests = b"".join(
            hashlib.shake_256(prefix + f"{ids[r]}\x1f{reseeds[r]}\x1f{b}".encode()).digest(width)
            for r, b in zip(rows.tolist(), blocks.tolist())
        )
        self.draws[rows] = np.frombuffer(digests, dtype="<u4").reshape(len(rows), self.BLOCK, len(self.specs))
        self.block_of[rows] = blocks

    def columns(self, rows: np.ndarray, attempts: np.ndarray) -> dict[str, np.ndarray]:
        blocks = attempts // self.BLOCK
        stale = self.block_of[rows] != blocks
        if stale.any():
            self._fill(rows[stale], blocks[stale])
        draws = self.draws[rows, attempts % self.BLOCK].astype(np.uint64)
        return {
            spec.name: values[(draws[:, j] * np.uint64(len(values))) >> np.uint64(32)]
            for j, (spec, values) in enumerate(zip(self.specs, self.values))
        }


def _numeric_values(assignment: "Assignment", name: str, values: tuple) -> np.ndarray:
    names = assignment.sheet.categories.get(name)
    if names is None:
        return np.array(values, dtype=float)
    return np.array([names.index(v) for v in values], dtype=float)


def _pin(assignment: "Assignment", ids: Sequence[str], columns: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """Apply the pinned parameters of the students at ``rows``, in place."""
    for row in rows.tolist():
        adjustment = assignment.students.get(ids[row])
        if adjustment is None:
            continue
        for name, value in adjustment.params.items():
            names = assignment.sheet.categories.get(name)
            columns[name][row] = names.index(value) if names else float(value)


def acceptable(assignment: "Assignment", params: Mapping[str, np.ndarray]) -> np.ndarray:
    """True for each variant that breaks none of the assignment's constraints."""
    return ~np.any(np.vstack(list(constraint_violations(assignment, params).values())), axis=0)


def constraint_violations(assignment: "Assignment", params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Constraint name -> True where a variant breaks it.

    The tolerance constraint needs the graph's rounding bounds, the costliest part, so it is
    checked only on the variants that pass the cheap ones (the others count as passing it). It
    uses the fixed rounding model above, never the assignment's tolerance settings.
    """
    graph, sheet, limits = assignment.graph, assignment.sheet, assignment.constraints
    values = graph.reference(params)
    nodes = graph.question_nodes
    graded = np.vstack([values[nodes[q.id].name] for q in assignment.numeric_questions])
    size = np.abs(graded)
    violations = {
        "not finite": ~np.all(np.isfinite(graded), axis=0),
        "graded_value_min_abs": np.any(size < limits.graded_value_min_abs, axis=0),
    }
    for bound in sheet.bounds:
        value = values[bound.quantity]
        broken = np.zeros(value.shape, dtype=bool)
        if bound.abs_max is not None:
            broken |= np.abs(value) > bound.abs_max
        if bound.min is not None:
            broken |= value < bound.min
        if bound.max is not None:
            broken |= value > bound.max
        violations[f"bounds.{bound.quantity}"] = broken
    survivors = np.flatnonzero(~np.any(np.vstack(list(violations.values())), axis=0))
    too_loose = np.zeros(size.shape[1], dtype=bool)
    if survivors.size:
        subset = {name: np.asarray(column)[survivors] for name, column in params.items()}
        kept_values = {name: v[survivors] for name, v in values.items()}
        bounds = graph.rounding_bounds(subset, _CONSTRAINT_HALF_STEP, kept_values)
        bound = np.vstack([bounds[nodes[q.id].name] for q in assignment.numeric_questions])
        kept = size[:, survivors]
        tolerance = _CONSTRAINT_SAFETY * (bound + _CONSTRAINT_HALF_STEP) + _CONSTRAINT_REL * kept
        too_loose[survivors] = np.any(tolerance > limits.tolerance_max_rel * kept, axis=0)
    violations["tolerance_max_rel"] = too_loose
    return violations


def params_record(assignment: "Assignment", table: VariantTable, row: int) -> dict[str, Any]:
    """One variant's parameters as plain values, flat (``score_dog``), categorical by name."""
    record: dict[str, Any] = {}
    for spec in assignment.parameters:
        value = table.columns[spec.name][row]
        names = assignment.sheet.categories.get(spec.name)
        record[spec.name] = names[int(value)] if names else float(value)
    return record
