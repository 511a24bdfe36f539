"""Moodle and Canvas downloads read as they come: who each entry is, and what a hostile archive gets."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from lms_zips import ANSWERS, MOODLE, WITH_ID, hostile_entries, zip_of

from grader.submissions import Submission, read_file, read_paths
from grader.submissions.archives import lms_identity
from grader.submissions.discover import list_files

from .conftest import QUESTIONS


def fates(batch) -> dict[str, tuple[str, str]]:
    """Entry name -> (what became of it, why), for everything in a batch."""
    found = {}
    for s in batch.submissions:
        found[s.file.split("!", 1)[1]] = ("graded", s.student_id)
    for r in batch.rejections:
        found[r.file.split("!", 1)[1]] = ("rejected", r.reason)
    for s in batch.skipped:
        found[s.file.split("!", 1)[1]] = ("ignored", s.reason)
    for s in batch.superseded:
        found[s.file.split("!", 1)[1]] = ("superseded", s.by)
    return found


@pytest.fixture
def download(tmp_path):
    def write(entries, name="download.zip") -> Path:
        path = tmp_path / name
        path.write_bytes(entries if isinstance(entries, bytes) else zip_of(entries))
        return path

    return write


@pytest.mark.parametrize(("entry", "lms", "lms_id", "file"), [
    (f"{MOODLE}/B1_practice09.yaml", "moodle", "1234567", "B1_practice09.yaml"),
    (f"{MOODLE}_/B1_practice09.yaml", "moodle", "1234567", "B1_practice09.yaml"),  # older Moodle
    (f"{MOODLE}_B1_practice09.yaml", "moodle", "1234567", "B1_practice09.yaml"),   # not in folders
    (f"{MOODLE}/sub/dir/answers.csv", "moodle", "1234567", "answers.csv"),
    ("Participant_7654321_assignsubmission_file/x.yaml", "moodle", "7654321", "x.yaml"),  # anonymous
    ("Jane_Q_Doe_99_assignsubmission_onlinetext/onlinetext.html", "moodle", "99", "onlinetext.html"),
    ("doejane_12345_67890_Essay.yaml", "canvas", "12345", "Essay.yaml"),
    ("doejane_LATE_12345_67890_B1_practice_9.csv", "canvas", "12345", "B1_practice_9.csv"),
    ("doejane_late_12345_67890_B1.xlsx", "canvas", "12345", "B1.xlsx"),
    ("pärnmarek_20008_880009_B10008_practice09.yaml", "canvas", "20008", "B10008_practice09.yaml"),
    ("doejane_12345_text.html", "canvas", "12345", "text.html"),
    ("anon_x7Kq2_67890_B1.yaml", "canvas", "anon_x7Kq2", "B1.yaml"),
])
def test_an_lms_entry_name_gives_its_participant_or_user(entry, lms, lms_id, file):
    identity = lms_identity(entry)
    assert (identity.lms, identity.lms_id, identity.file) == (lms, lms_id, file)


@pytest.mark.parametrize("entry", ["B10001_practice09.yaml", "12345_practice09.csv", "class/B1_a.yaml",
                                   "doejane_12345_Essay.yaml", "B1_practice09_v2.yaml"])
def test_other_names_are_no_lms_entry(entry):
    assert lms_identity(entry) is None


def test_the_student_id_comes_from_the_file_then_the_roster_then_the_lms(download):
    path = download([
        (f"{MOODLE}/B1_practice09.csv", WITH_ID),                                   # the file says B1
        ("John Roe_2222222_assignsubmission_file/answers.csv", ANSWERS),            # the roster knows him
        ("Ann Poe_3333333_assignsubmission_file/answers.csv", ANSWERS),             # nobody knows her
        ("roejohn_4444_5555_answers.csv", ANSWERS),                                 # Canvas, unknown
        ("B7_practice09.csv", ANSWERS),                                             # a plain zip's file
    ])
    listing = list_files([path], {"2222222": "B2", "1234567": "B9"})
    from grader.submissions.discover import read_files

    submissions, rejections = read_files(listing.files, QUESTIONS)
    assert not rejections
    assert [s.student_id for s in submissions] == ["B1", "B2", "participant_3333333", "canvas_4444", "B7"]
    first = submissions[0]
    assert first.file == f"{path}!{MOODLE}/B1_practice09.csv"
    assert first.notes == ("student id 'B1' in the file differs from 'B9' that the roster's lms_id gives "
                           "Moodle participant 1234567; the file's id is used",)
    assert all(not s.notes for s in submissions[1:])  # participant_<n> is no id to disagree with


def test_every_layout_of_a_moodle_download_is_graded(download):
    path = download([
        (f"{MOODLE}/B1_practice09.csv", WITH_ID),
        ("Ann Poe_3333333_assignsubmission_file_/answers.csv", ANSWERS),
        ("John Roe_2222222_assignsubmission_file_answers.csv", ANSWERS),
    ])
    batch = read_paths([path], QUESTIONS)
    assert sorted(s.student_id for s in batch.submissions) == ["B1", "participant_2222222", "participant_3333333"]
    assert not batch.rejections and not batch.skipped


def test_folders_and_macos_metadata_are_ignored_with_a_reason(download):
    path = download([
        (f"{MOODLE}/", b""),
        (f"{MOODLE}/B1_practice09.csv", WITH_ID),
        (f"__MACOSX/{MOODLE}/._B1_practice09.csv", b"\x00\x05\x16\x07"),
        (f"{MOODLE}/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        (f"{MOODLE}/~$B1_practice09.xlsx", b"lock"),
        ("README.txt", "how this download was made"),
    ])
    found = fates(read_paths([path], QUESTIONS))
    assert found == {
        f"{MOODLE}/": ("ignored", "a folder in the archive"),
        f"{MOODLE}/B1_practice09.csv": ("graded", "B1"),
        f"__MACOSX/{MOODLE}/._B1_practice09.csv": ("ignored", "macOS metadata (__MACOSX), not a submission"),
        f"{MOODLE}/.DS_Store": ("ignored", "a hidden file"),
        f"{MOODLE}/~$B1_practice09.xlsx": ("ignored", "an Office lock file"),
        "README.txt": ("ignored", "a README or notes, not a submission"),
    }


def test_a_student_handing_in_a_pdf_in_the_lms_hears_of_it(download):
    path = download([(f"{MOODLE}/working.pdf", b"%PDF-1.4\n"), (f"{MOODLE}/notes.md", "my notes")])
    batch = read_paths([path], QUESTIONS)
    assert {r.student_id for r in batch.rejections} == {"participant_1234567"}
    assert sorted(r.reason.split(" (hand in ", 1)[0] for r in batch.rejections) == [
        f"{path}!{MOODLE}/notes.md: not a submission format: .md",
        f"{path}!{MOODLE}/working.pdf: not a submission format: .pdf"]


def test_a_workbook_in_the_download_is_read_as_one(download, tmp_path):
    import xlsxwriter

    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row, cells in enumerate([("question", "answer"), ("student_id", "B3"), ("s1", 0.7)]):
        sheet.write_row(row, 0, cells)
    workbook.close()
    path = download([("doejane_12345_67890_B3_practice09.xlsx", book.getvalue())])
    (submission,) = read_paths([path], QUESTIONS).submissions
    assert (submission.student_id, submission.answers["s1"].value) == ("B3", 0.7)
    assert str(submission.answers["s1"].source) == f"{path}!doejane_12345_67890_B3_practice09.xlsx, cell B3"


def test_the_newest_upload_of_a_student_counts(download):
    def entry(name, day):
        info = zipfile.ZipInfo(name, date_time=(2026, 3, day, 12, 0, 0))
        return info, ANSWERS

    path = download([entry(f"{MOODLE}/first.csv", 2), entry(f"{MOODLE}/second.csv", 5)])
    batch = read_paths([path], QUESTIONS)
    assert [s.file for s in batch.submissions] == [f"{path}!{MOODLE}/second.csv"]
    assert [(s.file, s.by) for s in batch.superseded] == [(f"{path}!{MOODLE}/first.csv", f"{path}!{MOODLE}/second.csv")]


def test_a_hostile_archive_gives_one_graded_entry_and_a_reason_for_each_other(download, tmp_path, monkeypatch):
    data, reasons = hostile_entries()
    monkeypatch.chdir(tmp_path)
    path = download(data)
    batch = read_paths([path], QUESTIONS)
    assert [(s.student_id, s.file) for s in batch.submissions] == [("B1", f"{path}!{MOODLE}/B1_practice09.csv")]
    rejected = {r.file: r.reason for r in batch.rejections}
    assert len(batch.rejections) == len(reasons) + 1  # twice.csv is two entries, both refused
    for name, phrase in reasons.items():
        shown = f"{path}!{name}"
        assert rejected[shown].startswith(f"{shown}: ") and phrase in rejected[shown], (name, rejected[shown])
    assert {r.student_id for r in batch.rejections if MOODLE in r.file} == {"participant_1234567"}
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["download.zip"]  # nothing was extracted


def test_every_entry_is_accounted_for(download):
    data, _ = hostile_entries()
    path = download(data)
    batch = read_paths([path], QUESTIONS)
    accounted = len(batch.submissions) + len(batch.rejections) + len(batch.skipped) + len(batch.superseded)
    assert accounted == len(zipfile.ZipFile(path).infolist())


def test_the_archive_as_a_whole_is_bounded(download, monkeypatch):
    import grader.submissions.archives as archives

    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 2 * len(WITH_ID))
    path = download([(f"{MOODLE}/a.csv", WITH_ID), (f"{MOODLE}/b.csv", WITH_ID), (f"{MOODLE}/c.csv", WITH_ID)])
    batch = read_paths([path], QUESTIONS)
    assert [s.file.rsplit("/", 1)[1] for s in batch.submissions] == ["b.csv"]  # a.csv superseded by b.csv
    (refused,) = batch.rejections
    assert refused.file.endswith("/c.csv") and "this entry and the ones after it are not read" in refused.reason
    monkeypatch.setattr(archives, "MAX_ENTRIES", 2)
    (refused,) = read_paths([path], QUESTIONS).rejections
    assert refused.reason == f"{path}: the archive lists 3 entries (at most 2)"


def test_a_name_that_is_not_utf8_is_read_as_zip_readers_read_it(download):
    data = zip_of([("J?rgen M?ller_77_assignsubmission_file/answers.csv", ANSWERS)])
    data = data.replace(b"J?rgen M?ller", b"J\xfcrgen M\xfcller")  # cp1252 bytes, no UTF-8 flag
    (submission,) = read_paths([download(data)], QUESTIONS).submissions
    assert submission.student_id == "participant_77"
    assert "_77_assignsubmission_file/answers.csv" in submission.file


def test_a_name_flagged_utf8_that_is_not_is_one_rejection_naming_the_archive(download):
    data = zip_of([("Jürgen_77_assignsubmission_file/answers.csv", ANSWERS)]).replace(b"\xc3\xbc", b"\xff\xff")
    path = download(data)
    batch = read_paths([path], QUESTIONS)
    (refused,) = batch.rejections
    assert refused.file == str(path) and refused.reason.startswith(f"{path}: not a readable zip archive (")
    assert not batch.submissions


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really", b"just text", zlib.compress(b"x" * 100)])
def test_a_damaged_archive_is_one_rejection(download, data):
    path = download(data)
    (refused,) = read_paths([path], QUESTIONS).rejections
    assert refused.file == str(path) and "not a readable zip archive" in refused.reason


def test_an_archive_given_alone_to_read_file_gives_each_entrys_submissions(download):
    path = download([(f"{MOODLE}/B1_practice09.csv", WITH_ID), ("../evil.csv", ANSWERS)])
    items = read_file(path, QUESTIONS)
    assert [type(i).__name__ for i in items] == ["Rejection", "Submission"]
    assert isinstance(items[1], Submission) and items[1].student_id == "B1"


def test_an_archive_in_a_folder_is_read_in_its_place(tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    (folder / "B5_practice09.csv").write_text(WITH_ID.replace("B1", "B5"))
    (folder / "moodle.zip").write_bytes(zip_of([(f"{MOODLE}/B1_practice09.csv", WITH_ID)]))
    batch = read_paths([folder, folder / "moodle.zip"], QUESTIONS)  # named twice: read once
    assert sorted(s.student_id for s in batch.submissions) == ["B1", "B5"]


def test_an_entry_is_reread_safely_after_the_archive_changed(download):
    path = download([(f"{MOODLE}/B1_practice09.csv", WITH_ID)])
    listing = list_files([path])
    path.write_bytes(zip_of([(f"{MOODLE}/other.csv", WITH_ID)]))
    from grader.submissions.discover import read_item

    (refused,) = read_item(listing.files[0], QUESTIONS)
    assert "no longer in the archive" in refused.reason
    path.write_bytes(b"gone")
    (refused,) = read_item(listing.files[0], QUESTIONS)
    assert "the archive could not be read again" in refused.reason


def test_a_workbook_named_zip_is_one_rejection_not_its_parts(tmp_path):
    import xlsxwriter

    path = tmp_path / "B4_practice09.zip"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_row(0, 0, ["question", "answer"])
    workbook.close()
    (refused,) = read_paths([tmp_path], QUESTIONS).rejections
    assert (refused.file, refused.student_id) == (str(path), "B4")
    assert refused.reason == f"{path}: a spreadsheet named .zip, not a download of submissions: hand it in as .xlsx or .ods"
