"""``grader lint``: is each sheet sound before a student sees it (``grader.sheet.lint`` has the checks)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.sheet.lint import LintReport, lint_sheet


def lint(*, files: Sequence[str | Path]) -> list[LintReport]:
    """One report per file, in the order given; a file that cannot be read is a report with one problem."""
    return [lint_sheet(file) for file in files]
