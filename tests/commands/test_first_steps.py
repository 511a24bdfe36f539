"""What a new instructor runs into first, from the command line: the command alone, --version, --out
naming a file, an empty folder, a README and notes among the submissions."""

from __future__ import annotations

import csv

from console import run

SHEET = "answer_keys/practice09.yaml"
ONE = "submissions_example/handed_in/B10001_practice09.yaml"


def test_grader_alone_shows_the_commands_and_an_example_and_does_nothing(capsys):
    code, out, err = run()
    assert code == 2 and out == ""
    assert "grade" in err and "variants" in err and "serve" in err
    assert "grader grade answer_keys/practice09.yaml submissions_example/handed_in" in err


def test_version_is_the_installed_package_version():
    from importlib.metadata import version

    code, out, _ = run("--version")
    assert (code, out) == (0, f"grader {version('grader')}\n")


def test_out_naming_a_file_fails_at_once_with_one_line(tmp_path):
    taken = tmp_path / "results.csv"
    taken.write_text("keep me\n")
    for argv in (("grade", SHEET, ONE, "--out", str(taken)),
                 ("variants", SHEET, "--roster", "submissions_example/roster.csv", "--out", str(taken)),
                 ("grade", SHEET, ONE, "--out", str(taken / "inside"))):
        code, out, err = run(*argv)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("grader: --out: expected a folder") and str(taken) in err
        assert "Traceback" not in err
    assert taken.read_text() == "keep me\n"


def test_an_empty_folder_is_an_error_not_a_gradebook_of_nobody(tmp_path):
    empty = tmp_path / "handed_in"
    empty.mkdir()
    (empty / "~$B1_practice09.xlsx").write_bytes(b"lock")
    code, out, err = run("grade", SHEET, str(empty), "--out", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert f"{empty}: no submission files found (1 ignored" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    # with a roster, everyone on it is missing: a gradebook worth writing (before anyone handed in)
    code, out, err = run("grade", SHEET, str(empty), "--out", str(tmp_path / "out"),
                         "--roster", "submissions_example/roster.csv")
    assert code == 0 and "graded 0, missing 14" in out


def test_a_readme_and_notes_among_the_submissions_are_ignored_not_students(tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    (folder / "B10001_practice09.yaml").write_bytes(open(ONE, "rb").read())
    (folder / "README.md").write_text("# how I grade\n")
    (folder / "notes.txt").write_text("B10001 asked for more time\n")
    (folder / "summary.pdf").write_bytes(b"%PDF-1.4")
    (folder / "B10003_work.pdf").write_bytes(b"%PDF-1.4")  # a student's, in the wrong format: they must hear
    code, _, err = run("grade", SHEET, str(folder), "--out", str(tmp_path / "out"))
    assert code == 0, err
    with open(tmp_path / "out" / "gradebook.csv", newline="") as handle:
        students = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(students) == {"B10001", "B10003"} and students["B10003"]["status"] == "rejected"
    with open(tmp_path / "out" / "files.csv", newline="") as handle:
        fates = {row["file"].rsplit("/", 1)[-1]: row for row in csv.DictReader(handle)}
    assert {name: fates[name]["status"] for name in fates} == {
        "B10001_practice09.yaml": "graded", "B10003_work.pdf": "rejected",
        "README.md": "ignored", "notes.txt": "ignored", "summary.pdf": "ignored"}
    assert all(fates[name]["reason"] for name in ("README.md", "notes.txt", "summary.pdf"))
