"""Tolerance modes as pure functions: how far an answer may be from the value it is compared with.

Every mode is handled here and only here. All functions work on numpy arrays (one entry per
student) so a class is compared at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

# A boundary must not be lost to floating-point error (0.705 vs 0.7 with +-0.005 is inside): the slack
# is a sliver of the tolerance itself plus a few units of float rounding of the values compared.
_EDGE = 1e-9
_FLOAT_ULPS = 4 * np.finfo(float).eps


class ToleranceMode(Enum):
    DERIVED = "derived"    # from the graph: what rounding or truncating the steps can move the value, plus a margin
    RELABS = "relabs"      # |given - expected| <= abs + rel * |expected|
    SIGFIGS = "sigfigs"    # equal to `digits` significant figures
    DECIMALS = "decimals"  # equal to `places` decimal places, rounded or truncated (one unit in the last place)


@dataclass(frozen=True)
class Tolerance:
    """One question's tolerance; which fields matter depends on ``mode``."""

    mode: ToleranceMode = ToleranceMode.DERIVED
    rel: float = 0.001
    abs: float = 0.0
    digits: int = 3
    places: int = 4
    require_digits: bool = False
    safety: float = 1.5
    rounding_decimals: int = 4

    def describe(self) -> str:
        """Words for feedback, e.g. 'within 0.5% or 0.0001'."""
        if self.mode is ToleranceMode.SIGFIGS:
            return f"{self.digits} significant figures" + (" (written out)" if self.require_digits else "")
        if self.mode is ToleranceMode.DECIMALS:
            return f"{self.places} decimal places" + (" (written out)" if self.require_digits else "")
        if self.mode is ToleranceMode.RELABS:
            return f"within {self.rel:.2%} or {self.abs:g}"
        return f"what rounding or truncating every step to {self.rounding_decimals} decimals can explain"

    @property
    def step(self) -> float | None:
        """One unit in the last decimal a student keeps (rounding moves a value by half of it, truncating
        by up to all of it), for the modes that model rounding of the steps; None for the others."""
        if self.mode is ToleranceMode.DERIVED:
            return 10.0 ** (-self.rounding_decimals)
        if self.mode is ToleranceMode.DECIMALS:
            return 10.0 ** (-self.places)
        return None


def allowed_error(tolerance: Tolerance, expected: np.ndarray, rounding_bound: np.ndarray | None = None) -> np.ndarray:
    """The largest |given - expected| accepted, per entry.

    ``rounding_bound`` (derived and decimals modes) is the graph's bound on how far rounding or
    truncating the steps before this one, by one ``step`` each, moves the value; the answer's
    own rounding (one step) is added here.
    """
    expected = np.asarray(expected, dtype=float)
    size = np.abs(expected)
    mode = tolerance.mode
    bound = 0.0 if rounding_bound is None else np.asarray(rounding_bound, dtype=float)
    if mode is ToleranceMode.DERIVED:
        return tolerance.safety * (bound + tolerance.step) + tolerance.rel * size
    if mode is ToleranceMode.DECIMALS:
        return tolerance.step + tolerance.safety * bound + np.zeros_like(size)
    if mode is ToleranceMode.RELABS:
        return tolerance.abs + tolerance.rel * size
    if mode is ToleranceMode.SIGFIGS:
        with np.errstate(divide="ignore"):
            exponent = np.floor(np.log10(np.where(size > 0, size, 1.0)))
        return 0.5 * 10.0 ** (exponent - tolerance.digits + 1)
    raise AssertionError(f"unhandled tolerance mode {mode}")


def within(given: np.ndarray, expected: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """True where ``given`` is within ``allowed`` of ``expected`` (NaN anywhere: False).

    The slack for floating-point error is relative: to the tolerance, and to the size of the
    values compared (a few units of their last bit), never a fixed absolute amount."""
    given = np.asarray(given, dtype=float)
    expected = np.asarray(expected, dtype=float)
    allowed = np.asarray(allowed, dtype=float)
    scale = np.maximum(np.abs(given), np.abs(expected))
    with np.errstate(invalid="ignore"):
        return np.abs(given - expected) <= allowed * (1.0 + _EDGE) + _FLOAT_ULPS * scale


_NUMBER_DIGITS = re.compile(r"^[^0-9]*?(\d*)(?:[.,](\d*))?(?:[eE]([+\-−]?\d+))?\s*$")


def digits_written(raw: str) -> tuple[int, int]:
    """(decimal places, significant figures) shown in a number as written: '0.0500' -> (4, 3)."""
    match = _NUMBER_DIGITS.match(raw.strip())
    if not match:
        return (0, 0)
    whole, fraction, exponent = match.group(1) or "", match.group(2) or "", match.group(3)
    digits = (whole + fraction).lstrip("0")
    places = len(fraction)
    if exponent:
        places = max(0, places - int(exponent.replace("−", "-")))
    return (places, len(digits))


def shows_precision(tolerance: Tolerance, raw: str) -> bool:
    """Whether the written digits show the precision the mode asks for (always True unless required)."""
    if not tolerance.require_digits:
        return True
    places, sigfigs = digits_written(raw)
    if tolerance.mode is ToleranceMode.SIGFIGS:
        return sigfigs >= tolerance.digits
    if tolerance.mode is ToleranceMode.DECIMALS:
        return places >= tolerance.places
    return True
