"""Reading the numbers students write: ``0,7``, ``−0.05``, ``5.968E-1``, Excel cells.

``parse_number`` never raises: it returns ``(value, None)`` or ``(None, problem)``,
where ``problem`` is ``"blank"`` or quotes the text that could not be read.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

BLANK = "blank"

# One number: optional sign, digits with at most one decimal point or comma, optional
# exponent. ASCII digits only (``\d`` would also take Arabic-Indic and other digits).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")

# Minus lookalikes that arrive when a number is pasted from a PDF or a word processor,
# and spaces that are not plain spaces.
_LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\ufe63": "-",  # small hyphen-minus
        "\uff0d": "-",  # fullwidth hyphen-minus
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\uff0b": "+",  # fullwidth plus
        "\u200b": None,  # zero-width space
        "\ufeff": None,  # byte-order mark / zero-width no-break space
    }
)

_QUOTE_LIMIT = 40


def quote(text: str) -> str:
    """``text`` in single quotes for a message, shortened when it is long."""
    text = text.replace("\n", " ").replace("\r", " ")
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "\u2026"
    return f"'{text}'"


def unreadable(text: str) -> str:
    """The problem reported for text that is not one number."""
    return f"could not read {quote(text)} as a number"


def parse_number(value: object) -> tuple[float | None, str | None]:
    """The number a student wrote, as ``(value, None)``, or ``(None, problem)``.

    ``value`` is the text as written or a spreadsheet cell (float, int, bool, date,
    ``None``). Blank text gives ``(None, "blank")``; text that is not exactly one
    finite number gives ``(None, "could not read '...' as a number")``.
    """
    kind = type(value)
    if kind is str:
        return _parse_text(value)  # type: ignore[arg-type]
    if kind is float or kind is int:
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:  # an int beyond float range
            number = math.inf
        if math.isfinite(number):
            return number, None
        return None, unreadable(cell_text(value))
    if value is None:
        return None, BLANK
    if isinstance(value, str):  # a str subclass
        return _parse_text(str(value))
    return None, unreadable(cell_text(value))


def _parse_text(text: str) -> tuple[float | None, str | None]:
    stripped = text.strip()
    if not stripped:
        return None, BLANK
    if not stripped.isascii():
        stripped = stripped.translate(_LOOKALIKES).strip()
        if not stripped:
            return None, BLANK
    elif "_" not in stripped and "," not in stripped:
        # Fast path: on ASCII text without "_" (or a decimal comma, for the regex below), float()
        # accepts what _NUMBER accepts with a decimal point, plus nan/inf spellings that isfinite() refuses.
        try:
            number = float(stripped)
        except ValueError:
            pass
        else:
            return (number, None) if math.isfinite(number) else (None, unreadable(stripped))
    if _NUMBER.fullmatch(stripped) is None:
        return None, unreadable(text.strip())
    number = float(stripped.replace(",", ".", 1))
    if not math.isfinite(number):
        return None, unreadable(text.strip())
    return number, None


def cell_text(value: object) -> str:
    """The text a spreadsheet cell shows for ``value`` (``12345.0`` -> ``"12345"``)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:  # type: ignore[union-attr]
            return str(int(value))  # type: ignore[call-overload]
        return repr(value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)
