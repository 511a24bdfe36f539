"""Grading in shards: the class comes out the same whatever the number of processes sharing it."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from grader.commands.grade import grade
from grader.shards import deal

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"
HANDED_IN = ROOT / "submissions_example" / "handed_in"
ROSTER = ROOT / "submissions_example" / "roster.csv"


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory) -> Path:
    """The example class, plus B10001 handing in again (newer, one answer changed) and B10002
    handing in an older file: next to each other in reading order, so shards split them."""
    folder = tmp_path_factory.mktemp("class") / "handed_in"
    shutil.copytree(HANDED_IN, folder)
    first = folder / "B10001_practice09.yaml"
    again = folder / "B10001_resubmit.yaml"
    again.write_text(first.read_text(encoding="utf-8").replace("s1: 0.11", "s1: 0.5"), encoding="utf-8")
    os.utime(first, (1_700_000_000, 1_700_000_000))
    os.utime(again, (1_700_000_100, 1_700_000_100))
    current = folder / "B10002_practice09.csv"
    stale = folder / "B10002_practice09_old.csv"
    shutil.copy(current, stale)
    os.utime(current, (1_700_000_100, 1_700_000_100))
    os.utime(stale, (1_700_000_000, 1_700_000_000))
    return folder


@pytest.fixture(scope="module")
def graded_alone(handed_in, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one")
    grade(assignment=ASSIGNMENT, submissions=[handed_in], out=out, roster=ROSTER, jobs=1)
    return out


@pytest.mark.parametrize("jobs", [2, 3, 40])
def test_every_output_is_byte_identical_whatever_the_number_of_jobs(handed_in, graded_alone, tmp_path, jobs):
    grade(assignment=ASSIGNMENT, submissions=[handed_in], out=tmp_path, roster=ROSTER, jobs=jobs)
    alone, shared = outputs(graded_alone), outputs(tmp_path)
    assert list(shared) == list(alone)
    assert [name for name in alone if shared[name] != alone[name]] == []


def test_the_newest_file_of_a_student_counts_across_shards(graded_alone):
    with open(graded_alone / "files.csv", encoding="utf-8", newline="") as stream:
        fates = {Path(r["file"]).name: r for r in csv.DictReader(stream)}
    assert fates["B10001_resubmit.yaml"]["status"] == "graded"
    assert fates["B10001_practice09.yaml"]["status"] == "superseded"
    assert "B10001_resubmit.yaml" in fates["B10001_practice09.yaml"]["reason"]
    assert fates["B10002_practice09.csv"]["status"] == "graded"
    assert fates["B10002_practice09_old.csv"]["status"] == "superseded"
    with open(graded_alone / "gradebook.csv", encoding="utf-8", newline="") as stream:
        book = {r["student_id"]: r for r in csv.DictReader(stream)}
    assert book["B10001"]["s1"] == "0"  # the resubmitted (wrong) s1 is the one graded


def test_deal_gives_every_file_to_exactly_one_shard_in_turn():
    files = [Path(f"f{i:02d}.yaml") for i in range(7)]
    shards = deal(files, 3)
    assert [[place for place, _ in shard] for shard in shards] == [[0, 3, 6], [1, 4], [2, 5]]
    assert sorted(path for shard in shards for _, path in shard) == files
    assert len(deal(files, 40)) == 7  # never an empty shard
    assert deal([], 2) == [[]]


def test_a_bad_jobs_count_is_a_usage_error(handed_in, tmp_path):
    from grader.errors import UsageError

    with pytest.raises(UsageError, match="--jobs"):
        grade(assignment=ASSIGNMENT, submissions=[handed_in], out=tmp_path, jobs=0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_climbs_to_the_whole_class(handed_in, tmp_path, jobs):
    heard: list[tuple[str, int, int]] = []
    grade(assignment=ASSIGNMENT, submissions=[handed_in], out=tmp_path, jobs=jobs,
          progress=lambda stage, done, total: heard.append((stage, done, total)))
    files = sum(1 for p in handed_in.iterdir() if not p.name.startswith("~$"))
    assert heard and {stage for stage, _, _ in heard} == {"grading"}
    assert {total for _, _, total in heard} == {files}
    done = [d for _, d, _ in heard]
    assert done == sorted(done) and done[-1] == files
