"""The streams of an OLE2 compound file (MS-CFB), the container of an old-style ``.xls``
and of a password-protected Office file, read from bytes in memory.

Only what the spreadsheet checks need: the names of the streams and the bytes of one.
Every sector chain is bounded by the number of sectors in the file, so a damaged or
hostile file (a chain that loops, a sector past the end) ends in ``OleError``, never
in a hang or a read outside the data.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_NO_STREAM = 0xFFFFFFFF
_STREAM, _ROOT = 2, 5


class OleError(ValueError):
    """The compound file is damaged (what is wrong, in a few words)."""


@dataclass(frozen=True)
class _Entry:
    name: str
    kind: int
    start: int
    size: int


class CompoundFile:
    """The streams of a compound file: ``names`` and ``read(name)``."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != MAGIC:
            raise OleError("not an OLE2 compound file")
        self._data = data
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise OleError(f"unknown sector sizes (2^{sector_shift}, 2^{mini_shift})")
        self._sector = 1 << sector_shift
        self._sectors = max((len(data) - self._sector) // self._sector, 0) + 1
        fat_count, directory_start = struct.unpack_from("<II", data, 44)
        self._mini_cutoff, mini_fat_start, mini_fat_count, difat_start, difat_count = struct.unpack_from(
            "<IIIII", data, 56)
        self._fat = self._read_fat(fat_count, difat_start, difat_count)
        self._entries = self._read_directory(directory_start)
        root = next((e for e in self._entries if e.kind == _ROOT), None)
        if root is None:
            raise OleError("no root entry")
        self._mini_stream = self._chain_bytes(root.start, root.size) if root.size else b""
        self._mini_fat = _u32s(self._chain_bytes(mini_fat_start, None)) if mini_fat_count else ()
        self.names = tuple(e.name for e in self._entries if e.kind == _STREAM)

    def read(self, name: str) -> bytes:
        """The bytes of the stream called ``name`` (case as stored); ``KeyError`` when there is none."""
        entry = next((e for e in self._entries if e.kind == _STREAM and e.name == name), None)
        if entry is None:
            raise KeyError(name)
        if entry.size < self._mini_cutoff:
            return self._mini_chain(entry.start, entry.size)
        return self._chain_bytes(entry.start, entry.size)

    def _sector_bytes(self, number: int) -> bytes:
        offset = (number + 1) * self._sector
        if number >= self._sectors or offset + self._sector > len(self._data) + self._sector:
            raise OleError(f"a sector past the end of the file ({number})")
        return self._data[offset: offset + self._sector]

    def _read_fat(self, fat_count: int, difat_start: int, difat_count: int) -> tuple[int, ...]:
        locations = [n for n in _u32s(self._data[76:512]) if n != _FREE]
        sector, seen = difat_start, 0
        while difat_count and sector not in (_END_OF_CHAIN, _FREE) and seen < self._sectors:
            numbers = _u32s(self._sector_bytes(sector))
            locations += [n for n in numbers[:-1] if n != _FREE]
            sector, seen = numbers[-1], seen + 1
        if len(locations) < fat_count or fat_count > self._sectors:
            raise OleError("the sector table is incomplete")
        return _u32s(b"".join(self._sector_bytes(n) for n in locations[:fat_count]))

    def _chain(self, start: int, table: tuple[int, ...]) -> list[int]:
        chain: list[int] = []
        sector = start
        while sector != _END_OF_CHAIN:
            if sector >= len(table) or len(chain) > len(table):
                raise OleError("a broken sector chain")
            chain.append(sector)
            sector = table[sector]
        return chain

    def _chain_bytes(self, start: int, size: int | None) -> bytes:
        data = b"".join(self._sector_bytes(n) for n in self._chain(start, self._fat))
        if size is not None and len(data) < size:
            raise OleError("a stream shorter than its directory entry says")
        return data if size is None else data[:size]

    def _mini_chain(self, start: int, size: int) -> bytes:
        if not size:
            return b""
        parts = []
        for number in self._chain(start, self._mini_fat):
            offset = number * 64
            if offset + 64 > len(self._mini_stream) + 64:
                raise OleError("a mini sector past the end of the mini stream")
            parts.append(self._mini_stream[offset: offset + 64])
        data = b"".join(parts)
        if len(data) < size:
            raise OleError("a stream shorter than its directory entry says")
        return data[:size]

    def _read_directory(self, start: int) -> list[_Entry]:
        raw = self._chain_bytes(start, None)
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            name_bytes, = struct.unpack_from("<H", raw, offset + 64)
            kind = raw[offset + 66]
            if kind not in (1, _STREAM, _ROOT):
                continue
            name = raw[offset: offset + min(max(name_bytes - 2, 0), 62)].decode("utf-16-le", "replace")
            first, size = struct.unpack_from("<IQ", raw, offset + 116)
            if self._sector == 512:
                size &= 0xFFFFFFFF  # version 3 files may leave the high half uninitialised
            entries.append(_Entry(name, kind, first if first != _NO_STREAM else _END_OF_CHAIN, size))
        return entries


def _u32s(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4])


__all__ = ["MAGIC", "CompoundFile", "OleError"]
