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


# An unquoted decimal comma in a ","-delimited file: joined again when the row reads one way only.

ADVICE = "put numbers with a decimal comma in quotes, or use ';' as the delimiter"


def unreadable_row(row: str) -> str:
    return (
        f"could not read the row '{row}' one way only:"
        " quote numbers with a decimal comma (\"0,53\") or use ';' as the delimiter"
    )


def test_split_decimal_comma_is_joined_and_noted(write: Write) -> None:
    submission = read_one(write("B1.csv", "question,answer\nstudent_id,B1\ns1,-0,53\ns2,0.7\n"))
    assert values(submission) == {"s1": -0.53, "s2": 0.7}
    assert submission.answers["s1"].raw == "-0,53"
    assert submission.answers["s1"].problem is None
    assert submission.notes == (f"line 3: 's1,-0,53' has an unquoted decimal comma; read as -0.53 ({ADVICE})",)


@pytest.mark.parametrize(
    ("row", "value"),
    [("s1,0,7", 0.7), ("s1,+3,25", 3.25), ("s1,\u22120,05", -0.05), ("s1,-0,53e-2", -0.0053), ("s1,0,7,,", 0.7)],
)
def test_split_decimal_comma_variants(write: Write, row: str, value: float) -> None:
    submission = read_one(write("B1.csv", f"question,answer\n{row}\n"))
    assert values(submission) == {"s1": pytest.approx(value)}
    (note,) = submission.notes
    assert note.startswith(f"line 2: '{row.rstrip(',')}' has an unquoted decimal comma; read as {value!r}")


def test_quoted_decimal_comma_is_read_without_a_note(write: Write) -> None:
    submission = read_one(write("B1.csv", 'question,answer\ns1,"0,53"\n'))
    assert values(submission) == {"s1": 0.53}
    assert submission.notes == ()


@pytest.mark.parametrize("row", ["s1,1,234,5", "s1,0,5,7", "s1,0,abc", "s1,0.5,7"])
def test_row_not_read_one_way_only_is_unreadable(write: Write, row: str) -> None:
    submission = read_one(write("B1.csv", f"question,answer\n{row}\ns2,0.7\n"))
    answer = submission.answers["s1"]
    assert answer.value is None
    assert answer.problem == unreadable_row(row)
    assert answer.source.row == 2
    assert values(submission)["s2"] == 0.7


def test_trailing_empty_fields_are_fine(write: Write) -> None:
    submission = read_one(write("B1.csv", "question,answer\ns1,0.5,,\ns2,,,\n"))
    assert values(submission) == {"s1": 0.5, "s2": None}
    assert submission.answers["s2"].problem == "blank"
    assert submission.notes == ()


def test_prompt_column_after_the_answer(write: Write) -> None:
    """Extra fields after an answer that cannot be split are the prompt's (as before);
    a split answer is still joined."""
    text = "question,answer,prompt\ns1,0.7,compute s1, then s2\ns2,0,7,compute s2\n"
    submission = read_one(write("B1.csv", text))
    assert values(submission) == {"s1": 0.7, "s2": 0.7}
    assert submission.notes == (
        f"line 3: 's2,0,7,compute s2' has an unquoted decimal comma; read as 0.7 ({ADVICE})",
    )


def test_semicolon_file_keeps_its_decimal_comma(write: Write) -> None:
    submission = read_one(write("B1.csv", "question;answer\ns1;-0,53\ns2;0,7;\n"))
    assert values(submission) == {"s1": -0.53, "s2": 0.7}
    assert submission.notes == ()


def test_tab_file_keeps_its_decimal_comma(write: Write) -> None:
    submission = read_one(write("B1.tsv", "question\tanswer\ns1\t-0,53\n"))
    assert values(submission) == {"s1": -0.53}
    assert submission.notes == ()


def test_wide_row_with_one_split_decimal_comma_is_joined(write: Write) -> None:
    text = "student_id,s1,s2,q1a_vi\nB1,0.7,-0,53,text\nB2,0.1,0.2,other\n"
    first, second = read_file(write("export.csv", text), QUESTIONS)
    assert values(first) == {"s1": 0.7, "s2": -0.53, "q1a_vi": None}
    assert first.answers["q1a_vi"].raw == "text"
    assert first.notes == (
        f"line 2, column 's2': 'B1,0.7,-0,53,text' has an unquoted decimal comma; read '-0,53' as -0.53 ({ADVICE})",
    )
    assert values(second) == {"s1": 0.1, "s2": 0.2, "q1a_vi": None} and second.notes == ()


def test_wide_row_with_two_split_decimal_commas_is_joined(write: Write) -> None:
    (submission,) = read_file(write("export.csv", "student_id,s1,s2\nB1,0,5,0,7\n"), QUESTIONS)
    assert values(submission) == {"s1": 0.5, "s2": 0.7}
    assert len(submission.notes) == 2


@pytest.mark.parametrize("row", ["B1,1,234,5,x", "B1,0,5,0,7,1", "B1,0.5,0.6,a, b"])
def test_ambiguous_wide_row_is_unreadable(write: Write, row: str) -> None:
    text = f"student_id,s1,s2,q1a_vi\n{row}\nB2,0.1,0.2,x\n"
    first, second = read_file(write("export.csv", text), QUESTIONS)
    assert isinstance(first, Submission) and first.student_id == "B1"  # still a gradebook row
    for question in ("s1", "s2"):
        assert first.answers[question].value is None
        assert first.answers[question].problem == unreadable_row(row)
    assert first.notes == ()
    assert values(second) == {"s1": 0.1, "s2": 0.2, "q1a_vi": None}


def test_wide_trailing_empty_fields_are_fine(write: Write) -> None:
    (submission,) = read_file(write("export.csv", "student_id,s1,s2\nB1,0.5,0.6,,\n"), QUESTIONS)
    assert values(submission) == {"s1": 0.5, "s2": 0.6}
    assert submission.notes == ()


def test_extra_cells_in_a_workbook_are_not_joined(write: Write) -> None:
    import xlsxwriter

    path = write("B1.xlsx", b"")
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for r, row in enumerate([("question", "answer"), ("s1", "0", "53")]):
        sheet.write_row(r, 0, row)
    workbook.close()
    submission = read_one(path)
    assert values(submission) == {"s1": 0.0}
    assert submission.notes == ()
