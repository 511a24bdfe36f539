"""Per-student handouts (Markdown and HTML) and blank answer templates (YAML, CSV, XLSX).

    student      StudentVariant: what one student's files may show (no answer but the hint table)
    practice09   the sheet's text and questions as blocks, with one student's numbers
    markdown     blocks -> Markdown;  html  blocks -> one self-contained HTML page
    network_svg  Figure 1: the 1-2-2-1 network with the student's weights
    templates    YAML, CSV and XLSX answer templates
    filenames    student ids made safe as folder and file names
"""

from __future__ import annotations

from grader.errors import UsageError
from grader.filenames import safe_stem, student_stems
from grader.handout import html, markdown, practice09
from grader.handout.blocks import Block
from grader.handout.student import StudentVariant, student_variant
from grader.handout.templates import csv_template, xlsx_template, yaml_template

# Sheet (engine) name -> the function laying out its handout.
SHEETS = {"practice09": practice09.handout}


def handout_blocks(variant: StudentVariant) -> tuple[Block, ...]:
    """The handout of the variant's sheet; UsageError for a sheet with no handout layout."""
    sheet = variant.assignment.sheet.name
    if sheet not in SHEETS:
        raise UsageError(f"no handout layout for the {sheet} sheet (known: {', '.join(sorted(SHEETS))})")
    return SHEETS[sheet](variant)


def handout_pages(variant: StudentVariant) -> tuple[str, str]:
    """The handout as (Markdown, HTML), laid out once."""
    blocks = handout_blocks(variant)
    title = f"{variant.assignment.title}: {variant.student_id}"
    return markdown.to_markdown(blocks), html.to_html(blocks, title)


__all__ = [
    "SHEETS",
    "StudentVariant",
    "csv_template",
    "handout_blocks",
    "handout_pages",
    "safe_stem",
    "student_stems",
    "student_variant",
    "xlsx_template",
    "yaml_template",
]
