"""Blank answer templates for one student: YAML, CSV (long) and XLSX, in the layouts the
submission readers parse (SPEC, "Submission formats").

Each carries the student id and the variant's parameters, then every question id in the
assignment's order with an empty answer and the question's prompt beside it.

    YAML   student_id: ..., params: {every parameter, a group as a mapping (practice09's scores: {...})},
           answers: {question_id: (empty)  # prompt}
    CSV    question,answer,prompt / student_id,<id>, / param:x,0.5, / ... / s1,,<prompt>
    XLSX   sheet "answers": the CSV's rows as cells, answer cells formatted for numbers
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from functools import lru_cache

import xlsxwriter
import yaml

from grader.handout.student import StudentVariant, show_number

FIXED_DATE = datetime(2020, 1, 1)  # workbook properties: a fixed date keeps two runs byte-identical
CSV_HEADER = ("question", "answer", "prompt")
PARAM_PREFIX = "param:"


def yaml_template(variant: StudentVariant) -> str:
    """The YAML template's text, written line by line so that it reads (and diffs) the same every time."""
    title = _one_line(variant.assignment.title)
    lines = [
        f"# {title}: answer template",
        "# Type each answer after its colon, e.g.   s1: 0.8500   (at least 4 decimals).",
        "# Free-text answers: put them in quotes if they hold a colon or a #.",
        "# Keep student_id and params as they are: they say whose variant this is.",
        f"student_id: {_scalar(variant.student_id)}",
        "params:",
    ]
    current_group = None
    for name, value in variant.template_params:
        group, _, inner = name.rpartition(".")
        if group and group != current_group:
            lines.append(f"  {_scalar(group)}:")
        current_group = group
        indent = "    " if group else "  "
        lines.append(f"{indent}{_scalar(inner)}: {_scalar(value)}")
    lines.append("answers:")
    width = max(len(_scalar(q.id)) for q in variant.questions) + 1
    for question in variant.questions:
        key = f"{_scalar(question.id)}:".ljust(width)
        lines.append(f"  {key}    # {_one_line(question.prompt)}")
    return "\n".join(lines) + "\n"


def csv_template(variant: StudentVariant) -> str:
    """The long CSV template: UTF-8 text with a byte-order mark, so Excel shows the prompts' symbols."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_rows(variant))
    return "\ufeff" + buffer.getvalue()


def _rows(variant: StudentVariant) -> list[tuple[str, str, str]]:
    rows = [CSV_HEADER, ("student_id", variant.student_id, "")]
    rows += [(PARAM_PREFIX + name, show_number(value), "") for name, value in variant.template_params]
    rows += [(q.id, "", _one_line(q.prompt)) for q in variant.questions]
    return rows


def xlsx_template(variant: StudentVariant) -> bytes:
    """The Excel template: sheet ``answers`` with ``question | answer | prompt`` in row 1."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": _one_line(variant.assignment.title), "created": FIXED_DATE})
    look = _Formats(workbook)
    sheet = workbook.add_worksheet("answers")
    sheet.write_row(0, 0, CSV_HEADER, look.header)
    sheet.write_string(1, 0, "student_id", look.label)
    sheet.write_string(1, 1, variant.student_id, look.given_text)
    row = 2
    for name, value in variant.template_params:
        sheet.write_string(row, 0, PARAM_PREFIX + name, look.label)
        if isinstance(value, str):
            sheet.write_string(row, 1, value, look.given_text)
        else:
            sheet.write_number(row, 1, float(value), look.given)
        row += 1
    for question in variant.questions:
        sheet.write_string(row, 0, question.id, look.question)
        sheet.write_blank(row, 1, None, look.number if question.numeric else look.text)
        sheet.write_string(row, 2, _one_line(question.prompt), look.prompt)
        row += 1
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 88)
    workbook.close()
    return buffer.getvalue()


class _Formats:
    """The template's cell formats (they belong to one workbook, so each workbook makes its own)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        add = workbook.add_format
        self.header = add({"bold": True, "bottom": 1, "bg_color": "#E8E8E8"})
        self.label = add({"font_color": "#555555"})
        self.given = add({"font_color": "#555555", "align": "left"})
        self.given_text = add({"font_color": "#555555", "align": "left", "num_format": "@"})
        self.question = add({"bold": True})
        self.number = add({"num_format": "0.0000", "bg_color": "#FFF8DC", "border": 1, "border_color": "#BBBBBB"})
        self.text = add({"num_format": "@", "text_wrap": True, "valign": "top", "bg_color": "#FFF8DC",
                         "border": 1, "border_color": "#BBBBBB"})
        self.prompt = add({"font_color": "#333333"})


def _scalar(value: object) -> str:
    """A YAML scalar that loads back as ``value``: numbers as written, text quoted only when it must be."""
    return _text_scalar(value) if isinstance(value, str) else show_number(value)


@lru_cache(maxsize=4096)  # question ids and parameter names repeat for every student; the emitter is slow
def _text_scalar(value: str) -> str:
    if not all(c.isprintable() for c in value):
        return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
    text = yaml.safe_dump({"k": value}, allow_unicode=True, width=float("inf"), default_flow_style=False)
    return text[len("k: "):].rstrip("\n")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
