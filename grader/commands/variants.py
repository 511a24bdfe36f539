"""``grader variants``: every student's handout and blank templates, and the class's key.

Layout written under ``out``::

    students/<stem>/handout.md, handout.html
    students/<stem>/<stem>_<assignment>.yaml, .csv, .xlsx
    key.csv, key.xlsx

With a secret, each handout's front and the key (column ``access_code``) carry the student's
access code for the web page (``grader serve``); without one, neither does.

``<stem>`` is the student id where it is already a safe file name, else a safe form of it
(see ``grader.handout.filenames``). Every file is written to a temporary file in its folder,
then moved into place; the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from grader.access import access_code
from grader.assignment import load_assignment
from grader.engine.variants import draw_variants
from grader.errors import UsageError
from grader.commands import out_folder
from grader.handout import handout_pages, student_stems, student_variant
from grader.handout.templates import (
    FIXED_DATE,
    csv_template,
    xlsx_template,
    yaml_template,
)
from grader.key import Key, compute_key
from grader.report.files import write_atomic
from grader.report.keyfile import key_table, render_key
from grader.roster import load_roster


@dataclass(frozen=True)
class VariantsResult:
    """What was written: how many students, where, and which roster column gave the ids."""

    students: int
    files: int
    out: Path
    key_csv: Path
    key_xlsx: Path
    id_column: str
    renamed: tuple[tuple[str, str], ...] = ()  # (student id, folder name) where the id was not a safe name


def variants(
    *,
    assignment: str | Path,
    roster: str | Path,
    out: str | Path,
    secret: str | None = None,
) -> VariantsResult:
    """Write every student's handout and templates, and the class key, under ``out``."""
    out = out_folder(out)
    sheet = load_assignment(assignment)
    class_roster = load_roster(roster)
    if not class_roster.entries:
        raise UsageError(f"{class_roster.file}: expected a roster naming at least one student, got none")
    ids = class_roster.student_ids
    key = compute_key(sheet, draw_variants(sheet, ids, secret))
    stems = student_stems(ids)
    students_dir = out / "students"
    files = 0
    for row, entry in enumerate(class_roster.entries):
        code = access_code(secret, sheet.id, entry.student_id) if secret else ""
        variant = student_variant(key, row, name=entry.name, file_stem=stems[entry.student_id], access_code=code)
        folder = _inside(students_dir, variant.file_stem)
        handout_md, handout_html = handout_pages(variant)
        outputs = {
            "handout.md": handout_md,
            "handout.html": handout_html,
            variant.template_name("yaml"): yaml_template(variant),
            variant.template_name("csv"): csv_template(variant),
            variant.template_name("xlsx"): xlsx_template(variant),
        }
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in outputs.items():
            write_atomic(folder / name, content)
        files += len(outputs)
    key_csv, key_xlsx = out / "key.csv", out / "key.xlsx"
    write_atomic(key_csv, render_key(key, "csv", many=True, secret=secret))
    write_atomic(key_xlsx, _key_xlsx(key, secret))
    renamed = tuple((sid, stem) for sid, stem in stems.items() if stem != sid)
    return VariantsResult(len(ids), files + 2, out, key_csv, key_xlsx, class_roster.id_column, renamed)


def _inside(parent: Path, name: str) -> Path:
    """``parent / name``, refused if it would land anywhere but directly inside ``parent``."""
    path = parent / name
    if name in ("", ".", "..") or path.parent != parent or Path(name).name != name:
        raise UsageError(f"refusing to write outside {parent}: {name!r}")
    return path


def _key_xlsx(key: Key, secret: str | None = None) -> bytes:
    """The key's table in one sheet: ids as text, numbers as numbers, the header frozen."""
    header, rows = key_table(key, secret)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": f"{key.assignment.title}: key", "created": FIXED_DATE})
    bold = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#E8E8E8"})
    sheet = workbook.add_worksheet("key")
    sheet.write_row(0, 0, header, bold)
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, str(row[0]))
        for c, value in enumerate(row[1:], start=1):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, float(value))
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, len(header) - 1, 11)
    sheet.autofilter(0, 0, len(rows), len(header) - 1)
    workbook.close()
    return buffer.getvalue()
