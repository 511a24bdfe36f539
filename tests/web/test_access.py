"""Access codes where the instructor sees them (``grader key``, key.csv, the handout) and where the
server needs them; ``grader serve`` refuses to start without a secret."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from console import run

from grader.access import ALPHABET, access_code, code_matches
from grader.errors import UsageError
from grader.shards import question_set
from grader.submissions.draft import Origin
from grader.submissions.yaml_format import read_yaml
from grader.web import create_app
from grader.web.handins import submission_text
from web.helpers import ASSIGNMENT, SECRET, STUDENT

SHEET = str(ASSIGNMENT)


def test_a_code_is_8_unambiguous_characters_from_secret_assignment_and_student():
    made = access_code(SECRET, "practice09", STUDENT)
    assert len(made) == 9 and made[4] == "-"
    assert all(c in ALPHABET for c in made.replace("-", "")) and not set("0O1lI") & set(ALPHABET)
    assert made == access_code(SECRET, "practice09", STUDENT)
    others = {access_code("other", "practice09", STUDENT), access_code(SECRET, "practice10", STUDENT),
              access_code(SECRET, "practice09", "B10002")}
    assert made not in others
    assert code_matches(SECRET, "practice09", STUDENT, made.lower().replace("-", ""))
    assert not code_matches(SECRET, "practice09", STUDENT, "")
    assert not code_matches(SECRET, "practice09", STUDENT, "\u00e9" * 8)


def test_grader_key_json_carries_the_access_code_only_with_a_secret(no_secret):
    with_secret = json.loads(run("key", SHEET, "--student", STUDENT, "--format", "json", "--secret", SECRET)[1])
    assert with_secret["access_code"] == access_code(SECRET, "practice09", STUDENT)
    assert list(with_secret) == ["assignment", "student_id", "params", "access_code", "answers"]
    without = json.loads(run("key", SHEET, "--student", STUDENT, "--format", "json")[1])
    assert "access_code" not in without
    assert "access_code" not in json.loads(run("key", SHEET, "--secret", SECRET)[1])  # the sheet's own variant


def test_key_csv_has_the_access_code_column_after_the_parameters_only_with_a_secret(tmp_path, no_secret, assignment):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nB10001\nB10002\n", encoding="utf-8")
    for secret in (SECRET, None):
        out = tmp_path / f"out-{bool(secret)}"
        extra = ["--secret", secret] if secret else []
        assert run("variants", SHEET, "--roster", str(roster), "--out", str(out), *extra)[0] == 0
        rows = list(csv.reader((out / "key.csv").read_text(encoding="utf-8").splitlines()))
        printed = run("key", SHEET, "--roster", str(roster), "--format", "csv", *extra)[1]
        assert list(csv.reader(printed.splitlines())) == rows
        parameters = [p.name for p in assignment.parameters]
        answers = [q.id for q in assignment.numeric_questions]
        codes = ["access_code"] if secret else []
        assert rows[0] == ["student_id", *parameters, *codes, *answers]
        handout = (out / "students" / "B10001" / "handout.md").read_text(encoding="utf-8")
        page = (out / "students" / "B10001" / "handout.html").read_text(encoding="utf-8")
        if secret:
            shown = access_code(secret, "practice09", "B10001")
            assert [r[len(parameters) + 1] for r in rows[1:]] == [shown, access_code(secret, "practice09", "B10002")]
            assert f"Your access code for the web page: {shown}" in handout and shown in page
        else:
            assert "access code" not in handout and "access code" not in page


def test_grader_serve_without_a_secret_exits_2_with_one_line(no_secret, tmp_path):
    code, out, err = run("serve", SHEET, "--handins", str(tmp_path / "in"), "--port", "1")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "secret" in err
    assert not (tmp_path / "in").exists()
    with pytest.raises(UsageError):
        create_app(ASSIGNMENT, tmp_path / "in", None)


def test_a_deadline_needs_an_offset(tmp_path):
    with pytest.raises(UsageError, match="offset"):
        create_app(ASSIGNMENT, tmp_path, SECRET, deadline="2026-12-24T12:00:00")
    code, _, err = run("serve", SHEET, "--handins", str(tmp_path), "--deadline", "24.12.2026", "--secret", SECRET)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--deadline" in err


@pytest.mark.parametrize("text", ["0,7", "010", "yes", "null", "~", "", " ", "a: b # c", "- 1", "'quoted'",
                                  '"double"', "line one\nline two", "tab\there", "!!python/object:os.system",
                                  "*alias", "&anchor x", "{s1: 1}", "[1, 2]", "\u0177 = 0.5", "\x00\x07",
                                  "--- \n...", "%YAML 1.1", "\u2028\u2029", "x" * 1000])
def test_answers_are_written_as_yaml_that_reads_back_as_they_were(assignment, text):
    data = submission_text(assignment, question_set(assignment), "B1 <x>: 'y'", {"q1a_vi": text, "s1": text},
                           "2027-01-15T08:00:00+00:00")
    assert yaml.safe_load(data)["student_id"] == "B1 <x>: 'y'"
    [read] = read_yaml(data.encode("utf-8"), Origin("x.yaml"), question_set(assignment))
    assert read.student_id == "B1 <x>: 'y'"
    assert read.answers["q1a_vi"].raw == text and read.answers["s1"].raw == text
    assert set(read.answers) == {q.id for q in assignment.questions}
