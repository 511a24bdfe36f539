"""Answers from the web page as a YAML submission, and hand-ins written into the hand-in folder.

The same YAML text is what a check grades (read back with the YAML reader, as ``grader check`` and
``grader grade`` read a file) and what a hand-in writes, so the page's check, a hand-in's grade and
the gradebook agree. Every value is written by ``yaml.safe_dump`` (quoted as YAML needs, nothing a
reader could take for a tag or an alias), and every question of the sheet is there, blank when it
was not answered.

A hand-in is ``<stem>_<assignment>_<UTC time with microseconds>_<counter>.yaml`` in the folder:
``<stem>`` is the student id as ``grader.filenames`` makes it safe for a file name (never the raw
id), and the id before the first ``_`` is what the readers take from a file name. The file is
written to a hidden temporary file (skipped by ``grader grade``), flushed to disk, then linked to
its name, which fails rather than replace a file already there; every hand-in is kept. Its
modification time is made later than any earlier hand-in of the student's, so ``grader grade``
takes the newest.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from grader.assignment import Assignment
from grader.filenames import safe_stem, student_stems
from grader.submissions import QuestionSet
from grader.submissions.ids import canonical_question, student_id_from_name

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's safe dumper: the same text, 10x faster
# The document is given to the dumper as nodes, every scalar a string: what ``yaml.dump`` of the dict
# would represent, without its representer (two-thirds of the dump's time). tests/web/test_handins.py
# holds the two texts equal.
_STR_TAG, _MAP_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map"


def submission_text(assignment: Assignment, questions: QuestionSet, student_id: str, answers: Mapping[str, str],
                    received: str) -> str:
    """The YAML submission: ``student_id``, then ``answers`` as given, then every other question blank."""
    given = all_answers(assignment, questions, answers)
    header = f"# {_one_line(assignment.title)}: handed in on the web page (grader serve), {received}\n"
    root = _mapping([(_str("student_id"), _str(student_id)),
                     (_str("answers"), _mapping([(_str(q), _str(v)) for q, v in given.items()]))])
    return header + yaml.serialize(root, Dumper=_DUMPER, allow_unicode=True, width=2**31 - 1)


def _str(text: str) -> yaml.ScalarNode:
    return yaml.ScalarNode(_STR_TAG, text)


def _mapping(pairs: list[tuple[yaml.Node, yaml.Node]]) -> yaml.MappingNode:
    return yaml.MappingNode(_MAP_TAG, pairs, flow_style=False)


def all_answers(assignment: Assignment, questions: QuestionSet, answers: Mapping[str, str]) -> dict[str, str]:
    """``answers`` as given, then every other question of the sheet blank: what a hand-in holds."""
    given = dict(answers)
    answered = {canonical_question(q, questions) for q in given}
    for question in assignment.questions:
        if question.id not in answered:
            given[question.id] = ""
    return given


def one_line_each(student_id: str, answers: Mapping[str, str]) -> bool:
    """Whether ``submission_text`` writes the id and each answer on one line (every text printable)."""
    return student_id.isprintable() and all(q.isprintable() and v.isprintable() for q, v in answers.items())


FIRST_LINE = 2  # of ``student_id:``, after the comment line


def file_stem(student_id: str) -> str:
    """The student id made safe for a file name, as ``grader variants`` names the student's folder."""
    return student_stems([student_id])[student_id]


def name_id(student_id: str) -> str:
    """The id the readers take from the name of this student's hand-in files."""
    return student_id_from_name(f"{file_stem(student_id)}_")


@dataclass(frozen=True)
class Receipt:
    """A hand-in as written: its path, the SHA-256 of its bytes, when it was received (ISO 8601, UTC)."""

    path: Path
    sha256: str
    received: str


def utc_time(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


class HandinFolder:
    """The folder hand-ins go to; one per server."""

    def __init__(self, folder: Path, assignment_id: str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.assignment_stem = safe_stem(assignment_id)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def save(self, student_id: str, data: bytes, received: datetime) -> Path:
        """Write a new file for ``student_id``; never replaces one."""
        stem = file_stem(student_id)
        stamp = received.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        with self._lock:
            while True:
                path = self.folder / f"{stem}_{self.assignment_stem}_{stamp}_{next(self._counter):06d}.yaml"
                try:
                    _write_new(path, data)
                    break
                except FileExistsError:  # a name taken before a restart: the next counter
                    continue
            self._make_newest(path, stem)
        return path

    def _make_newest(self, path: Path, stem: str) -> None:
        """Give ``path`` a modification time after every other hand-in of the student's."""
        prefix, latest = f"{stem}_", 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name != path.name and entry.is_file():
                    latest = max(latest, entry.stat().st_mtime_ns)
        status = path.stat()
        if status.st_mtime_ns <= latest:
            os.utime(path, ns=(status.st_atime_ns, latest + 1000))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_new(path: Path, data: bytes) -> None:
    """``data`` at ``path`` in one step, on disk, or ``FileExistsError`` if ``path`` exists."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)  # atomic, and never replaces a file
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: check, then rename (under the folder's lock)
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _one_line(text: str) -> str:
    return " ".join(text.split())
