"""The pieces a handout is made of; ``markdown`` and ``html`` each render every kind.

Text fields hold formula markup (see ``formula``). ``answers`` name the question ids a student
writes in the template, shown beside the question so the template is easy to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from grader.handout.diagram import Diagram


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False  # a note or hint, set apart from the sheet's own text
    markup: bool = True  # False for text holding roster values (a name, an id): shown as written


@dataclass(frozen=True)
class Equation:
    """A displayed formula; ``number`` is the sheet's equation number, ``answer`` its question id."""

    formula: str
    number: str = ""
    answer: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[bool, ...] = ()  # per column: right-aligned numbers


@dataclass(frozen=True)
class Figure:
    svg: str  # inline SVG, one line per element, no blank line (Markdown keeps it as one HTML block)
    caption: str


@dataclass(frozen=True)
class Item:
    """A numbered question of the sheet (``label`` like ``i.``) with what belongs to it."""

    label: str
    text: str
    answers: tuple[str, ...] = ()
    body: tuple["Block", ...] = ()


Block = Union[Heading, Paragraph, Equation, Table, Figure, Item]


# ---- as a sheet's YAML lays them out, before one student's numbers are filled in ----------------
# Texts of every block may hold ``${name}`` placeholders: a parameter of the variant.


@dataclass(frozen=True)
class HintTable:
    """The sheet's hint table for the variant: its quantities' values to 4 decimals."""

    label: str = "Value"     # the first column's heading
    row_label: str = "Value"
    caption: str = ""


@dataclass(frozen=True)
class DiagramFigure:
    """A figure drawn from a layout (``grader.handout.diagram``) with the variant's numbers."""

    diagram: Diagram
    caption: str


Layout = Union[Block, HintTable, DiagramFigure]
