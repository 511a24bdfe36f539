"""A realistic class of hand-ins for benchmarks: YAML, CSV (``,`` and ``;``) and XLSX.

    make_class(out_dir, n_yaml=3000, n_csv=700, n_xlsx=300, answers_for=None, seed=0)

writes one small file per student (ids ``S00001``, ``S00002``, ...) in the template
layouts, with decimal commas in ``;`` CSVs, numbers stored as text and cached formula
values in some workbooks, and a few junk answers (blank, ``n/a``, two numbers).
``answers_for(student_id) -> {question_id: number}`` supplies the numbers (default:
plausible random ones), so a grading benchmark can hand in known answers.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable, Mapping

import xlsxwriter

from grader.assignment import load_assignment

_SHEET = load_assignment(Path(__file__).resolve().parent.parent / "answer_keys" / "practice09.yaml")
NUMERIC_IDS = [q.id for q in _SHEET.numeric_questions]
TEXT_IDS = [q.id for q in _SHEET.text_questions]
_WEIGHTS = (0.4, 0.5, 0.6, 0.7, 0.6, -0.9, -0.9, 0.4, 0.3, 0.7, 0.9, 0.7, -0.8)
_SCORES = {"dog": -3.44, "cat": 1.16, "boat": -0.81, "airplane": 3.91}
_TEXTS = ("the gradient is small there", "it is the bias", "the weights change", "softmax of the scores", "")
_JUNK = ("", "n/a", "0.7 0.8", "?", "see paper")

AnswersFor = Callable[[str], Mapping[str, float]]
ParamsFor = Callable[[str], Mapping[str, str]]


def make_class(
    out_dir: Path | str,
    n_yaml: int = 3000,
    n_csv: int = 700,
    n_xlsx: int = 300,
    answers_for: AnswersFor | None = None,
    seed: int = 0,
    params_for: ParamsFor | None = None,
) -> list[Path]:
    """Write ``n_yaml + n_csv + n_xlsx`` submission files into ``out_dir``; their paths.

    ``params_for(student_id)`` gives the parameters a template carries (flat, ``scores.dog``);
    an empty mapping writes none. Default: the sheet's numbers, slightly jittered."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    answers_for = answers_for or _random_answers(rng)
    written = []
    writers = [_write_yaml] * n_yaml + [_write_csv] * n_csv + [_write_xlsx] * n_xlsx
    for number, writer in enumerate(writers, start=1):
        student_id = f"S{number:05d}"
        texts = _answer_texts(answers_for(student_id), rng)
        params = dict(params_for(student_id)) if params_for else _params(rng)
        written.append(writer(out, student_id, params, texts, rng))
    return written


def _random_answers(rng: random.Random) -> AnswersFor:
    def answers(student_id: str) -> dict[str, float]:
        return {q: round(rng.uniform(-2.0, 2.0), 4) for q in NUMERIC_IDS}

    return answers


def _params(rng: random.Random) -> dict[str, str]:
    params = {"x": "0.5", "y": "0.25", "eta": "0.1"}
    params.update({f"w{i}": f"{w + rng.choice((-0.1, 0.0, 0.1)):.1f}" for i, w in enumerate(_WEIGHTS, start=1)})
    params.update({f"scores.{k}": f"{v:.2f}" for k, v in _SCORES.items()})
    params["true_class"] = rng.choice(list(_SCORES))
    return params


def _answer_texts(numbers: Mapping[str, float], rng: random.Random) -> dict[str, str | float]:
    """Each numeric answer as a float or, now and then, junk; free-text answers as text."""
    answers: dict[str, str | float] = {}
    for question in NUMERIC_IDS:
        value = numbers.get(question)
        answers[question] = rng.choice(_JUNK) if value is None or rng.random() < 0.01 else value
    for question in TEXT_IDS:
        answers[question] = rng.choice(_TEXTS)
    return answers


def _write_yaml(out: Path, student_id: str, params: dict[str, str], answers: dict, rng: random.Random) -> Path:
    lines = [f"student_id: {student_id}"]
    if params:
        lines.append("params:")
        lines += [f"  {k}: {v}" for k, v in params.items() if not k.startswith("scores.")]
        scores = ", ".join(f"{k[7:]}: {v}" for k, v in params.items() if k.startswith("scores."))
        lines.append("  scores: {" + scores + "}")
    lines.append("answers:")
    for question, value in answers.items():
        if value == "":
            lines.append(f"  {question}:")
        elif isinstance(value, str):
            lines.append(f'  {question}: "{value}"')
        else:
            lines.append(f"  {question}: {value}")
    path = out / f"{student_id}_practice9.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_csv(out: Path, student_id: str, params: dict[str, str], answers: dict, rng: random.Random) -> Path:
    european = rng.random() < 0.5
    delimiter = ";" if european else ","

    def cell(value: object) -> str:
        text = str(value)
        if european and _is_number(text):
            text = text.replace(".", ",")
        if delimiter in text or '"' in text:
            text = '"' + text.replace('"', '""') + '"'
        return text

    rows = [f"question{delimiter}answer{delimiter}prompt", f"student_id{delimiter}{student_id}{delimiter}"]
    rows += [f"param:{k}{delimiter}{cell(v)}{delimiter}" for k, v in params.items()]
    rows += [f"{q}{delimiter}{cell(v)}{delimiter}{cell('value of ' + q)}" for q, v in answers.items()]
    path = out / f"{student_id}_practice9.csv"
    encoding = "utf-8-sig" if rng.random() < 0.5 else "utf-8"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write_xlsx(out: Path, student_id: str, params: dict[str, str], answers: dict, rng: random.Random) -> Path:
    path = out / f"{student_id}_practice9.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("answers")
    sheet.write(0, 0, "Practice session 9: answer template")
    sheet.write(1, 0, "Student ID")
    sheet.write(1, 1, student_id)
    sheet.write_row(3, 0, ["question", "answer", "prompt"])
    row = 4
    sheet.write_row(row, 0, ["student_id", student_id])
    for name, value in params.items():
        row += 1
        sheet.write(row, 0, f"param:{name}")
        sheet.write_string(row, 1, value)
    for question, value in answers.items():
        row += 1
        sheet.write(row, 0, question)
        sheet.write(row, 2, f"value of {question}")
        if isinstance(value, float):
            style = rng.random()
            if style < 0.1:
                sheet.write_string(row, 1, str(value).replace(".", ","))  # a number stored as text
            elif style < 0.15:
                sheet.write_formula(row, 1, f"={value}*1", None, value)  # cached formula value
            else:
                sheet.write_number(row, 1, value)
        elif value:
            sheet.write_string(row, 1, value)
    workbook.close()
    return path
