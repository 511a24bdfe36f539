"""Per-student feedback: the student's copy hides the answers, the instructor's shows them; the
HTML is escaped and self-contained; the Markdown table survives whatever a student typed."""

from __future__ import annotations

import re

import numpy as np
import pytest
from handins import submission

from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.gradebook import build_gradebook
from grader.grading import Verdict, grade_class
from grader.key import compute_key
from grader.overrides import Override
from grader.report.feedback import FeedbackRenderer
from grader.submissions.records import Batch

ASSIGNMENT = load_assignment("answer_keys/practice09.yaml")
GRAPH = ASSIGNMENT.graph
QUESTIONS = [q.id for q in ASSIGNMENT.numeric_questions]
TEXT_IDS = [q.id for q in ASSIGNMENT.text_questions]
SCRIPT = "<script>alert(1)</script>"
STUDENT = "FB1"


def hand_in(values: dict[str, object]):
    variants = draw_variants(ASSIGNMENT, [STUDENT])
    key = compute_key(ASSIGNMENT, variants)
    return key, grade_class(ASSIGNMENT, key, [submission(STUDENT, values, "FB1.yaml", row=3)])[0]


def mixed_answers() -> dict[str, object]:
    """s1 wrong (later steps carried through), E with the ½ slip, two unreadable, loss blank, free text."""
    params = draw_variants(ASSIGNMENT, [STUDENT]).columns
    reference = GRAPH.reference(params)
    own_s1 = reference["s1"] + 0.2
    chain = GRAPH.evaluate(params, overrides={"s1": own_s1}).computed
    values: dict[str, object] = {q: float(chain[GRAPH.question_nodes[q].name][0]) for q in QUESTIONS}
    values["s1"] = float(own_s1[0])
    half = GRAPH.slip("half_squared_error").formulas["E"]
    values["E"] = float(half.fn(params["y"], np.array([values["y_hat"]]))[0])
    values["p_cat"] = SCRIPT
    values["exp_cat"] = "0.85 | 0.86"
    values["loss"] = ""
    values["q1a_vi"] = "Yes: E is large | far from y"
    values["q2_scores"] = "<b>No</b>, they are not probabilities"
    values["q2_column3"] = "=1+1 the exponentials do not sum to 1"
    return values


@pytest.fixture(scope="module")
def graded():
    key, graded = hand_in(mixed_answers())
    return key, graded


OVERRIDES = (Override(STUDENT, "s1", 0.5, "method right, sign slip", 2),)


@pytest.fixture(scope="module")
def row(graded):
    """The gradebook's row for the student (with a person's override)."""
    return build_gradebook(ASSIGNMENT, [graded[1]], Batch(), overrides=OVERRIDES).rows[0]


@pytest.fixture(scope="module")
def student(graded):
    return graded[1]


@pytest.fixture(scope="module")
def renderer():
    return FeedbackRenderer(ASSIGNMENT)


def reference_texts(key, graded, verdicts=None) -> dict[str, str]:
    """Question -> the reference value as the instructor's copy writes it, for the questions the
    student did not answer right (for a right answer the student's own number is the value)."""
    out = {}
    for outcome in graded.outcomes:
        if verdicts is None or outcome.verdict in verdicts:
            out[outcome.question] = f"{key.answer(outcome.question)[0]:.6g}"
    return out


def mentions(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", text) is not None


NOT_RIGHT = {Verdict.WRONG, Verdict.FOLLOW_THROUGH, Verdict.SLIP, Verdict.UNREADABLE, Verdict.MISSING}


def test_the_student_is_what_the_fixture_says(graded):
    _, g = graded
    verdict = {o.question: o.verdict for o in g.outcomes}
    assert verdict["s1"] is Verdict.WRONG
    assert verdict["dE_dw1"] is Verdict.FOLLOW_THROUGH
    assert verdict["E"] is Verdict.SLIP
    assert verdict["p_cat"] is Verdict.UNREADABLE and verdict["exp_cat"] is Verdict.UNREADABLE
    assert verdict["loss"] is Verdict.MISSING
    assert len(reference_texts(*graded, NOT_RIGHT)) >= 15


@pytest.mark.parametrize("form", ["markdown", "html"])
def test_the_students_copy_never_shows_a_reference_value(graded, student, renderer, form):
    page = getattr(renderer, form)(student, False, OVERRIDES)
    leaked = {q: v for q, v in reference_texts(*graded, NOT_RIGHT).items() if mentions(page, v)}
    assert leaked == {}
    assert "expected |" not in page and "<th>expected</th>" not in page
    assert "from own values" not in page


@pytest.mark.parametrize("form", ["markdown", "html"])
def test_the_instructors_copy_shows_every_reference_value(graded, student, renderer, form):
    page = getattr(renderer, form)(student, True, OVERRIDES)
    missing = {q: v for q, v in reference_texts(*graded).items() if not mentions(page, v)}
    assert missing == {}
    assert "expected |" in page or "<th>expected</th>" in page
    assert "from own values" in page  # follow-through: the value the student's own numbers lead to


def test_pages_gives_the_same_markdown_and_html_as_the_single_calls(student, renderer):
    for instructor in (False, True):
        single = (renderer.markdown(student, instructor, OVERRIDES), renderer.html(student, instructor, OVERRIDES))
        assert renderer.pages(student, instructor, OVERRIDES) == single


def test_both_copies_rendered_together_are_the_copies_rendered_one_by_one(student, renderer):
    for overrides in ((), OVERRIDES):
        students, instructors = renderer.copies(student, overrides)
        assert students == renderer.pages(student, False, overrides)
        assert instructors == renderer.pages(student, True, overrides)
        assert students != instructors


def test_html_escapes_a_raw_answer_and_never_writes_it_raw(student, renderer):
    for instructor in (False, True):
        page = renderer.html(student, instructor, OVERRIDES)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script" not in page.lower()
        assert "&lt;b&gt;No&lt;/b&gt;" in page and "<b>No</b>" not in page


def test_html_is_self_contained_and_has_a_legend(student, renderer):
    page = renderer.html(student, overrides=OVERRIDES)
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", page, re.IGNORECASE)
    legend = re.search(r'<p class="legend">(.*?)</p>', page)
    assert legend is not None
    for verdict in Verdict:
        assert verdict.value in legend.group(1)


def table_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


@pytest.mark.parametrize("instructor", [False, True])
def test_markdown_escapes_pipes_so_the_table_stays_intact(student, renderer, instructor):
    lines = table_lines(renderer.markdown(student, instructor, OVERRIDES))
    assert len(lines) == 2 + len(QUESTIONS)
    columns = 8 if instructor else 7
    assert [unescaped_pipes(line) for line in lines] == [columns] * len(lines)
    exp_cat = next(line for line in lines if line.startswith("| exp_cat |"))
    assert "0.85 \\| 0.86" in exp_cat


def test_written_answers_appear_under_their_heading(student, renderer):
    page = renderer.markdown(student, overrides=OVERRIDES)
    heading = page.index("## Written answers")
    for qid in TEXT_IDS:
        assert page.index(f"**{qid}**") > heading
    assert page.index("Yes: E is large \\| far from y") > heading
    assert page.index("not probabilities") > heading
    assert page.count("(no answer)") == len(TEXT_IDS) - 3
    html = renderer.html(student, overrides=OVERRIDES)
    assert html.index("not probabilities") > html.index("Written answers")


def test_a_persons_override_appears_as_a_note(student, row, renderer):
    note = "a person set the points for s1 to 0.5 (automatic: 0): method right, sign slip"
    markdown, html = renderer.pages(student, False, OVERRIDES)
    assert f"> {note}" in markdown
    assert f'<p class="note">{note}</p>' in html
    assert "0.5 of 29" not in markdown  # the heading shows the total with the override
    assert f"{row.total:g} of 29 points" in markdown


def test_no_override_no_note(graded, renderer):
    assert "a person set the points" not in renderer.markdown(graded[1])


def test_terminal_text_hides_the_values_unless_revealed(graded, renderer):
    key, g = graded
    hidden = renderer.text(g, reveal=False)
    shown = renderer.text(g, reveal=True)
    references = reference_texts(key, g, NOT_RIGHT)
    assert {q: v for q, v in references.items() if mentions(hidden, v)} == {}
    assert "[expected" not in hidden
    for q, value in references.items():
        assert f"[expected {value}" in shown, q
    assert "Where to look first: s1" in hidden


def test_terminal_text_of_a_perfect_sheet_says_so(renderer):
    key = compute_key(ASSIGNMENT, draw_variants(ASSIGNMENT, [STUDENT]))
    _, perfect = hand_in(key.answers(0))
    assert renderer.text(perfect).rstrip().endswith("Every numeric answer checks out.")


def without_code_spans(markdown: str) -> str:
    return re.sub(r"`[^`]*`", "", markdown)


@pytest.mark.parametrize("instructor", [False, True])
def test_markdown_does_not_pass_a_students_html_through(student, renderer, instructor):
    page = without_code_spans(renderer.markdown(student, instructor, OVERRIDES))
    assert "<script" not in page.lower()
    assert "<b>No</b>" not in page


def test_the_instructors_copy_shows_what_the_students_own_values_lead_to(graded):
    key, graded = graded
    page = FeedbackRenderer(ASSIGNMENT).markdown(graded, instructor=True)
    lines = {line.split(" | ")[0].strip("| "): line for line in page.splitlines() if line.startswith("| ")}
    params = draw_variants(ASSIGNMENT, [STUDENT]).columns
    own = mixed_answers()
    # a1 follows through from the wrong s1: the value σ(own s1), not the reference
    from_s1 = 1 / (1 + np.exp(-own["s1"]))
    assert graded.outcome("a1").verdict is Verdict.FOLLOW_THROUGH
    assert f"(from own values: {from_s1:.6g})" in lines["a1"]
    # E is the ½ slip: the slip's value from the student's own y_hat
    half = 0.5 * (float(params["y"][0]) - own["y_hat"]) ** 2
    assert graded.outcome("E").verdict is Verdict.SLIP
    assert f"(the slip from own values: {half:.6g})" in lines["E"]
    # a blank answer shows no tolerance
    cells = [cell.strip() for cell in lines["loss"].split("|")]
    assert cells[3].endswith("missing") and cells[5] == ""
