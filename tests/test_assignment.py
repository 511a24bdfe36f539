"""The assignment file: the bundled one loads; every mistake is one line naming file, field and expectation."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.assignment import load_assignment
from grader.cli import main
from grader.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"

SPEC_NUMERIC = (
    "s1 s2 a1 a2 s3 s4 a3 a4 y_hat E dE_dw5 dE_dw9 dE_dw1 w5_new w1_new dE_dw2 dE_dw4 dE_dw7 dE_dw10 dE_dw13 "
    "exp_dog exp_cat exp_boat exp_airplane p_dog p_cat p_boat p_airplane loss"
).split()
SPEC_TEXT = "q1a_vi q1b_i q1b_v q1b_viii q2_scores q2_column3 q2_two_classes".split()


@pytest.fixture(scope="module")
def document():
    return yaml.safe_load(ASSIGNMENT.read_text(encoding="utf-8"))


def _question(document, qid):
    return next(q for q in document["questions"] if q["id"] == qid)


# ---- the bundled assignment ----------------------------------------------------------------


def test_bundled_assignment_loads(assignment):
    assert assignment.id == "practice09"
    assert assignment.title.strip()
    assert [q.id for q in assignment.numeric_questions] == SPEC_NUMERIC
    assert {q.id for q in assignment.text_questions} == set(SPEC_TEXT)
    assert all(q.points == 1.0 for q in assignment.numeric_questions)
    assert all(q.points == 0.0 for q in assignment.text_questions)
    assert all(q.prompt.strip() for q in assignment.questions)
    assert [p.name for p in assignment.parameters] == list(assignment.graph.parameters)


def test_bundled_defaults_are_specs(assignment):
    defaults = {p.name: p.default for p in assignment.parameters}
    weights = (0.4, 0.5, 0.6, 0.7, 0.6, -0.9, -0.9, 0.4, 0.3, 0.7, 0.9, 0.7, -0.8)
    assert defaults == {
        "x": 0.5, "y": 0.25, "eta": 0.1,
        **{f"w{i}": w for i, w in enumerate(weights, start=1)},
        "score_dog": -3.44, "score_cat": 1.16, "score_boat": -0.81, "score_airplane": 3.91,
        "true_class": "airplane",
    }


def test_round_trip_through_yaml_dump_loads_the_same(document, tmp_path, assignment):
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    again = load_assignment(path)
    assert again.questions == assignment.questions
    assert again.parameters == assignment.parameters
    assert again.constraints == assignment.constraints


# ---- mistakes ------------------------------------------------------------------------------


def _missing_title(d):
    del d["title"]


def _misspelt_questions(d):
    d["questoins"] = d.pop("questions")


def _points_text(d):
    _question(d, "s1")["points"] = "one"


def _default_points_text(d):
    d["grading"]["points"] = "one"


def _unknown_tolerance_mode(d):
    d["grading"]["tolerance"]["mode"] = "fuzzy"


def _unknown_question_tolerance_mode(d):
    _question(d, "E")["tolerance"] = {"mode": "roughly"}


def _unknown_numeric_question(d):
    d["questions"].append({"id": "dE_dw3", "prompt": "1b  dE/dw3"})


def _negative_step(d):
    d["parameters"]["w1"]["grid"]["step"] = -0.1


def _true_class_not_a_class(d):
    d["parameters"]["true_class"]["choices"] = ["dog", "cat", "horse"]


def _duplicate_question(d):
    d["questions"].append({"id": "a3", "prompt": "again"})


def _missing_parameter(d):
    del d["parameters"]["w7"]


def _pinned_unknown_parameter(d):
    d["students"] = {"B1": {"params": {"w14": 0.3}}}


def _reseed_text(d):
    d["students"] = {"B1": {"reseed": "again"}}


def _quantity_reads_itself(d):
    d["quantities"]["s1"]["expr"] = "w1*x + w2 + a1"


def _slip_of_unknown_quantity(d):
    d["slips"]["update_sign"]["replace"]["w9_new"] = "w9 + eta*dE_dw9"


def _expression_calls_eval(d):
    d["quantities"]["E"]["expr"] = "eval('(y - y_hat)**2')"


def _share_out_of_range(d):
    d["grading"]["follow_through"] = 2


MUTATIONS = [
    # (mutation, field named in the message, a word of what was expected)
    (_missing_title, "title", "missing"),
    (_misspelt_questions, "questoins", "questions"),
    (_points_text, "questions[s1].points", "number"),
    (_default_points_text, "grading.points", "number"),
    (_unknown_tolerance_mode, "grading.tolerance.mode", "derived"),
    (_unknown_question_tolerance_mode, "questions[E].tolerance.mode", "relabs"),
    (_unknown_numeric_question, "questions[dE_dw3].id", "dE_dw5"),
    (_negative_step, "parameters.w1.grid.step", "positive"),
    (_true_class_not_a_class, "parameters.true_class.choices", "airplane"),
    (_duplicate_question, "questions[a3].id", "once"),
    (_missing_parameter, "quantities.s3.expr", "unknown name 'w7'"),
    (_quantity_reads_itself, "quantities.s1", "a cycle: s1 reads a1 reads s1"),
    (_slip_of_unknown_quantity, "slips.update_sign.replace.w9_new", "a quantity of the sheet"),
    (_expression_calls_eval, "quantities.E.expr", "'eval' is not an allowed function"),
    (_pinned_unknown_parameter, "students.B1.params.w14", "parameter"),
    (_reseed_text, "students.B1.reseed", "whole number"),
    (_share_out_of_range, "grading.follow_through", "between 0 and 1"),
]


def _write(document, mutate, tmp_path) -> Path:
    broken = copy.deepcopy(document)
    mutate(broken)
    path = tmp_path / f"bad_{mutate.__name__.strip('_')}.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, field, expected", MUTATIONS, ids=[m[0].__name__.strip("_") for m in MUTATIONS])
def test_mistake_fails_with_one_line_naming_file_and_field(document, tmp_path, mutate, field, expected):
    path = _write(document, mutate, tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_assignment(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: "), message
    assert caught.value.file == str(path) and caught.value.field == field
    assert expected in message.split(f"{field}: ", 1)[1], message


@pytest.mark.parametrize("mutate, field, expected", MUTATIONS[:8], ids=[m[0].__name__.strip("_") for m in MUTATIONS[:8]])
def test_cli_reports_mistake_on_one_line_and_exits_2(document, tmp_path, capsys, mutate, field, expected):
    path = _write(document, mutate, tmp_path)
    assert main(["key", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert path.name in lines[0] and field in lines[0]
    assert "Traceback" not in captured.err


def test_not_yaml_and_missing_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: practice09\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_assignment(broken)
    assert str(broken) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_assignment(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in str(caught.value)
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a mapping"):
        load_assignment(not_mapping)


_LIMITED = """
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (256 << 20, 256 << 20))
sys.argv = ["grader", "key", sys.argv[1]]
runpy.run_module("grader", run_name="__main__")
"""


def _run_limited(path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_SECRET")}
    env.update(PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", _LIMITED, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS")
def test_memory_limited_harness_reports_config_errors(document, tmp_path):
    """The harness of the next test works: under the memory limit a mistake is still one line, exit 2."""
    done = _run_limited(_write(document, _missing_title, tmp_path))
    assert done.returncode == 2, done.stderr[-500:]
    assert len(done.stderr.splitlines()) == 1 and "title" in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS")
def test_grid_with_absurdly_many_values_is_a_config_error(document, tmp_path):
    """Regression: a typo such as ``step: 1.0e-12`` once built a 9e11-value grid (MemoryError traceback
    or a swapping machine) instead of failing at once. Run under a memory limit so a relapse cannot
    take the test machine down."""
    def tiny_step(d):
        d["parameters"]["x"]["grid"]["step"] = 1e-12

    done = _run_limited(_write(document, tiny_step, tmp_path))
    assert done.returncode == 2, done.stderr[-500:]
    assert len(done.stderr.splitlines()) == 1 and "parameters.x.grid.step" in done.stderr
