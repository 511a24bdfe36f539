"""A sheet's figure as inline SVG: units (circles) joined by labelled arrows, and free texts, laid out
by the sheet's YAML (``figure:`` in its handout) and filled with one student's numbers.

A link labelled by a parameter shows it as ``w₁ = 0.4`` (the parameter's digits as subscripts), written
along the line; a bias is a small dashed circle holding ``1``. Texts may hold ``${name}`` placeholders.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Callable, Mapping

UNIT_RADIUS, BIAS_RADIUS = 24, 12
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
KINDS = ("hidden", "input", "output", "bias")

_STYLE = (
    "text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;fill:#111}"
    ".w{font-size:13px;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
    ".c{font-size:12px;fill:#444}"
    ".u{fill:#fff;stroke:#222;stroke-width:1.6}.in{fill:#eef3fb}.b{fill:#f4f4f4;stroke:#777;stroke-dasharray:3 2}"
    ".l{stroke:#333;stroke-width:1.3}.bl{stroke:#888;stroke-width:1.1;stroke-dasharray:4 3}"
)


@dataclass(frozen=True)
class Unit:
    name: str
    x: float
    y: float
    text: str
    kind: str = "hidden"  # one of KINDS

    @property
    def radius(self) -> float:
        return BIAS_RADIUS if self.kind == "bias" else UNIT_RADIUS


@dataclass(frozen=True)
class Link:
    """A connection from ``source`` to ``target``; its label (``weight``, a parameter, or ``text``) sits
    ``along`` (0..1) of its length, written along the line, on the side ``side`` (-1 above, +1 below)."""

    source: str
    target: str
    weight: str = ""
    along: float = 0.5
    side: int = -1
    text: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    caption: bool = False  # smaller and grey


@dataclass(frozen=True)
class Diagram:
    label: str  # what the figure shows, for a screen reader
    width: int
    height: int
    units: tuple[Unit, ...]
    links: tuple[Link, ...]
    texts: tuple[Text, ...] = ()


def diagram_svg(diagram: Diagram, value: Callable[[str], str], fill: Callable[[str], str]) -> str:
    """The figure as one ``<svg>`` element; ``value(name)`` shows a parameter, ``fill(text)`` fills a
    text's placeholders."""
    units = {u.name: u for u in diagram.units}
    label = diagram.label
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {diagram.width} {diagram.height}" width="100%" '
        f'style="max-width:{diagram.width}px" role="img" aria-label="{html.escape(label)}">',
        f"<title>{html.escape(label, quote=False)}</title>",
        f"<style>{_STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    ]
    lines += [_link_line(link, units) for link in diagram.links]
    lines += [_unit(u, fill) for u in diagram.units]
    lines += [_link_label(link, units, _label_text(link, value, fill)) for link in diagram.links
              if link.weight or link.text]
    lines += [_text(t.x, t.y, fill(t.text), t.anchor, "c" if t.caption else "") for t in diagram.texts]
    lines.append("</svg>")
    return "\n".join(lines)


def _label_text(link: Link, value: Callable[[str], str], fill: Callable[[str], str]) -> str:
    if link.text:
        return fill(link.text)
    letters = link.weight.rstrip("0123456789")
    return f"{letters}{link.weight[len(letters):].translate(_SUB)} = {value(link.weight)}"


def _link_line(link: Link, units: Mapping[str, Unit]) -> str:
    source, target = units[link.source], units[link.target]
    (x1, y1), (x2, y2) = _trim(source, target)
    style = "bl" if source.kind == "bias" else "l"
    return (f'<line class="{style}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'marker-end="url(#arrow)"/>')


def _trim(source: Unit, target: Unit) -> tuple[tuple[float, float], tuple[float, float]]:
    """The segment between the two circles' edges, so arrows end on the circle."""
    dx, dy = target.x - source.x, target.y - source.y
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / length, dy / length
    return ((source.x + ux * source.radius, source.y + uy * source.radius),
            (target.x - ux * (target.radius + 1), target.y - uy * (target.radius + 1)))


def _link_label(link: Link, units: Mapping[str, Unit], text: str) -> str:
    """The link's label, written along its line (a vertical line keeps its label level)."""
    source, target = units[link.source], units[link.target]
    x = source.x + (target.x - source.x) * link.along
    y = source.y + (target.y - source.y) * link.along
    angle = math.degrees(math.atan2(target.y - source.y, target.x - source.x))
    if 80 < abs(angle) < 100:  # near vertical: the label stays level, beside the line
        return _text(x + 8, y + 4, text, "start", "w")
    if abs(angle) >= 100:  # pointing left: turned round so that it reads left to right ("above" stays above)
        angle = angle - 180 if angle > 0 else angle + 180
    shift = -9 if link.side < 0 else 19
    return (f'<g transform="translate({x:.1f},{y:.1f}) rotate({angle:.2f})">'
            f'{_text(0, shift, text, "middle", "w")}</g>')


def _unit(unit: Unit, fill: Callable[[str], str]) -> str:
    style = {"bias": "u b", "input": "u in", "output": "u in"}.get(unit.kind, "u")
    return (f'<circle class="{style}" cx="{_number(unit.x)}" cy="{_number(unit.y)}" r="{_number(unit.radius)}"/>'
            + _text(unit.x, unit.y + 5, fill(unit.text), "middle"))


def _number(value: float) -> str:
    """A coordinate as the layout wrote it: 70, not 70.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(x: float, y: float, text: str, anchor: str, style: str = "") -> str:
    css = f' class="{style}"' if style else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css}>{html.escape(text, quote=False)}</text>'
