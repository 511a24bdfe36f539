"""``grader lint`` from a sheet author's side: a sheet file in, the lines printed and the exit code out.

Every shipped sheet lints clean; copies of practice09 with one thing broken each name the field
and what was expected, one line per problem, exit 2, never a traceback.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from console import run

ROOT = Path(__file__).resolve().parents[2]
PRACTICE09 = ROOT / "answer_keys" / "practice09.yaml"
SHEETS = sorted((ROOT / "answer_keys").glob("*.yaml"))


@pytest.fixture(scope="module")
def practice09() -> dict[str, Any]:
    return yaml.safe_load(PRACTICE09.read_text(encoding="utf-8"))


@pytest.fixture
def broken(tmp_path, practice09) -> Callable[[Callable[[dict], None]], tuple[int, str, list[str], str]]:
    """``broken(change)``: lint a copy of practice09 with ``change`` applied to its document:
    (exit code, the file's name, the problem lines on stderr, stdout)."""

    def lint(change: Callable[[dict], None]) -> tuple[int, str, list[str], str]:
        document = copy.deepcopy(practice09)
        change(document)
        path = tmp_path / "practice09.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        code, out, err = run("lint", str(path))
        assert "Traceback" not in out + err
        return code, str(path), err.splitlines(), out

    return lint


def question(document: dict, qid: str) -> dict:
    return next(q for q in document["questions"] if q["id"] == qid)


def fields(file: str, lines: list[str]) -> list[str]:
    """The field each problem line names (every line must be ``FILE: field: message``)."""
    found = []
    for line in lines:
        assert line.startswith(f"{file}: "), line
        field, _, message = line[len(file) + 2:].partition(": ")
        assert field and message, line
        found.append(field)
    return found


@pytest.mark.parametrize("sheet", SHEETS, ids=[p.name for p in SHEETS])
def test_every_shipped_sheet_lints_clean_in_one_line(sheet):
    path = str(sheet.relative_to(ROOT))
    code, out, err = run("lint", path)
    assert (code, err) == (0, ""), err
    assert re.fullmatch(rf"{re.escape(path)}: ok: \d+ numeric questions?, \d+ slips?, 1,000 drawn variants checked"
                        rf"(; note: .*)?\n", out), out


def test_practice09_says_what_it_checked():
    code, out, _ = run("lint", str(PRACTICE09))
    assert code == 0 and f"{PRACTICE09}: ok: 29 numeric questions, 9 slips, 1,000 drawn variants checked" in out


def test_a_cycle_is_one_line_naming_the_quantity(broken):
    code, file, lines, out = broken(lambda d: d["quantities"]["s1"].update(expr="w1*x + w2 + a1"))
    assert code == 2 and out == "" and fields(file, lines) == ["quantities.s1"]
    assert "a cycle: s1 reads a1 reads s1" in lines[0]


def test_an_unknown_name_in_an_expression_is_quoted(broken):
    code, file, lines, _ = broken(lambda d: d["quantities"]["s1"].update(expr="w1*x + w14"))
    assert code == 2 and fields(file, lines) == ["quantities.s1.expr"]
    assert "unknown name 'w14'" in lines[0]


@pytest.mark.parametrize("slip, target, expression", [
    ("half_squared_error", "E", "(y - y_hat)**2"),                 # a question
    ("missing_factor_2", "dE_dyhat", "-2*(y - y_hat)"),           # a step that shows only in the gradients
    ("update_sign", "w1_new", "w1 - eta*dE_dw1"),                 # one of two replacements
])
def test_a_slip_identical_to_its_quantity_is_named(broken, slip, target, expression):
    code, file, lines, _ = broken(lambda d: d["slips"][slip]["replace"].update({target: expression}))
    assert code == 2 and fields(file, lines) == [f"slips.{slip}.replace.{target}"]
    assert "gives the same value as the quantity itself on every variant; expected a different mistake" in lines[0]


def test_a_tolerance_too_tight_for_a_4_decimal_rounder_is_named(broken):
    code, file, lines, _ = broken(lambda d: question(d, "E").update(
        tolerance={"mode": "relabs", "rel": 0, "abs": 1e-9}))
    assert code == 2 and fields(file, lines) == ["questions[E]"]
    assert re.search(r"a 4-decimal rounder loses points on [\d,]+ of 1,000 drawn variants \(e\.g\. lint\d{4}", lines[0])
    assert "expected full marks" in lines[0]


def test_a_tolerance_too_loose_to_catch_a_5_percent_error_is_named(broken):
    code, file, lines, _ = broken(lambda d: question(d, "E").update(tolerance={"mode": "relabs", "rel": 0.2}))
    assert code == 2 and fields(file, lines) == ["questions[E].tolerance"]
    assert "an answer 5% off is accepted as correct on 1,000 of 1,000 drawn variants" in lines[0]


def test_constraints_that_cannot_be_met_are_named(broken):
    code, file, lines, _ = broken(lambda d: d["constraints"]["bounds"].update(s1={"abs_max": 0.0001}))
    assert code == 2 and set(fields(file, lines)) == {"constraints"}
    assert any("cannot be met" in line and "bounds.s1" in line for line in lines)


def test_the_default_variant_breaking_a_constraint_it_does_not_list_is_named(broken):
    code, file, lines, _ = broken(lambda d: d.update(default_breaks=["graded_value_min_abs"]))
    assert code == 2 and fields(file, lines) == ["constraints"]
    assert "the default variant" in lines[0] and "bounds.p_dog" in lines[0] and "p_dog = 0.0005986" in lines[0]
    assert "default_breaks" in lines[0]


def test_default_breaks_lists_only_constraints_the_default_breaks(broken):
    code, file, lines, _ = broken(lambda d: d["default_breaks"].extend(["bounds.s1", "bounds.nothing"]))
    assert code == 2 and fields(file, lines) == ["default_breaks", "default_breaks"]
    assert "lists bounds.s1, but the default variant meets it" in lines[0]
    assert "'bounds.nothing', which is not a constraint of this sheet" in lines[1]


def test_every_problem_is_reported_not_only_the_first(broken):
    def change(d):
        question(d, "E")["tolerance"] = {"mode": "relabs", "rel": 0.2}
        question(d, "a1")["tolerance"] = {"mode": "relabs", "rel": 0, "abs": 1e-9}
        d["slips"]["log10_loss"]["replace"]["loss"] = d["quantities"]["loss"]["expr"]
        del d["default_breaks"]

    code, file, lines, _ = broken(change)
    assert code == 2
    assert sorted(fields(file, lines)) == sorted(["constraints", "constraints", "slips.log10_loss.replace.loss",
                                                  "questions[a1]", "questions[E].tolerance"])


def test_a_constant_quantity_is_one_value_for_every_variant(broken):
    code, file, lines, out = broken(lambda d: d["quantities"]["s1"].update(expr="0.7"))
    assert (code, lines) == (0, []) and out.count("\n") == 1, (lines, out)


@pytest.mark.parametrize("content", [None, "- [not yaml\n", "- a list\n", "\xff\xfe"], ids=[
    "missing", "bad-yaml", "not-a-mapping", "not-utf8"])
def test_a_file_that_cannot_be_read_is_one_line(tmp_path, content):
    path = tmp_path / "sheet.yaml"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    code, out, err = run("lint", str(path))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1 and err.startswith(f"{path}: ")


def test_several_files_each_get_their_lines_and_one_broken_file_fails_the_run(tmp_path):
    missing = tmp_path / "missing.yaml"
    code, out, err = run("lint", str(PRACTICE09), str(missing))
    assert code == 2
    assert out.startswith(f"{PRACTICE09}: ok: ") and len(out.splitlines()) == 1
    assert err == f"{missing}: (file): expected an existing assignment file (a sheet such as answer_keys/practice09.yaml), got no such file\n"
