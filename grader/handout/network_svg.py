"""The sheet's Figure 1 for one variant: the 1-2-2-1 network as inline SVG.

Every connection is labelled with its weight; every bias is drawn as a constant input ``1``
with its own labelled connection. Wiring (SPEC): w1 x->1, w2 bias 1, w3 x->2, w4 bias 2,
w5 a1->3, w6 a2->3, w7 bias 3, w8 a1->4, w9 a2->4, w10 bias 4, w11 a3->out, w12 a4->out,
w13 output bias.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Mapping

from grader.handout.student import show_number

WIDTH, HEIGHT = 720, 370
UNIT_RADIUS, BIAS_RADIUS = 24, 12
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class _Unit:
    name: str
    x: float
    y: float
    text: str
    radius: float = UNIT_RADIUS


@dataclass(frozen=True)
class _Link:
    """A connection from ``source`` to ``target``; its weight's label sits ``along`` (0..1) of
    its length, written along the line, on the side ``side`` (-1 above, +1 below)."""

    source: str
    target: str
    weight: str
    along: float = 0.5
    side: int = -1


_UNITS = (
    _Unit("x", 70, 180, "x"),
    _Unit("1", 250, 105, "1"),
    _Unit("2", 250, 255, "2"),
    _Unit("3", 450, 105, "3"),
    _Unit("4", 450, 255, "4"),
    _Unit("out", 640, 180, "ŷ"),
    _Unit("b1", 160, 45, "1", radius=BIAS_RADIUS),
    _Unit("b2", 160, 315, "1", radius=BIAS_RADIUS),
    _Unit("b3", 360, 45, "1", radius=BIAS_RADIUS),
    _Unit("b4", 360, 315, "1", radius=BIAS_RADIUS),
    _Unit("b5", 640, 60, "1", radius=BIAS_RADIUS),
)

_LINKS = (
    _Link("x", "1", "w1", 0.5, -1),
    _Link("x", "2", "w3", 0.5, +1),
    _Link("b1", "1", "w2", 0.45, -1),
    _Link("b2", "2", "w4", 0.45, +1),
    _Link("1", "3", "w5", 0.5, -1),
    _Link("2", "3", "w6", 0.3, +1),
    _Link("b3", "3", "w7", 0.45, -1),
    _Link("1", "4", "w8", 0.3, -1),
    _Link("2", "4", "w9", 0.5, +1),
    _Link("b4", "4", "w10", 0.45, +1),
    _Link("3", "out", "w11", 0.5, -1),
    _Link("4", "out", "w12", 0.5, +1),
    _Link("b5", "out", "w13", 0.45, +1),
)

_STYLE = (
    "text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;fill:#111}"
    ".w{font-size:13px;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
    ".c{font-size:12px;fill:#444}"
    ".u{fill:#fff;stroke:#222;stroke-width:1.6}.in{fill:#eef3fb}.b{fill:#f4f4f4;stroke:#777;stroke-dasharray:3 2}"
    ".l{stroke:#333;stroke-width:1.3}.bl{stroke:#888;stroke-width:1.1;stroke-dasharray:4 3}"
)


def network_svg(params: Mapping[str, float | str]) -> str:
    """The network with this variant's weights, input and target, as one ``<svg>`` element."""
    units = {u.name: u for u in _UNITS}
    weights = {f"w{i}": show_number(params[f"w{i}"]) for i in range(1, 14)}
    label = "Network with one input x, two hidden layers of two logistic neurons and one linear output ŷ"
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'style="max-width:{WIDTH}px" role="img" aria-label="{label}">',
        f"<title>{label}</title>",
        f"<style>{_STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    ]
    lines += [_link_line(link, units) for link in _LINKS]
    lines += [_unit(u) for u in _UNITS]
    lines += [_link_label(link, units, weights[link.weight]) for link in _LINKS]
    lines += [
        _text(70, 226, f"x = {show_number(params['x'])}", "middle"),
        _text(640, 226, f"target y = {show_number(params['y'])}", "middle"),
        _text(640, 244, "output (linear)", "middle", "c"),
        _text(250, 362, "hidden layer 1 (logistic)", "middle", "c"),
        _text(450, 362, "hidden layer 2 (logistic)", "middle", "c"),
        "</svg>",
    ]
    return "\n".join(lines)


def _link_line(link: _Link, units: Mapping[str, _Unit]) -> str:
    source, target = units[link.source], units[link.target]
    (x1, y1), (x2, y2) = _trim(source, target)
    style = "bl" if source.radius == BIAS_RADIUS else "l"
    return (f'<line class="{style}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'marker-end="url(#arrow)"/>')


def _trim(source: _Unit, target: _Unit) -> tuple[tuple[float, float], tuple[float, float]]:
    """The segment between the two circles' edges, so arrows end on the circle."""
    dx, dy = target.x - source.x, target.y - source.y
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / length, dy / length
    return ((source.x + ux * source.radius, source.y + uy * source.radius),
            (target.x - ux * (target.radius + 1), target.y - uy * (target.radius + 1)))


def _link_label(link: _Link, units: Mapping[str, _Unit], value: str) -> str:
    """The weight's label, written along its line (a vertical line keeps its label level)."""
    source, target = units[link.source], units[link.target]
    x = source.x + (target.x - source.x) * link.along
    y = source.y + (target.y - source.y) * link.along
    name = "w" + link.weight[1:].translate(_SUB)
    text = f"{name} = {value}"
    angle = math.degrees(math.atan2(target.y - source.y, target.x - source.x))
    if abs(angle) > 80:
        return _text(x + 8, y + 4, text, "start", "w")
    shift = -9 if link.side < 0 else 19
    return (f'<g transform="translate({x:.1f},{y:.1f}) rotate({angle:.2f})">'
            f'{_text(0, shift, text, "middle", "w")}</g>')


def _unit(unit: _Unit) -> str:
    if unit.radius == BIAS_RADIUS:
        style = "u b"
    else:
        style = "u in" if unit.name in ("x", "out") else "u"
    return (f'<circle class="{style}" cx="{unit.x}" cy="{unit.y}" r="{unit.radius}"/>'
            + _text(unit.x, unit.y + 5, unit.text, "middle"))


def _text(x: float, y: float, text: str, anchor: str, style: str = "") -> str:
    css = f' class="{style}"' if style else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css}>{html.escape(text, quote=False)}</text>'
