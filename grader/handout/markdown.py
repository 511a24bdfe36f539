"""A handout as Markdown: formulas in plain Unicode, tables as pipe tables, the figure as inline SVG."""

from __future__ import annotations

import re
from typing import Sequence

from grader.handout.blocks import (
    Block,
    Equation,
    Figure,
    Heading,
    Item,
    Paragraph,
    Table,
)
from grader.handout.formula import to_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def to_markdown(blocks: Sequence[Block]) -> str:
    """The handout's Markdown text, ending with one newline."""
    return "\n\n".join(_block(b) for b in blocks) + "\n"


def escape(text: str) -> str:
    """``text`` shown as written by any CommonMark renderer."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _formula(text: str) -> str:
    return escape(to_text(text))


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + _formula(block.text)
    if isinstance(block, Paragraph):
        text = _formula(block.text) if block.markup else escape(block.text)
        return f"> {text}" if block.emphasis else text
    if isinstance(block, Equation):
        parts = [_formula(block.formula)]
        if block.number:
            parts.append(block.number)
        if block.answer:
            parts.append(_answer_ids((block.answer,)))
        return "    ".join(parts)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return f"<figure>\n{block.svg}\n</figure>\n\n*{_formula(block.caption)}*"
    if isinstance(block, Item):
        head = f"**{escape(block.label)}** {_formula(block.text)}"
        if block.answers:
            head += " " + _answer_ids(block.answers)
        return "\n\n".join([head, *(_block(b) for b in block.body)])
    raise TypeError(f"no Markdown for {type(block).__name__}")


def _answer_ids(ids: Sequence[str]) -> str:
    return "answer: " + ", ".join(f"`[{qid}]`" for qid in ids)


def _table(table: Table) -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(_formula(c) for c in cells) + " |"

    numeric = table.numeric or tuple(False for _ in table.header)
    rule = "|" + "|".join("---:" if right else ":---" for right in numeric) + "|"
    lines = [row(table.header), rule, *(row(r) for r in table.rows)]
    if table.caption:
        lines += ["", f"*{_formula(table.caption)}*"]
    return "\n".join(lines)
