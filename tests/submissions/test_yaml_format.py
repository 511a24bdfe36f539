"""YAML submissions: the template layout, odd values, and broken or hostile files."""

from __future__ import annotations

from grader.submissions import Rejection, Submission, read_file

from .conftest import QUESTIONS, Write

TEMPLATE = """\
# practice 9 answers
student_id: B12345
params:
  x: 0.5
  w1: 0.4
  scores: {dog: -3.44, cat: 1.16}
  true_class: airplane
answers:
  s1: 0.7
  s2: "0,7"
  a1: 7e-1
  y_hat: \u22120.05
  E:
  dE/dw5: ~
  loss: n/a
  q1a_vi: because the gradient vanishes
  q1b_i:
"""


def read_one(path, questions=QUESTIONS):
    items = read_file(path, questions)
    assert len(items) == 1
    return items[0]


def test_template(write: Write) -> None:
    submission = read_one(write("B12345_practice9.yaml", TEMPLATE))
    assert isinstance(submission, Submission)
    assert submission.student_id == "B12345"
    assert submission.notes == ()
    assert dict(submission.params) == {
        "x": "0.5",
        "w1": "0.4",
        "scores.dog": "-3.44",
        "scores.cat": "1.16",
        "true_class": "airplane",
    }
    answers = submission.answers
    assert {q: a.value for q, a in answers.items() if a.value is not None} == {
        "s1": 0.7,
        "s2": 0.7,
        "a1": 0.7,
        "y_hat": -0.05,
    }
    assert answers["s2"].raw == "0,7"
    assert answers["E"].raw == "" and answers["E"].problem == "blank"
    assert answers["dE_dw5"].problem == "blank"
    assert answers["loss"].problem == "could not read 'n/a' as a number"
    assert answers["q1a_vi"].raw == "because the gradient vanishes"
    assert answers["q1a_vi"].value is None and answers["q1a_vi"].problem is None
    assert answers["q1b_i"].raw == "" and answers["q1b_i"].problem is None
    assert answers["s1"].source.row == 9 and str(answers["s1"].source).endswith("B12345_practice9.yaml, line 9")
    assert submission.modified > 0


def test_scalars_keep_the_text_as_written(write: Write) -> None:
    body = "student_id: 012345\nanswers:\n  s1: 010\n  s2: yes\n  s3: .inf\n  s4: 1_000\n  a1: 0x10\n"
    submission = read_one(write("x.yaml", body))
    assert submission.student_id == "012345"
    assert submission.answers["s1"].value == 10.0
    for question, raw in [("s2", "yes"), ("s3", ".inf"), ("s4", "1_000"), ("a1", "0x10")]:
        assert submission.answers[question].problem == f"could not read '{raw}' as a number"


def test_unknown_question_is_kept_and_noted(write: Write) -> None:
    submission = read_one(write("B1.yaml", "student_id: B1\nanswers:\n  s1: 0.7\n  dE_dw6: 0.1\n"))
    assert submission.answers["dE_dw6"].value == 0.1
    assert "unknown question 'dE_dw6' (line 4)" in submission.notes


def test_lists_and_mappings_are_unreadable_answers_not_files(write: Write) -> None:
    body = "answers:\n  s1: [0.7, 0.8]\n  s2: {a: 1}\n  s3: 0.5\n  q2_two_classes: [dog, cat]\n"
    submission = read_one(write("B1.yaml", body))
    assert submission.answers["s1"].value is None
    assert submission.answers["s1"].problem.startswith("could not read '[0.7, 0.8]' as a number")
    assert "list" in submission.answers["s1"].problem
    assert "mapping" in submission.answers["s2"].problem
    assert submission.answers["s3"].value == 0.5
    assert submission.answers["q2_two_classes"].raw == "[dog, cat]"


def test_student_id_from_file_name_and_mismatch(write: Write) -> None:
    assert read_one(write("B777_p9.yaml", "answers:\n  s1: 1\n")).student_id == "B777"
    submission = read_one(write("B778_p9.yaml", "student_id: B779\nanswers:\n  s1: 1\n"))
    assert submission.student_id == "B779"
    assert any("'B779'" in note and "'B778'" in note for note in submission.notes)


def test_duplicate_answer_last_counts(write: Write) -> None:
    submission = read_one(write("B1.yaml", "answers:\n  s1: 1\n  S1: 2\n"))
    assert submission.answers["s1"].value == 2.0
    assert any("answered twice" in note for note in submission.notes)


def test_flat_mapping_without_answers_key(write: Write) -> None:
    submission = read_one(write("B1.yaml", "student_id: B1\ns1: 0.7\nyhat: 0.2\n"))
    assert submission.answers["y_hat"].value == 0.2
    assert any("no 'answers:'" in note for note in submission.notes)


def test_encodings(write: Write) -> None:
    body = "student_id: B1\nanswers:\n  s1: 0,5\n  q1a_vi: d\u00e9riv\u00e9e\n"
    for name, data in [
        ("cp1252.yaml", body.encode("cp1252")),
        ("utf16.yaml", body.encode("utf-16")),
        ("bom.yaml", b"\xef\xbb\xbf" + body.encode("utf-8")),
    ]:
        submission = read_one(write(name, data))
        assert isinstance(submission, Submission), name
        assert submission.answers["q1a_vi"].raw == "d\u00e9riv\u00e9e"
        assert submission.answers["s1"].value == 0.5


def test_broken_yaml_names_the_line(write: Write) -> None:
    rejection = read_one(write("B1_p9.yaml", "student_id: B1\nanswers:\n  s1: [0.7, 0.8\n  s2: 1\n"))
    assert isinstance(rejection, Rejection)
    assert rejection.reason.startswith(f"{rejection.file}, line ")
    assert "broken YAML" in rejection.reason
    assert rejection.student_id == "B1"


def test_not_a_mapping(write: Write) -> None:
    rejection = read_one(write("B1.yaml", "- 0.7\n- 0.8\n"))
    assert isinstance(rejection, Rejection)
    assert "not a YAML mapping" in rejection.reason and "line 1" in rejection.reason


def test_scalar_document(write: Write) -> None:
    assert "not a YAML mapping" in read_one(write("B1.yaml", "just some text\n")).reason


def test_only_comments(write: Write) -> None:
    assert "holds no data" in read_one(write("B1.yaml", "# nothing here\n")).reason


def test_two_documents(write: Write) -> None:
    rejection = read_one(write("B1.yaml", "answers:\n  s1: 1\n---\nanswers:\n  s1: 2\n"))
    assert "more than one YAML document" in rejection.reason and "line 3" in rejection.reason


def test_answers_not_a_mapping(write: Write) -> None:
    rejection = read_one(write("B1.yaml", "answers:\n  - 0.7\n"))
    assert isinstance(rejection, Rejection) and "'answers' is not a mapping" in rejection.reason


def test_no_known_question(write: Write) -> None:
    rejection = read_one(write("B1.yaml", "student_id: B1\nanswers:\n  foo: 1\n"))
    assert isinstance(rejection, Rejection) and "no known question id" in rejection.reason


def test_tags_never_run_code(write: Write, tmp_path) -> None:
    marker = tmp_path / "pwned"
    body = f"answers:\n  s1: !!python/object/apply:os.system ['touch {marker}']\n  s2: 0.5\n"
    submission = read_one(write("B1.yaml", body))
    assert not marker.exists()
    assert submission.answers["s1"].value is None
    assert submission.answers["s2"].value == 0.5


def test_alias_bomb_is_cheap(write: Write) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["answers:", "  s1: *a9", "  s2: 0.7", "  q1a_vi: *a9"]
    submission = read_one(write("B1.yaml", "\n".join(lines) + "\n"))
    assert submission.answers["s1"].value is None and "alias" in submission.answers["s1"].problem
    assert submission.answers["s2"].value == 0.7


def test_deep_nesting_rejects_the_file_quickly(write: Write) -> None:
    # Older libyaml takes minutes on this (quadratic in depth) or crashes; PyYAML 6.0.4's own
    # limit and grader's depth check both reject it at once, each with its own words.
    depth = 200_000
    body = "answers:\n  s1: " + "[" * depth + "]" * depth + "\n  s2: 0.7\n"
    rejection = read_one(write("B1.yaml", body))
    assert isinstance(rejection, Rejection)
    assert "nest" in rejection.reason and "line 2" in rejection.reason


def test_nested_block_lists_are_unreadable_answers(write: Write) -> None:
    body = "answers:\n  s1:\n    - - 0.7\n      - 0.8\n  s2: 0.5\n"
    submission = read_one(write("B1.yaml", body))
    assert submission.answers["s1"].raw == "[[0.7, 0.8]]"
    assert submission.answers["s1"].value is None
