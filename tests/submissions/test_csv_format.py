"""CSV submissions, long and wide, as Excel in any locale, Sheets or an editor write them."""

from __future__ import annotations

import pytest

from grader.submissions import Rejection, Submission, read_file
from grader.submissions.csv_format import decode, sniff_delimiter

from .conftest import QUESTIONS, Write

LONG_COMMA = """\
question,answer,prompt
student_id,B12345,
param:x,0.5,
param:scores.dog,-3.44,
param:true_class,airplane,
s1,0.7,compute s1
s2,"0,7","quoted, with a comma"
y_hat,\u22120.05,
E,,
loss,n/a,
q1a_vi,"because, well",
"""


def read_one(path):
    items = read_file(path, QUESTIONS)
    assert len(items) == 1
    return items[0]


def values(submission: Submission) -> dict[str, float | None]:
    return {q: a.value for q, a in submission.answers.items()}


def test_long_comma(write: Write) -> None:
    submission = read_one(write("B12345_p9.csv", LONG_COMMA))
    assert isinstance(submission, Submission)
    assert submission.student_id == "B12345"
    assert dict(submission.params) == {"x": "0.5", "scores.dog": "-3.44", "true_class": "airplane"}
    assert values(submission) == {"s1": 0.7, "s2": 0.7, "y_hat": -0.05, "E": None, "loss": None, "q1a_vi": None}
    assert submission.answers["E"].problem == "blank"
    assert submission.answers["loss"].problem == "could not read 'n/a' as a number"
    assert submission.answers["q1a_vi"].raw == "because, well"
    assert submission.answers["s2"].source.row == 7
    assert submission.notes == ()


def test_long_semicolon_decimal_comma_utf8_bom(write: Write) -> None:
    text = "question;answer\r\nstudent_id;B1\r\ns1;0,7\r\ndE/dw5;-0,0484\r\nyhat;5,968E-1\r\n"
    submission = read_one(write("B1.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert values(submission) == {"s1": 0.7, "dE_dw5": -0.0484, "y_hat": 0.5968}


def test_utf16_tab_unicode_text(write: Write) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-delimited, .txt."""
    text = "question\tanswer\tprompt\r\nstudent_id\tB1\t\r\ns1\t0,7\tx\r\nq1a_vi\tr\u00e9ponse\t\r\n"
    submission = read_one(write("B1_p9.txt", text.encode("utf-16")))
    assert values(submission)["s1"] == 0.7
    assert submission.answers["q1a_vi"].raw == "r\u00e9ponse"


def test_cp1252(write: Write) -> None:
    text = "question;answer\r\ns1;0,7\r\nq1a_vi;d\u00e9riv\u00e9e \u2013 \u20ac\r\n"
    submission = read_one(write("B1.csv", text.encode("cp1252")))
    assert submission.answers["q1a_vi"].raw == "d\u00e9riv\u00e9e \u2013 \u20ac"


def test_latin1_bytes_undefined_in_cp1252(write: Write) -> None:
    submission = read_one(write("B1.csv", b"question,answer\ns1,0.7\nq1a_vi,a\x81b\n"))
    assert submission.answers["q1a_vi"].raw == "a\x81b"


def test_sep_line_names_the_delimiter(write: Write) -> None:
    submission = read_one(write("B1.csv", "sep=;\nquestion;answer\ns1;0,7\n"))
    assert values(submission) == {"s1": 0.7}
    assert submission.answers["s1"].source.row == 3


def test_columns_in_another_order(write: Write) -> None:
    submission = read_one(write("B1.tsv", "Prompt\tAnswer\tQuestion\nwhat is s1\t0.7\ts1\n"))
    assert values(submission) == {"s1": 0.7}


def test_title_lines_above_the_header_and_a_labelled_id(write: Write) -> None:
    text = "Practice 9\nStudent ID:,B42\n\nquestion,answer\ns1,0.7\n"
    submission = read_one(write("answers.csv", text))
    assert submission.student_id == "B42"
    assert any("'answers'" in note for note in submission.notes)  # the file name disagrees


def test_line_numbers_follow_multiline_cells(write: Write) -> None:
    text = 'question,answer\nq1a_vi,"two\nlines"\ns1,0.7\n'
    submission = read_one(write("B1.csv", text))
    assert submission.answers["q1a_vi"].source.row == 2
    assert submission.answers["s1"].source.row == 4


def test_unknown_question_noted_with_line(write: Write) -> None:
    submission = read_one(write("B1.csv", "question,answer\ns1,0.7\ndE_dw6,0.1\nfoo,\n"))
    assert submission.notes == ("unknown question 'dE_dw6' (line 3)",)
    assert submission.answers["dE_dw6"].value == 0.1
    assert "foo" not in submission.answers  # an unknown id with no answer carries nothing


def test_answer_without_question_is_noted(write: Write) -> None:
    submission = read_one(write("B1.csv", "question,answer\ns1,0.7\n,0.9\n"))
    assert submission.notes == ("an answer with no question id (line 3)",)


def test_headerless_file_with_question_ids(write: Write) -> None:
    submission = read_one(write("B1.csv", "s1;0,7\ns2;0,8\n"))
    assert values(submission) == {"s1": 0.7, "s2": 0.8}
    assert any("no 'question,answer' header" in note for note in submission.notes)


def test_no_question_column(write: Write) -> None:
    rejection = read_one(write("B1.csv", "name,value\nfoo,1\n"))
    assert isinstance(rejection, Rejection)
    assert rejection.reason.startswith(f"{rejection.file}, line 1: no header row with 'question' and 'answer'")


def test_question_column_without_answer_column(write: Write) -> None:
    rejection = read_one(write("B1.csv", "x\nquestion,value\ns1,0.7\n"))
    assert isinstance(rejection, Rejection)
    assert "line 2" in rejection.reason and "no 'answer' column" in rejection.reason


def test_no_known_question(write: Write) -> None:
    rejection = read_one(write("B1.csv", "question,answer\nfoo,1\n"))
    assert isinstance(rejection, Rejection) and "no known question id" in rejection.reason
    assert rejection.student_id == "B1"


def test_whitespace_only(write: Write) -> None:
    rejection = read_one(write("B1.csv", "  \n\n"))
    assert isinstance(rejection, Rejection) and "holds no text" in rejection.reason


def test_broken_utf16(write: Write) -> None:
    rejection = read_one(write("B1.csv", b"\xff\xfe" + "question,answer\n".encode("utf-16-le") + b"\x00\xd8"))
    assert isinstance(rejection, Rejection)


WIDE = """\
student_id;s1;yhat;dE/dw5;param:x;comment;q1a_vi
B1;0,7;0,5;;0,5;;text one
B2;n/a;0,6;-0,05;0,5;late;text two
;0,1;;;;;
  ;;;;;;
B3;1;2;3;;;
"""


def test_wide_one_submission_per_row(write: Write) -> None:
    items = read_file(write("class_export.csv", WIDE), QUESTIONS)
    assert [type(item).__name__ for item in items] == ["Submission", "Submission", "Rejection", "Submission"]
    first, second, missing_id, third = items
    assert first.student_id == "B1" and second.student_id == "B2" and third.student_id == "B3"
    assert values(first) == {"s1": 0.7, "y_hat": 0.5, "dE_dw5": None, "q1a_vi": None}
    assert first.answers["dE_dw5"].problem == "blank"
    assert dict(first.params) == {"x": "0,5"}
    assert first.notes == ()  # the file name is not a student id in a wide file
    assert second.answers["s1"].problem == "could not read 'n/a' as a number"
    assert second.notes == ("unknown question 'comment' (line 3)",)
    assert second.answers["dE_dw5"].source.row == 3
    assert isinstance(missing_id, Rejection)
    assert missing_id.reason == f"{missing_id.file}, line 4: no student id in this row"


def test_wide_header_without_rows(write: Write) -> None:
    rejection = read_one(write("export.csv", "student_id,s1,s2\n"))
    assert isinstance(rejection, Rejection) and "no student rows" in rejection.reason


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("question,answer\ns1,0.7", ","),
        ("question;answer\ns1;0,7", ";"),
        ("question\tanswer\ns1\t0,7", "\t"),
        ("Title, with comma\nquestion;answer;prompt\n", ";"),
        ("student_id;s1;s2\nB1;0,5;0,6", ";"),
        ("s1;0,7\n", ";"),
        ("just text", ","),
    ],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfa,\xc3\xa9", "a,\u00e9"),
        ("a,\u00e9".encode("utf-16"), "a,\u00e9"),
        ("a,\u00e9".encode("utf-16-le"), "a,\u00e9"),
        ("a,\u00e9".encode("cp1252"), "a,\u00e9"),
        (b"a,\x81", "a,\x81"),
    ],
)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text
