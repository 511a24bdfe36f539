"""Question ids and student ids as students spell them (SPEC "Question ids")."""

from __future__ import annotations

import dataclasses

import pytest

from grader.submissions import QuestionSet, canonical_question
from grader.submissions.ids import (
    is_student_id_label,
    student_id_from_name,
    student_id_text,
)

from .conftest import NUMERIC_IDS, QUESTIONS, TEXT_IDS


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("dE_dw5", "dE_dw5"),
        ("dE/dw5", "dE_dw5"),
        ("de_dw5", "dE_dw5"),
        ("  DE/DW5 ", "dE_dw5"),
        ("y_hat", "y_hat"),
        ("yhat", "y_hat"),
        ("YHat", "y_hat"),
        ("\u0177", "y_hat"),  # ŷ
        ("y\u0302", "y_hat"),  # y + combining circumflex
        ("Y/HAT", "y_hat"),
        ("e", "E"),
        ("E", "E"),
        ("Loss", "loss"),
        ("\u00a0p_airplane\u00a0", "p_airplane"),
        ("Q1A_VI", "q1a_vi"),
        ("q2/two/classes", "q2_two_classes"),
    ],
)
def test_known_spellings(written: str, canonical: str) -> None:
    assert canonical_question(written, QUESTIONS) == canonical


@pytest.mark.parametrize("written", ["dE_dw6", "", "answer", "s 1", "y-hat", "student_id"])
def test_unknown_ids(written: str) -> None:
    assert canonical_question(written, QUESTIONS) is None


def test_every_canonical_id_is_its_own_spelling() -> None:
    for question in NUMERIC_IDS + TEXT_IDS:
        assert canonical_question(question, QUESTIONS) == question


def test_yhat_alias_only_when_the_assignment_has_y_hat() -> None:
    assert canonical_question("yhat", QuestionSet(numeric=("s1",), aliases=(("yhat", "y_hat"),))) is None
    assert canonical_question("yhat", QuestionSet(numeric=("y_hat",))) is None  # the sheet gives no alias


def test_practice09_gives_y_hat_its_other_spellings() -> None:
    from grader.assignment import load_assignment
    from grader.shards import question_set

    questions = question_set(load_assignment("answer_keys/practice09.yaml"))
    assert canonical_question("YHat", questions) == canonical_question("\u0177", questions) == "y_hat"


def test_question_set_is_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        QUESTIONS.numeric = ()  # type: ignore[misc]
    assert hash(QUESTIONS) == hash(QuestionSet(numeric=tuple(NUMERIC_IDS), text=tuple(TEXT_IDS),
                                               aliases=QUESTIONS.aliases))


@pytest.mark.parametrize(
    ("name", "student_id"),
    [
        ("B12345_practice9.xlsx", "B12345"),
        ("B12345.yaml", "B12345"),
        ("B12345", "B12345"),
        ("B12345.v2_final.csv", "B12345"),
        (" B1 _x.csv", "B1"),
        ("_x.csv", ""),
    ],
)
def test_student_id_from_file_name(name: str, student_id: str) -> None:
    assert student_id_from_name(name) == student_id


@pytest.mark.parametrize(("cell", "text"), [(12345.0, "12345"), (" B12345 ", "B12345"), (None, ""), ("0123", "0123")])
def test_student_id_text(cell: object, text: str) -> None:
    assert student_id_text(cell) == text


@pytest.mark.parametrize("label", ["student_id", "Student ID", "STUDENT_ID", "Student ID:", " studentid "])
def test_student_id_labels(label: str) -> None:
    assert is_student_id_label(label)


@pytest.mark.parametrize("label", ["student", "id", "s1", "name"])
def test_not_student_id_labels(label: str) -> None:
    assert not is_student_id_label(label)
