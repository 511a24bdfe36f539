"""Finding submission files in folders and reading each with the reader for its format.

Nothing raises out of ``read_file`` or ``read_paths`` for anything a student hands in:
every file ends up as submissions, a rejection, or a skipped entry in the ``Batch``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Protocol, Sequence, TypeVar

from grader.collector import collector_paused
from grader.submissions.archives import ArchiveReader, EntryProblem, Member, is_archive, list_archive
from grader.submissions.csv_format import holds_a_table, read_csv
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
    ".xlsb": read_xlsx,
    ".ods": read_xlsx,
    ".xls": read_xlsx,
}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an Office file with a password
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_SKIPPED_FOLDERS = frozenset({"__macosx"})
_TEXT_HEAD_BYTES = 64 * 1024  # of a .txt, looked at for a table before it is taken for notes
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


def _not_a_submission(path: Path) -> str | None:
    """``skip_reason`` of the name; for a ``.txt`` whose name carries no student id, also its first lines:
    notes kept beside the submissions hold no table (a student's ``B10011_practice09.txt`` is always read)."""
    reason = skip_reason(path.name)
    if reason or path.suffix.lower() != ".txt" or any(c.isdigit() for c in path.name):
        return reason
    try:
        with open(path, "rb") as handle:
            head = handle.read(_TEXT_HEAD_BYTES)
    except OSError:
        return None  # reading it says why, as for any file
    if not head:
        return "an empty text file without a student id in its name"
    if not holds_a_table(head):
        return "a text file without a student id in its name and no submission table in it (notes?)"
    return None


def read_file(path: Path, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in one file (one per row for a wide file), or its rejection; for an
    archive (a Moodle or Canvas download), those of every entry, and the entries rejected."""
    path = Path(path)
    if is_archive(path):
        found = list_archive(path, {}, MAX_FILE_BYTES, skip_reason)
        with ArchiveReader() as archives:
            return [*found.rejections, *(item for member in found.members
                                         for item in read_item(member, questions, archives))]
    return _read(path, str(path), questions)


Listed = Path | Member  # a file found, or an entry of an archive


def read_item(item: Listed, questions: QuestionSet, archives: ArchiveReader | None = None
              ) -> list[Submission | Rejection]:
    """The submissions in a file or archive entry ``list_files`` found (``archives`` keeps each archive
    open from one entry to the next)."""
    if not isinstance(item, Member):
        return _read(item, str(item), questions)
    origin = Origin(str(item), item.name_id, item.modified, item.id_source)
    reader = READERS.get(item.suffix)
    if reader is None:
        return [_not_a_format(origin, item.suffix)]
    try:
        if archives is None:
            with ArchiveReader() as own:
                data = own.read(item, MAX_FILE_BYTES)
        else:
            data = archives.read(item, MAX_FILE_BYTES)
    except EntryProblem as problem:
        return [rejection(origin, str(problem))]
    return _parse(data, origin, reader, questions)


def _not_a_format(origin: Origin, suffix: str) -> Rejection:
    kind = suffix or "a file name without an extension"
    return rejection(origin, f"not a submission format: {kind} (hand in .yaml, .csv, .xlsx, .ods, .xls or .xlsb)")


def _read(path: Path, file: str, questions: QuestionSet) -> list[Submission | Rejection]:
    origin = Origin(file, student_id_from_name(path.name))
    try:
        suffix = path.suffix.lower()
        reader = READERS.get(suffix)
        if reader is None:
            return [_not_a_format(origin, suffix)]
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            origin = Origin(file, origin.name_id, status.st_mtime)
            if status.st_size > MAX_FILE_BYTES:
                size = status.st_size / 2**20
                return [rejection(origin, f"the file is {size:.1f} MB (at most {MAX_FILE_BYTES // 2**20} MB)")]
            data = handle.read()
    except OSError as exc:
        return [rejection(origin, f"could not be opened: {exc.strerror or exc}")]
    return _parse(data, origin, reader, questions)


def _parse(data: bytes, origin: Origin, reader: Reader, questions: QuestionSet) -> list[Submission | Rejection]:
    """The submissions in a file's bytes, by the reader for its name (a workbook whatever its name says)."""
    try:
        if not data:
            return [rejection(origin, "the file is empty")]
        if len(data) > MAX_FILE_BYTES:
            return [rejection(origin, f"the file is over {MAX_FILE_BYTES // 2**20} MB")]
        if data[:4] == _ZIP_MAGIC or data[:8] == _OLE_MAGIC:  # a workbook, whatever its name says
            reader = read_xlsx
        return reader(data, origin, questions)
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
    """The files found under the paths given (each once, in reading order; an archive's entries
    in its place), and what was left aside."""

    files: tuple[Listed, ...]
    skipped: tuple[Skipped, ...] = ()
    rejections: tuple[Rejection, ...] = ()


def list_files(paths: Iterable[Path | str], lms_ids: Mapping[str, str] | None = None) -> Listing:
    """The files under ``paths``: folders walked in sorted order, a file named twice read once; a
    zip archive (an LMS download) stands for its entries, whose students ``lms_ids`` (Moodle
    participant number or Canvas user id -> student id, from the roster) names."""
    skipped: list[Skipped] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    files: list[Listed] = []
    for path in paths:
        for found in _walk(Path(path), skipped, rejections):
            key = os.path.normcase(os.path.abspath(found))
            if key in seen:
                continue
            seen.add(key)
            if is_archive(found):
                entries = list_archive(found, lms_ids or {}, MAX_FILE_BYTES, skip_reason)
                files.extend(entries.members)
                skipped.extend(entries.skipped)
                rejections.extend(entries.rejections)
            else:
                files.append(found)
    return Listing(tuple(files), tuple(skipped), tuple(rejections))


def read_files(files: Sequence[Listed], questions: QuestionSet,
               progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Submission], list[Rejection]]:
    """The submissions and rejections of ``files``, in their order; ``progress("reading", done, total)``."""
    submissions: list[Submission] = []
    rejections: list[Rejection] = []
    with ArchiveReader() as archives:
        for done, found in enumerate(files, start=1):
            for item in read_item(found, questions, archives):
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
        reason = _not_a_submission(path)
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
            reason = _not_a_submission(child)
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
