"""Writing outputs safely: atomically (temporary file, then rename), and with untrusted text neutralised."""

from __future__ import annotations

import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
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
    if not compress and len(entries) < 0xFFFF:
        stored = _stored_zip(entries)
        if stored is not None:
            return b"".join(stored)
    buffer = io.BytesIO()
    _fill_zip(buffer, entries, compress)
    return buffer.getvalue()


def write_zip(path: str | Path, entries: Mapping[str, str | bytes | memoryview], compress: bool = True,
              checksums: Mapping[str, int] | None = None) -> Path:
    """``zip_archive(entries, compress)`` written to ``path`` atomically: a stored archive piece by
    piece, never joined in memory; any other built in memory first (zipfile goes back to each
    entry's header once it is written, which costs twice as much on a file). ``checksums`` may
    give entries' CRC-32s, already computed where they were made."""
    if not compress and len(entries) < 0xFFFF:
        stored = _stored_zip(entries, checksums or {})
        if stored is not None:
            return write_atomic(path, stored)
    return write_atomic(path, zip_archive(entries, compress))


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, as _fill_zip dates every entry; the time is 00:00:00


def _stored_zip(entries: Mapping[str, str | bytes | memoryview],
                checksums: Mapping[str, int] | None = None) -> list[bytes | memoryview] | None:
    """The bytes ``zipfile`` writes for stored (uncompressed) entries, laid out in one pass, in pieces.

    zipfile goes back to rewrite each entry's header once its checksum is known, which triples
    the time for thousands of small pages. ``None`` when the archive would need ZIP64 (4 GiB).
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in sorted(entries):
        content = entries[name]
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        crc = checksums.get(name) if checksums else None
        crc, size = zlib.crc32(data) if crc is None else crc, len(data)
        local = _LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_STORED, 0, _DOS_DATE, crc, size, size,
                                   len(encoded), 0)
        central.append(_CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_STORED, 0, _DOS_DATE,
                                            crc, size, size, len(encoded), 0, 0, 0, 0, 0o644 << 16, offset) + encoded)
        chunks += (local, encoded, data)
        offset += len(local) + len(encoded) + size
        if offset >= 0xFFFFFFFF:
            return None
    directory = b"".join(central)
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return [*chunks, directory, end]


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
