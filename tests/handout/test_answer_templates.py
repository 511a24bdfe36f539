"""Blank answer templates (YAML, CSV, XLSX) read back to the student's id, parameters and question ids."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.handout import (
    csv_template,
    student_stems,
    student_variant,
    xlsx_template,
    yaml_template,
)
from grader.key import compute_key, flat_params, nested_params

ASSIGNMENT = Path(__file__).resolve().parents[2] / "answer_keys" / "practice09.yaml"
# Ids YAML or a spreadsheet would turn into something else if written carelessly.
STUDENTS = ("B12345", "00123", "12345", "yes", "null", "1e3", "#x: y", "Ülle Õun", "a\nb", "=1+1", "../x")


@pytest.fixture(scope="module")
def sheet():
    return load_assignment(ASSIGNMENT)


@pytest.fixture(scope="module")
def variants(sheet):
    key = compute_key(sheet, draw_variants(sheet, STUDENTS, None))
    stems = student_stems(STUDENTS)
    return [student_variant(key, row, file_stem=stems[sid]) for row, sid in enumerate(STUDENTS)]


@pytest.mark.parametrize("row", range(len(STUDENTS)))
def test_yaml_loads_to_id_params_and_every_question(sheet, variants, row):
    variant = variants[row]
    document = yaml.safe_load(yaml_template(variant))
    assert list(document) == ["student_id", "params", "answers"]
    assert document["student_id"] == variant.student_id
    assert document["params"] == nested_params(sheet, variant.params)
    assert list(document["params"]) == ["x", "y", "eta", *(f"w{i}" for i in range(1, 14)), "scores", "true_class"]
    assert list(document["params"]["scores"]) == ["dog", "cat", "boat", "airplane"]
    assert document["answers"] == {q.id: None for q in sheet.questions}
    assert list(document["answers"]) == [q.id for q in sheet.questions]


def test_yaml_prompt_is_the_comment_on_each_answer_line(sheet, variants):
    lines = yaml_template(variants[0]).splitlines()
    for question in sheet.questions:
        line = next(x for x in lines if x.startswith(f"  {question.id}:"))
        assert line.split("#", 1)[1].strip() == " ".join(question.prompt.split())


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("row", range(len(STUDENTS)))
def test_csv_reads_back_to_id_params_and_every_question(sheet, variants, row):
    variant = variants[row]
    rows = _csv_rows(csv_template(variant))
    assert rows[0] == ["question", "answer", "prompt"]
    assert rows[1] == ["student_id", variant.student_id, ""]
    params = [r for r in rows if r[0].startswith("param:")]
    assert [r[0] for r in params[:4]] == ["param:x", "param:y", "param:eta", "param:w1"]
    read = {r[0].removeprefix("param:"): r[1] for r in params}
    flat = flat_params(sheet, read)
    for name, value in variant.params.items():
        assert (flat[name] == value) if isinstance(value, str) else (float(flat[name]) == value), name
    questions = rows[2 + len(params):]
    assert [r[0] for r in questions] == [q.id for q in sheet.questions]
    assert all(r[1] == "" for r in questions)
    assert [r[2] for r in questions] == [" ".join(q.prompt.split()) for q in sheet.questions]


def test_csv_rows_as_in_the_layout(variants):
    text = csv_template(variants[0]).removeprefix("\ufeff")
    assert text.startswith("question,answer,prompt\r\nstudent_id,B12345,\r\nparam:x,")
    assert "\r\nparam:scores.dog," in text and "\r\nparam:true_class," in text
    assert "\r\ns1,,1a.i Total net input" in text


@pytest.mark.parametrize("row", range(len(STUDENTS)))
def test_xlsx_reads_back_to_id_params_and_every_question(sheet, variants, row):
    variant = variants[row]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(variant)))
    assert book.sheetnames[0] == "answers"
    cells = [[c.value for c in r] for r in book["answers"].iter_rows()]
    assert cells[0] == ["question", "answer", "prompt"]
    assert cells[1][:2] == ["student_id", variant.student_id]
    assert isinstance(cells[1][1], str)  # "00123" stays text
    params = {r[0].removeprefix("param:"): r[1] for r in cells if str(r[0]).startswith("param:")}
    flat = flat_params(sheet, params)
    assert {k: (float(v) if not isinstance(v, str) else v) for k, v in flat.items()} == dict(variant.params)
    questions = cells[2 + len(params):]
    assert [r[0] for r in questions] == [q.id for q in sheet.questions]
    assert all(r[1] is None for r in questions)
    assert [r[2] for r in questions] == [" ".join(q.prompt.split()) for q in sheet.questions]


def test_xlsx_answer_cells_are_formatted_and_the_header_frozen(sheet, variants):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_template(variants[0])))
    answers = book["answers"]
    assert answers.freeze_panes == "A2"
    assert answers.column_dimensions["C"].width > 60
    by_id = {r[0].value: r[1] for r in answers.iter_rows(min_row=2)}
    for question in sheet.questions:
        cell = by_id[question.id]
        if question.numeric:
            assert cell.number_format == "0.0000"
        else:
            assert cell.number_format == "@" and cell.alignment.wrap_text


def test_xlsx_reads_with_calamine_too(variants):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_template(variants[1])))
    rows = book.get_sheet_by_name("answers").to_python()
    assert rows[1][:2] == ["student_id", "00123"]


def test_templates_are_byte_identical_run_to_run(sheet):
    def make():
        key = compute_key(sheet, draw_variants(sheet, ["B12345"], None))
        variant = student_variant(key, 0, file_stem="B12345")
        return yaml_template(variant), csv_template(variant), xlsx_template(variant)

    assert make() == make()
    with zipfile.ZipFile(io.BytesIO(make()[2])) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
