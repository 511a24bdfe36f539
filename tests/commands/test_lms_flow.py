"""From an LMS download to the grade file that goes back, as an instructor runs it: the command, what
it prints, the exit code, files.csv and the file to upload."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from console import run
from roster_files import xlsx_bytes
from lms_zips import hostile_entries

ROOT = Path(__file__).resolve().parents[2]
SHEET = str(ROOT / "answer_keys" / "practice09.yaml")
MOODLE = ROOT / "submissions_example" / "moodle"
CANVAS = ROOT / "submissions_example" / "canvas"
MOODLE_ZIP = MOODLE / "practice09_submissions.zip"
CANVAS_ZIP = CANVAS / "practice09_submissions.zip"
WORKSHEET = MOODLE / "grading_worksheet.csv"
EXPORT = CANVAS / "gradebook_export.csv"


def table(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def moodle_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("moodle") / "out"
    result = run("grade", SHEET, str(MOODLE_ZIP), "--roster", str(MOODLE / "roster.csv"),
                 "--lms-sheet", str(WORKSHEET), "--out", str(out))
    return out, result


@pytest.fixture(scope="module")
def canvas_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("canvas") / "out"
    result = run("grade", SHEET, str(CANVAS_ZIP), "--roster", str(EXPORT), "--lms-sheet", str(EXPORT),
                 "--out", str(out))
    return out, result


def test_a_moodle_download_is_graded_and_its_worksheet_filled(moodle_out):
    out, (code, stdout, stderr) = moodle_out
    assert (code, stderr) == (0, "")
    assert stdout.splitlines() == [
        f"graded 12, missing 1, rejected 1 of 14 students; mean 89.4%; wrote {out}/gradebook.csv",
        f"wrote {out}/moodle_grades.csv: upload it in Moodle, the assignment's View all submissions, "
        "Grading action: Upload grading worksheet"]
    before, after = WORKSHEET.read_bytes().splitlines(keepends=True), (out / "moodle_grades.csv").read_bytes().splitlines(keepends=True)
    assert after[0] == before[0] and len(after) == len(before)
    rows = table(out / "moodle_grades.csv")
    assert [r["Identifier"] for r in rows] == [f"Participant {3141001 + i}" for i in range(14)]
    gradebook = {r["student_id"]: r for r in table(out / "gradebook.csv")}
    for number, row in enumerate(rows):
        student = gradebook[f"B{10001 + number}"]
        if student["status"] == "graded":
            assert row["Grade"] == student["percent"]  # Maximum Grade is 100.00
            assert row["Feedback comments"].startswith(f"{student['total']}/29 points")
        else:  # B10008's YAML is broken, B10013 handed in nothing: their rows are as they were
            assert after[1 + number] == before[1 + number]
    assert rows[0]["Feedback comments"] == "29/29 points; every step right"
    assert rows[4]["Feedback comments"] == "28/29 points; first step to look at: E (slip, half_squared_error)"


def test_files_csv_names_every_entry_of_the_download(moodle_out):
    out, _ = moodle_out
    files = table(out / "files.csv")
    entries = {f"{MOODLE_ZIP}!{info.filename}" for info in zipfile.ZipFile(MOODLE_ZIP).infolist()}
    assert {f["file"] for f in files} == entries
    by_name = {f["file"].split("!", 1)[1]: f for f in files}
    pdf = by_name["Peeter Kuusk_3141006_assignsubmission_file/working.pdf"]
    assert (pdf["student_id"], pdf["status"]) == ("B10006", "rejected")
    assert pdf["reason"].startswith(f"{MOODLE_ZIP}!Peeter Kuusk_3141006_assignsubmission_file/working.pdf: "
                                    "not a submission format: .pdf (hand in .yaml, .csv")
    # no student id in these files: the roster's lms_id gives it
    assert by_name["Eva Rebane_3141009_assignsubmission_file/answers.csv"]["student_id"] == "B10009"
    assert by_name["Toomas Kivi_3141010_assignsubmission_file/answers.csv"]["student_id"] == "B10010"


def test_a_copy_inside_a_download_is_flagged_as_in_a_folder(moodle_out):
    out, _ = moodle_out
    gradebook = {r["student_id"]: r for r in table(out / "gradebook.csv")}
    assert gradebook["B10014"]["similar_to"] == "B10002"
    page = zipfile.ZipFile(out / "feedback_instructor.zip").read("B10014.md").decode()
    assert "similar_to B10002" in page


def test_a_canvas_download_is_graded_and_its_gradebook_filled(canvas_out):
    out, (code, stdout, stderr) = canvas_out
    assert code == 0
    assert stderr == f"grader: note: {EXPORT}: line 17: Canvas's \"Test Student\" left out (not a student)\n"
    assert stdout.splitlines()[1] == f"wrote {out}/canvas_grades.csv: upload it in Canvas, Grades, Import"
    data = (out / "canvas_grades.csv").read_bytes()
    before, after = EXPORT.read_bytes().splitlines(keepends=True), data.splitlines(keepends=True)
    assert after[:2] == before[:2]  # the header (with its byte-order mark) and the Points Possible row
    assert after[-1] == before[-1]  # the Test Student
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "    Points Possible" and rows[1][5] == "29.00"
    gradebook = {r["student_id"]: r for r in table(out / "gradebook.csv")}
    for row in rows[2:-1]:
        student = gradebook[row[2]]
        expected = f"{float(student['total']):.2f}" if student["status"] == "graded" else ""
        assert row[5] == expected, row  # points of 29 possible
    assert {r["student_id"] for r in table(out / "files.csv")} >= {"B10009", "B10010"}  # ids through the ID column


def test_the_same_class_graded_by_two_processes_gives_the_same_bytes(moodle_out, tmp_path):
    out, _ = moodle_out
    again = tmp_path / "again"
    code, _, _ = run("grade", SHEET, str(MOODLE_ZIP), "--roster", str(MOODLE / "roster.csv"),
                     "--lms-sheet", str(WORKSHEET), "--out", str(again), "--jobs", "2")
    assert code == 0
    for name in ("gradebook.csv", "files.csv", "moodle_grades.csv", "feedback.zip", "feedback_instructor.zip"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize(("sheet", "extra", "message"), [
    (EXPORT, ["--lms-column", "Homework"],
     f"grader: {EXPORT}: --lms-column: expected one of 'Practice 9: backpropagation (4411)' (a title, or the id "
     "in brackets); got 'Homework'\n"),
    (WORKSHEET, ["--lms-column", "Grade"],
     f"grader: {WORKSHEET}: --lms-column: expected no --lms-column with a Moodle grading worksheet (it has one "
     "Grade column)\n"),
    (MOODLE / "roster.csv", [],
     f"grader: {MOODLE / 'roster.csv'}: (header): expected a Moodle grading worksheet (Identifier, Full name, ..., "
     "Grade) or a Canvas gradebook export (Student, ID, SIS User ID, ...); got student_id, name, email, lms_id\n"),
])
def test_a_sheet_that_cannot_work_fails_at_once_before_grading(tmp_path, sheet, extra, message):
    out = tmp_path / "out"
    code, stdout, stderr = run("grade", SHEET, str(MOODLE_ZIP), "--lms-sheet", str(sheet), *extra, "--out", str(out))
    assert (code, stdout, stderr) == (2, "", message)
    assert not out.exists()


def test_several_canvas_assignments_need_lms_column(tmp_path):
    lines = EXPORT.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    export = tmp_path / "export.csv"
    export.write_text("".join([lines[0].replace("Current Points", "Quiz 1 (4412)"), *lines[1:]]), encoding="utf-8")
    code, _, stderr = run("grade", SHEET, str(CANVAS_ZIP), "--lms-sheet", str(export), "--out", str(tmp_path / "o"))
    assert code == 2 and stderr.startswith(f"grader: {export}: --lms-column: expected --lms-column to choose one of "
                                           "the 2 assignment columns: 'Practice 9: backpropagation (4411)', "
                                           "'Quiz 1 (4412)'")
    code, _, _ = run("grade", SHEET, str(CANVAS_ZIP), "--lms-sheet", str(export), "--lms-column", "4411",
                     "--out", str(tmp_path / "o"))
    assert code == 0 and (tmp_path / "o" / "canvas_grades.csv").exists()


def test_lms_column_alone_is_refused(tmp_path):
    code, _, stderr = run("grade", SHEET, str(CANVAS_ZIP), "--lms-column", "4411", "--out", str(tmp_path / "o"))
    assert (code, stderr) == (2, "grader: --lms-column: expected together with --lms-sheet "
                                 "(a Canvas gradebook export)\n")


def test_a_download_that_is_no_zip_fails_at_once_with_one_line(tmp_path):
    broken = tmp_path / "download.zip"
    broken.write_bytes(b"<html>session expired</html>")
    code, stdout, stderr = run("grade", SHEET, str(broken), "--out", str(tmp_path / "out"))
    assert (code, stdout) == (2, "")
    assert stderr == (f"grader: {broken}: not a readable zip archive (File is not a zip file): "
                      "download it again from the LMS\n")


def test_a_hostile_download_grades_the_good_entry_and_lists_the_rest(tmp_path, monkeypatch):
    data, reasons = hostile_entries()
    download = tmp_path / "download.zip"
    download.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run("grade", SHEET, "download.zip", "--out", "out", "--same-variant")
    assert code == 0 and "Traceback" not in stderr
    assert stdout.startswith("graded 1, missing 0, rejected ")
    files = table(tmp_path / "out" / "files.csv")
    assert len(files) == len(zipfile.ZipFile(download).infolist())
    rejected = {f["file"]: f["reason"] for f in files if f["status"] == "rejected"}
    for name, phrase in reasons.items():
        assert phrase in rejected[f"download.zip!{name}"]
    assert not (tmp_path / "evil.yaml").exists() and not (tmp_path.parent / "evil.yaml").exists()


def test_a_roster_keyed_by_email_says_that_no_submitted_id_matched(tmp_path):
    roster = tmp_path / "participants.csv"
    roster.write_text("First name,Surname,ID number,Email address\n"
                      "Mari,Tamm,,mari.tamm@students.example.org\nJaan,Kask,,jaan.kask@students.example.org\n",
                      encoding="utf-8")
    code, stdout, stderr = run("grade", SHEET, str(ROOT / "submissions_example" / "handed_in"),
                               "--roster", str(roster), "--out", str(tmp_path / "out"))
    assert code == 0 and stdout.startswith("graded 12, missing 2, rejected 1 of 15 students")
    assert stderr == (f"grader: warning: {roster}: no submitted student id matched the roster's id column "
                      "'Email address' (the files give ids like 'B10001', the roster 'mari.tamm@students.example.org'); "
                      "every submitter is 'not on the roster': give the roster a student_id column with the ids the "
                      "files use\n")


def test_a_roster_that_matches_says_nothing(tmp_path):
    code, _, stderr = run("grade", SHEET, str(MOODLE_ZIP), "--roster", str(MOODLE / "roster.csv"),
                          "--out", str(tmp_path / "out"))
    assert (code, stderr) == (0, "")


def test_a_spreadsheet_roster_works_for_grade(tmp_path):
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(xlsx_bytes([("student_id", "name", "lms_id"), ("B10009", "Eva Rebane", 3141009),
                                   ("B10010", "Toomas Kivi", 3141010)]))
    code, stdout, _ = run("grade", SHEET, str(MOODLE_ZIP), "--roster", str(roster), "--out", str(tmp_path / "out"))
    assert code == 0
    gradebook = {r["student_id"]: r for r in table(tmp_path / "out" / "gradebook.csv")}
    assert gradebook["B10009"]["name"] == "Eva Rebane" and gradebook["B10009"]["status"] == "graded"
    assert "participant_3141009" not in gradebook


def test_without_a_roster_the_lms_number_stands_in_for_the_id(tmp_path):
    code, _, _ = run("grade", SHEET, str(CANVAS_ZIP), "--out", str(tmp_path / "out"))
    assert code == 0
    ids = {r["student_id"] for r in table(tmp_path / "out" / "gradebook.csv")}
    assert {"canvas_20009", "canvas_20010", "B10001"} <= ids


def test_check_reads_every_entry_of_a_download():
    code, stdout, _ = run("check", SHEET, str(MOODLE_ZIP))
    assert code == 0
    assert stdout.count("B10001") >= 1 and "working.pdf: not a submission format: .pdf" in stdout


# --- the README's sections and the example files they use ------------------------------------------

def readme_commands(section: str) -> list[str]:
    """The commands (indented lines) of a README section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [line[4:] for line in text.splitlines() if line.startswith("    ") and line.strip()]


@pytest.mark.parametrize(("section", "upload"), [("From Moodle", "out_moodle/moodle_grades.csv"),
                                                 ("From Canvas", "out_canvas/canvas_grades.csv")])
def test_the_readme_sections_three_commands_work_in_a_fresh_clone(tmp_path, monkeypatch, section, upload):
    import shlex
    import shutil
    import subprocess

    commands = readme_commands(section)
    assert len(commands) == 3
    for folder in ("answer_keys", "submissions_example"):  # what a clone holds of what the commands read
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    for command in commands:
        if command.startswith("grader "):
            code, out, err = run(*shlex.split(command)[1:])
            assert code == 0 and "Traceback" not in err, (command, err)
        else:
            done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=tmp_path)
            assert done.returncode == 0 and done.stdout, (command, done.stderr)
            assert "rejected" in done.stdout or "Points Possible" in done.stdout or "Participant" in done.stdout
    assert (tmp_path / upload).is_file()
    mentioned = " ".join(commands)
    assert upload in mentioned and upload in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_example_files_are_what_the_script_makes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_lms_examples", ROOT / "scripts" / "make_lms_examples.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.example_files()
    assert set(made) == {"moodle/practice09_submissions.zip", "moodle/grading_worksheet.csv", "moodle/roster.csv",
                         "canvas/practice09_submissions.zip", "canvas/gradebook_export.csv"}
    for name, data in made.items():
        assert (ROOT / "submissions_example" / name).read_bytes() == data, f"run scripts/make_lms_examples.py: {name}"
    assert script.example_files() == made  # the same bytes every run
