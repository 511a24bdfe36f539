"""Writing outputs: atomically, with ordinary permissions; deterministic zip archives."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest

from grader.report import files
from grader.report.files import write_atomic, zip_archive


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_write_atomic_writes_text_as_utf8_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "gradebook.csv"
    returned = write_atomic(target, "student_id,name\nB1,Jürgen Müller\n")
    assert returned == target
    assert target.read_bytes() == "student_id,name\nB1,Jürgen Müller\n".encode("utf-8")
    assert os.listdir(tmp_path) == ["gradebook.csv"]


def test_write_atomic_writes_bytes_as_they_are(tmp_path):
    payload = bytes(range(256))
    write_atomic(tmp_path / "blob.bin", payload)
    assert (tmp_path / "blob.bin").read_bytes() == payload


def test_write_atomic_replaces_an_existing_file(tmp_path):
    target = tmp_path / "stats.csv"
    target.write_text("old contents that are longer than the new ones\n")
    write_atomic(str(target), "new\n")
    assert target.read_text() == "new\n"
    assert os.listdir(tmp_path) == ["stats.csv"]


def test_write_atomic_creates_parent_folders(tmp_path):
    target = tmp_path / "out" / "feedback" / "deep" / "B1.md"
    write_atomic(target, "# B1\n")
    assert target.read_text() == "# B1\n"


def test_write_atomic_gives_the_permissions_an_ordinary_open_gives(tmp_path):
    with open(tmp_path / "made_by_open.txt", "w") as stream:
        stream.write("x")
    write_atomic(tmp_path / "made_atomically.txt", "x")
    assert mode_of(tmp_path / "made_atomically.txt") == mode_of(tmp_path / "made_by_open.txt")
    umask = os.umask(0)
    os.umask(umask)
    assert mode_of(tmp_path / "made_atomically.txt") == 0o666 & ~umask
    if umask & 0o044 == 0:  # the usual umasks (022, 002): others may read, unlike mkstemp's 0600
        assert mode_of(tmp_path / "made_atomically.txt") != 0o600


def test_replacing_a_file_does_not_keep_owner_only_permissions(tmp_path):
    target = tmp_path / "gradebook.csv"
    write_atomic(target, "one")
    write_atomic(target, "two")
    with open(tmp_path / "reference", "w"):
        pass
    assert mode_of(target) == mode_of(tmp_path / "reference")


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "gradebook.csv"
    target.write_text("the old gradebook\n")

    def refuse(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "the new gradebook\n")
    assert target.read_text() == "the old gradebook\n"
    assert os.listdir(tmp_path) == ["gradebook.csv"]


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "gradebook.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # not bytes: the write into the temporary file fails
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["gradebook.xlsx"]


def test_text_that_cannot_be_encoded_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "B1.md"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half a surrogate pair: \ud800")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["B1.md"]


def test_an_interrupt_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "feedback.zip"
    target.write_bytes(b"old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["feedback.zip"]


ENTRIES = {
    "B2.md": "# B2\n",
    "B1.html": "<!DOCTYPE html><p>Jürgen</p>\n",
    "B1.md": "# B1\n",
    "blob.bin": bytes(range(256)) * 4,
}


def test_zip_archive_is_byte_identical_for_the_same_entries_in_any_order():
    forwards = zip_archive(ENTRIES)
    backwards = zip_archive(dict(reversed(list(ENTRIES.items()))))
    shuffled = zip_archive({k: ENTRIES[k] for k in ("B1.md", "blob.bin", "B2.md", "B1.html")})
    assert forwards == backwards == shuffled


def test_zip_archive_differs_when_an_entry_differs():
    assert zip_archive(ENTRIES) != zip_archive({**ENTRIES, "B2.md": "# B2 changed\n"})


def test_zip_archive_entries_read_back_sorted_with_a_fixed_date():
    with zipfile.ZipFile(io.BytesIO(zip_archive(ENTRIES))) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == sorted(ENTRIES)
        for name, content in ENTRIES.items():
            expected = content.encode("utf-8") if isinstance(content, str) else content
            assert archive.read(name) == expected
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


@pytest.mark.parametrize("entries", [ENTRIES, {}, {"Jürgen.md": "# ü\n", "plain.md": b""}])
def test_a_stored_archive_is_byte_for_byte_what_zipfile_writes(entries):
    buffer = io.BytesIO()
    files._fill_zip(buffer, entries, compress=False)  # zipfile itself
    assert zip_archive(entries, compress=False) == buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(zip_archive(entries, compress=False))) as archive:
        assert archive.testzip() is None
        assert {info.compress_type for info in archive.infolist()} <= {zipfile.ZIP_STORED}


def test_a_zip_written_to_a_file_is_the_zip_made_in_memory_and_leaves_no_temporary(tmp_path):
    entries = {"a.md": b"# a\n", "b.md": "# b \u00bd\n", "\u00fc.html": b"<p>u</p>"}
    written = files.write_zip(tmp_path / "feedback.zip", entries, compress=False)
    assert written.read_bytes() == zip_archive(entries, compress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.zip"]
    with zipfile.ZipFile(written) as archive:
        assert archive.testzip() is None and archive.read("\u00fc.html") == b"<p>u</p>"


def test_an_empty_zip_archive_is_a_valid_zip():
    with zipfile.ZipFile(io.BytesIO(zip_archive({}))) as archive:
        assert archive.namelist() == []
