"""``grader variants``: the files it writes, byte for byte the same on every run, safely named."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from grader.assignment import load_assignment
from grader.cli import main
from grader.commands.variants import VariantsResult, variants
from grader.engine.variants import draw_variants
from grader.errors import ConfigError
from grader.key import compute_key, nested_params

ASSIGNMENT = Path(__file__).resolve().parents[2] / "answer_keys" / "practice09.yaml"
SECRET = "s3cret-Pepper-7d1f"
STUDENT_FILES = ("handout.md", "handout.html", "{id}_practice09.yaml", "{id}_practice09.csv", "{id}_practice09.xlsx")


def _roster(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def roster(tmp_path):
    return _roster(tmp_path, "student_id,name\nB12345,Ann Smith\nB67890,Bob Jones\n00123,Carl\n")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_writes_every_students_files_and_the_key(tmp_path, roster):
    result = variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out")
    assert isinstance(result, VariantsResult)
    assert (result.students, result.files, result.id_column) == (3, 17, "student_id")
    expected = {"key.csv", "key.xlsx"} | {
        f"students/{sid}/{name.format(id=sid)}" for sid in ("B12345", "B67890", "00123") for name in STUDENT_FILES
    }
    assert set(_files(tmp_path / "out")) == expected


def test_templates_carry_the_students_own_id_and_params(tmp_path, roster):
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out", secret=SECRET)
    sheet = load_assignment(ASSIGNMENT)
    ids = ["B12345", "B67890", "00123"]
    key = compute_key(sheet, draw_variants(sheet, ids, SECRET))
    for row, sid in enumerate(ids):
        folder = tmp_path / "out" / "students" / sid
        document = yaml.safe_load((folder / f"{sid}_practice09.yaml").read_text(encoding="utf-8"))
        assert document["student_id"] == sid
        assert document["params"] == nested_params(sheet, key.params(row))
        rows = list(csv.reader(io.StringIO((folder / f"{sid}_practice09.csv").read_text(encoding="utf-8-sig"))))
        assert rows[1] == ["student_id", sid, ""]
        assert float(dict((r[0], r[1]) for r in rows)["param:w7"]) == key.params(row)["w7"]
        handout = (folder / "handout.md").read_text(encoding="utf-8")
        assert f"{round(float(key.values['dE_dyhat'][row]), 4):.4f}" in handout


def test_key_files_hold_every_student_and_answer(tmp_path, roster):
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out")
    sheet = load_assignment(ASSIGNMENT)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "key.csv").read_text(encoding="utf-8"))))
    assert [r["student_id"] for r in rows] == ["B12345", "B67890", "00123"]
    assert all(q.id in rows[0] for q in sheet.numeric_questions)
    book = openpyxl.load_workbook(tmp_path / "out" / "key.xlsx")
    table = book.worksheets[0]
    assert table.freeze_panes == "B2"
    assert [c.value for c in table[1]] == list(rows[0])
    assert table["A4"].value == "00123"  # an id that looks numeric stays text
    assert float(table.cell(2, list(rows[0]).index("s1") + 1).value) == float(rows[0]["s1"])


def test_two_runs_are_byte_identical(tmp_path, roster):
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "one", secret=SECRET)
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "two", secret=SECRET)
    first, second = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert first.keys() == second.keys() and len(first) == 17
    for name in first:
        assert first[name] == second[name], name
    # a run over an existing folder replaces the files in place and leaves no temporary file behind
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "one", secret=SECRET)
    assert _files(tmp_path / "one") == first


def test_the_secret_changes_the_variants_but_appears_in_no_file(tmp_path, roster):
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "plain")
    variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "secret", secret=SECRET)
    plain, secret = _files(tmp_path / "plain"), _files(tmp_path / "secret")
    assert plain["students/B12345/handout.md"] != secret["students/B12345/handout.md"]
    for name, data in secret.items():
        for content in _contents(name, data):
            assert SECRET.encode() not in content, name


def _contents(name: str, data: bytes) -> list[bytes]:
    """A file's bytes; for a workbook (a zip), every member's bytes uncompressed."""
    if not name.endswith(".xlsx"):
        return [data]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [archive.read(member) for member in archive.namelist()]


@pytest.mark.parametrize("hostile", ["../x", "../../etc/passwd", "..", ".", ".hidden", "a/b", "C:\\x", "CON", "-rf"])
def test_a_hostile_id_writes_nowhere_but_under_out(tmp_path, hostile):
    roster = tmp_path / "in" / "roster.csv"
    roster.parent.mkdir()
    with roster.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["student_id"], [hostile], ["B12345"]])
    out = tmp_path / "in" / "out"
    result = variants(assignment=ASSIGNMENT, roster=roster, out=out)
    outside = {p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents} - {roster}
    assert outside == set()
    folders = sorted(p.name for p in (out / "students").iterdir())
    assert "B12345" in folders and len(folders) == 2
    assert all(not f.startswith((".", "-")) and f not in ("..", ".") for f in folders)
    assert dict(result.renamed)[hostile] in folders
    folder = out / "students" / dict(result.renamed)[hostile]
    template = next(folder.glob("*.yaml"))
    assert yaml.safe_load(template.read_text(encoding="utf-8"))["student_id"] == hostile


@pytest.mark.parametrize(
    "text, line",
    [
        ("student_id,name\nB1,Ann\nB2,Bob\nB1,Carl\n", "line 4"),
        ("student_id,name\nB1,Ann\n,Bob\nB3,Carl\n", "line 3"),
    ],
    ids=["duplicate", "empty"],
)
def test_a_bad_roster_is_refused_naming_the_line(tmp_path, capsys, text, line):
    roster = _roster(tmp_path, text)
    with pytest.raises(ConfigError, match=line):
        variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    status = main(["variants", str(ASSIGNMENT), "--roster", str(roster), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and line in captured.err and "roster.csv" in captured.err


def test_cli_prints_one_line_naming_the_id_column(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRADER_SECRET", raising=False)
    monkeypatch.delenv("GRADER_SECRET_FILE", raising=False)
    roster = _roster(tmp_path, "First name,Surname,ID number,Email address\n"
                               "Ann,Smith,,ann@uni.ee\nBob,Jones,,bob@uni.ee\n")
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    status = main(["variants", str(ASSIGNMENT), "--roster", str(roster), "--out", str(tmp_path / "out"),
                   "--secret-file", str(secret_file)])
    captured = capsys.readouterr()
    assert status == 0 and captured.err == ""
    assert captured.out.count("\n") == 1
    assert "2 students" in captured.out and "'Email address'" in captured.out
    # "ID number" is empty on every line, so the e-mail names the students; "@" is no file-name character
    folders = sorted(p.name for p in (tmp_path / "out" / "students").iterdir())
    assert len(folders) == 2 and folders[0].startswith("ann_uni.ee-") and folders[1].startswith("bob_uni.ee-")
    template = next((tmp_path / "out" / "students" / folders[0]).glob("*.yaml"))
    assert yaml.safe_load(template.read_text(encoding="utf-8"))["student_id"] == "ann@uni.ee"


def test_canvas_export_skips_points_possible(tmp_path):
    roster = _roster(tmp_path, "Student,ID,SIS User ID,SIS Login ID,Section,Practice 9\n"
                               "    Points Possible,,,,,10.00\n"
                               '"Smith, Ann",101,B12345,ann,ML,\n"Jones, Bob",102,B67890,bob,ML,\n')
    result = variants(assignment=ASSIGNMENT, roster=roster, out=tmp_path / "out")
    assert result.students == 2 and result.id_column == "SIS User ID"
    handout = (tmp_path / "out" / "students" / "B12345" / "handout.md").read_text(encoding="utf-8")
    assert "Smith, Ann (B12345)" in handout
