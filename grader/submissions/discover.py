"""Finding submission files in folders and reading each with the reader for its format.

Nothing raises out of ``read_file`` or ``read_paths`` for anything a student hands in:
every file ends up as submissions, a rejection, or a skipped entry in the ``Batch``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence, TypeVar

from grader.collector import collector_paused
from grader.submissions.csv_format import read_csv
from grader.submissions.draft import Origin, rejection
from grader.submissions.ids import QuestionSet, student_id_from_name
from grader.submissions.records import Batch, Rejection, Skipped, Submission, Superseded
from grader.submissions.xlsx_format import read_xlsx
from grader.submissions.yaml_format import read_yaml

MAX_FILE_BYTES = 5 * 1024 * 1024

Reader = Callable[[bytes, Origin, QuestionSet], "list[Submission | Rejection]"]

READERS: dict[str, Reader] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
}

_ZIP_MAGIC = b"PK\x03\x04"
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_SKIPPED_FOLDERS = frozenset({"__macosx"})
# Files an instructor keeps beside the submissions. A document named with a student id (B10003_work.pdf)
# is rather a student's, handed in in the wrong format: it is rejected, so the student hears of it.
_NOTES = frozenset({"readme", "notes", "note", "license", "licence", "changelog", "instructions", "todo"})
_DOCUMENTS = frozenset({".md", ".pdf", ".doc", ".docx", ".odt", ".rtf", ".html", ".htm", ".png", ".jpg",
                        ".jpeg", ".gif", ".log", ".py", ".ipynb"})


def skip_reason(name: str) -> str | None:
    """Why a file or folder called ``name`` is clearly not a submission, or ``None``."""
    if name.startswith("~$"):
        return "an Office lock file"
    if name.startswith("."):
        return "a hidden file"
    if name.casefold() in _SYSTEM_FILES:
        return "a system file"
    if name.casefold().endswith((".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")):
        return "a database file (grader serve's attempt log)"
    stem, _, suffix = name.casefold().rpartition(".")
    stem = stem or suffix
    if stem in _NOTES or stem.startswith("readme"):
        return "a README or notes, not a submission"
    if f".{suffix}" in _DOCUMENTS and not any(c.isdigit() for c in name):
        return f"a .{suffix} document without a student id in its name, not a submission"
    return None


def read_file(path: Path, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in one file (one per row for a wide file), or its rejection."""
    return _read(Path(path), str(path), questions)


def _read(path: Path, file: str, questions: QuestionSet) -> list[Submission | Rejection]:
    origin = Origin(file, student_id_from_name(path.name))
    try:
        suffix = path.suffix.lower()
        reader = READERS.get(suffix)
        if reader is None:
            kind = suffix or "a file name without an extension"
            return [rejection(origin, f"not a submission format: {kind} (hand in .yaml, .csv or .xlsx)")]
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            origin = Origin(file, origin.name_id, status.st_mtime)
            if status.st_size > MAX_FILE_BYTES:
                size = status.st_size / 2**20
                return [rejection(origin, f"the file is {size:.1f} MB (at most {MAX_FILE_BYTES // 2**20} MB)")]
            data = handle.read()
        if not data:
            return [rejection(origin, "the file is empty")]
        if len(data) > MAX_FILE_BYTES:
            return [rejection(origin, f"the file is over {MAX_FILE_BYTES // 2**20} MB")]
        if data[:4] == _ZIP_MAGIC:  # a workbook, whatever its name says
            reader = read_xlsx
        return reader(data, origin, questions)
    except OSError as exc:
        return [rejection(origin, f"could not be opened: {exc.strerror or exc}")]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - pyo3 panics derive from BaseException
        return [rejection(origin, f"could not be read: {type(exc).__name__}: {exc}")]


def read_paths(
    paths: Iterable[Path | str], questions: QuestionSet, progress: Callable[[str, int, int], None] | None = None
) -> Batch:
    """Everything in ``paths`` (files, and folders read recursively in sorted order).

    A student with several submissions keeps the newest (by modification time, ties
    broken by path); the others are listed as superseded. ``progress("reading", done, total)``
    is called after each file, if given.
    """
    with collector_paused():
        listing = list_files(paths)
        submissions, rejections = read_files(listing.files, questions, progress)
        kept, superseded = newest_per_student(submissions)
        return Batch(tuple(kept), (*listing.rejections, *rejections), listing.skipped, tuple(superseded))


@dataclass(frozen=True)
class Listing:
    """The files found under the paths given (each once, in reading order), and what was left aside."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...] = ()
    rejections: tuple[Rejection, ...] = ()


def list_files(paths: Iterable[Path | str]) -> Listing:
    """The files under ``paths``: folders walked in sorted order, a file named twice read once."""
    skipped: list[Skipped] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    files: list[Path] = []
    for path in paths:
        for found in _walk(Path(path), skipped, rejections):
            key = os.path.normcase(os.path.abspath(found))
            if key not in seen:
                seen.add(key)
                files.append(found)
    return Listing(tuple(files), tuple(skipped), tuple(rejections))


def read_files(files: Sequence[Path], questions: QuestionSet,
               progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Submission], list[Rejection]]:
    """The submissions and rejections of ``files``, in their order; ``progress("reading", done, total)``."""
    submissions: list[Submission] = []
    rejections: list[Rejection] = []
    for done, found in enumerate(files, start=1):
        for item in _read(found, str(found), questions):
            if isinstance(item, Submission):
                submissions.append(item)
            else:
                rejections.append(item)
        if progress:
            progress("reading", done, len(files))
    return submissions, rejections


def _walk(path: Path, skipped: list[Skipped], rejections: list[Rejection]) -> Iterator[Path]:
    """The files under ``path`` in sorted order, noting what is skipped on the way."""
    if path.is_file():
        reason = skip_reason(path.name)
        if reason:
            skipped.append(Skipped(str(path), reason))
        else:
            yield path
        return
    if not path.is_dir():
        rejections.append(Rejection(str(path), f"{path}: no such file or folder"))
        return
    stack = [path]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            rejections.append(Rejection(str(folder), f"{folder}: could not list the folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            child = folder / entry.name
            if entry.is_dir():
                if entry.is_symlink():  # not followed: a link could lead back up the tree
                    skipped.append(Skipped(str(child), "a link to a folder"))
                elif entry.name.startswith(".") or entry.name.casefold() in _SKIPPED_FOLDERS:
                    skipped.append(Skipped(str(child), "a hidden or system folder"))
                else:
                    subfolders.append(child)
                continue
            reason = skip_reason(entry.name)
            if reason:
                skipped.append(Skipped(str(child), reason))
            else:
                yield child
        stack.extend(reversed(subfolders))


class _Dated(Protocol):
    student_id: str
    file: str
    modified: float


Dated = TypeVar("Dated", bound=_Dated)


def newest_per_student(items: Sequence[Dated]) -> tuple[list[Dated], list[Superseded]]:
    """The newest submission of each student, in reading order, and the ones it replaces.

    Newest by the file's modification time, ties broken by path and then by reading order;
    ``items`` are submissions, or anything that carries their student id, file and time.
    """
    newest: dict[str, int] = {}
    for index, item in enumerate(items):
        best = newest.get(item.student_id)
        if best is None or _recency(item, index) > _recency(items[best], best):
            newest[item.student_id] = index
    winners = set(newest.values())
    superseded = [
        Superseded(s.file, s.student_id, items[newest[s.student_id]].file)
        for index, s in enumerate(items)
        if index not in winners
    ]
    return [s for index, s in enumerate(items) if index in winners], superseded


def _recency(item: _Dated, index: int) -> tuple[float, str, int]:
    return item.modified, item.file, index
