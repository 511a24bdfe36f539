"""What a new instructor or student stumbles on, from the command line (issue 13): each error line says
the file, the field, what was expected and what was found; a YAML answer with a colon says to quote it;
a free-text question gets a person's points; 1e-3 is a number; notes beside the submissions are ignored."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from console import run

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "answer_keys" / "practice09.yaml"
HANDED_IN = ROOT / "submissions_example" / "handed_in"
ONE = HANDED_IN / "B10001_practice09.yaml"
# FILE: FIELD: expected WHAT, got WHAT-WAS-FOUND (the field may itself hold a ': ', e.g. "line 3: x")
ERROR_LINE = re.compile(r"^grader: (?P<file>[^:]+): (?P<field>.+?): expected .+, got .+$")


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def sheet_with(tmp_path: Path, old: str, new: str, name: str = "practice09.yaml") -> Path:
    text = SHEET.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --- d: every configuration or usage error names what was expected and what was found -------------

BROKEN_SHEETS = [  # (text in practice09.yaml, replaced by, the field named)
    ("id: practice09", "id: 9", "id"),
    ('title: "Practice session 9: backpropagation and softmax"\n', "", "title"),
    ("  rel: 0.001 ", "  rel: a lot ", "grading.tolerance.rel"),
    ("slip_carry: true", "slip_carry: sometimes", "grading.slip_carry"),
    ("  - {id: E, prompt:", "  - {id: E, kind: essay, prompt:", "questions[E].kind"),
    ("  - {id: E, prompt:", "  - {id: E, colour: red, prompt:", "questions[E].colour"),
    ("  - {id: a4, prompt:", "  - {id: a3, prompt:", "questions[a3].id"),
    ("graded_value_min_abs: 0.005", "graded_value_min_abs: small", "constraints.graded_value_min_abs"),
]


@pytest.mark.parametrize("old, new, field", BROKEN_SHEETS, ids=[b[2] for b in BROKEN_SHEETS])
def test_a_broken_assignment_file_says_file_field_expected_and_got(tmp_path, old, new, field):
    broken = sheet_with(tmp_path, old, new)
    code, out, err = run("key", str(broken))
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    found = ERROR_LINE.match(err.rstrip("\n"))
    assert found, err
    assert (found["file"], found["field"]) == (str(broken), field)
    assert "expected expected" not in err and "missing;" not in err


def test_a_missing_assignment_file_says_what_was_expected(tmp_path):
    code, _, err = run("key", str(tmp_path / "practice9.yaml"))
    assert code == 2 and ERROR_LINE.match(err.rstrip("\n")), err
    assert "answer_keys/practice09.yaml" in err and err.rstrip().endswith("got no such file")


@pytest.mark.parametrize("content, field", [
    ("student,question,points\nB10001,s1,1\n", "line 1"),
    ("student_id,question,points,comment\nB10001,s1,one,typed in\n", "line 2"),
    ("student_id,question,points,comment\nB10001,s99,1,\n", "line 2"),
    ("student_id,question,points,comment\n,s1,1,\n", "line 2"),
    ("student_id,question,points,comment\nB10001,s1,1,\nB10001,s1,0,\n", "line 3"),
    ("student_id,question,points,comment\nB10001,q1a_vi,2,good\n", "line 2"),
])
def test_a_broken_overrides_file_says_line_expected_and_got(tmp_path, content, field):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(content, encoding="utf-8")
    code, _, err = run("grade", str(SHEET), str(ONE), "--out", str(tmp_path / "out"), "--overrides", str(overrides))
    assert code == 2 and err.count("\n") == 1, err
    found = ERROR_LINE.match(err.rstrip("\n"))
    assert found and (found["file"], found["field"]) == (str(overrides), field), err


@pytest.mark.parametrize("argv, start", [
    (("check", str(SHEET), "nowhere.yaml"), "grader: nowhere.yaml: expected a submission file"),
    (("grade", str(SHEET), "nowhere", "--out", "OUT"), "grader: nowhere: expected a submission file or folder"),
    (("grade", str(SHEET), str(ONE), "--out", "OUT", "--overrides", "none.csv"), "grader: --overrides: expected"),
    (("grade", str(SHEET), str(ONE), "--out", "OUT", "--jobs", "0"), "grader: --jobs: expected"),
])
def test_a_usage_error_says_what_was_expected_and_what_was_found(tmp_path, monkeypatch, argv, start):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*argv)
    assert code == 2 and err.startswith(start) and ", got " in err and err.count("\n") == 1, err


# --- e: a colon in a YAML free-text answer ------------------------------------------------------

def test_an_unquoted_colon_in_a_yaml_answer_names_the_file_once_the_line_and_says_to_quote_it(tmp_path):
    path = tmp_path / "B10001_practice09.yaml"
    path.write_text("student_id: B10001\nanswers:\n  s1: 0.7\n  q1a_vi: no: we are far off\n", encoding="utf-8")
    code, out, err = run("check", str(SHEET), str(path))
    assert code == 2 and out == ""
    assert err.count(str(path)) == 1 and err.count("\n") == 1
    assert err.startswith(f"grader: {path}, line 4: broken YAML: ")
    assert err.rstrip().endswith("""a text holding ': ' must be in quotes, e.g. q1a_vi: "no: we are far off\"""")
    path.write_text('student_id: B10001\nanswers:\n  s1: 0.7\n  q1a_vi: "no: we are far off"\n', encoding="utf-8")
    assert run("check", str(SHEET), str(path))[0] == 0


def test_other_broken_yaml_gets_no_advice_about_quotes(tmp_path):
    path = tmp_path / "B10001_practice09.yaml"
    path.write_text("student_id: B10001\nanswers:\n  s1: 0.7\n   s2: [1.0\n", encoding="utf-8")
    code, _, err = run("check", str(SHEET), str(path))
    assert code == 2 and "line 4: broken YAML" in err and "quotes" not in err


# --- f: a person's points for a free-text question ----------------------------------------------

def test_a_free_text_question_with_points_gets_a_persons_points_and_a_column(tmp_path):
    sheet = sheet_with(tmp_path, '{id: q1a_vi, kind: text, prompt:', '{id: q1a_vi, kind: text, points: 2, prompt:')
    folder = tmp_path / "handed_in"
    folder.mkdir()
    for sid in ("B10001", "B10005"):
        shutil.copy(HANDED_IN / f"{sid}_practice09.yaml", folder)
    out = tmp_path / "out"
    out.mkdir()
    # saved by a spreadsheet program on Windows: cp1252 (g), a comment with an umlaut
    (out / "overrides.csv").write_bytes("student_id,question,points,comment\nB10001,q1a_vi,1.5,gut begründet\n"
                                        .encode("cp1252"))
    code, _, err = run("grade", str(sheet), str(folder), "--out", str(out))
    assert code == 0, err
    rows = gradebook(out)
    header = list(next(iter(rows.values())))
    assert header.index("auto_total") > header.index("similar_to") > header.index("status")
    assert header.index("q1a_vi") == header.index("auto_total") + 1
    graded, untouched = rows["B10001"], rows["B10005"]
    assert graded["max_total"] == untouched["max_total"] == "31"
    assert graded["q1a_vi"] == "1.5" and float(graded["total"]) == float(graded["auto_total"]) + 1.5
    assert untouched["q1a_vi"] == "0" and untouched["total"] == untouched["auto_total"]
    # the student sees the question's points as the gradebook counts them
    code, text, _ = run("check", str(sheet), str(folder / "B10001_practice09.yaml"), "--format", "json")
    report = json.loads(text)
    assert code == 0 and report["max_points"] == 31
    assert report["questions"]["q1a_vi"]["hint"] == "read by a person, who gives up to 2 points"


def test_points_for_a_free_text_question_worth_none_say_how_to_give_it_some(tmp_path):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("student_id,question,points,comment\nB10001,q1a_vi,1,\n", encoding="utf-8")
    code, _, err = run("grade", str(SHEET), str(ONE), "--out", str(tmp_path / "out"), "--overrides", str(overrides))
    assert code == 2
    assert "line 2: expected no points for q1a_vi, which is worth 0 in the assignment file (give the question " \
           "points: N there to grade it by hand), got '1'" in err


# --- h: numbers such as 1e-3 in the assignment file ---------------------------------------------

def test_exponent_numbers_in_the_assignment_file_are_numbers(tmp_path):
    sheet = sheet_with(tmp_path, "rel: 0.001 ", "rel: 1e-3 ")
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("graded_value_min_abs: 0.005",
                                                                "graded_value_min_abs: 5E-3"), encoding="utf-8")
    code, same, err = run("key", str(sheet), "--student", "B10001", "--format", "json")
    assert code == 0, err
    assert same == run("key", str(SHEET), "--student", "B10001", "--format", "json")[1]
    from grader.assignment import load_assignment

    loaded = load_assignment(sheet)
    assert loaded.constraints.graded_value_min_abs == 0.005
    assert loaded.numeric_questions[0].tolerance.rel == 0.001


# --- c: notes beside the submissions, and a student's .txt ---------------------------------------

def test_a_txt_of_notes_is_ignored_and_a_students_txt_or_a_table_without_an_id_is_read(tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    shutil.copy(HANDED_IN / "B10011_practice09.txt", folder)  # a student's, tab-separated
    (folder / "grading plan.txt").write_text("B10001 asked for more time.\nGrade q2 by Friday.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "late.txt").write_text("question,answer\nstudent_id,B10020\ns1,0.7\n", encoding="utf-8")
    code, _, err = run("grade", str(SHEET), str(folder), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert set(gradebook(tmp_path / "out")) == {"B10011", "B10020"}
    with open(tmp_path / "out" / "files.csv", encoding="utf-8", newline="") as handle:
        fates = {Path(row["file"]).name: row for row in csv.DictReader(handle)}
    assert {name: fate["status"] for name, fate in fates.items()} == {
        "B10011_practice09.txt": "graded", "late.txt": "graded", "grading plan.txt": "ignored", "empty.txt": "ignored"}
    assert "no submission table" in fates["grading plan.txt"]["reason"]


def test_a_folder_of_notes_only_is_an_empty_folder(tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing yet\n", encoding="utf-8")
    (folder / "README.md").write_text("# practice 9\n", encoding="utf-8")
    code, _, err = run("grade", str(SHEET), str(folder), "--out", str(tmp_path / "out"))
    assert code == 2 and err.startswith(f"grader: {folder}: no submission files found (2 ignored")


def test_grade_help_says_when_an_empty_folder_is_an_error(capsys):
    from grader.cli import main

    with pytest.raises(SystemExit) as done:
        main(["grade", "--help"])
    assert done.value.code == 0
    assert "error (exit 2) unless --roster is given" in " ".join(capsys.readouterr().out.split())
