"""A hand-in file is the YAML ``yaml.dump`` writes of the answers, and reads back as they were typed."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.assignment import load_assignment
from grader.shards import question_set
from grader.submissions.draft import Origin
from grader.submissions.ids import canonical_question
from grader.submissions.yaml_format import read_one_line_answers, read_yaml
from grader.web.handins import FIRST_LINE, all_answers, one_line_each, submission_text

TYPED = {
    "s1": "0,5312", "a1": "  0.4  ", "s2": "yes", "a2": "null", "z3": "~", "yhat": "1e-3", "E": "- 3",
    "dE_dyhat": "#1", "delta3": "'quoted'", "dE_dw5": 'say "hi"', "w5_new": "a: b", "dE_dw6": "0x1F",
    "w6_new": "ünïcödé ½", "delta1": "line\nbreak", "delta2": "", "dE_dw1": "[1, 2]", "dE_dw2": "{x: 1}",
    "w1_new": "&anchor", "w2_new": "*alias", "dE_dw3": "!tag", "w3_new": "%", "dE_dw4": "@", "w4_new": "`",
    "stray question": "0.1",
}


def test_the_file_is_what_yaml_dump_writes_and_reads_back_as_typed():
    assignment = load_assignment("answer_keys/practice09.yaml")
    questions = question_set(assignment)
    text = submission_text(assignment, questions, "B10001", TYPED, "2026-12-02T10:00:00+00:00")
    header, body = text.split("\n", 1)
    assert header.startswith("# ") and "handed in on the web page" in header
    answered = {canonical_question(q, questions) for q in TYPED}  # yhat is y_hat
    given = dict(TYPED) | {q.id: "" for q in assignment.questions if q.id not in answered}
    assert "y_hat" not in given
    assert body == yaml.dump({"student_id": "B10001", "answers": given}, Dumper=yaml.SafeDumper, sort_keys=False,
                             allow_unicode=True, default_flow_style=False, width=2**31 - 1)
    assert yaml.safe_load(text) == {"student_id": "B10001", "answers": given}
    [submission] = read_yaml(text.encode(), Origin("your answers", "B10001", 0.0), questions)
    assert submission.student_id == "B10001"


PRINTABLE = {q: v for q, v in TYPED.items() if v.isprintable()}


def _both_readings(student_id: str, answers: dict[str, str]):
    assignment = load_assignment("answer_keys/practice09.yaml")
    questions = question_set(assignment)
    origin = Origin("your answers", "B10001", 0.0)
    given = all_answers(assignment, questions, answers)
    text = submission_text(assignment, questions, student_id, answers, "2026-12-02T10:00:00+00:00")
    [from_file] = read_yaml(text.encode(), origin, questions)
    return from_file, read_one_line_answers(student_id, list(given.items()), FIRST_LINE, origin, questions)


def test_a_check_reads_the_answers_as_the_hand_in_file_of_them_reads():
    assert one_line_each("B10001", PRINTABLE) and not one_line_each("B10001", TYPED)
    from_file, direct = _both_readings("B10001", PRINTABLE)
    assert direct == from_file
    assert {q for q, a in from_file.answers.items() if a.raw} >= {"s1", "y_hat", "E"}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["s1", "a1", "yhat", "ŷ", "E", "w5_new", "nonsense", "S1", " s2 "]),
                       st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12), max_size=6),
       st.sampled_from(["B10001", "b10001", "B 1", "null", "~", "1e3", "ü-9"]))
def test_any_printable_answers_read_the_same_either_way(answers, student_id):
    answers = {q: v for q, v in answers.items() if v.isprintable()}
    from_file, direct = _both_readings(student_id, answers)
    assert direct == from_file
