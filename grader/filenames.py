"""Student ids as folder and file names: a roster's id is never used raw as a path.

An id made only of ``[A-Za-z0-9._-]``, not starting with ``.`` or ``-``, not ending with ``.``,
not a Windows device name, at most 64 characters, and unlike every other such id even ignoring
case, is used as it is. Any other id becomes its safe form (other characters replaced by ``_``)
plus ``-`` and 8 hex digits of the id's SHA-256: two ids never share a folder, even on a
case-insensitive file system, and an unsafe id's name does not depend on who else is on the roster.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Sequence

from grader.errors import UsageError

MAX_STEM = 64
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_stem(text: str) -> str:
    """``text`` reduced to [A-Za-z0-9._-]; never empty, never starting with ``.`` or ``-``,
    never ending with ``.`` (so never ``.`` or ``..``)."""
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in text)
    body = kept.lstrip(".-")
    kept = "_" * (len(kept) - len(body)) + body
    body = kept.rstrip(".")
    kept = body + "_" * (len(kept) - len(body))
    return kept or "_"


def student_stems(student_ids: Sequence[str]) -> dict[str, str]:
    """Student id -> the stem of its folder and file names (see the module's docstring)."""
    usable = {sid for sid in student_ids if safe_stem(sid) == sid and len(sid) <= MAX_STEM and not _reserved(sid)}
    shared = Counter(sid.casefold() for sid in usable)
    stems = {}
    for sid in student_ids:
        if sid in usable and shared[sid.casefold()] == 1:
            stems[sid] = sid
        else:
            digest = hashlib.sha256(sid.encode("utf-8")).hexdigest()[:8]
            stems[sid] = f"{safe_stem(sid)[:MAX_STEM]}-{digest}"
    clashes = [stem for stem, count in Counter(s.casefold() for s in stems.values()).items() if count > 1]
    if clashes:
        raise UsageError(f"student ids: expected each to give a file name of its own, got two that both give "
                         f"{clashes[0]!r}: rename one in the roster")
    return stems


def _reserved(stem: str) -> bool:
    """A name Windows refuses for a file or folder (CON, NUL, COM1, ...), with or without extension."""
    return stem.split(".", 1)[0].lower() in _RESERVED
