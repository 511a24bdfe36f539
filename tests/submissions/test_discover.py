"""Folders of hand-ins: every file ends up somewhere, whatever it holds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grader.submissions as submissions
from grader.submissions import Batch, Rejection, Submission, read_file, read_paths
from grader.submissions.discover import MAX_FILE_BYTES

from .conftest import QUESTIONS, Write

ANSWERS = {"s1": 0.7, "y_hat": -0.05, "dE_dw5": -0.0484, "p_airplane": 0.5968, "loss": 1.25}


def test_public_interface() -> None:
    assert sorted(submissions.__all__) == sorted(
        [
            "Answer",
            "Batch",
            "QuestionSet",
            "Rejection",
            "Skipped",
            "Source",
            "Submission",
            "Superseded",
            "canonical_question",
            "parse_number",
            "read_file",
            "read_paths",
        ]
    )
    for name in submissions.__all__:
        assert getattr(submissions, name) is not None


def write_every_format(folder: Path) -> dict[str, Path]:
    """The same answers in YAML, CSV ",", CSV ";" with decimal commas, UTF-16 tab text, XLSX."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    yaml_lines = ["student_id: B1", "answers:"] + [f"  {q}: {v}" for q, v in ANSWERS.items()]
    paths["yaml"] = folder / "B1_a.yaml"
    paths["yaml"].write_text("\n".join(yaml_lines) + "\n", encoding="utf-8")
    paths["comma"] = folder / "B1_b.csv"
    paths["comma"].write_text("question,answer\n" + "".join(f"{q},{v}\n" for q, v in ANSWERS.items()))
    paths["semicolon"] = folder / "B1_c.csv"
    rows = "".join(f"{q};{str(v).replace('.', ',')}\r\n" for q, v in ANSWERS.items())
    paths["semicolon"].write_bytes(("question;answer\r\n" + rows).encode("cp1252"))
    paths["utf16"] = folder / "B1_d.txt"
    rows = "".join(f"{q}\t{str(v).replace('.', ',')}\r\n" for q, v in ANSWERS.items())
    paths["utf16"].write_bytes(("question\tanswer\r\n" + rows).encode("utf-16"))
    paths["xlsx"] = folder / "B1_e.xlsx"
    workbook = xlsxwriter.Workbook(str(paths["xlsx"]))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["question", "answer"])
    for row, (question, value) in enumerate(ANSWERS.items(), start=1):
        sheet.write_row(row, 0, [question, value])
    workbook.close()
    return paths


def test_same_answers_in_every_format(tmp_path: Path) -> None:
    for kind, path in write_every_format(tmp_path).items():
        (submission,) = read_file(path, QUESTIONS)
        assert isinstance(submission, Submission), kind
        assert {q: a.value for q, a in submission.answers.items()} == ANSWERS, kind
        assert submission.student_id == "B1", kind


def test_newest_file_counts_others_superseded(tmp_path: Path) -> None:
    paths = write_every_format(tmp_path)
    for age, path in enumerate(reversed(list(paths.values()))):
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # the YAML is oldest, the XLSX newest
    batch = read_paths([tmp_path], QUESTIONS)
    assert [s.file for s in batch.submissions] == [str(paths["xlsx"])]
    assert sorted(s.file for s in batch.superseded) == sorted(str(p) for k, p in paths.items() if k != "xlsx")
    assert all(s.by == str(paths["xlsx"]) and s.student_id == "B1" for s in batch.superseded)


def test_mtime_tie_broken_by_path(tmp_path: Path, write: Write) -> None:
    first = write("B1_a.csv", "question,answer\ns1,1\n")
    second = write("B1_b.csv", "question,answer\ns1,2\n")
    for path in (first, second):
        os.utime(path, (1_000_000, 1_000_000))
    batch = read_paths([tmp_path], QUESTIONS)
    assert [s.file for s in batch.submissions] == [str(second)]
    assert [s.file for s in batch.superseded] == [str(first)]


def test_every_file_ends_up_somewhere(tmp_path: Path, write: Write) -> None:
    """A folder with every format and every bad-file kind: one item per file (per row if wide)."""
    write_every_format(tmp_path / "good")
    write("wide/export.csv", "student_id,s1,s2\nB2,0.1,0.2\nB3,0.3,\n,0.5,0.6\n")
    bad = {
        "bad/B10_broken.yaml": "answers:\n  s1: [0.7\n",
        "bad/B11_list.yaml": "- 1\n- 2\n",
        "bad/B12_empty.csv": "",
        "bad/B13_noquestion.csv": "name,value\nfoo,1\n",
        "bad/B14_unknown.csv": "question,answer\nfoo,1\n",
        "bad/B15_fake.xlsx": "question,answer\n",
        "bad/B16_report.docx": "PK",
        "bad/B17_noext": "question,answer\ns1,1\n",
    }
    for name, content in bad.items():
        write(name, content)
    write("bad/B18_huge.csv", b"question,answer\n" + b"s1,1\n" * (MAX_FILE_BYTES // 5 + 1))
    skipped_names = [".DS_Store", "~$B1_e.xlsx", ".~lock.B1_e.xlsx#", "Thumbs.db", ".git/config", "__MACOSX/._B1.csv",
                     "attempts.sqlite", "attempts.sqlite-wal"]  # grader serve's attempt log beside the hand-ins
    for name in skipped_names:
        write(f"good/{name}", "x")
    batch = read_paths([tmp_path], QUESTIONS)
    assert isinstance(batch, Batch)
    assert len(batch.submissions) + len(batch.superseded) == 5 + 2
    assert {s.student_id for s in batch.submissions} == {"B1", "B2", "B3"}
    rejected = {Path(r.file).name: r for r in batch.rejections}
    assert sorted(rejected) == sorted([Path(n).name for n in bad] + ["B18_huge.csv", "export.csv"])
    for name, rejection in rejected.items():
        assert rejection.reason.startswith(rejection.file), name
    assert "not a submission format: .docx" in rejected["B16_report.docx"].reason
    assert "file is empty" in rejected["B12_empty.csv"].reason
    assert "at most 5 MB" in rejected["B18_huge.csv"].reason
    assert "line 4: no student id in this row" in rejected["export.csv"].reason
    assert rejected["B10_broken.yaml"].student_id == "B10"
    skipped = sorted(Path(s.file).name for s in batch.skipped)
    assert skipped == sorted([".DS_Store", "~$B1_e.xlsx", ".~lock.B1_e.xlsx#", "Thumbs.db", ".git", "__MACOSX",
                              "attempts.sqlite", "attempts.sqlite-wal"])


def test_order_is_sorted_and_deterministic(tmp_path: Path, write: Write) -> None:
    for name in ["b/B3.csv", "a/B2.csv", "B1.csv", "a/B0.csv"]:
        write(name, "question,answer\ns1,1\n")
    batch = read_paths([tmp_path], QUESTIONS)
    names = [str(Path(s.file).relative_to(tmp_path)) for s in batch.submissions]
    assert names == ["B1.csv", "a/B0.csv", "a/B2.csv", "b/B3.csv"]
    assert read_paths([tmp_path], QUESTIONS) == batch


def test_files_and_folders_given_together_read_once(tmp_path: Path, write: Write) -> None:
    path = write("B1.csv", "question,answer\ns1,1\n")
    batch = read_paths([path, tmp_path, str(path)], QUESTIONS)
    assert len(batch.submissions) == 1 and not batch.superseded


def test_missing_path_is_a_rejection(tmp_path: Path) -> None:
    batch = read_paths([tmp_path / "nowhere"], QUESTIONS)
    assert [r.reason for r in batch.rejections] == [f"{tmp_path / 'nowhere'}: no such file or folder"]


def test_skipped_file_given_directly(write: Write) -> None:
    batch = read_paths([write("~$B1.xlsx", "x")], QUESTIONS)
    assert [s.reason for s in batch.skipped] == ["an Office lock file"]


def test_read_file_on_a_folder_is_a_rejection(tmp_path: Path) -> None:
    (rejection,) = read_file(tmp_path, QUESTIONS)
    assert isinstance(rejection, Rejection)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".csv", ".tsv", ".txt", ".xlsx"])
def test_any_bytes_give_submissions_or_a_rejection(suffix: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"B1_p9{suffix}"

        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(
            st.one_of(
                st.binary(max_size=400),
                st.text(max_size=300).map(lambda text: text.encode("utf-8")),
                st.lists(
                    st.sampled_from(["question", "answer", "student_id", "s1", "yhat", "0,7", "[", "{", "- ", ": "]),
                    max_size=30,
                ).map(lambda words: "\n".join(words).encode()),
                st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail),
            )
        )
        def check(data: bytes) -> None:
            path.write_bytes(data)
            items = read_file(path, QUESTIONS)
            assert items and all(isinstance(item, (Submission, Rejection)) for item in items)
            batch = read_paths([path], QUESTIONS)
            assert len(batch.submissions) + len(batch.rejections) + len(batch.superseded) == len(items)

        check()
