"""The instructor key as JSON, CSV or YAML text: one variant or a whole class."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import yaml

from grader.access import access_code
from grader.key import Key, key_record

FORMATS = ("json", "csv", "yaml")


def key_table(key: Key, secret: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: student id, every parameter (flat), with a secret each student's
    ``access_code`` for the web page (not for the sheet's default variant), then every reference answer.

    Built column by column from the key's arrays: one ``tolist`` per column, not a lookup per cell.
    """
    assignment = key.assignment
    columns: list[list[Any]] = [[sid or "" for sid in key.variants.student_ids]]
    for spec in assignment.parameters:
        values = key.variants.columns[spec.name].tolist()
        names = assignment.sheet.categories.get(spec.name)
        columns.append([names[int(v)] for v in values] if names else values)
    ids = key.variants.student_ids
    codes = ["access_code"] if secret and any(sid is not None for sid in ids) else []
    if codes:
        columns.append([access_code(secret, assignment.id, sid) if sid is not None else "" for sid in ids])
    columns += [key.answer(q.id).tolist() for q in assignment.numeric_questions]
    header = ["student_id", *(p.name for p in assignment.parameters), *codes,
              *(q.id for q in assignment.numeric_questions)]
    return header, [list(row) for row in zip(*columns)]


def render_key(key: Key, fmt: str, many: bool, secret: str | None = None) -> str:
    """The key as text; ``many`` gives a list (JSON/YAML) even for one variant. With ``secret``,
    each student's access code for the web page is there too (``access_code``)."""
    if fmt == "csv":
        header, rows = key_table(key, secret)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    records = [key_record(key, row, secret) for row in range(len(key))]
    document: Any = records if many else records[0]
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    raise ValueError(f"unknown key format {fmt!r}")
