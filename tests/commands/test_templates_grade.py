"""Filled templates: a student types 4-decimal answers into each format's blank template.

``fill_templates`` does what a student does: it types ``round(value, 4)`` for every numeric
question and a sentence for every free-text one, touching nothing else. The filled files must
read back to every answer as written, and grade to full marks.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from templates_fill import fill_templates
from templates_fill import typed as type_as_student

from grader.assignment import load_assignment
from grader.cli import main
from grader.commands.variants import variants
from grader.engine.variants import draw_variants
from grader.grading import Verdict, grade_class
from grader.key import compute_key
from grader.submissions import QuestionSet, read_file

ASSIGNMENT = Path(__file__).resolve().parents[2] / "answer_keys" / "practice09.yaml"
STUDENTS = ("B12345", "00123", "S-77")
FORMATS = ("yaml", "csv", "xlsx")


def four_decimal_answers(sheet, ids, secret=None) -> dict[str, dict[str, float | str]]:
    """Student id -> question id -> what a careful student writes: 4-decimal numbers, a sentence."""
    key = compute_key(sheet, draw_variants(sheet, ids, secret))
    answers = {}
    for row, sid in enumerate(ids):
        numbers = {qid: round(value, 4) for qid, value in key.answers(row).items()}
        words = {q.id: f"My answer to {q.id}: it depends, see page 2." for q in sheet.text_questions}
        answers[sid] = {q.id: numbers.get(q.id, words.get(q.id)) for q in sheet.questions}
    return answers


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("variants")
    roster = out / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(STUDENTS) + "\n", encoding="utf-8")
    variants(assignment=ASSIGNMENT, roster=roster, out=out / "out")
    return out


@pytest.fixture(scope="module")
def filled(class_folder):
    sheet = load_assignment(ASSIGNMENT)
    expected = four_decimal_answers(sheet, STUDENTS)
    paths = {
        sid: fill_templates(class_folder / "out" / "students" / sid, sid, expected[sid], class_folder / "filled" / sid)
        for sid in STUDENTS
    }
    return sheet, expected, paths


@pytest.mark.parametrize("sid", STUDENTS)
def test_filling_changes_only_the_answers(filled, sid):
    sheet, expected, paths = filled
    document = yaml.safe_load(paths[sid]["yaml"].read_text(encoding="utf-8"))
    assert document["student_id"] == sid
    assert {q: (round(v, 4) if isinstance(v, float) else v) for q, v in document["answers"].items()} == expected[sid]
    rows = list(csv.reader(io.StringIO(paths[sid]["csv"].read_text(encoding="utf-8-sig"))))
    typed = {r[0]: r[1] for r in rows[1:]}
    assert typed["student_id"] == sid
    assert all(typed[q] == type_as_student(v) for q, v in expected[sid].items())
    book = openpyxl.load_workbook(paths[sid]["xlsx"])
    cells = {r[0].value: r[1].value for r in book["answers"].iter_rows(min_row=2)}
    assert cells["student_id"] == sid
    assert all(cells[q] == v for q, v in expected[sid].items())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sid", STUDENTS)
def test_a_filled_template_reads_back_and_grades_to_full_marks(filled, sid, fmt):
    sheet, expected, paths = filled
    questions = QuestionSet(numeric=tuple(q.id for q in sheet.numeric_questions),
                            text=tuple(q.id for q in sheet.text_questions))
    items = read_file(paths[sid][fmt], questions)
    assert len(items) == 1, items
    submission = items[0]
    assert getattr(submission, "student_id", None) == sid, submission
    for question in sheet.questions:
        answer = submission.answers[question.id]
        if question.numeric:
            assert answer.problem is None and answer.value == pytest.approx(expected[sid][question.id], abs=1e-12)
        else:
            assert answer.raw.strip() == expected[sid][question.id]
    graded = grade_class(sheet, compute_key(sheet, draw_variants(sheet, [sid])), [submission])[0]
    assert [o.question for o in graded.outcomes if o.verdict is not Verdict.CORRECT] == []
    assert graded.total == graded.max_total
    assert not graded.notes  # the template's parameters are the student's own


@pytest.mark.parametrize("fmt", FORMATS)
def test_self_check_of_a_filled_template_is_all_correct_and_reveals_nothing(filled, fmt, capsys):
    sheet, expected, paths = filled
    assert main(["check", str(ASSIGNMENT), str(paths["S-77"][fmt])]) == 0
    printed = capsys.readouterr().out
    assert "29 of 29 points" in printed
    assert "wrong" not in printed and "expected" not in printed


def test_with_a_secret_check_and_grade_agree_and_a_params_mismatch_is_only_a_warning(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nB424242\n", encoding="utf-8")
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out", secret="s3cret")
    sheet = load_assignment(ASSIGNMENT)
    answers = four_decimal_answers(sheet, ["B424242"], secret="s3cret")["B424242"]
    filled = fill_templates(tmp_path / "out" / "students" / "B424242", "B424242", answers, tmp_path / "filled")
    # With the secret, check and grade both use the issued variant: full marks in both.
    assert main(["check", str(ASSIGNMENT), str(filled["yaml"]), "--secret", "s3cret"]) == 0
    assert "29 of 29 points" in capsys.readouterr().out
    assert main(["grade", str(ASSIGNMENT), str(tmp_path / "filled"), "--out", str(tmp_path / "g"),
                 "--secret", "s3cret"]) == 0
    assert "100.00" in (tmp_path / "g" / "gradebook.csv").read_text(encoding="utf-8")
    capsys.readouterr()
    # Without it, both use the secret-free variant for this id: the same points, and the file's own
    # parameters are named in a warning rather than used.
    assert main(["check", str(ASSIGNMENT), str(filled["yaml"]), "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert main(["grade", str(ASSIGNMENT), str(tmp_path / "filled"), "--out", str(tmp_path / "g2")]) == 0
    total = next(csv.DictReader(open(tmp_path / "g2" / "gradebook.csv", encoding="utf-8")))["total"]
    assert checked["points"] == float(total) < 29
    assert len(checked["warnings"]) == 1 and "not this student's variant (x: file" in checked["warnings"][0]
    with zipfile.ZipFile(tmp_path / "g2" / "feedback.zip") as pages:
        assert "not this student's variant" in pages.read("B424242.md").decode("utf-8")
