"""The command line run in-process, as a user runs it: exit code, what it printed, what it complained."""

from __future__ import annotations

import contextlib
import io

from grader.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """``grader ARGV...``: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()
