"""``grader check``: what a student sees for a file, as text or SPEC's JSON, and that it agrees with the gradebook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from console import run

from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.key import compute_key

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = str(ROOT / "answer_keys" / "practice09.yaml")
EXAMPLE = ROOT / "submissions_example" / "handed_in"
OUTCOMES = {"correct", "follow_through", "slip", "wrong", "unreadable", "missing", "text"}


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory) -> dict[str, dict[str, str]]:
    out = tmp_path_factory.mktemp("graded")
    assert run("grade", ASSIGNMENT, str(EXAMPLE), "--out", str(out))[0] == 0
    return {r["student_id"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLE.iterdir()
                                        if not p.name.startswith("~") and p.name != "B10008_practice09.yaml"))
def test_check_gives_every_example_file_the_points_the_gradebook_gives_it(name, gradebook):
    code, out, err = run("check", ASSIGNMENT, str(EXAMPLE / name), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    for result in document if isinstance(document, list) else [document]:
        assert set(result) == {"student_id", "points", "max_points", "warnings", "questions"}
        assert result["points"] == float(gradebook[result["student_id"]]["total"])
        assert result["max_points"] == float(gradebook[result["student_id"]]["max_total"])
        sheet = load_assignment(ASSIGNMENT)
        assert list(result["questions"]) == [q.id for q in sheet.questions]
        for qid, entry in result["questions"].items():
            assert set(entry) == {"outcome", "points", "hint", "slip"} and entry["outcome"] in OUTCOMES, qid


def test_json_never_shows_a_reference_value_unless_revealed():
    path = EXAMPLE / "B10004_practice09.xlsx"
    sheet = load_assignment(ASSIGNMENT)
    right = compute_key(sheet, draw_variants(sheet, ["B10004"])).answers(0)
    hidden = run("check", ASSIGNMENT, str(path), "--format", "json")[1]
    shown = json.loads(run("check", ASSIGNMENT, str(path), "--format", "json", "--reveal")[1])
    assert not [q for q, v in right.items() if f"{v:.6g}" in hidden or repr(v) in hidden]
    assert {q: shown["questions"][q]["expected"] for q in right} == right


def test_the_text_says_what_the_json_says():
    path = EXAMPLE / "B10005_practice09.yaml"
    text = run("check", ASSIGNMENT, str(path))[1]
    result = json.loads(run("check", ASSIGNMENT, str(path), "--format", "json")[1])
    assert f"{result['points']:g} of {result['max_points']:g} points" in text
    for qid, entry in result["questions"].items():
        if entry["outcome"] != "text":
            line = next(line for line in text.splitlines() if line[2:].split(" ")[0] == qid)
            assert line.split()[2] == entry["outcome"], line


def test_a_file_that_is_no_submission_exits_2_with_one_line_on_stderr(tmp_path):
    code, out, err = run("check", ASSIGNMENT, str(EXAMPLE / "B10008_practice09.yaml"), "--format", "json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "B10008_practice09.yaml" in err and "Traceback" not in err
    empty = tmp_path / "notes.csv"
    empty.write_text("just some notes\n", encoding="utf-8")
    code, out, err = run("check", ASSIGNMENT, str(empty))
    assert code == 2 and "notes.csv" in err and err.count("\n") == 1


def test_an_unquoted_decimal_comma_in_a_comma_csv_is_read_and_said(tmp_path):
    sheet = load_assignment(ASSIGNMENT)
    right = compute_key(sheet, draw_variants(sheet, ["B31337"])).answers(0)
    lines = ["question,answer", "student_id,B31337"]
    for qid, value in right.items():
        text = f"{value:.4f}"
        lines.append(f"{qid},{text.replace('.', ',')}" if qid == "a1" else f"{qid},{text}")
    path = tmp_path / "B31337_practice09.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = json.loads(run("check", ASSIGNMENT, str(path), "--format", "json")[1])
    assert result["questions"]["a1"]["outcome"] == "correct"
    assert any("unquoted decimal comma" in w and f"{right['a1']:.4f}"[:6] in w for w in result["warnings"])
    assert result["points"] == 29
