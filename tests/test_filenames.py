"""Student ids as folder and file names: never a path, never hidden, never shared by two students."""

from __future__ import annotations

import re

import pytest

from grader.errors import UsageError
from grader.filenames import safe_stem, student_stems

SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


@pytest.mark.parametrize("raw", ["../x", "..", ".", "", "/etc/passwd", "a/b\\c", ".hidden", "-rf", "x.",
                                 "Ülle Õun", "C:\\Windows", "a\nb", "B12345"])
def test_safe_stem_is_one_plain_name(raw):
    stem = safe_stem(raw)
    assert SAFE.match(stem) and stem not in (".", "..") and not stem.endswith(".")


def test_safe_ids_are_kept_as_they_are():
    assert student_stems(["B12345", "s-1.2", "x_y"]) == {"B12345": "B12345", "s-1.2": "s-1.2", "x_y": "x_y"}


def test_other_ids_get_a_safe_form_plus_a_stable_hash():
    stems = student_stems(["../x", "a b", "a_b", "CON", "b1", "B1"])
    assert stems["a_b"] == "a_b"
    assert re.fullmatch(r"___x-[0-9a-f]{8}", stems["../x"])
    assert re.fullmatch(r"a_b-[0-9a-f]{8}", stems["a b"])
    assert re.fullmatch(r"CON-[0-9a-f]{8}", stems["CON"])
    # b1 and B1 would share a folder on a case-insensitive file system
    assert stems["b1"] != "b1" and stems["B1"] != "B1"
    assert len({s.casefold() for s in stems.values()}) == len(stems)
    # the same id gets the same name whoever else is on the roster
    assert student_stems(["../x"])["../x"] == stems["../x"]


def test_very_long_ids_are_cut():
    stem = student_stems(["x" * 500])["x" * 500]
    assert len(stem) <= 64 + 9


def test_a_clash_that_remains_is_refused():
    stem = student_stems(["a b"])["a b"]
    with pytest.raises(UsageError, match="expected each to give a file name of its own, got two"):
        student_stems(["a b", stem])
