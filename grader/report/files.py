"""Writing outputs safely: atomically (temporary file, then rename), and with untrusted text neutralised."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Mapping, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# mkstemp makes owner-only files; outputs get the permissions an ordinary open() would give.
_UMASK = os.umask(0)
os.umask(_UMASK)
_MODE = 0o666 & ~_UMASK


def write_atomic(path: str | Path, data: bytes | str | Sequence[bytes | memoryview]) -> Path:
    """Write ``data`` (or its pieces, one after another) to ``path`` so that a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pieces = [data.encode("utf-8") if isinstance(data, str) else data] if isinstance(data, (str, bytes)) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb", buffering=0) as stream:
            stream.writelines(pieces)
        os.chmod(temporary, _MODE)
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



def zip_archive(entries: Mapping[str, str | bytes | memoryview], compress: bool = True) -> bytes:
    """A deterministic zip (fixed dates, sorted names) of ``name -> content``.

    ``compress=False`` stores the entries as they are: a few times larger, and free to write.
    """
    buffer = io.BytesIO()
    _fill_zip(buffer, entries, compress)
    return buffer.getvalue()


def write_zip(path: str | Path, entries: Mapping[str, str | bytes | memoryview], compress: bool = True) -> Path:
    """``zip_archive(entries, compress)`` written to ``path`` atomically, entry by entry into a temporary
    file beside it (never the whole archive in memory), then renamed.

    The stdlib ``zipfile`` writes it: for the 16,000 stored pages (100 MB) of benchmarks/bench_grade.py
    it takes about 0.4 s where the hand-written writer it replaced took 0.2 s, in the child that writes
    the archives beside the tables and the workbook (well under the 30% end to end that would justify
    a writer of our own; the bytes are the same)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w+b") as stream:
            _fill_zip(stream, entries, compress)
        os.chmod(temporary, _MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _fill_zip(stream: BinaryIO, entries: Mapping[str, str | bytes | memoryview], compress: bool) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(stream, "w", compression=method) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            content = entries[name]
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(info, data, compresslevel=1 if compress else None)
