"""``grader grade``: a folder of submissions into a gradebook, feedback and class statistics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from grader.assignment import load_assignment
from grader.collector import collector_paused
from grader.commands import out_folder
from grader.errors import ConfigError, UsageError
from grader.filenames import student_stems
from grader.gradebook import Gradebook, build_gradebook
from grader.issued import load_issued
from grader.overrides import Override, load_overrides
from grader.report.class_report import class_report, render_class_report
from grader.report.files import write_atomic, write_zip
from grader.report.gradebook_csv import files_csv, gradebook_csv
from grader.report.lms import fill_lms_sheet, lms_grades, load_lms_sheet
from grader.report.stats import ClassSummary, class_summary, question_stats, stats_csv
from grader.report.workbook import write_gradebook_xlsx
from grader.roster import Roster, load_roster
from grader.shards import (
    ClassSetup,
    Feedback,
    GradedClass,
    Page,
    ShardResult,
    deal,
    flag_similar,
    grade_shard,
    merge,
)
from grader.side_by_side import TaskQueue, side_by_side, usable_cores
from grader.submissions.archives import Member
from grader.submissions.discover import Listing, list_files
from grader.submissions.records import Batch

Progress = Callable[[str, int, int], None]

# Below this many files a class is graded in one process: forking would cost more than it saves.
_FILES_PER_WORKER = 200
# Each shard draws variants and grades as one vectorised batch: about 15 ms whatever its size.
_FILES_PER_SHARD = 500


@dataclass(frozen=True)
class GradeResult:
    out: Path
    gradebook: Gradebook
    summary: ClassSummary
    lms_file: Path | None = None          # OUT/moodle_grades.csv or OUT/canvas_grades.csv, with --lms-sheet
    warnings: tuple[str, ...] = ()        # one line each, for the instructor
    notes: tuple[str, ...] = ()           # rows left out on purpose (Canvas's Test Student), one line each
    lms_upload: str = ""                  # where lms_file goes back in


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
    jobs: int | None = None,
    key: str | Path | None = None,
    lms_sheet: str | Path | None = None,
    lms_column: str | None = None,
) -> GradeResult:
    """Grade every file under ``submissions`` and write the gradebook, feedback and statistics to ``out``.

    ``jobs`` processes share the work (default: one per usable core, for a class big enough to
    gain from it); the outputs are byte-identical whatever the number. ``key`` (key.csv from
    ``grader variants``) grades the variants as issued. A zip in ``submissions`` (a Moodle or
    Canvas download) is read entry by entry. ``lms_sheet`` (a Moodle grading worksheet or a Canvas
    gradebook export; ``lms_column`` picks a Canvas assignment column) is written back filled in,
    ready to upload, as ``OUT/moodle_grades.csv`` or ``OUT/canvas_grades.csv``.
    """
    out = out_folder(out)
    sheet = load_assignment(assignment)
    issued = load_issued(key, sheet) if key is not None else None
    class_roster = load_roster(roster) if roster else None
    lms = load_lms_sheet(lms_sheet, lms_column) if lms_sheet else None
    if lms_column and not lms_sheet:
        raise UsageError("--lms-column: expected together with --lms-sheet (a Canvas gradebook export)")
    overrides_file = Path(overrides) if overrides else out / "overrides.csv"
    if overrides and not overrides_file.exists():
        raise UsageError(f"--overrides: expected an existing CSV (student_id,question,points,comment), "
                         f"got no such file {overrides_file}")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs: expected a whole number of at least 1, got {jobs}")
    max_points = {q.id: q.points for q in sheet.questions}
    corrections = load_overrides(overrides_file, max_points) if overrides_file.exists() else ()
    missing = [str(p) for p in submissions if not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: expected a submission file or folder, got no such file or folder")

    by_student: dict[str, tuple[Override, ...]] = {}
    for override in corrections:
        by_student[override.student_id] = (*by_student.get(override.student_id, ()), override)
    setup = ClassSetup(sheet, secret, same_variant, by_student, issued)
    with collector_paused():  # the class's records are acyclic and live to the end
        listing = list_files((Path(p) for p in submissions), class_roster.by_lms_id if class_roster else None)
        _check_arguments(submissions, listing)
        if not listing.files and not listing.rejections and class_roster is None:
            looked = ", ".join(str(p) for p in submissions)
            ignored = (f" ({len(listing.skipped)} ignored: not submissions, such as READMEs, notes, lock or "
                       f"hidden files)" if listing.skipped else "")
            raise UsageError(f"{looked}: no submission files found{ignored}; expected .yaml, .csv, .xlsx, .ods, "
                             f".xls or .xlsb files, or a Moodle or Canvas .zip (give --roster to write a gradebook "
                             f"of students with nothing handed in)")
        graded = _grade_in_shards(setup, listing, _workers(len(listing.files), jobs), progress)
        batch = Batch(rejections=graded.rejections, skipped=graded.skipped, superseded=graded.superseded)
        gradebook = build_gradebook(sheet, graded.marks, batch, class_roster, corrections)
        _check_overrides(overrides_file, corrections, {row.student_id for row in gradebook.rows})
        flagged = [(row.marks, row.similar_to) for row in gradebook.rows if row.similar_to]
        listed = {str(item): item for item in listing.files if isinstance(item, Member)} if flagged else {}
        feedback = {**graded.feedback, **flag_similar(setup, flagged, graded.feedback, listed)}
        _write(out, gradebook, feedback)
        warnings = _roster_matches(class_roster, gradebook)
        lms_file = None
        if lms is not None:
            grades = lms_grades(lms, gradebook, class_roster)
            lms_file = write_atomic(out / lms.out_name, fill_lms_sheet(lms, grades))
            warnings += grades.warnings
    return GradeResult(out, gradebook, class_summary(gradebook), lms_file, tuple(warnings),
                       class_roster.notes if class_roster else (), lms.upload_hint if lms else "")


def _check_arguments(submissions: Sequence[str | Path], listing: Listing) -> None:
    """An archive named on the command line that cannot be opened fails at once: nothing in it can be graded."""
    named = {str(Path(p)) for p in submissions}
    for refused in listing.rejections:
        if refused.file in named:
            raise UsageError(refused.reason)


def _roster_matches(roster: Roster | None, gradebook: Gradebook) -> list[str]:
    """A warning when no one who handed something in is on the roster: its id column is likely not
    the one the files use (e-mail addresses on the roster, student numbers in the files)."""
    handed_in = sorted(row.student_id for row in gradebook.rows if row.status != "missing")
    if roster is None or not roster.entries or not handed_in or set(handed_in) & set(roster.student_ids):
        return []
    return [f"{roster.file}: no submitted student id matched the roster's id column '{roster.id_column}' "
            f"(the files give ids like {handed_in[0]!r}, the roster {roster.entries[0].student_id!r}); every "
            f"submitter is 'not on the roster': give the roster a student_id column with the ids the files use"]


def _grade_in_shards(setup: ClassSetup, listing: Listing, workers: int, progress: Progress | None) -> GradedClass:
    """The class read, graded and rendered by ``workers`` processes taking shards from a queue."""
    files = len(listing.files)
    shards = deal(listing.files, _shard_count(files, workers))
    with TaskQueue(len(shards)) as queue:
        def work(report: Progress | None = None) -> Iterator[ShardResult]:
            """Shards taken until none is left (a slower core simply takes fewer), each result
            sent back as soon as it is ready."""
            for number in queue:
                before = sum(len(shard) for shard in shards[:number])  # taken by someone already
                yield grade_shard(setup, shards[number], _offset(report, before, files))

        taken = side_by_side(lambda: work(progress), *(work for _ in range(workers - 1)))
    if progress:  # this process's shards may end before the last file: the class is done
        progress("grading", files, files)
    return merge([result for results in taken for result in results], listing.skipped, listing.rejections)


def _workers(files: int, jobs: int | None) -> int:
    """The processes to grade with: as asked, else one per usable core for a class big enough."""
    if jobs is not None:
        return min(jobs, max(1, files))
    return max(1, min(usable_cores(), files // _FILES_PER_WORKER))


def _shard_count(files: int, workers: int) -> int:
    """A few shards per worker, so that the work evens out when one core runs slower than another
    (seen here often enough on shared machines); each big enough to vectorise well."""
    if workers == 1:
        return 1
    return max(workers, min(4 * workers, files // _FILES_PER_SHARD))


def _offset(progress: Progress | None, before: int, total: int) -> Progress | None:
    """A shard's progress as the whole class's: ``before`` files were taken by earlier shards."""
    if progress is None:
        return None

    def report(stage: str, done: int, shard_total: int) -> None:
        if stage == "reading":
            progress("grading", min(before + done, total), total)

    return report


def _check_overrides(file: Path, corrections: Sequence[Override], students: set[str]) -> None:
    """An override for nobody in the gradebook is a typo, not something to drop silently."""
    for override in corrections:
        if override.student_id not in students:
            raise ConfigError(str(file), f"line {override.line}",
                              f"a student on the roster or who handed something in, got {override.student_id!r}")


def _write(out: Path, gradebook: Gradebook, feedback: dict[str, Feedback]) -> None:
    """Every output, each written atomically; the archives beside the tables and the workbook where
    there are cores for them (the child that writes the archives is the one touching the pages).

    Feedback goes into two archives (one file each, ready for an LMS's bulk feedback upload):
    ``feedback.zip`` with every student's own copy, ``feedback_instructor.zip`` with the
    expected values added. They are stored, not deflated: deflating cost more than rendering.
    """
    graded = [row.student_id for row in gradebook.rows if row.marks is not None]
    stems = student_stems(graded)

    def archive(name: str, instructor: bool) -> None:
        first = 2 if instructor else 0  # Feedback holds the student's md, html, then the instructor's
        entries: dict[str, Page] = {}
        for student_id in graded:
            pages, stem = feedback[student_id], stems[student_id]
            entries[f"{stem}.md"], entries[f"{stem}.html"] = pages[first], pages[first + 1]
        write_zip(out / name, entries, compress=False)

    def tables_and_workbook() -> None:
        stats = question_stats(gradebook)  # for stats.csv and the workbook's statistics sheet
        write_atomic(out / "gradebook.csv", gradebook_csv(gradebook))
        write_atomic(out / "files.csv", files_csv(gradebook))
        write_atomic(out / "stats.csv", stats_csv(gradebook, stats))
        write_atomic(out / "report.html", render_class_report(class_report(gradebook, stats, class_summary(gradebook))))
        write_gradebook_xlsx(gradebook, out / "gradebook.xlsx", stats)

    def archives() -> None:
        archive("feedback.zip", instructor=False)
        archive("feedback_instructor.zip", instructor=True)

    out.mkdir(parents=True, exist_ok=True)
    side_by_side(tables_and_workbook, archives)
