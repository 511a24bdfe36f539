"""The package's public names: what ``from grader import ...`` promises."""

import grader


def test_all_names_exist_and_nothing_public_is_missing():
    assert sorted(grader.__all__) == grader.__all__
    for name in grader.__all__:
        assert hasattr(grader, name), name
    exported = {n for n in vars(grader) if not n.startswith("_") and n[0].isupper()}
    assert exported <= set(grader.__all__)


def test_the_library_can_grade_without_touching_files():
    sheet = grader.load_assignment("answer_keys/practice09.yaml")
    key = grader.compute_key(sheet, grader.draw_variants(sheet, ["P1"]))
    answers = {q: grader.Answer(q, repr(v), v, None, grader.submissions.Source("inline")) for q, v in key.answers(0).items()}
    graded = grader.grade_class(sheet, key, [grader.Submission("P1", "inline", answers)])[0]
    assert graded.total == graded.max_total


def test_errors_are_one_family():
    for error in (grader.ConfigError, grader.UsageError, grader.VariantError, grader.RejectedFile):
        assert issubclass(error, grader.GraderError)
    assert issubclass(grader.ConfigError, ValueError)
