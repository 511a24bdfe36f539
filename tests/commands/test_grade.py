"""`grader grade` end to end: the README's demo against a golden gradebook, and what a rerun keeps."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.assignment import load_assignment
from grader.cli import main
from grader.engine.variants import draw_variants
from grader.key import compute_key

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden"
ASSIGNMENT = "answer_keys/practice09.yaml"
DEMO = ["grade", ASSIGNMENT, "submissions_example/handed_in", "--roster", "submissions_example/roster.csv"]


def feedback(out: Path, name: str, instructor: bool = False) -> str:
    """One page out of feedback.zip (or feedback_instructor.zip)."""
    archive = out / ("feedback_instructor.zip" if instructor else "feedback.zip")
    with zipfile.ZipFile(archive) as pages:
        return pages.read(name).decode("utf-8")


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "grader", *DEMO, "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "graded 12, missing 1, rejected 1 of 14 students" in done.stdout
    return out


def test_the_readme_demo_matches_the_golden_gradebook(demo):
    assert (demo / "gradebook.csv").read_text(encoding="utf-8") == (GOLDEN / "gradebook.csv").read_text(encoding="utf-8")
    assert (demo / "stats.csv").read_text(encoding="utf-8") == (GOLDEN / "stats.csv").read_text(encoding="utf-8")


def test_the_gradebook_has_the_contract_columns_and_a_row_per_student(demo):
    book = rows(demo / "gradebook.csv")
    header = list(book[0])
    numeric = [q.id for q in load_assignment(ROOT / ASSIGNMENT).numeric_questions]
    assert header[: len(numeric) + 5] == ["student_id", *numeric, "total", "max_total", "percent", "status"]
    by_id = {r["student_id"]: r for r in book}
    roster = [r["student_id"] for r in rows(ROOT / "submissions_example" / "roster.csv")]
    assert set(roster) <= set(by_id)
    assert by_id["B10013"]["status"] == "missing"
    assert by_id["B10008"]["status"] == "rejected" and "line 4" in by_id["B10008"]["reason"]
    assert by_id["B10001"]["percent"] == "100.00"


def test_every_input_file_is_accounted_for(demo):
    fates = {Path(r["file"]).name: r["status"] for r in rows(demo / "files.csv")}
    handed_in = {p.name for p in (ROOT / "submissions_example" / "handed_in").iterdir()}
    assert set(fates) == handed_in
    assert fates["~$B10004_practice09.xlsx"] == "ignored"


def test_feedback_names_the_slip_and_follow_through_and_hides_the_answer(demo):
    slip = feedback(demo, "B10005.md")
    assert "E = ½(y − ŷ)²" in slip
    chain = feedback(demo, "B10004.html")
    assert "follow-through" in chain and "<!DOCTYPE html>" in chain
    assert "http" not in chain.replace("http-equiv", "")  # self-contained
    sheet = load_assignment(ROOT / ASSIGNMENT)
    key = compute_key(sheet, draw_variants(sheet, ["B10004"]))
    expected_a3 = f"{key.answer('a3')[0]:.6g}"
    assert expected_a3 not in chain
    assert expected_a3 in feedback(demo, "B10004.html", instructor=True)
    with zipfile.ZipFile(demo / "feedback.zip") as pages:
        assert sorted(pages.namelist())[:2] == ["B10001.html", "B10001.md"]
        assert len(pages.namelist()) == 2 * 12  # every graded student, Markdown and HTML


def test_a_copied_sheet_is_flagged_for_the_instructor_only(demo):
    book = {r["student_id"]: r for r in rows(demo / "gradebook.csv")}
    assert book["B10014"]["similar_to"] == "B10002"  # B10014 handed in B10002's answers
    assert [sid for sid, r in book.items() if r["similar_to"]] == ["B10014"]
    assert "similar_to B10002" in feedback(demo, "B10014.md", instructor=True)
    assert "B10002" not in feedback(demo, "B10014.md")


def test_unreadable_cells_are_quoted_with_where_they_are(demo):
    page = feedback(demo, "B10006.md")
    assert "'n/a'" in page and "line 5" in page
    assert "'0.7 0.8'" in page


def test_two_runs_give_byte_identical_outputs(demo, tmp_path):
    assert main([*DEMO, "--out", str(tmp_path)]) == 0
    for path in sorted(demo.rglob("*")):
        if path.is_file():
            again = tmp_path / path.relative_to(demo)
            assert again.read_bytes() == path.read_bytes(), path.relative_to(demo)


def test_overrides_count_and_survive_a_rerun_without_erasing_the_automatic_score(tmp_path):
    out = tmp_path / "out"
    assert main([*DEMO, "--out", str(out)]) == 0
    before = {r["student_id"]: r for r in rows(out / "gradebook.csv")}
    assert before["B10005"]["E"] == "0"
    (out / "overrides.csv").write_text("student_id,question,points,comment\nB10005,E,0.5,half: only the convention\n",
                                       encoding="utf-8")
    for _ in range(2):  # a rerun reads the overrides file again; nothing overwrites it
        assert main([*DEMO, "--out", str(out)]) == 0
        after = {r["student_id"]: r for r in rows(out / "gradebook.csv")}
        assert after["B10005"]["E"] == "0.5"
        assert float(after["B10005"]["total"]) == float(before["B10005"]["total"]) + 0.5
    instructor = feedback(out, "B10005.md", instructor=True)
    assert "slip" in instructor  # the automatic verdict is still there
    assert "a person set the points for E to 0.5 (automatic: 0): half: only the convention" in instructor
    assert (out / "overrides.csv").read_text(encoding="utf-8").startswith("student_id,question")


def test_a_bad_overrides_file_fails_with_one_line(tmp_path, capsys):
    bad = tmp_path / "o.csv"
    bad.write_text("student_id,question,points,comment\nB1,E,lots,\n", encoding="utf-8")
    assert main([*DEMO, "--out", str(tmp_path / "out"), "--overrides", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "o.csv" in err and "line 2" in err


def test_a_missing_submissions_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["grade", ASSIGNMENT, str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_hostile_student_id_cannot_write_outside_the_output(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.yaml").write_text("student_id: ../../escape\nanswers:\n  s1: 0.7\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", ASSIGNMENT, str(folder), "--out", str(out)]) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(out in p.parents or folder in p.parents for p in written)
    assert not (tmp_path.parent / "escape.md").exists()


def test_formula_looking_text_is_neutralised_in_the_gradebook(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.yaml").write_text('student_id: "=HYPERLINK(1)"\nanswers:\n  s1: 0.7\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", ASSIGNMENT, str(folder), "--out", str(out), "--same-variant"]) == 0
    book = rows(out / "gradebook.csv")
    assert book[0]["student_id"] == "'=HYPERLINK(1)"


def test_a_hand_in_from_someone_not_on_the_roster_is_kept_and_flagged(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nB10001\nB10002\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["grade", ASSIGNMENT, "submissions_example/handed_in", "--roster", str(roster), "--out", str(out)]) == 0
    by_id = {r["student_id"]: r for r in rows(out / "gradebook.csv")}
    assert [r for r in by_id][:2] == ["B10001", "B10002"]  # roster order first
    assert by_id["B10012"]["status"] == "graded" and by_id["B10012"]["reason"] == "not on the roster"
    assert by_id["B10001"]["reason"] == ""


def test_the_workbook_colours_each_cell_by_outcome_and_lists_every_file(demo):
    import openpyxl

    from grader.grading import Verdict
    from grader.report.feedback import COLOUR

    book = openpyxl.load_workbook(demo / "gradebook.xlsx")
    assert book.sheetnames == ["gradebook", "free text", "files", "statistics"]
    sheet = book["gradebook"]
    assert sheet.freeze_panes == "C2"
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "B10004")
    colour = lambda qid: row[header.index(qid)].fill.fgColor.rgb[-6:].lower()  # noqa: E731
    assert colour("s1") == COLOUR[Verdict.WRONG][1:]
    assert colour("a1") == COLOUR[Verdict.FOLLOW_THROUGH][1:]
    assert colour("s2") == COLOUR[Verdict.CORRECT][1:]
    listed = {r[0] for r in book["files"].iter_rows(min_row=2, values_only=True)}
    assert len(listed) == len(list((ROOT / "submissions_example" / "handed_in").iterdir()))
    free = {r[0]: r for r in book["free text"].iter_rows(min_row=2, values_only=True)}
    assert "Gradient descent." in free["B10001"]


def test_a_formula_cell_without_a_saved_value_is_unreadable_with_advice(tmp_path):
    import openpyxl

    folder = tmp_path / "in"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["question", "answer"])
    sheet.append(["student_id", "B77777"])
    sheet.append(["s1", "=0.3+0.4"])  # openpyxl saves formulas without a cached value
    sheet.append(["s2", 1.0])
    book.save(folder / "B77777_practice09.xlsx")
    out = tmp_path / "out"
    assert main(["grade", ASSIGNMENT, str(folder), "--out", str(out), "--same-variant"]) == 0
    page = feedback(out, "B77777.md")
    line = next(line for line in page.splitlines() if line.startswith("| s1 "))
    assert "unreadable" in line and "LibreOffice" in line and "B3" in line
    assert {r["student_id"]: r for r in rows(out / "gradebook.csv")}["B77777"]["s2"] == "1"


def test_an_override_for_nobody_in_the_gradebook_is_refused(tmp_path, capsys):
    bad = tmp_path / "o.csv"
    bad.write_text("student_id,question,points,comment\nB10005,E,1,\nB1OO13,E,1,typo\n", encoding="utf-8")
    assert main([*DEMO, "--out", str(tmp_path / "out"), "--overrides", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "o.csv: line 3" in err and "B1OO13" in err
    assert not (tmp_path / "out" / "gradebook.csv").exists()
