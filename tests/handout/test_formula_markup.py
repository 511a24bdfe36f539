"""Formula markup: HTML for the page, plain Unicode for Markdown; nothing is ever refused."""

from __future__ import annotations

import pytest

from grader.handout.formula import _SUBSCRIPTS, _SUPERSCRIPTS, to_html, to_text


@pytest.mark.parametrize(
    "markup, text",
    [
        ("s₁ = w₁·x + w₂·1", "s₁ = w₁·x + w₂·1"),
        (r"a₁ = \frac{1}{1 + e^{−s₁}}", "a₁ = 1 / (1 + e^(−s₁))"),
        (r"\frac{∂E}{∂w₅}", "∂E/∂w₅"),
        ("w₅^{new}", "w₅ⁿᵉʷ"),
        ("x^{2}", "x²"),
        ("Σ_{k=1}^{K}", "Σₖ₌₁ᴷ"),
        ("y_{o,c}", "y_(o,c)"),
        ("e^{zⱼ}", "e^(zⱼ)"),
        ("x^{2", "x²"),  # a brace left open runs to the end
        ("a_b ^ c", "a_b ^ c"),  # no brace: literal
    ],
)
def test_plain_text(markup, text):
    assert to_text(markup) == text


@pytest.mark.parametrize(
    "markup, html",
    [
        (r"a₁ = \frac{1}{1 + e^{−s₁}}",
         'a₁ = <span class="frac"><span class="num">1</span><span class="den">1 + e<sup>−s₁</sup></span></span>'),
        ("y_{o,c} < 1 & 2", "y<sub>o,c</sub> &lt; 1 &amp; 2"),
        (r"\frac{a}{\frac{b}{c}}",
         '<span class="frac"><span class="num">a</span><span class="den"><span class="frac">'
         '<span class="num">b</span><span class="den">c</span></span></span></span>'),
    ],
)
def test_html(markup, html):
    assert to_html(markup) == html


def test_script_tables_pair_up():
    for table in (_SUPERSCRIPTS, _SUBSCRIPTS):
        assert all(len(k) == 1 and len(v) == 1 for k, v in table.items())
