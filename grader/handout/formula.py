"""Formulas in a small markup, shown as HTML or as plain Unicode text (no MathJax, no network).

Markup: ``^{...}`` a superscript, ``_{...}`` a subscript, ``\\frac{num}{den}`` a fraction;
everything else is literal Unicode text (w₁, ŷ, ∂, η, σ). Braces nest.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import Union


@dataclass(frozen=True)
class Script:
    """A superscript (``up``) or subscript."""

    up: bool
    body: "Markup"


@dataclass(frozen=True)
class Fraction:
    numerator: "Markup"
    denominator: "Markup"


Piece = Union[str, Script, Fraction]
Markup = tuple[Piece, ...]

_SUPERSCRIPTS = dict(zip("0123456789+-−=()cenijkwKMT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᶜᵉⁿⁱʲᵏʷᴷᴹᵀ"))
_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))


@lru_cache(maxsize=512)
def parse(text: str) -> Markup:
    """The pieces of ``text``; a brace left open runs to the end (no formula is ever refused)."""
    pieces, _ = _parse(text, 0, closing=False)
    return pieces


def _parse(text: str, at: int, closing: bool) -> tuple[Markup, int]:
    pieces: list[Piece] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            pieces.append("".join(literal))
            literal.clear()

    while at < len(text):
        char = text[at]
        if closing and char == "}":
            flush()
            return tuple(pieces), at + 1
        if char in "^_" and text.startswith("{", at + 1):
            flush()
            body, at = _parse(text, at + 2, closing=True)
            pieces.append(Script(up=char == "^", body=body))
        elif text.startswith("\\frac{", at):
            flush()
            numerator, at = _parse(text, at + 6, closing=True)
            if text.startswith("{", at):
                denominator, at = _parse(text, at + 1, closing=True)
            else:
                denominator = ()
            pieces.append(Fraction(numerator, denominator))
        else:
            literal.append(char)
            at += 1
    flush()
    return tuple(pieces), at


def to_html(text: str) -> str:
    """HTML for a formula (fractions as stacked spans styled by the handout's CSS)."""
    return _html(parse(text))


def _html(pieces: Markup) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(html.escape(piece, quote=False))
        elif isinstance(piece, Script):
            tag = "sup" if piece.up else "sub"
            out.append(f"<{tag}>{_html(piece.body)}</{tag}>")
        else:
            out.append(f'<span class="frac"><span class="num">{_html(piece.numerator)}</span>'
                       f'<span class="den">{_html(piece.denominator)}</span></span>')
    return "".join(out)


def to_text(text: str) -> str:
    """Plain Unicode for a formula: Unicode sub/superscripts where every character has one,
    else ``^(...)``/``_(...)``; a fraction becomes ``num/den``, or ``(num) / (den)`` where needed."""
    return _text(parse(text))


def _text(pieces: Markup) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, Script):
            body = _text(piece.body)
            table = _SUPERSCRIPTS if piece.up else _SUBSCRIPTS
            if body and all(c in table for c in body):
                out.append("".join(table[c] for c in body))
            else:
                out.append(("^" if piece.up else "_") + (body if len(body) == 1 else f"({body})"))
        else:
            numerator, denominator = _text(piece.numerator), _text(piece.denominator)
            if _simple(numerator) and _simple(denominator):
                out.append(f"{numerator}/{denominator}")
            else:
                out.append(f"{_bracket(numerator)} / {_bracket(denominator)}")
    return "".join(out)


def _simple(text: str) -> bool:
    return not any(c in text for c in " +−-·/")


def _bracket(text: str) -> str:
    return text if _simple(text) else f"({text})"
