"""Numbers as students write them (SPEC "Numbers students write")."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.submissions import parse_number
from grader.submissions.numbers import _LOOKALIKES, _NUMBER, cell_text

ACCEPTED = [
    ("0.7", 0.7),
    ("-0.0484", -0.0484),
    ("+1", 1.0),
    ("7e-1", 0.7),
    ("5.968E-1", 0.5968),
    ("0,7", 0.7),
    ("-0,0484", -0.0484),
    ("1,5e-3", 0.0015),
    ("\u22120.05", -0.05),  # typographic minus
    ("\u20130.05", -0.05),  # en dash
    ("  0.7  ", 0.7),
    ("\u00a00.7\u00a0", 0.7),  # non-breaking spaces
    ("\u202f0.7", 0.7),  # narrow non-breaking space
    ("\t0.7\r\n", 0.7),
    (".5", 0.5),
    ("5.", 5.0),
    ("00.7", 0.7),
    ("010", 10.0),
    ("-0", 0.0),
    ("1e5", 100000.0),
    ("\ufeff0.7", 0.7),
    (0.7, 0.7),  # an Excel number
    (3, 3.0),
    (-0.0484, -0.0484),
]

REFUSED = [
    "n/a",
    "0.7 0.8",
    "about 0.7",
    "zero",
    "1,234.5",
    "1.234,5",
    "1,2,3",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "1_000",
    "0x10",
    "0.7.1",
    "--1",
    "+-1",
    "1/2",
    "70%",
    "\u0663",  # Arabic-Indic digit three
    "0.5e",
    "e5",
    "- 0.5",
    ".",
    ",",
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: object, expected: float) -> None:
    value, problem = parse_number(text)
    assert problem is None
    assert value == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("text", REFUSED)
def test_refused_quotes_the_text(text: str) -> None:
    assert parse_number(text) == (None, f"could not read '{text.strip()}' as a number")


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "\t\n", None])
def test_blank(text: object) -> None:
    assert parse_number(text) == (None, "blank")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [(True, "TRUE"), (float("nan"), "nan"), (float("inf"), "inf"), (dt.datetime(2024, 1, 2), "2024-01-02T00:00:00")],
)
def test_refused_cells_quote_what_the_cell_shows(cell: object, shown: str) -> None:
    assert parse_number(cell) == (None, f"could not read '{shown}' as a number")


def test_long_text_is_shortened_in_the_message() -> None:
    value, problem = parse_number("I did not know how to compute this one, sorry")
    assert value is None
    assert problem is not None and problem.endswith("\u2026' as a number")
    assert len(problem) < 80


def test_the_brief_examples() -> None:
    assert parse_number("0,7") == (0.7, None)
    assert parse_number("n/a") == (None, "could not read 'n/a' as a number")


@pytest.mark.parametrize(
    ("cell", "text"),
    [(12345.0, "12345"), (0.7, "0.7"), (-0.0484, "-0.0484"), (True, "TRUE"), (None, ""), ("x", "x"), (3, "3")],
)
def test_cell_text(cell: object, text: str) -> None:
    assert cell_text(cell) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,eE+-_ \u00a0\u2212naif", max_size=12))
def test_fast_path_agrees_with_the_grammar(text: str) -> None:
    """What is accepted is exactly one finite number in the grammar, read the same way."""
    value, problem = parse_number(text)
    normal = text.strip().translate(_LOOKALIKES).strip()
    matches = _NUMBER.fullmatch(normal) is not None
    if matches and math.isfinite(float(normal.replace(",", "."))):
        assert problem is None and value == float(normal.replace(",", "."))
    else:
        assert value is None and problem is not None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.just(10**400), st.booleans(), st.none()))
def test_never_raises(value: object) -> None:
    number, problem = parse_number(value)
    assert (number is None) != (problem is None)
    assert number is None or math.isfinite(number)
