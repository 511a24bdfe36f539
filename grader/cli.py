"""The command line: declares options, calls one entry function, prints; the only place that exits."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from grader.errors import GraderError
from grader.report.keyfile import FORMATS
from grader.secret import resolve_secret


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description="Grade hand-worked numeric exercise sheets.")
    commands = parser.add_subparsers(dest="command", required=True)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        secret = resolve_secret(args.secret, args.secret_file)
        if args.command == "key":
            from grader.commands.key import key

            sys.stdout.write(key(assignment=args.assignment, student=args.student, roster=args.roster,
                                 fmt=args.format, secret=secret))
            return 0
    except GraderError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
