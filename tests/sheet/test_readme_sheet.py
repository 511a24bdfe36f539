"""README's "Write your own sheet": the sheet it shows is the one shipped, and its commands work."""

from __future__ import annotations

import json
import re
from pathlib import Path

from console import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "one_neuron.yaml"


def test_the_readme_shows_the_example_sheet_as_shipped():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Write your own sheet", 1)[1]
    shown = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    assert shown == EXAMPLE.read_text(encoding="utf-8")


def test_the_walk_through_lints_makes_handouts_and_grades(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run("lint", "examples/one_neuron.yaml")
    assert code == 0 and err == "" and out.count("\n") == 1, (out, err)
    code, out, _ = run("variants", "examples/one_neuron.yaml", "--roster", "submissions_example/roster.csv",
                       "--out", str(tmp_path / "my_class"))
    assert code == 0
    handout = (tmp_path / "my_class" / "students" / "B10001" / "handout.md").read_text(encoding="utf-8")
    assert "Input x = " in handout and "[dE_dw]" in handout and "${" not in handout
    key = json.loads(run("key", "examples/one_neuron.yaml", "--student", "B10001", "--format", "json")[1])
    assert set(key["params"]) == {"x", "w", "b", "t"}  # flat: the sheet groups no parameters
    answers = "".join(f"  {q}: {round(v, 4)}\n" for q, v in key["answers"].items())
    hand_in = tmp_path / "B10001_one_neuron.yaml"
    hand_in.write_text(f"student_id: B10001\nanswers:\n{answers}  why: down the gradient\n", encoding="utf-8")
    result = json.loads(run("check", "examples/one_neuron.yaml", str(hand_in), "--format", "json")[1])
    assert result["points"] == result["max_points"] == 4
