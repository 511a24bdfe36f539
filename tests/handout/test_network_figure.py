"""Figure 1 of practice09, drawn from the layout in its YAML: the 1-2-2-1 network with every
connection labelled by the variant's weight."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.assignment import load_assignment
from grader.handout.blocks import DiagramFigure
from grader.handout.diagram import diagram_svg
from grader.handout.student import show_number

FIGURE = next(b for b in load_assignment("answer_keys/practice09.yaml").handout if isinstance(b, DiagramFigure))


def network_svg(params) -> str:
    fill = (lambda text: text.replace("${x}", show_number(params["x"])).replace("${y}", show_number(params["y"])))
    return diagram_svg(FIGURE.diagram, lambda name: show_number(params[name]), fill)

SVG = "{http://www.w3.org/2000/svg}"
PARAMS = {"x": 0.5, "y": 0.25, **{f"w{i}": w for i, w in enumerate(
    (0.4, 0.5, 0.6, 0.7, 0.6, -0.9, -0.9, 0.4, 0.3, 0.7, 0.9, 0.7, -0.8), start=1)}}
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def test_svg_parses_and_labels_every_weight():
    root = ET.fromstring(network_svg(PARAMS))
    assert root.tag == f"{SVG}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for i in range(1, 14):
        label = f"w{str(i).translate(SUB)} = {PARAMS[f'w{i}']}"
        assert texts.count(label) == 1, label
    assert "x = 0.5" in texts and "target y = 0.25" in texts


def test_one_line_per_connection_and_bias_units():
    root = ET.fromstring(network_svg(PARAMS))
    assert len(list(root.iter(f"{SVG}line"))) == 13  # 8 weights between units + 5 biases
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 11  # x, four hidden, output, five bias inputs "1"


def test_no_blank_line_so_markdown_keeps_it_one_html_block():
    svg = network_svg(PARAMS)
    assert "\n\n" not in svg and not re.search(r"\n\s*\n", svg)


def test_same_weights_same_bytes():
    assert network_svg(PARAMS) == network_svg(dict(PARAMS))


def test_a_link_pointing_left_is_labelled_along_its_line_reading_left_to_right():
    from grader.handout.diagram import Diagram, Link, Unit

    diagram = Diagram("a split", 300, 200, (Unit("root", 150, 40, "root"), Unit("L", 60, 160, "L")),
                      (Link("root", "L", text="left: 6+ / 2−", side=-1),))
    svg = diagram_svg(diagram, str, lambda text: text)
    rotation = float(re.search(r"rotate\(([-0-9.]+)\)", svg).group(1))
    assert -90 < rotation < 90  # readable, not upside down
    assert "left: 6+ / 2−" in svg
