"""The command line: declares options, calls one entry function, prints; the only place that exits."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from grader.errors import GraderError
from grader.report.keyfile import FORMATS
from grader.secret import resolve_secret


_EXAMPLE = """\
each command has its own --help, e.g. grader grade --help

for example, on the bundled class:
  grader variants answer_keys/practice09.yaml --roster submissions_example/roster.csv --out class
  grader grade answer_keys/practice09.yaml submissions_example/handed_in --roster submissions_example/roster.csv --out out
"""


def _version() -> str:
    """The installed package's version (its metadata), else the source tree's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grader")
    except PackageNotFoundError:
        from grader import __version__

        return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade hand-worked numeric exercise sheets.",
                                     epilog=_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def secret_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--secret", help="instructor's secret mixed into every variant (or $GRADER_SECRET)")
        command.add_argument("--secret-file", help="file holding the secret (or $GRADER_SECRET_FILE)")

    key = commands.add_parser("key", help="one variant's parameters and reference answers")
    key.add_argument("assignment", help="assignment file, e.g. answer_keys/practice09.yaml")
    who = key.add_mutually_exclusive_group()
    who.add_argument("--student", help="student id (default: the sheet's own variant)")
    who.add_argument("--roster", help="roster CSV: the key for every student on it")
    key.add_argument("--format", choices=FORMATS, default="json")
    secret_options(key)

    grade = commands.add_parser(
        "grade", help="grade a folder of submissions into a gradebook",
        description="Grade every submission (.yaml, .csv, .xlsx, .ods, .xls, .xlsb; folders read recursively) into "
                    "OUT/gradebook.csv and the rest. A README, notes or lock file among them is listed as ignored in "
                    "OUT/files.csv. A folder without a single submission is an error (exit 2) unless --roster is "
                    "given: then everyone on it is 'missing'.")
    grade.add_argument("assignment", help="assignment file, e.g. answer_keys/practice09.yaml")
    grade.add_argument("submissions", nargs="+",
                       help="submission files or folders (read recursively), or a Moodle or Canvas download (.zip)")
    grade.add_argument("--out", required=True, help="folder for gradebook, feedback and statistics")
    grade.add_argument("--roster", help="roster (CSV, .xlsx, .ods or .xls): students who should have handed something in")
    grade.add_argument("--overrides", help="CSV student_id,question,points,comment (default: OUT/overrides.csv)")
    grade.add_argument("--same-variant", action="store_true", help="everyone worked the sheet's own numbers")
    grade.add_argument("--jobs", type=int, help="processes to grade with (default: one per core for a large class)")
    grade.add_argument("--key", help="key.csv from grader variants: grade the variants as issued")
    grade.add_argument("--lms-sheet", metavar="FILE",
                       help="Moodle grading worksheet or Canvas gradebook export (CSV): written back filled in "
                            "as OUT/moodle_grades.csv or OUT/canvas_grades.csv")
    grade.add_argument("--lms-column", metavar="TITLE",
                       help="the Canvas assignment column to fill, when the export has several")
    secret_options(grade)

    check = commands.add_parser("check", help="a student's self-check of a filled template")
    check.add_argument("assignment", help="assignment file, e.g. answer_keys/practice09.yaml")
    check.add_argument("submission", help="the filled template (YAML, CSV or XLSX)")
    check.add_argument("--reveal", action="store_true", help="also print the reference values")
    check.add_argument("--same-variant", action="store_true", help="the sheet's own numbers, not a variant")
    check.add_argument("--key", help="key.csv from grader variants: check against the variant as issued")
    check.add_argument("--format", choices=("text", "json"), default="text")
    secret_options(check)

    variants = commands.add_parser("variants", help="every student's handout and templates, and the class key")
    variants.add_argument("assignment", help="assignment file, e.g. answer_keys/practice09.yaml")
    variants.add_argument("--roster", required=True, help="roster CSV (student_id, or a Moodle/Canvas export)")
    variants.add_argument("--out", required=True, help="folder for students/<id>/... and key.csv, key.xlsx")
    secret_options(variants)

    serve = commands.add_parser("serve", help="the students' web page: log in, check answers, hand in")
    serve.add_argument("assignment", help="assignment file, e.g. answer_keys/practice09.yaml")
    serve.add_argument("--handins", required=True, metavar="DIR", help="folder for hand-ins and attempts.sqlite")
    serve.add_argument("--roster", help="roster CSV: only its students may log in")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--deadline", help="hand-ins close then: ISO 8601 with offset, e.g. 2026-12-24T12:00:00+02:00")
    secret_options(serve)

    lint = commands.add_parser("lint", help="check sheets: constraints, slips, tolerances on 1,000 drawn variants")
    lint.add_argument("files", nargs="+", metavar="FILE", help="assignment files, e.g. answer_keys/*.yaml")
    return parser


class _ProgressBar:
    """A one-line bar on a terminal's stderr; nothing at all when stderr is not a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.active or total == 0:
            return
        if done != total and done % max(1, total // 50):
            return
        filled = int(30 * done / total)
        sys.stderr.write(f"\r{stage:<10} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"grader {_version()}")
        return 0
    if args.command is None:  # ``grader`` alone: what there is to do, and an example; nothing was done
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "lint":  # no secret: the checks draw variants of their own
            from grader.commands.lint import lint

            reports = lint(files=args.files)
            for report in reports:
                for line in report.lines():
                    print(line, file=sys.stdout if report.ok else sys.stderr)
            return 0 if all(report.ok for report in reports) else 2
        secret = resolve_secret(args.secret, args.secret_file)
        if args.command == "key":
            from grader.commands.key import key

            sys.stdout.write(key(assignment=args.assignment, student=args.student, roster=args.roster,
                                 fmt=args.format, secret=secret))
            return 0
        if args.command == "grade":
            from grader.commands.grade import grade

            result = grade(assignment=args.assignment, submissions=args.submissions, out=args.out,
                           roster=args.roster, overrides=args.overrides, secret=secret,
                           same_variant=args.same_variant, progress=_ProgressBar(), jobs=args.jobs,
                           key=args.key, lms_sheet=args.lms_sheet, lms_column=args.lms_column)
            for note in result.notes:
                print(f"grader: note: {note}", file=sys.stderr)
            for warning in result.warnings:
                print(f"grader: warning: {warning}", file=sys.stderr)
            s = result.summary
            print(f"graded {s.graded}, missing {s.missing}, rejected {s.rejected} of {s.students} students; "
                  f"mean {s.mean_percent:.1f}%; wrote {result.out}/gradebook.csv")
            if result.lms_file:
                print(f"wrote {result.lms_file}: upload it {result.lms_upload}")
            return 0
        if args.command == "check":
            from grader.commands.check import check

            sys.stdout.write(check(assignment=args.assignment, submission=args.submission, reveal=args.reveal,
                                   secret=secret, same_variant=args.same_variant, key=args.key,
                                   fmt=args.format).output)
            return 0
        if args.command == "serve":
            from grader.commands.serve import serve

            serve(assignment=args.assignment, handins=args.handins, secret=secret, roster=args.roster,
                  host=args.host, port=args.port, deadline=args.deadline)
            return 0
        if args.command == "variants":
            from grader.commands.variants import variants

            done = variants(assignment=args.assignment, roster=args.roster, out=args.out, secret=secret)
            renamed = f"; {len(done.renamed)} id(s) made safe as folder names" if done.renamed else ""
            print(f"grader: {done.students} students (ids from roster column '{done.id_column}'): "
                  f"handouts and templates in {done.out / 'students'}, key in {done.key_csv} and "
                  f"{done.key_xlsx}{renamed}")
            return 0
    except GraderError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
