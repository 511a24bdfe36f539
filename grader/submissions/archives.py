"""Moodle and Canvas submission downloads (zip archives), read in memory entry by entry.

    list_archive(path, lms_ids, max_bytes, skip) -> ArchiveListing   entries to read, and what was set aside
    ArchiveReader().read(member, max_bytes) -> bytes                  one entry, unpacked in memory, bounded

Nothing is ever extracted: an entry's name is parsed for the student, never used as a path.
An entry is named ``ARCHIVE!ENTRY`` wherever a file is named (``files.csv``, the gradebook,
rejections), ARCHIVE as it was given, e.g.
``download.zip!Jane Doe_1234567_assignsubmission_file/B1_practice09.yaml``.

Entry names as the LMSs write them:
- Moodle "Download all submissions": ``Full Name_<participant>_assignsubmission_file/<file>`` (older
  versions end the folder with ``_``), or flat ``Full Name_<participant>_assignsubmission_file_<file>``;
- Canvas: ``<name>[_LATE]_<userid>_<attachmentid>_<file>`` (``<name>_<userid>_text.html`` for a text entry).
The student id of an entry whose file gives none is the roster's for the participant number or
user id (its ``lms_id`` column), else ``participant_<n>`` / ``canvas_<userid>``. Any other entry
is named as a loose file is: by its name up to the first ``_``.
"""

from __future__ import annotations

import calendar
import io
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping, NamedTuple

from grader.submissions.ids import student_id_from_name
from grader.submissions.records import Rejection, Skipped

ARCHIVE_SUFFIXES = (".zip",)
MAX_ENTRIES = 200_000
MAX_UNPACKED_BYTES = 2 * 1024**3  # the whole archive, as its directory declares it
MAX_RATIO = 100  # unpacked : packed, for an entry over _RATIO_FLOOR bytes
_RATIO_FLOOR = 64 * 1024
_NESTED = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".jar")
_MOODLE = re.compile(r"(?P<name>.*)_(?P<id>[0-9]+)_assignsubmission_[a-z]+(?:_(?P<rest>.*))?", re.S)
_ENCRYPTED = 0x1


class Member(NamedTuple):
    """One entry of an archive to be read: where it is, and the student its place gives."""

    archive: Path
    name: str                # as the archive's directory gives it
    name_id: str = ""        # the student id its name gives (roster, participant_<n>, ...)
    modified: float = 0.0    # the entry's date, as UTC seconds
    id_source: str = ""      # where name_id comes from, for a note when the file gives another id

    def __str__(self) -> str:
        return f"{self.archive}!{self.name}"

    @property
    def suffix(self) -> str:
        """The inner file's suffix, lower case (``.yaml``)."""
        return PurePosixPath(self.name).suffix.lower()


@dataclass(frozen=True)
class ArchiveListing:
    members: tuple[Member, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    rejections: tuple[Rejection, ...] = ()


class EntryProblem(Exception):
    """Why one entry could not be unpacked (a sentence, without the entry's name)."""


class LmsIdentity(NamedTuple):
    """Who an entry belongs to, by its name: ``("moodle", "1234567", "B1.yaml")``, ``("canvas", "9001", ...)``."""

    lms: str
    lms_id: str
    file: str  # the name the student's file had

    @property
    def fallback_id(self) -> str:
        return f"participant_{self.lms_id}" if self.lms == "moodle" else f"canvas_{self.lms_id}"

    @property
    def described(self) -> str:
        return f"Moodle participant {self.lms_id}" if self.lms == "moodle" else f"Canvas user {self.lms_id}"


def is_archive(path: Path) -> bool:
    return path.suffix.lower() in ARCHIVE_SUFFIXES


def lms_identity(entry: str) -> LmsIdentity | None:
    """The Moodle participant or Canvas user an entry name gives, or ``None``."""
    head, _, inner = entry.partition("/")
    moodle = _MOODLE.fullmatch(head)
    if moodle:
        return LmsIdentity("moodle", moodle["id"], PurePosixPath(inner).name if inner else moodle["rest"] or "")
    if inner:
        return None
    parts = entry.split("_")
    if parts[0] == "anon" and len(parts) >= 4 and _digits(parts[2]):  # anonymous grading: no user id
        return LmsIdentity("canvas", f"anon_{parts[1]}", "_".join(parts[3:]))
    for at in range(1, len(parts) - 1):
        if _digits(parts[at]):
            rest = parts[at + 1:]
            if len(rest) >= 2 and _digits(rest[0]) and "_".join(rest[1:]):
                return LmsIdentity("canvas", parts[at], "_".join(rest[1:]))
            if rest in (["text.html"], ["link.html"]):
                return LmsIdentity("canvas", parts[at], rest[0])
            return None
    return None


def entry_name(file: str) -> str | None:
    """The entry an ``ARCHIVE!ENTRY`` name names (``None`` for a file that is not in an archive)."""
    at = file.casefold().find(".zip!")
    return file[at + 5:] if at >= 0 else None


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def member_identity(identity: LmsIdentity | None, entry: str, lms_ids: Mapping[str, str]) -> tuple[str, str]:
    """(the student id an entry's name gives, where it comes from: for a note when the file says otherwise)."""
    if identity is None:
        return student_id_from_name(PurePosixPath(entry).name), "in the file name"
    student = lms_ids.get(identity.lms_id)
    if student:
        return student, f"that the roster's lms_id gives {identity.described}"
    return identity.fallback_id, ""  # no note: the file's own id is simply better


def list_archive(path: Path, lms_ids: Mapping[str, str], max_bytes: int,
                 skip: Callable[[str], str | None]) -> ArchiveListing:
    """The entries of the archive at ``path`` to read, in the archive's order, and every other
    entry as skipped (folders, ``__MACOSX``, what ``skip`` names) or rejected, with its reason.

    An archive that cannot be opened at all is one rejection naming it."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            count = _declared_entries(handle)
            if count > MAX_ENTRIES:
                return _refused(file, f"the archive lists {count:,} entries (at most {MAX_ENTRIES:,})")
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                infos = archive.infolist()
    except OSError as exc:
        return _refused(file, f"could not be opened: {exc.strerror or exc}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as exc:
        return _refused(file, f"not a readable zip archive ({exc}): download it again from the LMS")
    names: dict[str, int] = {}
    for info in infos:
        names[info.filename] = names.get(info.filename, 0) + 1
    if "xl/workbook.xml" in names or "content.xml" in names and "mimetype" in names:
        student = student_id_from_name(path.name) or None
        return ArchiveListing(rejections=(Rejection(file, f"{file}: a spreadsheet named .zip, not a download of "
                                                          "submissions: hand it in as .xlsx or .ods", student),))
    members: list[Member] = []
    skipped: list[Skipped] = []
    rejections: list[Rejection] = []
    unpacked = 0
    for info in infos:
        name = info.filename
        shown = f"{file}!{name}"
        identity = lms_identity(name)
        reason = _set_aside(info, identity, skip)
        if reason:
            skipped.append(Skipped(shown, reason))
            continue
        student, id_source = member_identity(identity, name, lms_ids)
        problem = _problem(info, names[name], max_bytes)
        if problem is None:
            unpacked += info.file_size
            if unpacked > MAX_UNPACKED_BYTES:
                problem = (f"the archive unpacks to more than {MAX_UNPACKED_BYTES // 2**30} GB up to this entry: "
                           "this entry and the ones after it are not read")
        if problem:
            rejections.append(Rejection(shown, f"{shown}: {problem}", student or None))
            continue
        modified = float(calendar.timegm(info.date_time)) if info.date_time[0] >= 1980 else 0.0
        members.append(Member(path, name, student, modified, id_source))
    return ArchiveListing(tuple(members), tuple(skipped), tuple(rejections))


def _refused(file: str, reason: str) -> ArchiveListing:
    return ArchiveListing(rejections=(Rejection(file, f"{file}: {reason}"),))


def _declared_entries(handle: io.BufferedReader) -> int:
    """The number of entries the end of the archive declares, read before zipfile builds them all
    (0 when it cannot be told: zipfile then says what is wrong)."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 65557))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return 0
    count = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":  # zip64: its own end record
        (offset,) = struct.unpack_from("<Q", tail, at - 12)
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count = struct.unpack_from("<Q", record, 32)[0]
    return count


def _set_aside(info: zipfile.ZipInfo, identity: LmsIdentity | None, skip: Callable[[str], str | None]) -> str | None:
    """Why an entry is not a submission at all (a folder, macOS metadata, a lock file), or ``None``.

    A file in a student's place in an LMS download is a hand-in whatever its name (a README or a
    PDF there is rejected, so the student hears of it); only hidden and lock files are set aside."""
    name = info.filename
    parts = [p for p in re.split(r"[/\\]", name) if p]
    if any(p.casefold() == "__macosx" for p in parts):
        return "macOS metadata (__MACOSX), not a submission"
    if info.is_dir() or not parts:
        return "a folder in the archive"
    if identity is None:
        return skip(parts[-1])
    inner = PurePosixPath(identity.file).name
    return skip(inner) if inner.startswith((".", "~$")) else None


def _problem(info: zipfile.ZipInfo, copies: int, max_bytes: int) -> str | None:
    """Why an entry that might be a submission is not read, or ``None``."""
    name = info.filename
    if copies > 1:
        return f"{copies} entries of the archive have this name: none is read (download the archive again)"
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
        return "an unsafe name (an absolute path, or one leading out of its folder with ..): not read"
    kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
    if kind == stat.S_IFLNK:
        return "a symbolic link, not a file: not read"
    if kind not in (0, stat.S_IFREG):
        return "not a regular file (a device, pipe or socket): not read"
    if info.flag_bits & _ENCRYPTED:
        return "encrypted with a password: hand in the file without one"
    if name.lower().endswith(_NESTED):
        return "an archive inside the archive: not opened (hand in the file itself, e.g. .yaml, .csv or .xlsx)"
    if info.file_size > max_bytes:
        return f"unpacks to {info.file_size / 2**20:.1f} MB (at most {max_bytes // 2**20} MB a file)"
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return f"compressed {ratio:,.0f} to 1 (at most {MAX_RATIO} to 1): like a zip bomb, not unpacked"
    return None


class ArchiveReader:
    """Reads members, keeping each archive open while its entries are read (one handle per
    process: open it after a fork, never before)."""

    def __init__(self) -> None:
        self._open: dict[Path, zipfile.ZipFile] = {}

    def read(self, member: Member, max_bytes: int) -> bytes:
        """The entry's bytes, never more than ``max_bytes``; ``EntryProblem`` says why not."""
        archive = self._archive(member.archive)
        try:
            info = archive.getinfo(member.name)
        except KeyError:
            raise EntryProblem("no longer in the archive (it changed while being graded)") from None
        problem = _problem(info, 1, max_bytes)
        if problem:
            raise EntryProblem(problem)
        try:
            with archive.open(info) as stream:
                data = stream.read(max_bytes + 1)  # zipfile stops at the declared size: a lie fails the CRC
        except (KeyboardInterrupt, SystemExit):
            raise
        except NotImplementedError as exc:
            raise EntryProblem(f"packed in a way that cannot be unpacked here ({exc})") from None
        except Exception as exc:  # noqa: BLE001 - zlib, bz2, lzma, CRC and truncation errors alike
            raise EntryProblem(f"could not be unpacked: {type(exc).__name__}: {exc}") from None
        if len(data) > max_bytes:
            raise EntryProblem(f"unpacks to more than {max_bytes // 2**20} MB")
        return data

    def _archive(self, path: Path) -> zipfile.ZipFile:
        archive = self._open.get(path)
        if archive is None:
            try:
                archive = zipfile.ZipFile(path)
            except OSError as exc:
                raise EntryProblem(f"the archive could not be opened again: {exc.strerror or exc}") from None
            except (zipfile.BadZipFile, ValueError, EOFError) as exc:
                raise EntryProblem(f"the archive could not be read again: {exc}") from None
            self._open[path] = archive
        return archive

    def close(self) -> None:
        for archive in self._open.values():
            archive.close()
        self._open.clear()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["ArchiveListing", "ArchiveReader", "EntryProblem", "LmsIdentity", "Member", "entry_name", "is_archive",
           "list_archive", "lms_identity", "member_identity"]
