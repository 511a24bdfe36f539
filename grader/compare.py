"""Tolerance modes as pure functions: how far an answer may be from the value it is compared with.

Every mode is handled here and only here. All functions work on numpy arrays (one entry per
student) so a class is compared at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

# A boundary must not be lost to floating-point error: 0.705 vs 0.7 with +-0.005 is inside.
_EDGE = 1e-9


class ToleranceMode(Enum):
    DERIVED = "derived"    # from the graph: what rounding the inputs can move the value, plus a margin
    RELABS = "relabs"      # |given - expected| <= abs + rel * |expected|
    SIGFIGS = "sigfigs"    # equal to `digits` significant figures
    DECIMALS = "decimals"  # equal to `places` decimal places


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
        return f"what rounding to {self.rounding_decimals} decimals can explain"

    @property
    def half_step(self) -> float:
        return 0.5 * 10.0 ** (-self.rounding_decimals)


def allowed_error(tolerance: Tolerance, expected: np.ndarray, rounding_bound: np.ndarray | None = None) -> np.ndarray:
    """The largest |given - expected| accepted, per entry.

    ``rounding_bound`` (derived mode only) is the graph's bound on how far rounding the
    inputs moves the value; the answer's own rounding is added here.
    """
    expected = np.asarray(expected, dtype=float)
    size = np.abs(expected)
    mode = tolerance.mode
    if mode is ToleranceMode.DERIVED:
        bound = np.zeros_like(size) if rounding_bound is None else np.asarray(rounding_bound, dtype=float)
        return tolerance.safety * (bound + tolerance.half_step) + tolerance.rel * size
    if mode is ToleranceMode.RELABS:
        return tolerance.abs + tolerance.rel * size
    if mode is ToleranceMode.SIGFIGS:
        with np.errstate(divide="ignore"):
            exponent = np.floor(np.log10(np.where(size > 0, size, 1.0)))
        return 0.5 * 10.0 ** (exponent - tolerance.digits + 1)
    if mode is ToleranceMode.DECIMALS:
        return np.full_like(size, 0.5 * 10.0 ** (-tolerance.places))
    raise AssertionError(f"unhandled tolerance mode {mode}")


def within(given: np.ndarray, expected: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """True where ``given`` is within ``allowed`` of ``expected`` (NaN anywhere: False)."""
    given = np.asarray(given, dtype=float)
    expected = np.asarray(expected, dtype=float)
    scale = np.maximum(np.abs(given), np.abs(expected))
    with np.errstate(invalid="ignore"):
        return np.abs(given - expected) <= allowed + _EDGE * np.maximum(scale, 1.0)


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
