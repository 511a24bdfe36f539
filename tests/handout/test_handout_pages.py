"""The handout (Markdown and HTML) shows the student's own numbers and no answer but the hint table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader.assignment import load_assignment
from grader.engine.variants import default_variant, draw_variants
from grader.handout import handout_pages, student_stems, student_variant
from grader.handout.student import show_number
from grader.key import compute_key

ASSIGNMENT = Path(__file__).resolve().parents[2] / "answer_keys" / "practice09.yaml"
STUDENTS = ("B12345", "B67890", "00123", "A-7", "x.y")
FOUR_DECIMALS = re.compile(r"-?\d+\.\d{4}(?!\d)")


@pytest.fixture(scope="module")
def sheet():
    return load_assignment(ASSIGNMENT)


@pytest.fixture(scope="module")
def key(sheet):
    return compute_key(sheet, draw_variants(sheet, STUDENTS, "a secret"))


@pytest.fixture(scope="module")
def pages(key):
    stems = student_stems(STUDENTS)
    return [handout_pages(student_variant(key, row, name="Ann Smith", file_stem=stems[sid]))
            for row, sid in enumerate(STUDENTS)]


def _hint_strings(key, row):
    return {f"{round(float(key.values[node][row]), 4):.4f}" for node in key.assignment.sheet.hint_table}


@pytest.mark.parametrize("row", range(len(STUDENTS)))
@pytest.mark.parametrize("page", [0, 1], ids=["markdown", "html"])
def test_handout_holds_the_students_weights_and_inputs(key, pages, row, page):
    text = pages[row][page]
    params = key.params(row)
    for i in range(1, 14):
        assert re.search(rf"w{_sub(i)}\s*=\s*{re.escape(show_number(params[f'w{i}']))}\b", text), f"w{i}"
    for name in ("x", "y"):
        assert f"{name} = {show_number(params[name])}" in text
    assert f"η = {show_number(params['eta'])}" in text
    for c in ("dog", "cat", "boat", "airplane"):
        assert show_number(params[f"score_{c}"]) in text
    assert f"the true class is {params['true_class']}" in text


@pytest.mark.parametrize("row", range(len(STUDENTS)))
@pytest.mark.parametrize("page", [0, 1], ids=["markdown", "html"])
def test_handout_holds_the_hint_table_recomputed_for_the_variant(key, pages, row, page):
    text = pages[row][page]
    # The five values appear in the sheet's order, in one table row.
    values = [f"{round(float(key.values[node][row]), 4):.4f}" for node in key.assignment.sheet.hint_table]
    joined = r"\W+".join(re.escape(v) for v in values)
    assert re.search(joined, _visible(text)), values


@pytest.mark.parametrize("row", range(len(STUDENTS)))
@pytest.mark.parametrize("page", [0, 1], ids=["markdown", "html"])
def test_no_computed_value_but_the_hint_table(key, pages, row, page):
    printed = set(FOUR_DECIMALS.findall(pages[row][page]))
    assert printed <= _hint_strings(key, row)
    for qid, value in key.answers(row).items():
        if f"{value:.4f}" not in _hint_strings(key, row):
            assert f"{value:.4f}" not in pages[row][page], qid


def test_default_variant_reproduces_the_sheets_hint_table(sheet):
    key = compute_key(sheet, default_variant(sheet, "SHEET"))
    markdown, html = handout_pages(student_variant(key, 0, file_stem="SHEET"))
    for text in (markdown, html):
        assert re.search(r"-0\.5968\W+0\.2392\W+0\.7661\W+0\.1820\W+0\.1792", _visible(text))


@pytest.mark.parametrize("page", [0, 1], ids=["markdown", "html"])
def test_every_question_is_asked_in_the_assignments_order(sheet, pages, page):
    text = pages[0][page]
    positions = [text.find(f"[{q.id}]") for q in sheet.questions]
    assert all(p >= 0 for p in positions), [q.id for q, p in zip(sheet.questions, positions) if p < 0]
    assert positions == sorted(positions)


def test_html_is_self_contained_and_well_formed(pages):
    html = pages[0][1]
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    for remote in ("http://", "https://", "<script", "<link", "@import", "src="):
        if remote == "http://":
            # only the SVG namespace may name a URL
            assert html.count("http://") == html.count('xmlns="http://www.w3.org/2000/svg"')
            continue
        assert remote not in html, remote
    assert "@page { size: A4" in html
    assert "break-inside: avoid" in html
    assert html.count("<svg") == 1
    _Balanced().check(html)


def test_roster_text_is_escaped_not_interpreted(sheet):
    key = compute_key(sheet, draw_variants(sheet, ["<b>&x"], None))
    variant = student_variant(key, 0, name="Robert'); <script>alert(1)</script> ^{x} *bold*", file_stem="x")
    markdown, html = handout_pages(variant)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;&amp;x" in html
    assert "^{x}" in html  # shown as written, not as a superscript
    assert r"\*bold\*" in markdown and r"\<script\>" in markdown


def _visible(text: str) -> str:
    """Text with tags removed (Markdown's pipes stay, both read as non-word characters)."""
    return re.sub(r"<[^>]+>", " ", text)


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class _Balanced(HTMLParser):
    """Checks every element but the void ones is closed in order."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "path", "line", "circle"}

    def check(self, html: str) -> None:
        self.stack: list[str] = []
        self.feed(html)
        self.close()
        assert self.stack == [], self.stack

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def test_the_article_agrees_with_the_class_shown_an_airplane_a_dog(sheet):
    ids = [f"A{i:03d}" for i in range(80)]
    key = compute_key(sheet, draw_variants(sheet, ids))
    seen = set()
    for row, student in enumerate(ids):
        true_class = key.params(row)["true_class"]
        if true_class in seen:
            continue
        seen.add(true_class)
        markdown, html = handout_pages(student_variant(key, row, file_stem=student))
        article = "an" if true_class[0] in "aeiou" else "a"
        assert f"shows {article} {true_class}:" in markdown and f"shows {article} {true_class}:" in html
        assert not re.search(r"\ba airplane|\ban (dog|cat|boat)\b", markdown)
    assert "airplane" in seen and "dog" in seen
