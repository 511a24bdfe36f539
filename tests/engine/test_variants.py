"""Per-student variants: stable across processes and releases, on the grids, never degenerate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from grader.tolerances import question_tolerances
from grader.assignment import load_assignment
from grader.cli import main
from grader.engine.variants import (
    acceptable,
    constraint_violations,
    default_variant,
    draw_variants,
    params_record,
    variant_from_params,
)

from .helpers import random_grid_params

CLASSES = load_assignment(Path(__file__).resolve().parents[2] / "answer_keys" / "practice09.yaml").sheet.categories[
    "true_class"]

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"

# `grader key answer_keys/practice09.yaml --student B12345 --format json`, params, recorded when
# the variant generator was written. A student's variant must never change: if this fails,
# the hashing, the draw order or a grid changed, and every handout already given out is wrong.
GOLDEN_B12345 = {
    "x": 0.6, "y": 0.7, "eta": 0.1,
    "w1": 0.9, "w2": 0.8, "w3": 0.1, "w4": 0.2, "w5": -0.3, "w6": 0.9, "w7": -0.6,
    "w8": 0.4, "w9": -0.8, "w10": 1.0, "w11": 0.2, "w12": -0.9, "w13": -0.9,
    "scores": {"dog": 1.94, "cat": 2.4, "boat": -0.32, "airplane": 0.4},
    "true_class": "cat",
}
# The same student with an instructor secret, and another student, both recorded alike (flat).
GOLDEN_B12345_SECRET = {
    "x": 0.6, "y": 0.05, "eta": 0.1,
    "w1": 0.6, "w2": -0.5, "w3": -0.3, "w4": -0.1, "w5": 0.5, "w6": 0.9, "w7": -0.7,
    "w8": 0.3, "w9": -0.8, "w10": 0.9, "w11": 0.6, "w12": -0.7, "w13": -0.9,
    "score_dog": 2.03, "score_cat": 3.2, "score_boat": 0.05, "score_airplane": 1.25, "true_class": "cat",
}
GOLDEN_SECRET = "correct horse battery staple"
GOLDEN_A0001 = {
    "x": 0.4, "y": 0.65, "eta": 0.1,
    "w1": 0.4, "w2": -0.8, "w3": 0.2, "w4": -0.6, "w5": -0.4, "w6": 0.2, "w7": 0.3,
    "w8": 0.1, "w9": -0.4, "w10": -0.3, "w11": -0.4, "w12": 0.1, "w13": -0.1,
    "score_dog": 3.59, "score_cat": 3.36, "score_boat": 3.79, "score_airplane": 1.11, "true_class": "boat",
}

WEIGHTS = [f"w{i}" for i in range(1, 14)]
SCORES = [f"score_{c}" for c in CLASSES]


def _records(assignment, table) -> list[dict]:
    return [params_record(assignment, table, i) for i in range(len(table))]


def _with_students(tmp_path: Path, students: dict) -> object:
    """A copy of the bundled YAML with a ``students:`` section, loaded."""
    document = yaml.safe_load(ASSIGNMENT.read_text(encoding="utf-8"))
    document["students"] = students
    path = tmp_path / "practice09_students.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_assignment(path)


def _random_ids(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), size=n)
    numbers = rng.choice(10**7, size=n, replace=False)
    return [f"{letter}{number:07d}" for letter, number in zip(letters, numbers)]


@pytest.fixture(scope="module")
def class_of_10000(assignment):
    ids = _random_ids(10_000, seed=10_000)
    return ids, draw_variants(assignment, ids)


# ---- stability -----------------------------------------------------------------------------


def test_same_id_same_variant_in_separate_processes_with_different_hash_seeds():
    outputs = []
    for seed in ("0", "12345"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_SECRET")}
        env["PYTHONHASHSEED"] = seed
        done = subprocess.run(
            [sys.executable, "-m", "grader", "key", "answer_keys/practice09.yaml", "--student", "B12345",
             "--format", "json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["params"] == GOLDEN_B12345


def test_golden_variant_of_B12345(capsys, no_secret):
    assert main(["key", str(ASSIGNMENT), "--student", "B12345", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["student_id"] == "B12345"
    assert record["params"] == GOLDEN_B12345


def test_golden_variants_with_secret_and_other_id(assignment):
    assert params_record(assignment, draw_variants(assignment, ["B12345"], GOLDEN_SECRET), 0) == GOLDEN_B12345_SECRET
    assert params_record(assignment, draw_variants(assignment, ["A0001"]), 0) == GOLDEN_A0001


def test_variant_does_not_depend_on_the_rest_of_the_class(assignment, class_of_10000):
    """B12345 alone, or at any place among other students, gets the same variant."""
    ids, table = class_of_10000
    alone = params_record(assignment, draw_variants(assignment, ["B12345"]), 0)
    for position in (0, 517, 9_999):
        mixed = list(ids[:position]) + ["B12345"] + list(ids[position:position + 300])
        together = draw_variants(assignment, mixed)
        assert params_record(assignment, together, position) == alone
    # and a slice of the big class equals drawing that slice on its own, in reverse order
    part = ids[2000:2300][::-1]
    again = draw_variants(assignment, part)
    expected = table.take(np.arange(2000, 2300)[::-1])
    assert _records(assignment, again) == _records(assignment, expected)


def test_different_ids_give_different_variants(assignment, class_of_10000):
    _, table = class_of_10000
    matrix = np.column_stack([table.columns[spec.name] for spec in assignment.parameters])
    assert len(np.unique(matrix, axis=0)) == len(table)
    default = np.array([default_variant(assignment).columns[spec.name][0] for spec in assignment.parameters])
    assert not np.any(np.all(matrix == default, axis=1))


# ---- constraints ---------------------------------------------------------------------------


def test_constraints_hold_on_10000_random_ids(assignment, class_of_10000):
    _, table = class_of_10000
    violations = constraint_violations(assignment, table.columns)
    for name, broken in violations.items():
        assert not broken.any(), f"{name}: broken by {np.flatnonzero(broken)[:5]}"
    assert acceptable(assignment, table.columns).all()


def test_constraints_checked_directly_on_10000_random_ids(assignment, class_of_10000):
    _, table = class_of_10000
    graph = assignment.graph
    values = graph.reference(table.columns)
    for name in ("s1", "s2", "s3", "s4"):
        assert np.abs(values[name]).max() <= 3.0, name
    for c in CLASSES:
        assert values[f"p_{c}"].min() >= 0.001, c
        # ... so no probability rounds to 0.0000
        assert np.round(values[f"p_{c}"], 4).min() > 0, c
    for question in assignment.numeric_questions:
        value = values[graph.question_nodes[question.id].name]
        assert np.all(np.isfinite(value)), question.id
        assert np.abs(value).min() >= 0.005, question.id
    # The constraint's fixed rounding model (half a unit per step, x1.5, +0.1%) stays below 2% of the
    # value, so the graded tolerance (a whole unit per step, for truncators) stays below 4%: 5% is caught.
    bounds = graph.rounding_bounds(table.columns)
    tolerances = question_tolerances(assignment, table.columns, values)
    for question in assignment.numeric_questions:
        node = graph.question_nodes[question.id].name
        size = np.abs(values[node])
        assert np.all(1.5 * (bounds[node] + 0.5e-4) + 0.001 * size <= 0.02 * size), question.id
        assert np.all(tolerances.allowed(question.id, values[node]) < 0.04 * size), question.id


def test_constraint_violations_agree_with_direct_check_off_the_constrained_set(assignment):
    """On unconstrained grid variants (where violations do occur) the verdicts are the right ones."""
    params = random_grid_params(assignment, 5000, seed=5)
    graph = assignment.graph
    values = graph.reference(params)
    graded = np.vstack([values[graph.question_nodes[q.id].name] for q in assignment.numeric_questions])
    probabilities = np.vstack([values[f"p_{c}"] for c in CLASSES])
    net = np.vstack([values[f"s{k}"] for k in range(1, 5)])
    bounds = graph.rounding_bounds(params)
    tolerance = []
    for q in assignment.numeric_questions:
        node = graph.question_nodes[q.id].name
        tolerance.append(1.5 * (bounds[node] + 0.5e-4) + 0.001 * np.abs(values[node]))
    expected_ok = (
        np.all(np.abs(graded) >= 0.005, axis=0)
        & np.all(probabilities >= 0.001, axis=0)
        & np.all(np.abs(net) <= 3.0, axis=0)
        & np.all(np.vstack(tolerance) <= 0.02 * np.abs(graded), axis=0)
    )
    assert 0 < expected_ok.sum() < len(expected_ok)  # both kinds occur, so the comparison means something
    np.testing.assert_array_equal(acceptable(assignment, params), expected_ok)
    violations = constraint_violations(assignment, params)
    np.testing.assert_array_equal(violations["graded_value_min_abs"], np.any(np.abs(graded) < 0.005, axis=0))
    for k, c in enumerate(CLASSES):
        np.testing.assert_array_equal(violations[f"bounds.p_{c}"], probabilities[k] < 0.001)


def test_the_sheets_own_variant_is_flagged_for_its_tiny_probability(assignment):
    """p_dog = 0.0006 on the sheet: the probability constraint can fail (it is not vacuous)."""
    violations = constraint_violations(assignment, default_variant(assignment).columns)
    assert violations["bounds.p_dog"].tolist() == [True]
    assert violations["graded_value_min_abs"].tolist() == [True]  # p_dog is below 0.005 as well


# ---- grids -----------------------------------------------------------------------------------


def _on_step(values: np.ndarray, step: float) -> bool:
    return bool(np.all(np.abs(values / step - np.round(values / step)) < 1e-9))


def test_drawn_parameters_are_on_their_grids(assignment, class_of_10000):
    _, table = class_of_10000
    for spec in assignment.parameters:
        names = assignment.sheet.categories.get(spec.name)
        allowed = [names.index(v) for v in spec.values] if names else list(spec.values)
        assert np.isin(table.columns[spec.name], allowed).all(), spec.name
    # The same, from what the YAML promises rather than from the parsed grids:
    for name in WEIGHTS:
        w = table.columns[name]
        assert np.all(w != 0) and np.all(np.abs(w) <= 1.0) and _on_step(w, 0.1), name
    for name in SCORES:
        s = table.columns[name]
        assert np.all(np.abs(s) <= 4.0) and _on_step(s, 0.01), name
    x, y = table.columns["x"], table.columns["y"]
    assert np.all((x >= 0.1) & (x <= 1.0)) and _on_step(x, 0.1)
    assert np.all((y >= 0.05) & (y <= 0.95)) and _on_step(y, 0.05)
    assert set(np.unique(table.columns["eta"])) <= {0.05, 0.1, 0.2, 0.5}
    assert set(np.unique(table.columns["true_class"])) <= set(range(len(CLASSES)))


def test_draws_use_the_whole_grid(assignment, class_of_10000):
    """Every weight value, x, y, eta and class occurs among 10,000 students (no stuck or biased bits)."""
    _, table = class_of_10000
    for spec in assignment.parameters:
        if spec.name.startswith("score_"):
            continue
        names = assignment.sheet.categories.get(spec.name)
        allowed = {names.index(v) for v in spec.values} if names else set(spec.values)
        assert set(np.unique(table.columns[spec.name]).tolist()) == allowed, spec.name
    for name in SCORES:
        s = table.columns[name]
        assert s.min() <= -3.5 and s.max() >= 3.5 and len(np.unique(s)) > 600, name


def test_every_weight_grid_excludes_zero(assignment):
    for name in WEIGHTS:
        values = assignment.parameter(name).values
        assert 0.0 not in values and len(values) == 20, name


# ---- secret, reseed, pins ------------------------------------------------------------------


def test_secret_changes_the_variant_and_is_deterministic(assignment):
    ids = [f"S{i:03d}" for i in range(200)]
    plain = _records(assignment, draw_variants(assignment, ids))
    one = _records(assignment, draw_variants(assignment, ids, secret="alpha"))
    again = _records(assignment, draw_variants(assignment, ids, secret="alpha"))
    other = _records(assignment, draw_variants(assignment, ids, secret="beta"))
    assert one == again
    assert sum(a != b for a, b in zip(plain, one)) == len(ids)
    assert sum(a != b for a, b in zip(one, other)) == len(ids)
    assert _records(assignment, draw_variants(assignment, ids, secret="")) == plain


def test_secret_from_option_environment_and_file_agree(capsys, monkeypatch, tmp_path, no_secret):
    args = ["key", str(ASSIGNMENT), "--student", "B12345", "--format", "json"]
    assert main(args + ["--secret", GOLDEN_SECRET]) == 0
    by_option = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("GRADER_SECRET", GOLDEN_SECRET)
    assert main(args) == 0
    by_environment = json.loads(capsys.readouterr().out)
    monkeypatch.delenv("GRADER_SECRET")
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(GOLDEN_SECRET + "\n", encoding="utf-8")
    assert main(args + ["--secret-file", str(secret_file)]) == 0
    by_file = json.loads(capsys.readouterr().out)
    assert by_option == by_environment == by_file
    flat = {k: v for k, v in by_option["params"].items() if k != "scores"}
    flat.update({f"score_{c}": v for c, v in by_option["params"]["scores"].items()})
    assert flat == GOLDEN_B12345_SECRET


def test_reseed_changes_only_that_student(assignment, tmp_path):
    ids = ["B0", "B1", "B2", "B3"] + [f"C{i}" for i in range(60)]
    before = _records(assignment, draw_variants(assignment, ids))
    reseeded = _with_students(tmp_path, {"B1": {"reseed": 1}})
    after = _records(reseeded, draw_variants(reseeded, ids))
    assert after[1] != before[1]
    assert after[:1] + after[2:] == before[:1] + before[2:]
    # reseeding is itself stable, and reseed 0 is the plain draw
    assert _records(reseeded, draw_variants(reseeded, ["B1"])) == [after[1]]
    zero = _with_students(tmp_path, {"B1": {"reseed": 0}})
    assert _records(zero, draw_variants(zero, ids)) == before
    assert acceptable(reseeded, draw_variants(reseeded, ["B1"]).columns).all()


def test_pinned_parameters_apply_and_nobody_else_changes(assignment, tmp_path):
    ids = ["B0", "B2", "B5"] + [f"C{i}" for i in range(60)]
    table_before = draw_variants(assignment, ids)
    before = _records(assignment, table_before)
    pins = {"B2": {"w1": 0.3, "x": 0.4, "true_class": "dog"},  # fine on top of B2's variant
            "B5": {"w11": -0.1}}                                # breaks a constraint on top of B5's
    on_top = {}
    for sid, pin in pins.items():
        row = ids.index(sid)
        columns = {name: column[row:row + 1].copy() for name, column in table_before.columns.items()}
        for name, value in pin.items():
            columns[name][0] = CLASSES.index(value) if name == "true_class" else value
        on_top[sid] = bool(acceptable(assignment, columns)[0])
    assert on_top == {"B2": True, "B5": False}  # so both cases below are exercised

    pinned = _with_students(tmp_path, {sid: {"params": pin} for sid, pin in pins.items()})
    table = draw_variants(pinned, ids)
    after = _records(pinned, table)
    assert acceptable(pinned, table.columns).all()
    for sid, pin in pins.items():
        row = ids.index(sid)
        assert {name: after[row][name] for name in pin} == pin, sid
    # B2: the pins go on top of the variant B2 already had; the rest stays as drawn.
    row = ids.index("B2")
    assert {k: v for k, v in after[row].items() if k not in pins["B2"]} == {
        k: v for k, v in before[row].items() if k not in pins["B2"]}
    # B5: the pinned variant broke a constraint, so the rest was drawn afresh (deterministically).
    assert after[2] != before[2]
    assert _records(pinned, draw_variants(pinned, ["B5"])) == [after[2]]
    # everyone else: untouched
    assert after[:1] + after[3:] == before[:1] + before[3:]


def test_fully_pinned_variant_is_taken_as_given(assignment, tmp_path):
    """Every parameter pinned (here: the sheet's own numbers) is the instructor's call: used as is."""
    sheet = params_record(assignment, default_variant(assignment), 0)
    pinned = _with_students(tmp_path, {"B3": {"params": sheet}})
    assert params_record(pinned, draw_variants(pinned, ["B3"]), 0) == sheet


def test_pinning_a_parameter_to_its_own_value_changes_nothing(assignment, tmp_path):
    """Regression: pins once restarted the constraint search at attempt 0, so S17 (drawn at attempt 14)
    got a whole new variant when w1 was pinned to the value it already had."""
    ids = [f"S{i}" for i in range(40)]
    table = draw_variants(assignment, ids)
    before = _records(assignment, table)
    student = ids.index("S17")
    assert table.attempts[student] > 0  # the case that went wrong: a variant found after re-draws
    pinned = _with_students(tmp_path, {"S17": {"params": {"w1": before[student]["w1"]}}})
    after = _records(pinned, draw_variants(pinned, ids))
    assert after[student] == before[student]


# ---- other ways to make a variant ----------------------------------------------------------


def test_variant_from_params_round_trips(assignment, class_of_10000):
    _, table = class_of_10000
    for row in (0, 1, 4321):
        record = params_record(assignment, table, row)
        again = variant_from_params(assignment, "X", record)
        assert params_record(assignment, again, 0) == record
    # a template's numbers come back as text, and still give the same variant
    as_text = {k: str(v) for k, v in params_record(assignment, table, 7).items()}
    assert params_record(assignment, variant_from_params(assignment, "X", as_text), 0) == params_record(
        assignment, table, 7
    )


def test_default_variant_is_the_sheets(assignment):
    table = default_variant(assignment)
    assert table.student_ids == (None,)
    record = params_record(assignment, table, 0)
    assert record["true_class"] == "airplane" and record["w13"] == -0.8 and record["score_airplane"] == 3.91


# ---- variants stay put ---------------------------------------------------------------------
# sha256 of the parameters drawn for 3,002 ids, without a secret and with one, as they were drawn
# before the grading rules changed (commit 7eca539): no edit of the grader may change a student's numbers.
_PARAMS_SHA256 = "1bd2634cc8c65e248a95f94a4b9e6b911417f7efc9716f14c036dc79ffa99d32"


def _params_digest(assignment) -> str:
    import csv
    import hashlib
    import io

    from grader.key import compute_key
    from grader.report.keyfile import key_table

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for secret in (None, "s3cret"):
        ids = [f"S{i:05d}" for i in range(3000)] + ["B10001", "alice@example.org"]
        header, rows = key_table(compute_key(assignment, draw_variants(assignment, ids, secret)))
        width = len(assignment.parameters) + 1
        for row in rows:
            writer.writerow([secret or ""] + [repr(v) if isinstance(v, float) else v for v in row[:width]])
    return hashlib.sha256(out.getvalue().encode()).hexdigest()


def test_practice09_variants_are_the_ones_students_were_issued(assignment):
    assert _params_digest(assignment) == _PARAMS_SHA256


@pytest.mark.parametrize("grading", [
    {"tolerance": {"safety": 3.0}},
    {"tolerance": {"mode": "relabs", "rel": 0.05, "abs": 0.01}},
    {"tolerance": {"mode": "decimals", "places": 2}},
    {"tolerance": {"rel": 0.0, "rounding_decimals": 2}, "follow_through": 0.5, "slip": 0.5, "slip_carry": False},
], ids=["safety-3", "relabs", "decimals-2", "everything"])
def test_editing_the_grading_settings_never_redraws_anybody(grading):
    import yaml

    from grader.assignment import parse_assignment

    document = yaml.safe_load(open("answer_keys/practice09.yaml", encoding="utf-8"))
    document["grading"].update({k: v for k, v in grading.items() if k != "tolerance"})
    document["grading"]["tolerance"].update(grading["tolerance"])
    document["questions"][0]["tolerance"] = {"mode": "sigfigs", "digits": 2}  # and one question's own
    edited = parse_assignment(document, "edited.yaml")
    ids = [f"S{i:04d}" for i in range(200)]
    for secret in (None, "s3cret"):
        before = draw_variants(parse_assignment(yaml.safe_load(open("answer_keys/practice09.yaml", encoding="utf-8")),
                                                "original.yaml"), ids, secret)
        after = draw_variants(edited, ids, secret)
        for name, column in before.columns.items():
            np.testing.assert_array_equal(after.columns[name], column, err_msg=name)
