"""key.csv from ``grader variants``: its numbers read back exactly, and ``--key`` grades the variants
as issued, even after the assignment file changed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from console import run
import yaml

from grader.assignment import load_assignment

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"
IDS = ("B10001", "B10002", "B10003")


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Handouts and key.csv for three students, and each one's answers worked from key.csv (to 4 decimals)."""
    folder = tmp_path_factory.mktemp("issued")
    roster = folder / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(IDS) + "\n", encoding="utf-8")
    assert run("variants", str(ASSIGNMENT), "--roster", str(roster), "--out", str(folder / "out"))[0] == 0
    key_rows = list(csv.DictReader(open(folder / "out" / "key.csv", encoding="utf-8")))
    numeric = [q.id for q in load_assignment(ASSIGNMENT).numeric_questions]
    hand_ins = folder / "hand_ins"
    hand_ins.mkdir()
    for row in key_rows:
        answers = "".join(f"  {q}: {round(float(row[q]), 4)!r}\n" for q in numeric)
        (hand_ins / f"{row['student_id']}_practice09.yaml").write_text(
            f"student_id: {row['student_id']}\nanswers:\n{answers}", encoding="utf-8")
    # The instructor later edits the assignment's grids: drawing again would give other numbers.
    document = yaml.safe_load(ASSIGNMENT.read_text(encoding="utf-8"))
    for name in ("w1", "w5", "x"):
        document["parameters"][name]["grid"]["min"] = 0.2
    edited = folder / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder / "out" / "key.csv", hand_ins, edited, key_rows


def test_key_csv_prints_each_number_with_the_fewest_digits_that_read_back(issued):
    key_csv, _, _, rows = issued
    header = list(rows[0])
    assert header[0] == "student_id" and header[1:4] == ["x", "y", "eta"]
    for row in rows:
        for name, cell in row.items():
            try:
                value = float(cell)
            except ValueError:
                continue
            assert repr(value) == cell, (name, cell)
        assert all(len(row[f"w{i}"]) <= 4 for i in range(1, 14))  # grid values as the handout shows them: -0.9


def test_grade_with_the_key_grades_the_variants_as_issued_after_the_file_changed(issued, tmp_path):
    key_csv, hand_ins, edited, _ = issued
    assert run("grade", str(edited), str(hand_ins), "--out", str(tmp_path / "with"), "--key", str(key_csv))[0] == 0
    book = list(csv.DictReader(open(tmp_path / "with" / "gradebook.csv", encoding="utf-8")))
    assert [(r["student_id"], r["total"]) for r in book] == [(sid, "29") for sid in IDS]
    # Without the key the edited file draws other numbers, and the same answers no longer fit.
    assert run("grade", str(edited), str(hand_ins), "--out", str(tmp_path / "without"))[0] == 0
    book = list(csv.DictReader(open(tmp_path / "without" / "gradebook.csv", encoding="utf-8")))
    assert any(r["total"] != "29" for r in book)


def test_check_with_the_key_agrees_with_grade(issued):
    key_csv, hand_ins, edited, _ = issued
    code, out, _ = run("check", str(edited), str(hand_ins / "B10002_practice09.yaml"), "--key", str(key_csv),
                       "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["points"] == 29 and result["warnings"] == []


def test_a_student_missing_from_the_key_is_graded_on_the_drawn_variant_and_told(issued, tmp_path):
    key_csv, hand_ins, _, _ = issued
    extra = tmp_path / "B99999_practice09.yaml"
    extra.write_text("student_id: B99999\nanswers:\n  s1: 0.7\n", encoding="utf-8")
    code, out, _ = run("check", str(ASSIGNMENT), str(extra), "--key", str(key_csv), "--format", "json")
    assert code == 0
    assert json.loads(out)["warnings"] == ["not in key.csv: graded against the variant drawn for this id"]


@pytest.mark.parametrize("content, expected", [
    ("student_id,x,y\nB1,0.5,0.25\n", "line 1: expected a column for every parameter of practice09, got none for eta"),
    ("id,x\nB1,0.5\n", "line 1: expected a column 'student_id' (key.csv from grader variants), got id, x"),
])
def test_a_key_without_the_parameters_fails_at_once_with_one_line(tmp_path, content, expected):
    bad = tmp_path / "key.csv"
    bad.write_text(content, encoding="utf-8")
    code, _, err = run("grade", str(ASSIGNMENT), str(tmp_path), "--out", str(tmp_path / "out"), "--key", str(bad))
    assert code == 2
    assert err.count("\n") == 1 and str(bad) in err and expected in err


def test_a_bad_number_in_the_key_names_its_line(issued, tmp_path):
    key_csv, hand_ins, _, _ = issued
    text = key_csv.read_text(encoding="utf-8").splitlines()
    cells = text[2].split(",")
    cells[1] = "half"
    bad = tmp_path / "key.csv"
    bad.write_text("\n".join([text[0], text[1], ",".join(cells)]) + "\n", encoding="utf-8")
    code, _, err = run("check", str(ASSIGNMENT), str(hand_ins / "B10001_practice09.yaml"), "--key", str(bad))
    assert code == 2 and "line 3: x: expected a number, got 'half'" in err
