"""report.html from the instructor's side: grade a class, open the page, find where the class broke."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import yaml
from console import run

from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.key import compute_key
from grader.report.class_report import uncredited_colour

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
IDS = ["R1", "R2", "R3", "R4"]


class _Page(HTMLParser):
    """The tags, the attributes that could load something, and the table cells' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []
        self.cells: list[list[str]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.loads += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href") and v and not v.startswith("#")]
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.cells.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _class(tmp_path: Path) -> Path:
    """R1 all right; R2 a wrong s1 (everything after follows through); R3 and R4 the ½ in E."""
    key = compute_key(ASSIGNMENT, draw_variants(ASSIGNMENT, IDS))
    folder = tmp_path / "handed_in"
    folder.mkdir()
    for row, student in enumerate(IDS):
        answers = {q: round(float(v), 4) for q, v in key.answers(row).items()}
        if student == "R2":
            answers["s1"] = round(answers["s1"] + 0.3, 4)
        if student in ("R3", "R4"):
            answers["E"] = round(answers["E"] / 2, 4)
        (folder / f"{student}_practice09.yaml").write_text(
            yaml.safe_dump({"student_id": student, "answers": answers}), encoding="utf-8")
    return folder


def _graded(tmp_path: Path) -> tuple[_Page, str]:
    code, _, err = run("grade", "answer_keys/practice09.yaml", str(_class(tmp_path)), "--out", str(tmp_path / "out"))
    assert code == 0, err
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    return page, html


def test_the_report_is_one_self_contained_page_naming_every_question(tmp_path):
    page, html = _graded(tmp_path)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert page.loads == []  # nothing fetched from anywhere
    assert page.tags.count("svg") >= 4  # the computation (and its legend), totals, outcomes, slips
    every = {row[0] for row in page.cells}
    assert {q.id for q in ASSIGNMENT.numeric_questions} <= every
    assert html == (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_the_hardest_question_is_the_one_most_got_wrong_with_its_slip_named(tmp_path):
    page, _ = _graded(tmp_path)
    header = page.cells.index(["question", "prompt", "without credit", "commonest", "commonest named slip"])
    hardest = page.cells[header + 1]
    assert hardest[0] == "E" and hardest[2] == "50%" and hardest[3] == "slip" and hardest[4] == "half_squared_error"
    assert page.cells[header + 2][0] == "s1" and page.cells[header + 2][2] == "25%"
    # only the wrong s1 and the slipped E cost anything: R2's later steps followed through
    assert len([row for row in page.cells[header + 1:] if len(row) == 5 and row[2].endswith("%")]) == 2


def test_each_named_slip_counts_the_students_charged_with_it(tmp_path):
    page, _ = _graded(tmp_path)
    slips = {row[0]: row[2] for row in page.cells if len(row) == 3 and row[0] in
             {s.name for s in ASSIGNMENT.graph.slips}}
    assert slips["half_squared_error"] == "2"
    assert set(slips.values()) == {"0", "2"} and len(slips) == len(ASSIGNMENT.graph.slips)


def test_the_computation_is_coloured_by_the_share_without_credit(tmp_path):
    _, html = _graded(tmp_path)
    assert f'fill="{uncredited_colour(0.5)}"' in html  # E: half the class without credit
    assert f'fill="{uncredited_colour(0.25)}"' in html  # s1
    assert uncredited_colour(0.0) == "#ffffff" and uncredited_colour(1.0) == "#b41e14"
    assert "0% without credit" in html and "100%" in html  # the legend
