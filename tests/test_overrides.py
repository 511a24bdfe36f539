"""A person's points for a question: ``student_id,question,points,comment``."""

from __future__ import annotations

import pytest

from grader.errors import ConfigError
from grader.overrides import Override, load_overrides

# question id -> its points in the assignment (free text is worth 1 here, so a person can grade it)
QUESTIONS = {"s1": 1.0, "s2": 1.0, "E": 1.0, "dE_dw5": 1.0, "loss": 1.0, "q1a_vi": 1.0}
HEADER = "student_id,question,points,comment\n"


def load(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "overrides.csv"
    path.write_bytes(text.encode(encoding))
    return path, load_overrides(path, QUESTIONS)


GOOD = {
    "one row with a comment": (HEADER + "B1,s1,0.5,partly right\n", [Override("B1", "s1", 0.5, "partly right", 2)]),
    "no comment column": ("student_id,question,points\nB1,E,1\n", [Override("B1", "E", 1.0, "", 2)]),
    "header in another case, spaces around cells": (
        "Student_ID , Question , Points , Comment\n B1 , s2 , 0 , copied \n", [Override("B1", "s2", 0.0, "copied", 2)]),
    "a quoted decimal comma": (HEADER + 'B1,loss,"0,5",\n', [Override("B1", "loss", 0.5, "", 2)]),
    "a comment with a comma, quoted": (HEADER + 'B1,s1,1,"right, after all"\n',
                                       [Override("B1", "s1", 1.0, "right, after all", 2)]),
    "blank lines are skipped": (HEADER + "\nB1,s1,1,\n,,,\nB2,s1,0,\n",
                                [Override("B1", "s1", 1.0, "", 3), Override("B2", "s1", 0.0, "", 5)]),
    "same question, two students": (HEADER + "B1,s1,1,\nB2,s1,0.25,\n",
                                    [Override("B1", "s1", 1.0, "", 2), Override("B2", "s1", 0.25, "", 3)]),
    "same student, two questions": (HEADER + "B1,s1,1,\nB1,s2,1,\n",
                                    [Override("B1", "s1", 1.0, "", 2), Override("B1", "s2", 1.0, "", 3)]),
    "a free-text question": (HEADER + "B1,q1a_vi,1,good answer\n", [Override("B1", "q1a_vi", 1.0, "good answer", 2)]),
    "a byte-order mark": ("\ufeff" + HEADER + "B1,s1,1,\n", [Override("B1", "s1", 1.0, "", 2)]),
    "CRLF line endings": (HEADER.replace("\n", "\r\n") + "B1,s1,1,ok\r\n", [Override("B1", "s1", 1.0, "ok", 2)]),
    "only the header": (HEADER, []),
}


@pytest.mark.parametrize(("text", "expected"), list(GOOD.values()), ids=list(GOOD))
def test_good_overrides_are_read_with_their_line(tmp_path, text, expected):
    _, overrides = load(tmp_path, text)
    assert list(overrides) == expected


BAD = {
    "empty file": ("", "line 1", "header"),
    "no header": ("B1,s1,0.5,late\n", "line 1", "header"),
    "columns in another order": ("question,student_id,points\ns1,B1,1\n", "line 1", "header"),
    "an unknown question": (HEADER + "B1,s1,1,\nB1,s99,1,\n", "line 3", "'s99'"),
    "no student id": (HEADER + ",s1,1,\n", "line 2", "student_id"),
    "points as words": (HEADER + "B1,s1,half,\n", "line 2", "'half'"),
    "no points": (HEADER + "B1,s1,,\n", "line 2", "points as a number"),
    "points with a unit": (HEADER + "B1,s1,0.5p,\n", "line 2", "'0.5p'"),
}


@pytest.mark.parametrize(("text", "field", "says"), list(BAD.values()), ids=list(BAD))
def test_a_bad_overrides_file_is_a_one_line_config_error_naming_file_and_line(tmp_path, text, field, says):
    path = tmp_path / "overrides.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_overrides(path, QUESTIONS)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: ")
    assert says in message


def test_a_duplicate_student_and_question_names_both_lines(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + "B1,s1,1,\nB2,s1,1,\nB1,s1,0,changed my mind\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_overrides(path, QUESTIONS)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 4: ")
    assert "B1/s1" in message and "already on line 2" in message


def test_a_missing_file_is_a_config_error(tmp_path):
    path = tmp_path / "overrides.csv"
    with pytest.raises(ConfigError) as caught:
        load_overrides(path, QUESTIONS)
    assert str(caught.value).startswith(f"{path}: (file): expected a readable CSV file")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig", "utf-8"])
def test_overrides_saved_by_a_spreadsheet_program_in_any_usual_encoding_are_read(tmp_path, encoding):
    path = tmp_path / "overrides.csv"
    path.write_bytes((HEADER + "B1,s1,1,Müller's answer was right\n").encode(encoding))
    [override] = load_overrides(path, QUESTIONS)
    assert (override.student_id, override.question, override.points) == ("B1", "s1", 1.0)
    assert override.comment == "Müller's answer was right"


def test_an_unquoted_decimal_comma_is_never_read_as_other_points(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + "B1,s1,0,5,late\n", encoding="utf-8")
    try:
        overrides = load_overrides(path, QUESTIONS)
    except ConfigError as error:
        assert "line 2" in str(error)
    else:
        assert overrides[0].points == 0.5


@pytest.mark.parametrize("points", ["nan", "inf", "-inf", "Infinity"])
def test_points_that_are_not_finite_numbers_are_refused(tmp_path, points):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + f"B1,s1,{points},\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_overrides(path, QUESTIONS)


@pytest.mark.parametrize(("written", "canonical"), [("dE/dw5", "dE_dw5"), ("de_dw5", "dE_dw5"), ("S1", "s1")])
def test_question_ids_match_as_spec_spells_them(tmp_path, written, canonical):
    _, overrides = load(tmp_path, HEADER + f"B1,{written},1,\n")
    assert overrides[0].question == canonical
