"""The same answers handed in as YAML, CSV (comma; semicolon with decimal commas), XLSX, ODS, XLS or XLSB
grade alike, in ``grader grade`` and in a student's ``grader check``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter
from console import run
from workbook_files import write_ods, write_xls, write_xlsb

from grader.assignment import load_assignment
from grader.cli import main
from grader.engine.variants import draw_variants
from grader.key import compute_key

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = str(ROOT / "answer_keys" / "practice09.yaml")
SID = "B55555"


def answers() -> dict[str, float]:
    """Right to 4 decimals, except a wrong s1 (so follow-through shows) and a slip in E."""
    sheet = load_assignment(ASSIGNMENT)
    key = compute_key(sheet, draw_variants(sheet, [SID]))
    values = {q: round(v, 4) for q, v in key.answers(0).items()}
    values["s1"] = round(values["s1"] + 0.1, 4)
    values["E"] = round(values["E"] / 2, 4)
    return values


def write_yaml(path: Path, values) -> None:
    path.write_text(f"student_id: {SID}\nanswers:\n" + "".join(f"  {q}: {v}\n" for q, v in values.items()),
                    encoding="utf-8")


def write_csv(path: Path, values, delimiter: str, decimal: str, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(["question", "answer"])
        writer.writerow(["student_id", SID])
        for q, v in values.items():
            writer.writerow([q, f"{v}".replace(".", decimal)])


def write_xlsx(path: Path, values) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("answers")
    sheet.write_row(0, 0, ["question", "answer"])
    sheet.write_row(1, 0, ["student_id", SID])
    for r, (q, v) in enumerate(values.items(), start=2):
        sheet.write_string(r, 0, q)
        sheet.write_number(r, 1, v)
    book.close()


def rows_of(values) -> list[list[object]]:
    return [["question", "answer"], ["student_id", SID], *([q, v] for q, v in values.items())]


WRITERS = {
    "yaml": lambda p, v: write_yaml(p.with_suffix(".yaml"), v),
    "csv-comma": lambda p, v: write_csv(p.with_suffix(".csv"), v, ",", ".", "utf-8"),
    "csv-semicolon-decimal-comma": lambda p, v: write_csv(p.with_suffix(".csv"), v, ";", ",", "utf-8-sig"),
    "csv-tab-utf16": lambda p, v: write_csv(p.with_suffix(".txt"), v, "\t", ",", "utf-16"),
    "xlsx": lambda p, v: write_xlsx(p.with_suffix(".xlsx"), v),
    "ods": lambda p, v: write_ods(p.with_suffix(".ods"), rows_of(v)),
    "xls": lambda p, v: write_xls(p.with_suffix(".xls"), rows_of(v)),
    "xlsb": lambda p, v: write_xlsb(p.with_suffix(".xlsb"), rows_of(v)),
}


@pytest.fixture(scope="module")
def gradebooks(tmp_path_factory) -> dict[str, dict[str, str]]:
    values = answers()
    result = {}
    for name, write in WRITERS.items():
        folder = tmp_path_factory.mktemp(name)
        (folder / "in").mkdir()
        write(folder / "in" / f"{SID}_practice09", values)
        assert main(["grade", ASSIGNMENT, str(folder / "in"), "--out", str(folder / "out")]) == 0
        with open(folder / "out" / "gradebook.csv", encoding="utf-8", newline="") as stream:
            (row,) = list(csv.DictReader(stream))
        row.pop("files")
        result[name] = row
    return result


@pytest.mark.parametrize("name", [n for n in WRITERS if n != "yaml"])
def test_every_format_gives_the_same_row_as_yaml(gradebooks, name):
    assert gradebooks[name] == gradebooks["yaml"]


def test_the_row_shows_the_first_wrong_step_follow_through_and_the_slip(gradebooks):
    row = gradebooks["yaml"]
    assert row["status"] == "graded"
    assert row["s1"] == "0" and row["a1"] == "1" and row["E"] == "0"
    assert float(row["total"]) == float(row["max_total"]) - 2
    assert np.isclose(float(row["percent"]), 100 * 27 / 29, atol=0.01)


@pytest.mark.parametrize("suffix", [".ods", ".xls", ".xlsb"])
def test_a_student_checks_an_ods_xls_or_xlsb_and_sees_the_points_the_gradebook_gives(tmp_path, gradebooks, suffix):
    path = tmp_path / f"{SID}_practice09{suffix}"
    WRITERS[suffix[1:]](tmp_path / f"{SID}_practice09", answers())
    code, out, err = run("check", ASSIGNMENT, str(path), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["student_id"] == SID and report["points"] == float(gradebooks["yaml"]["total"])
