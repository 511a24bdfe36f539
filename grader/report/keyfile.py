"""The instructor key as JSON, CSV or YAML text: one variant or a whole class."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import yaml

from grader.key import Key, key_record

FORMATS = ("json", "csv", "yaml")


def key_table(key: Key) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: student id, every parameter (flat), every reference answer.

    Built column by column from the key's arrays: one ``tolist`` per column, not a lookup per cell.
    """
    assignment = key.assignment
    columns: list[list[Any]] = [[sid or "" for sid in key.variants.student_ids]]
    for spec in assignment.parameters:
        values = key.variants.columns[spec.name].tolist()
        names = assignment.sheet.categories.get(spec.name)
        columns.append([names[int(v)] for v in values] if names else values)
    columns += [key.answer(q.id).tolist() for q in assignment.numeric_questions]
    header = ["student_id", *(p.name for p in assignment.parameters), *(q.id for q in assignment.numeric_questions)]
    return header, [list(row) for row in zip(*columns)]


def render_key(key: Key, fmt: str, many: bool) -> str:
    """The key as text; ``many`` gives a list (JSON/YAML) even for one variant."""
    if fmt == "csv":
        header, rows = key_table(key)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    records = [key_record(key, row) for row in range(len(key))]
    document: Any = records if many else records[0]
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    raise ValueError(f"unknown key format {fmt!r}")
