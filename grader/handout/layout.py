"""One student's handout from the sheet's layout: the front (who, which templates), then every block of
the sheet's ``handout:`` with the student's own numbers in its placeholders, hint table and figure."""

from __future__ import annotations

import re
from grader.handout.blocks import (
    Block,
    DiagramFigure,
    Equation,
    Figure,
    Heading,
    HintTable,
    Item,
    Layout,
    Paragraph,
    Table,
)
from grader.handout.diagram import diagram_svg
from grader.handout.student import StudentVariant, show_hint

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# "a ${true_class}" before a value that starts with a vowel reads "an airplane" (and "an" before a
# consonant reads "a dog"): the article agrees with the value it ends up before.
_ARTICLE = re.compile(r"\b([Aa])n? (?=\$\{([A-Za-z_][A-Za-z0-9_]*)\})")


def handout(variant: StudentVariant) -> tuple[Block, ...]:
    """The whole handout for one student."""
    return (*_front(variant), *(_fill(block, variant) for block in variant.assignment.handout))


def _front(v: StudentVariant) -> list[Block]:
    who = f"{v.name} ({v.student_id})" if v.name else v.student_id
    templates = ", ".join(v.template_name(s) for s in ("yaml", "csv", "xlsx"))
    example = v.assignment.numeric_questions[0].id if v.assignment.numeric_questions else "..."
    hint = ", as the hint table does," if v.assignment.sheet.hint_table else ""
    front = [
        Heading(v.assignment.title, 1),
        Paragraph(f"Your own variant, for student {who}. Your numbers differ from your neighbours'.",
                  markup=False),
        Paragraph(
            f"Work the questions by hand. Write each answer in one of your answer templates ({templates}) "
            f"under the id shown in brackets beside the question, e.g. [{example}]. Give numbers with at least "
            f"4 decimals; rounding intermediate values to 4 decimals{hint} is fine.",
            emphasis=True, markup=False,
        ),
    ]
    if v.access_code:  # only when a secret was used: without one, the handout stays as it was
        front.append(Paragraph(f"Your access code for the web page: {v.access_code}", markup=False))
    return front


def _text(text: str, v: StudentVariant) -> str:
    def article(match: re.Match[str]) -> str:
        vowel = v.shown(match.group(2))[:1].casefold() in ("a", "e", "i", "o", "u")
        return f"{match.group(1)}{'n' if vowel else ''} "

    return _PLACEHOLDER.sub(lambda m: v.shown(m.group(1)), _ARTICLE.sub(article, text))


def _fill(block: Layout, v: StudentVariant) -> Block:
    if isinstance(block, Heading):
        return Heading(_text(block.text, v), block.level)
    if isinstance(block, Paragraph):
        return Paragraph(_text(block.text, v), block.emphasis, block.markup)
    if isinstance(block, Item):
        return Item(block.label, _text(block.text, v), block.answers, tuple(_fill(b, v) for b in block.body))
    if isinstance(block, Table):
        return Table(block.header, tuple(tuple(_text(c, v) for c in row) for row in block.rows),
                     _text(block.caption, v), block.numeric)
    if isinstance(block, HintTable):
        return Table(header=(block.label, *(c.heading for c in v.hint_table)),
                     rows=((block.row_label, *(show_hint(c.value) for c in v.hint_table)),),
                     caption=_text(block.caption, v), numeric=(False, *(True for _ in v.hint_table)))
    if isinstance(block, DiagramFigure):
        svg = diagram_svg(block.diagram, v.shown, lambda text: _text(text, v))
        return Figure(svg, _text(block.caption, v))
    if isinstance(block, Equation):
        return Equation(_text(block.formula, v), block.number, block.answer)
    raise TypeError(f"no handout block for {type(block).__name__}")
