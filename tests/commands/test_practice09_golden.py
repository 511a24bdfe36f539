"""practice09 as data gives what practice09 as Python gave: keys, handouts, templates, gradebooks and
feedback byte for byte, on 300 drawn variants (with and without a secret) and on the example class.

The digests were taken from the outputs of commit d3a290b, the last whose sheet was Python code
(grader/engine/practice09.py, grader/handout/practice09.py), with the same commands as below; the two
made with a secret were taken again when access codes joined the key and the handout, the two of
``grade`` when files.csv's "skipped" became "ignored" and again when the gradebook gained its
``auto_total`` column, and the two of ``variants`` when "a airplane" became "an airplane".
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from console import run

ROOT = Path(__file__).resolve().parents[2]
SHEET = "answer_keys/practice09.yaml"
EXAMPLE = ["submissions_example/handed_in", "--roster", "submissions_example/roster.csv"]
BEFORE = {
    "key_nosecret.csv": "0064b6ccea7013b300ca043d766c2419a5b1bad4545586e7a10250492e4b3507",
    # with a secret, each key record and handout also carries the student's access code (issue 12)
    "key_secret.json": "8b19c23e66585cee3002c05cd33d17224ab05147749ade091ad82e73d7e500e6",
    "key_default.json": "0f7a2f53291139f513299052eab49d9b297ab5b9cabcadaa3964de04334ced71",
    # handouts whose true class is the airplane read "shows an airplane" (issue 13)
    "variants_nosecret": "ddf255a9a91579670dab1552041e888580821952869951bbc6578329607e10af",
    "variants_secret": "bce97292b07ab46c094dd2840b23a55b2ed7f4bed8e297a8c41890a504007d7f",
    # the office lock file's row in files.csv and the workbook says "ignored", as SPEC words it; gradebook.csv
    # and the workbook gain auto_total, the total before any person's points (issue 13)
    "grade": "841f8d0c7e499672d6f3e5b4b6dc16ee1ff44ea5e3356c2aa48df84868bfad8e",
    "grade_secret": "c73c5dd04304dc3ae40c2e5a828f6aafb18bcbfadc327c25f016a4f35f0a0551",
}


# Outputs that came after d3a290b, which the digests therefore leave out (tested on their own).
NEWER = frozenset({"report.html"})


def digest(path: Path) -> str:
    """A file's sha256; a folder's: of every file's relative path and sha256, in sorted order (but ``NEWER``)."""
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    total = hashlib.sha256()
    for folder, subfolders, files in os.walk(path):
        subfolders.sort()
        for name in sorted(set(files) - NEWER):
            file = Path(folder) / name
            total.update(str(file.relative_to(path)).encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return total.hexdigest()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    where = os.getcwd()
    os.chdir(ROOT)  # the outputs name the example files by their paths from here
    try:
        _write(out)
    finally:
        os.chdir(where)
    return out


def _write(out: Path) -> None:
    roster = out / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"V{i:04d}\n" for i in range(300)), encoding="utf-8")
    writes = {
        "key_nosecret.csv": ["key", SHEET, "--roster", str(roster), "--format", "csv"],
        "key_secret.json": ["key", SHEET, "--roster", str(roster), "--format", "json", "--secret", "s3cret"],
        "key_default.json": ["key", SHEET],
    }
    for name, argv in writes.items():
        code, text, _ = run(*argv)
        assert code == 0
        (out / name).write_text(text, encoding="utf-8")
    for secret, suffix in ((None, "nosecret"), ("s3cret", "secret")):
        extra = ["--secret", secret] if secret else []
        assert run("variants", SHEET, "--roster", str(roster), "--out", str(out / f"variants_{suffix}"), *extra)[0] == 0
        grade = "grade" if secret is None else "grade_secret"
        assert run("grade", SHEET, *EXAMPLE, "--out", str(out / grade), *extra)[0] == 0


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_practice09_as_data_gives_the_bytes_practice09_as_code_gave(outputs, name):
    assert digest(outputs / name) == BEFORE[name]
