"""``grader key``: SPEC's JSON object, the same key as CSV and YAML, a roster at once, usage errors."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
import yaml

from grader.cli import main

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = str(ROOT / "answer_keys" / "practice09.yaml")

pytestmark = pytest.mark.usefixtures("no_secret")

SPEC_NUMERIC = (
    "s1 s2 a1 a2 s3 s4 a3 a4 y_hat E dE_dw5 dE_dw9 dE_dw1 w5_new w1_new dE_dw2 dE_dw4 dE_dw7 dE_dw10 dE_dw13 "
    "exp_dog exp_cat exp_boat exp_airplane p_dog p_cat p_boat p_airplane loss"
).split()
SPEC_PARAMS = ["x", "y", "eta", *(f"w{i}" for i in range(1, 14)), "scores", "true_class"]
CLASSES = ["dog", "cat", "boat", "airplane"]
SPEC_DEFAULT_PARAMS = {
    "x": 0.5, "y": 0.25, "eta": 0.1,
    **dict(zip((f"w{i}" for i in range(1, 14)),
               (0.4, 0.5, 0.6, 0.7, 0.6, -0.9, -0.9, 0.4, 0.3, 0.7, 0.9, 0.7, -0.8))),
    "scores": {"dog": -3.44, "cat": 1.16, "boat": -0.81, "airplane": 3.91},
    "true_class": "airplane",
}


def _run(capsys, *args) -> str:
    assert main(["key", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def _flat(record: dict) -> dict:
    """A JSON record as one CSV row: student id, flat parameters (score_dog, ...), answers."""
    params = dict(record["params"])
    scores = params.pop("scores")
    params.update({f"score_{c}": v for c, v in scores.items()})
    return {"student_id": record["student_id"] or "", **params, **record["answers"]}


def _from_csv_cell(value: str):
    try:
        return float(value)
    except ValueError:
        return value


# ---- the default variant as JSON --------------------------------------------------------------


@pytest.fixture
def default_json(capsys):
    return json.loads(_run(capsys, ASSIGNMENT, "--format", "json"))


def test_json_has_specs_shape(default_json):
    record = default_json
    assert list(record) == ["assignment", "student_id", "params", "answers"]
    assert record["assignment"] == "practice09"
    assert record["student_id"] is None
    assert set(record["params"]) == set(SPEC_PARAMS)
    assert list(record["params"]["scores"]) == CLASSES
    assert set(record["answers"]) == set(SPEC_NUMERIC)
    for qid, value in record["answers"].items():
        assert type(value) is float and math.isfinite(value), qid
    for name, value in record["params"].items():
        if name not in ("scores", "true_class"):
            assert type(value) in (int, float), name


def test_json_is_the_sheets_default_variant(default_json):
    assert default_json["params"] == SPEC_DEFAULT_PARAMS
    answers = default_json["answers"]
    # the hint table (1b.iii): dE/dy_hat (= dE/dw13), a3, a4; and the forward pass
    assert round(answers["dE_dw13"], 4) == -0.5968
    assert round(answers["a3"], 4) == 0.2392
    assert round(answers["a4"], 4) == 0.7661
    assert round(answers["a3"] * (1 - answers["a3"]), 4) == 0.1820
    assert round(answers["a4"] * (1 - answers["a4"]), 4) == 0.1792
    assert answers["s1"] == pytest.approx(0.7) and answers["s2"] == pytest.approx(1.0)
    assert round(answers["y_hat"], 4) == -0.0484
    assert round(answers["E"], 4) == 0.0891
    assert answers["E"] == pytest.approx((0.25 - answers["y_hat"]) ** 2, rel=1e-14)
    assert answers["w5_new"] == pytest.approx(0.6 - 0.1 * answers["dE_dw5"], abs=1e-15)
    assert answers["w1_new"] == pytest.approx(0.4 - 0.1 * answers["dE_dw1"], abs=1e-15)
    assert answers["exp_airplane"] == pytest.approx(math.exp(3.91), rel=1e-14)
    assert sum(answers[f"p_{c}"] for c in CLASSES) == pytest.approx(1.0, abs=1e-14)
    assert answers["loss"] == pytest.approx(-math.log(answers["p_airplane"]), rel=1e-14)


def test_json_is_the_default_format(capsys, default_json):
    assert json.loads(_run(capsys, ASSIGNMENT)) == default_json


# ---- the same key in other formats ------------------------------------------------------------


def test_csv_agrees_with_json(capsys, default_json):
    text = _run(capsys, ASSIGNMENT, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    header, values = rows
    assert header[0] == "student_id"
    assert set(header) == set(_flat(default_json))
    parsed = {name: _from_csv_cell(value) for name, value in zip(header, values)}
    parsed["student_id"] = values[0]
    assert parsed == _flat(default_json)  # floats round-trip exactly


def test_yaml_agrees_with_json(capsys, default_json):
    document = yaml.safe_load(_run(capsys, ASSIGNMENT, "--format", "yaml"))
    assert document == default_json


def test_student_in_every_format(capsys):
    record = json.loads(_run(capsys, ASSIGNMENT, "--student", "B12345", "--format", "json"))
    assert record["student_id"] == "B12345"
    assert record["params"] != SPEC_DEFAULT_PARAMS
    assert yaml.safe_load(_run(capsys, ASSIGNMENT, "--student", "B12345", "--format", "yaml")) == record
    header, values = list(csv.reader(io.StringIO(_run(capsys, ASSIGNMENT, "--student", "B12345", "--format", "csv"))))
    parsed = {name: _from_csv_cell(value) for name, value in zip(header, values)}
    parsed["student_id"] = values[0]
    assert parsed == _flat(record)


def test_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["key", ASSIGNMENT, "--format", "xml"])
    assert stopped.value.code == 2
    assert "xml" in capsys.readouterr().err


# ---- a whole roster -------------------------------------------------------------------------


@pytest.fixture
def roster(tmp_path) -> tuple[Path, list[str]]:
    ids = ["B12345", "B00001", "A77", "c-42", "B12346"]
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name\n" + "".join(f"{sid},Student {i}\n" for i, sid in enumerate(ids)),
                    encoding="utf-8")
    return path, ids


def test_roster_json_one_object_per_student(capsys, roster):
    path, ids = roster
    records = json.loads(_run(capsys, ASSIGNMENT, "--roster", str(path), "--format", "json"))
    assert isinstance(records, list)
    assert [r["student_id"] for r in records] == ids
    for record in records:
        assert list(record) == ["assignment", "student_id", "params", "answers"]
        assert set(record["answers"]) == set(SPEC_NUMERIC)
        # the same variant as `grader key --student ID`
        alone = json.loads(_run(capsys, ASSIGNMENT, "--student", record["student_id"], "--format", "json"))
        assert alone == record
    params = [json.dumps(r["params"], sort_keys=True) for r in records]
    assert len(set(params)) == len(ids)


def test_roster_csv_and_yaml_agree_with_json(capsys, roster):
    path, ids = roster
    records = json.loads(_run(capsys, ASSIGNMENT, "--roster", str(path), "--format", "json"))
    rows = list(csv.reader(io.StringIO(_run(capsys, ASSIGNMENT, "--roster", str(path), "--format", "csv"))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(ids)
    for values, record in zip(body, records):
        parsed = {name: _from_csv_cell(value) for name, value in zip(header, values)}
        parsed["student_id"] = values[0]
        assert parsed == _flat(record)
    assert yaml.safe_load(_run(capsys, ASSIGNMENT, "--roster", str(path), "--format", "yaml")) == records


def test_roster_of_one_is_still_a_list(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("student_id\nB12345\n", encoding="utf-8")
    records = json.loads(_run(capsys, ASSIGNMENT, "--roster", str(path)))
    assert isinstance(records, list) and [r["student_id"] for r in records] == ["B12345"]


def test_student_and_roster_together_is_a_usage_error(capsys, roster):
    path, _ = roster
    with pytest.raises(SystemExit) as stopped:
        main(["key", ASSIGNMENT, "--student", "B12345", "--roster", str(path)])
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--student" in captured.err and "--roster" in captured.err


def test_missing_roster_is_one_line_exit_2(capsys, tmp_path):
    assert main(["key", ASSIGNMENT, "--roster", str(tmp_path / "nobody.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and "nobody.csv" in captured.err


def test_missing_assignment_is_one_line_exit_2(capsys, tmp_path):
    assert main(["key", str(tmp_path / "nothing.yaml")]) == 2
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1 and "nothing.yaml" in captured.err
