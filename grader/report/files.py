"""Writing outputs safely: atomically (temporary file, then rename), and with untrusted text neutralised."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def safe_cell(text: str) -> str:
    """Text for a spreadsheet cell: one that would start a formula is prefixed with ``'``."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text.strip()):
        return "'" + text
    return text


def safe_filename(student_id: str) -> str:
    """A file name made from an untrusted student id: never a path, never hidden, never empty."""
    name = _UNSAFE_NAME.sub("_", student_id.strip())[:100].lstrip(".")
    return name or "_"
