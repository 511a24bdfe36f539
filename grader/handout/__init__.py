"""Per-student handouts (Markdown and HTML) and blank answer templates (YAML, CSV, XLSX).

    student      StudentVariant: what one student's files may show (no answer but the hint table)
    layout       the sheet's handout blocks (from its YAML) with one student's numbers
    markdown     blocks -> Markdown;  html  blocks -> one self-contained HTML page
    diagram      a sheet's figure (units, labelled links, texts) as inline SVG
    templates    YAML, CSV and XLSX answer templates
    filenames    student ids made safe as folder and file names
"""

from __future__ import annotations

from grader.filenames import safe_stem, student_stems
from grader.handout import html, markdown
from grader.handout.blocks import Block
from grader.handout.layout import handout
from grader.handout.student import StudentVariant, student_variant
from grader.handout.templates import csv_template, xlsx_template, yaml_template


def handout_blocks(variant: StudentVariant) -> tuple[Block, ...]:
    """The handout of the variant's sheet: its layout from the sheet's YAML, with the student's numbers."""
    return handout(variant)


def handout_pages(variant: StudentVariant) -> tuple[str, str]:
    """The handout as (Markdown, HTML), laid out once."""
    blocks = handout_blocks(variant)
    title = f"{variant.assignment.title}: {variant.student_id}"
    return markdown.to_markdown(blocks), html.to_html(blocks, title)


__all__ = [
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
