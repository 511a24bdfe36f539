"""``grader key``: one variant's (or a class's) parameters and reference answers."""

from __future__ import annotations

from pathlib import Path

from grader.assignment import load_assignment
from grader.engine.variants import default_variant, draw_variants
from grader.key import compute_key
from grader.report.keyfile import render_key
from grader.roster import load_roster


def key(
    *,
    assignment: str | Path,
    student: str | None = None,
    roster: str | Path | None = None,
    fmt: str = "json",
    secret: str | None = None,
) -> str:
    """The key as text: the default variant, one student's, or every student's on a roster; with a
    secret, each student's access code for the web page (``access_code``) too."""
    sheet = load_assignment(assignment)
    if roster is not None:
        ids = load_roster(roster).student_ids
        variants = draw_variants(sheet, ids, secret)
    elif student is not None:
        variants = draw_variants(sheet, [student], secret)
    else:
        variants = default_variant(sheet)
    return render_key(compute_key(sheet, variants), fmt, many=roster is not None, secret=secret)
