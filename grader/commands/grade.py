"""``grader grade``: a folder of submissions into a gradebook, feedback and class statistics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from grader.assignment import Assignment, load_assignment
from grader.collector import collector_paused
from grader.engine.variants import VariantTable, default_variant, draw_variants
from grader.errors import ConfigError, UsageError
from grader.filenames import student_stems
from grader.gradebook import Gradebook, build_gradebook
from grader.grading import grade_class
from grader.key import Key, compute_key, params_mismatch
from grader.overrides import Override, load_overrides
from grader.report.feedback import FeedbackRenderer
from grader.report.files import write_atomic, zip_archive
from grader.report.gradebook_csv import files_csv, gradebook_csv
from grader.report.side_by_side import run_side_by_side
from grader.report.stats import ClassSummary, class_summary, stats_csv
from grader.report.workbook import write_gradebook_xlsx
from grader.roster import load_roster
from grader.submissions import QuestionSet, read_paths
from grader.submissions.records import Submission

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class GradeResult:
    out: Path
    gradebook: Gradebook
    summary: ClassSummary


def question_set(assignment: Assignment) -> QuestionSet:
    return QuestionSet(numeric=tuple(q.id for q in assignment.numeric_questions),
                       text=tuple(q.id for q in assignment.text_questions))


def class_variants(assignment: Assignment, student_ids: Sequence[str], secret: str | None,
                   same_variant: bool) -> VariantTable:
    """Each student's own variant, or the sheet's own numbers for everyone."""
    if not same_variant:
        return draw_variants(assignment, student_ids, secret)
    single = default_variant(assignment)
    table = single.take([0] * len(student_ids))
    return VariantTable(tuple(student_ids), table.columns, table.attempts)


def grade(
    *,
    assignment: str | Path,
    submissions: Sequence[str | Path],
    out: str | Path,
    roster: str | Path | None = None,
    overrides: str | Path | None = None,
    secret: str | None = None,
    same_variant: bool = False,
    progress: Progress | None = None,
) -> GradeResult:
    """Grade every file under ``submissions`` and write the gradebook, feedback and statistics to ``out``."""
    sheet = load_assignment(assignment)
    class_roster = load_roster(roster) if roster else None
    out = Path(out)
    overrides_file = Path(overrides) if overrides else out / "overrides.csv"
    if overrides and not overrides_file.exists():
        raise UsageError(f"{overrides_file}: no such overrides file")
    max_points = {q.id: q.points for q in sheet.questions}
    corrections = load_overrides(overrides_file, max_points) if overrides_file.exists() else ()
    missing = [str(p) for p in submissions if not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")

    with collector_paused():  # the class's records are acyclic and live to the end
        batch = read_paths([Path(p) for p in submissions], question_set(sheet), progress)
        handed_in = batch.submissions
        variants = class_variants(sheet, [s.student_id for s in handed_in], secret, same_variant)
        key = compute_key(sheet, variants)
        notes = [_variant_notes(sheet, key, row, s) for row, s in enumerate(handed_in)]
        graded = grade_class(sheet, key, handed_in, notes)
        gradebook = build_gradebook(sheet, graded, batch, class_roster, corrections)
        _check_overrides(overrides_file, corrections, {row.student_id for row in gradebook.rows})
        _write(out, gradebook, progress)
    return GradeResult(out, gradebook, class_summary(gradebook))


def _check_overrides(file: Path, corrections: Sequence[Override], students: set[str]) -> None:
    """An override for nobody in the gradebook is a typo, not something to drop silently."""
    for override in corrections:
        if override.student_id not in students:
            raise ConfigError(str(file), f"line {override.line}",
                              f"a student on the roster or who handed something in, got {override.student_id!r}")


def _variant_notes(sheet: Assignment, key: Key, row: int, submission: Submission) -> tuple[str, ...]:
    if not submission.params:
        return ()
    differences = params_mismatch(sheet, submission.params, key.params(row))
    if not differences:
        return ()
    return (f"the parameters in this file differ from this student's variant ({'; '.join(differences[:3])}"
            f"{'; ...' if len(differences) > 3 else ''}); graded against the student's own variant",)


def _write(out: Path, gradebook: Gradebook, progress: Progress | None) -> None:
    """Every output, each written atomically; three jobs side by side where there are cores for them
    (the tables and students' copies here; the workbook and the instructor's copies in workers).

    Feedback goes into two archives (one file each, ready for an LMS's bulk feedback upload):
    ``feedback.zip`` with every student's own copy, ``feedback_instructor.zip`` with the
    expected values added. They are stored, not deflated: deflating cost more than rendering.
    """
    renderer = FeedbackRenderer(gradebook.assignment)
    graded_rows = [row for row in gradebook.rows if row.graded is not None]
    stems = student_stems([row.student_id for row in graded_rows])

    def feedback(instructor: bool, report: Progress | None) -> None:
        pages: dict[str, str] = {}
        for done, row in enumerate(graded_rows, start=1):
            name = stems[row.student_id]
            pages[f"{name}.md"], pages[f"{name}.html"] = renderer.pages(row, instructor=instructor)
            if report:
                report("feedback", done, len(graded_rows))
        write_atomic(out / ("feedback_instructor.zip" if instructor else "feedback.zip"), zip_archive(pages, compress=False))

    def tables_and_student_copies() -> None:
        write_atomic(out / "gradebook.csv", gradebook_csv(gradebook))
        write_atomic(out / "files.csv", files_csv(gradebook))
        write_atomic(out / "stats.csv", stats_csv(gradebook))
        feedback(instructor=False, report=progress)

    out.mkdir(parents=True, exist_ok=True)
    run_side_by_side(
        tables_and_student_copies,
        lambda: write_gradebook_xlsx(gradebook, out / "gradebook.xlsx"),
        lambda: feedback(instructor=True, report=None),
    )
