"""A handout as one self-contained HTML page: inline CSS and SVG, no script, no font or CDN,
formulas in HTML and Unicode; it prints on A4 with no table or figure split across pages."""

from __future__ import annotations

import html
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
from grader.handout.formula import to_html as formula_html

CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
html { font-size: 11pt; }
body { font-family: "DejaVu Serif", "Liberation Serif", Georgia, "Times New Roman", serif; line-height: 1.45;
       color: #111; max-width: 178mm; margin: 0 auto; }
@media screen { body { padding: 1.5em 1em 3em; } }
h1 { font-size: 1.45em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; }
h3 { font-size: 1.08em; margin: 1.1em 0 .3em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: .3em 0; }
p.note { border-left: 3px solid #7a9cc6; background: #f3f6fb; padding: .35em .7em; }
.item { margin: .7em 0; }
.item > .question { margin: .2em 0; }
.label { font-weight: bold; margin-right: .35em; }
.eq { display: flex; align-items: center; gap: 1em; margin: .45em 0 .45em 1.6em;
      break-inside: avoid; page-break-inside: avoid; }
.eq .formula { flex: 1; }
.eq .number { color: #444; min-width: 2.5em; text-align: right; }
.answer { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .82em; color: #234;
          border: 1px solid #9ab; border-radius: 3px; padding: 0 .3em; white-space: nowrap; }
.frac { display: inline-block; vertical-align: middle; text-align: center; margin: 0 .15em; }
.frac > span { display: block; padding: 0 .2em; line-height: 1.25; }
.frac > .num { border-bottom: 1px solid currentColor; }
sup, sub { font-size: .72em; line-height: 0; }
.table { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; margin: .6em 0 .2em 1.6em; break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #777; padding: .25em .7em; }
th { background: #f0f0f0; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.blank { min-width: 7em; }
.caption { font-size: .9em; color: #333; margin: .15em 0 .8em 1.8em; }
figure { margin: .8em 0; break-inside: avoid; page-break-inside: avoid; text-align: center; }
figure svg { height: auto; }
@media print { figure svg { max-width: 150mm !important; } }
figcaption { font-size: .9em; color: #333; }
"""


def to_html(blocks: Sequence[Block], title: str) -> str:
    """The whole page, ending with one newline."""
    body = "\n".join(_block(b) for b in blocks)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{formula_html(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        text = formula_html(block.text) if block.markup else html.escape(block.text)
        return f'<p class="note">{text}</p>' if block.emphasis else f"<p>{text}</p>"
    if isinstance(block, Equation):
        number = f'<span class="number">{html.escape(block.number)}</span>' if block.number else ""
        answer = _answer_ids((block.answer,)) if block.answer else ""
        return f'<div class="eq"><span class="formula">{formula_html(block.formula)}</span>{number}{answer}</div>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return f"<figure>\n{block.svg}\n<figcaption>{formula_html(block.caption)}</figcaption>\n</figure>"
    if isinstance(block, Item):
        answers = " " + _answer_ids(block.answers) if block.answers else ""
        head = (f'<p class="question"><span class="label">{html.escape(block.label)}</span>'
                f"{formula_html(block.text)}{answers}</p>")
        return "\n".join([f'<div class="item">{head}', *(_block(b) for b in block.body), "</div>"])
    raise TypeError(f"no HTML for {type(block).__name__}")


def _answer_ids(ids: Sequence[str]) -> str:
    return " ".join(f'<span class="answer" title="answer id in your template">[{html.escape(q)}]</span>'
                    for q in ids)


def _table(table: Table) -> str:
    numeric = table.numeric or tuple(False for _ in table.header)
    head = "".join(f"<th>{formula_html(h)}</th>" for h in table.header)
    rows = []
    for cells in table.rows:
        tds = []
        for cell, right in zip(cells, numeric):
            css = "num" if right else ("blank" if not cell else "")
            attribute = f' class="{css}"' if css else ""
            tds.append(f"<td{attribute}>{formula_html(cell)}</td>")
        rows.append(f"<tr>{''.join(tds)}</tr>")
    caption = f'\n<p class="caption">{formula_html(table.caption)}</p>' if table.caption else ""
    return (f'<div class="table">\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows)
            + f"\n</tbody>\n</table>{caption}\n</div>")
