"""Tolerance modes at their boundaries: just inside, just outside, and what digits show."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import (
    Tolerance,
    ToleranceMode,
    allowed_error,
    digits_written,
    shows_precision,
    within,
)


def accepts(tolerance: Tolerance, expected: float, given: float, bound: float = 0.0) -> bool:
    allowed = allowed_error(tolerance, np.array([expected]), np.array([bound]))
    return bool(within(np.array([given]), np.array([expected]), allowed)[0])


RELABS = Tolerance(ToleranceMode.RELABS, rel=0.01, abs=0.001)
SIGFIGS = Tolerance(ToleranceMode.SIGFIGS, digits=3)
DECIMALS = Tolerance(ToleranceMode.DECIMALS, places=2)
DERIVED = Tolerance(ToleranceMode.DERIVED, rel=0.001, safety=1.5, rounding_decimals=4)


@pytest.mark.parametrize(
    "tolerance, expected, given, accepted",
    [
        (RELABS, 1.0, 1.011, True),             # 0.001 + 0.01 * 1.0 = 0.011: on the edge
        (RELABS, 1.0, 1.0111, False),
        (RELABS, 0.0, 0.001, True),              # absolute part alone near zero
        (RELABS, 0.0, 0.0011, False),
        (SIGFIGS, 0.123456, 0.1235, True),       # half a unit in the 3rd significant figure: 0.0005
        (SIGFIGS, 0.123456, 0.124, False),
        (SIGFIGS, -5968.0, -5970.0, True),
        (SIGFIGS, -5968.0, -5990.0, False),
        (DECIMALS, 0.7, 0.71, True),             # one unit in the last place (rounded or truncated): 0.01
        (DECIMALS, 0.7, 0.7101, False),
        (DECIMALS, 0.7, 0.69, True),             # 0.7 - 0.69 is 0.0100000...9 in floats: the slack keeps it in
        (DERIVED, 0.2392, 0.23955, True),        # 1.5 * 1e-4 + 0.001 * 0.2392 = 0.000389
        (DERIVED, 0.2392, 0.2396, False),
    ],
)
def test_boundaries(tolerance, expected, given, accepted):
    assert accepts(tolerance, expected, given) is accepted


def test_derived_tolerance_grows_with_the_rounding_bound():
    assert not accepts(DERIVED, 1.0, 1.002)
    assert accepts(DERIVED, 1.0, 1.002, bound=0.0008)


def test_nan_is_never_within():
    allowed = np.array([1.0])
    assert not within(np.array([np.nan]), np.array([0.0]), allowed)[0]


@pytest.mark.parametrize(
    "raw, places, sigfigs",
    [("0.7", 1, 1), ("0.0500", 4, 3), ("-0.0484", 4, 3), ("5.968E-1", 4, 4), ("0,7000", 4, 4),
     ("12", 0, 2), ("−0.05", 2, 1), ("", 0, 0), ("abc", 0, 0)],
)
def test_digits_written(raw, places, sigfigs):
    assert digits_written(raw) == (places, sigfigs)


def test_required_digits_are_checked_only_when_asked():
    loose = Tolerance(ToleranceMode.DECIMALS, places=4)
    strict = Tolerance(ToleranceMode.DECIMALS, places=4, require_digits=True)
    assert shows_precision(loose, "0.7")
    assert not shows_precision(strict, "0.7")
    assert shows_precision(strict, "0.7000")
    assert shows_precision(Tolerance(ToleranceMode.SIGFIGS, digits=3, require_digits=True), "0.0500")
