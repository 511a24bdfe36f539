"""A sheet's handout as data: the ``handout:`` list of the sheet's YAML, read into layout blocks
(``grader.handout.blocks``) whose texts hold ``${name}`` placeholders for the variant's parameters.

    handout:
      - heading: "1. Backpropagation"            # level 2; add level: 3 for a sub-heading
      - paragraph: "We are given input x = ${x}."
      - note: "Round to 4 decimals."             # set apart from the sheet's own text
      - equation: "s₁ = w₁·x + w₂·1 = ???"       # formula markup (\\frac{a}{b}, x^{2}, x_{k})
        number: "(1)"
        answer: s1                               # the question id it asks for
      - item: "i."                               # a numbered question, with what belongs to it
        text: "Are we far from the expected output?"
        answers: [q1a_vi]
        body: [...]                              # more blocks
      - table: {header: [...], rows: [[...]], caption: "...", numeric: [false, true]}
      - hint_table: {label: Derivative, caption: "Hint table for your variant (4 decimals)."}
      - figure: {caption: "...", label: "...", width: 720, height: 370,
                 units: {x: {at: [70, 180], text: x, kind: input}, ...},
                 links: [{from: x, to: "1", weight: w1, along: 0.5, side: above}, ...],
                 texts: [{at: [70, 226], text: "x = ${x}"}, ...]}
"""

from __future__ import annotations

import re
from typing import Any, Collection

from grader.fields import Fields
from grader.handout.blocks import DiagramFigure, Equation, Heading, HintTable, Item, Layout, Paragraph, Table
from grader.handout.diagram import KINDS, Diagram, Link, Text, Unit

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_KINDS = ("heading", "paragraph", "note", "equation", "item", "table", "hint_table", "figure")
_MAX_DEPTH = 4


def read_handout(fields: Fields, parameters: Collection[str], questions: Collection[str],
                 hint_table: bool) -> tuple[Layout, ...]:
    """The ``handout`` list (empty when the file has none)."""
    if "handout" not in fields.mapping:
        return ()
    entries = fields.get("handout", list, "a list of blocks (heading, paragraph, equation, item, ...)")
    reader = _Reader(fields.file, set(parameters), set(questions), hint_table)
    return tuple(reader.block(entry, f"handout[{i}]", 0) for i, entry in enumerate(entries))


class _Reader:
    def __init__(self, file: str, parameters: set[str], questions: set[str], hint_table: bool) -> None:
        self.file, self.parameters, self.questions, self.has_hint_table = file, parameters, questions, hint_table

    def text(self, spec: Fields, key: str, default: Any = ...) -> str:
        return self.placeholders(spec, key, spec.get(key, str, "text", default))

    def placeholders(self, spec: Fields, key: str, value: str) -> str:
        """``value``, once every ``${name}`` in it is known to name a parameter."""
        for name in PLACEHOLDER.findall(value):
            if name not in self.parameters:
                raise spec.fail(key, f"placeholders that name a parameter ({', '.join(sorted(self.parameters))}); "
                                     f"got ${{{name}}}")
        return value

    def answer_ids(self, spec: Fields, key: str, ids: list) -> tuple[str, ...]:
        unknown = [q for q in ids if q not in self.questions]
        if unknown:
            raise spec.fail(key, f"question ids of the sheet; got {unknown[0]!r}")
        return tuple(str(q) for q in ids)

    def block(self, entry: Any, where: str, depth: int) -> Layout:
        spec = Fields(self.file, where, entry)
        kinds = [k for k in _KINDS if k in spec.mapping]
        if len(kinds) != 1:
            found = f"both {kinds[0]} and {kinds[1]}" if kinds else f"none ({', '.join(map(str, spec.mapping)) or 'nothing'})"
            raise spec.fail(kinds[1] if kinds else "(kind)", f"exactly one of {', '.join(_KINDS)}, got {found}")
        return getattr(self, kinds[0])(spec, depth)

    def heading(self, spec: Fields, depth: int) -> Heading:
        spec.only({"heading", "level"})
        level = spec.get("level", int, "2 or 3", 2)
        if level not in (1, 2, 3):
            raise spec.fail("level", f"1, 2 or 3, got {level}")
        return Heading(self.text(spec, "heading"), level)

    def paragraph(self, spec: Fields, depth: int) -> Paragraph:
        spec.only({"paragraph"})
        return Paragraph(self.text(spec, "paragraph"))

    def note(self, spec: Fields, depth: int) -> Paragraph:
        spec.only({"note"})
        return Paragraph(self.text(spec, "note"), emphasis=True)

    def equation(self, spec: Fields, depth: int) -> Equation:
        spec.only({"equation", "number", "answer"})
        answer = spec.get("answer", str, "a question id", "")
        if answer:
            self.answer_ids(spec, "answer", [answer])
        return Equation(self.text(spec, "equation"), spec.get("number", str, "text such as (1)", ""), answer)

    def item(self, spec: Fields, depth: int) -> Item:
        spec.only({"item", "text", "answers", "body"})
        if depth >= _MAX_DEPTH:
            raise spec.fail("body", f"items nested at most {_MAX_DEPTH} deep, got deeper ones")
        answers = self.answer_ids(spec, "answers", spec.get("answers", list, "a list of question ids", []))
        body = spec.get("body", list, "a list of blocks", [])
        return Item(spec.get("item", str, "a label such as i."), self.text(spec, "text"), answers,
                    tuple(self.block(b, f"{spec.name('body')}[{i}]", depth + 1) for i, b in enumerate(body)))

    def table(self, spec: Fields, depth: int) -> Table:
        spec.only({"table"})
        table = spec.sub("table")
        table.only({"header", "rows", "caption", "numeric"})
        header = table.get("header", list, "a list of column headings")
        rows = table.get("rows", list, "a list of rows, each a list of cells")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(header):
                found = f"{len(row)} cells" if isinstance(row, list) else repr(row)
                raise table.fail(f"rows[{i}]", f"a list of {len(header)} cells, one per heading, got {found}")
        numeric = table.get("numeric", list, "true or false per column", [False] * len(header))
        if len(numeric) != len(header) or not all(isinstance(n, bool) for n in numeric):
            raise table.fail("numeric", f"{len(header)} values true or false, one per column, got {numeric!r}")
        for i, row in enumerate(rows):
            for cell in row:
                self.placeholders(table, f"rows[{i}]", str(cell))
        return Table(tuple(str(h) for h in header), tuple(tuple(str(c) for c in row) for row in rows),
                     self.text(table, "caption", ""), tuple(numeric))

    def hint_table(self, spec: Fields, depth: int) -> HintTable:
        spec.only({"hint_table"})
        if not self.has_hint_table:
            raise spec.fail("hint_table", "a sheet with a hint_table section, got a sheet without one")
        table = spec.sub("hint_table", {})
        table.only({"label", "row_label", "caption"})
        return HintTable(table.get("label", str, "text", "Value"), table.get("row_label", str, "text", "Value"),
                         self.text(table, "caption", ""))

    def figure(self, spec: Fields, depth: int) -> DiagramFigure:
        spec.only({"figure"})
        figure = spec.sub("figure")
        figure.only({"caption", "label", "width", "height", "units", "links", "texts"})
        units_fields = figure.sub("units")
        units = tuple(self.unit(units_fields.sub(name), str(name)) for name in units_fields.mapping)
        names = {u.name for u in units}
        links = tuple(self.link(Fields(self.file, f"{figure.name('links')}[{i}]", entry), names)
                      for i, entry in enumerate(figure.get("links", list, "a list of links", [])))
        texts = tuple(self.free_text(Fields(self.file, f"{figure.name('texts')}[{i}]", entry))
                      for i, entry in enumerate(figure.get("texts", list, "a list of texts", [])))
        diagram = Diagram(figure.get("label", str, "what the figure shows, in a sentence"),
                          figure.get("width", int, "a width in pixels"), figure.get("height", int, "a height in pixels"),
                          units, links, texts)
        return DiagramFigure(diagram, self.text(figure, "caption"))

    def _at(self, spec: Fields) -> tuple[float, float]:
        at = spec.get("at", list, "[x, y]")
        if len(at) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in at):
            raise spec.fail("at", f"[x, y] in pixels, got {at!r}")
        return at[0], at[1]

    def unit(self, spec: Fields, name: str) -> Unit:
        spec.only({"at", "text", "kind"})
        kind = spec.get("kind", str, f"one of {', '.join(KINDS)}", "hidden")
        if kind not in KINDS:
            raise spec.fail("kind", f"one of {', '.join(KINDS)}, got {kind!r}")
        x, y = self._at(spec)
        return Unit(name, x, y, self.text(spec, "text", "1" if kind == "bias" else name), kind)

    def link(self, spec: Fields, units: set[str]) -> Link:
        spec.only({"from", "to", "weight", "text", "along", "side"})
        ends = [spec.get(key, str, "a unit of the figure") for key in ("from", "to")]
        for key, end in zip(("from", "to"), ends):
            if end not in units:
                raise spec.fail(key, f"a unit of the figure ({', '.join(sorted(units))}), got {end!r}")
        weight = spec.get("weight", str, "a parameter", "")
        if weight and weight not in self.parameters:
            raise spec.fail("weight", f"a parameter, got {weight!r}")
        side = spec.get("side", str, "above or below", "above")
        if side not in ("above", "below"):
            raise spec.fail("side", f"above or below, got {side!r}")
        return Link(ends[0], ends[1], weight, spec.get("along", float, "a share of the line, 0 to 1", 0.5),
                    -1 if side == "above" else 1, self.text(spec, "text", ""))

    def free_text(self, spec: Fields) -> Text:
        spec.only({"at", "text", "anchor", "caption"})
        x, y = self._at(spec)
        anchor = spec.get("anchor", str, "start, middle or end", "middle")
        if anchor not in ("start", "middle", "end"):
            raise spec.fail("anchor", f"start, middle or end, got {anchor!r}")
        return Text(x, y, self.text(spec, "text"), anchor, spec.get("caption", bool, "true or false", False))
