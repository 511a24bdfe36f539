"""What the web page does, without HTTP: who may log in, a check, a hand-in, a student's own handout.

A check grades the answers exactly as ``grader check --format json`` grades a file (the variant
``grader grade`` uses for the id and the secret; the same judge; ``self_check_record`` without
reveal), from the same YAML text a hand-in writes. Limits (SPEC, "Student web page"):

    per client address   10 wrong codes (or ids) in 10 minutes, then 429, checked before any code is
    per student          60 checks in a rolling hour, then 429; likewise 60 hand-ins
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from grader.access import code_matches
from grader.assignment import Assignment
from grader.engine.variants import VariantTable
from grader.grading import grade_class
from grader.handout import handout_pages, student_variant
from grader.key import Key, compute_key
from grader.report.selfcheck import self_check_record
from grader.roster import Roster
from grader.shards import class_variants, question_set, variant_notes
from grader.submissions.draft import Origin
from grader.submissions.records import Submission
from grader.submissions.yaml_format import read_yaml
from grader.web.attempts import CHECK, HANDIN, LOGIN, WRONG_CODE, AttemptLog, Window
from grader.web.handins import HandinFolder, Receipt, file_stem, name_id, sha256_of, submission_text, utc_time
from grader.web.payload import Refused

WRONG_CODES = Window(10, 600)
CHECKS = Window(60, 3600)
HANDINS = Window(60, 3600)
_CACHED_STUDENTS = 512


@dataclass(frozen=True)
class Page:
    """One student's handout as the page shows it: the HTML body, and the handout's own CSS."""

    student_id: str
    name: str
    body: str


class Service:
    """One assignment served: its sheet, secret, roster, deadline, hand-in folder and attempt log."""

    def __init__(self, assignment: Assignment, handins: Path, secret: str, roster: Roster | None = None,
                 deadline: datetime | None = None, clock: Callable[[], float] = time.time) -> None:
        self.assignment = assignment
        self.questions = question_set(assignment)
        self.secret = secret
        self.roster = roster
        self._on_roster = frozenset(roster.student_ids) if roster is not None else None
        self.deadline = deadline
        self.clock = clock
        self.folder = HandinFolder(handins, assignment.id)
        self.log = AttemptLog(Path(handins))
        self._keys: OrderedDict[str, Key] = OrderedDict()
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._batch = _Batch(self._grade_many)

    # -- who ---------------------------------------------------------------------------------------

    def may_log_in(self, student_id: str) -> bool:
        """Whether an id may log in at all: any id without a roster, else only the roster's."""
        return self._on_roster is None or student_id in self._on_roster

    def authenticate(self, student_id: str, code: str, address: str, login: bool = False) -> None:
        """Raise ``Refused`` (429 for an address with too many wrong codes, 401 for a wrong id or code)
        unless ``code`` is ``student_id``'s code; a wrong one is logged against the address."""
        now = self.clock()
        verdict = self.log.blocked(WRONG_CODE, address, now, WRONG_CODES)
        if not verdict.allowed:
            raise Refused(429, "too many wrong codes from this address; try again later",
                          {"Retry-After": str(verdict.retry_after)})
        if not (self.may_log_in(student_id) and code_matches(self.secret, self.assignment.id, student_id, code)):
            self.log.record(WRONG_CODE, now, student_id=student_id, address=address)
            raise Refused(401, "wrong student id or access code")
        if login:
            self.log.record(LOGIN, now, student_id=student_id, address=address)

    @property
    def closed(self) -> bool:
        """Whether the deadline has passed (hand-ins refused; checks still allowed)."""
        return self.deadline is not None and self.clock() > self.deadline.timestamp()

    # -- what --------------------------------------------------------------------------------------

    def check(self, student_id: str, answers: Mapping[str, str], address: str) -> dict[str, Any]:
        """The self-check object for ``answers`` (an authenticated student's); 429 past the limit."""
        now = self.clock()
        verdict, row = self.log.take(CHECK, student_id, now, CHECKS, address)
        if not verdict.allowed:
            raise Refused(429, f"at most {CHECKS.limit} checks an hour; try again later",
                          {"Retry-After": str(verdict.retry_after)})
        text = submission_text(self.assignment, self.questions, student_id, answers, utc_time(now).isoformat())
        record = self._batch.grade((student_id, self._read(student_id, text.encode("utf-8"), now)))
        self.log.set_points(row, record["points"], record["max_points"])
        return record

    def handin(self, student_id: str, answers: Mapping[str, str], address: str) -> Receipt:
        """Write the answers as a new submission file; 403 after the deadline, 429 past the limit."""
        if self.closed:
            raise Refused(403, "the deadline has passed: hand-ins are closed (checks still work)")
        now = self.clock()
        verdict, _ = self.log.take(HANDIN, student_id, now, HANDINS, address)
        if not verdict.allowed:
            raise Refused(429, f"at most {HANDINS.limit} hand-ins an hour; try again later",
                          {"Retry-After": str(verdict.retry_after)})
        received = utc_time(now)
        data = submission_text(self.assignment, self.questions, student_id, answers,
                               received.isoformat(timespec="microseconds")).encode("utf-8")
        self._read(student_id, data, now)  # what is written must read back as this student's submission
        path = self.folder.save(student_id, data, received)
        digest = sha256_of(data)
        self.log.record(HANDIN, now, student_id=student_id, address=address, file=path.name, sha256=digest)
        return Receipt(path, digest, received.isoformat(timespec="microseconds"))

    def page(self, student_id: str) -> Page:
        """The student's own handout (their numbers), laid out once and kept for a while."""
        with self._cache_lock:
            page = self._pages.get(student_id)
            if page is not None:
                self._pages.move_to_end(student_id)
                return page
        key = self._key(student_id)
        name = self.roster.name_of(student_id) if self.roster is not None else ""
        variant = student_variant(key, 0, name=name, file_stem=file_stem(student_id))
        _, html = handout_pages(variant)
        start, end = html.index("<body>\n") + len("<body>\n"), html.rindex("\n</body>")
        page = Page(student_id, name, html[start:end])
        with self._cache_lock:
            self._pages[student_id] = page
            while len(self._pages) > _CACHED_STUDENTS:
                self._pages.popitem(last=False)
        return page

    # -- how ---------------------------------------------------------------------------------------

    def _key(self, student_id: str) -> Key:
        with self._cache_lock:
            key = self._keys.get(student_id)
            if key is not None:
                self._keys.move_to_end(student_id)
                return key
        variants, _ = class_variants(self.assignment, [student_id], self.secret, False)
        key = compute_key(self.assignment, variants)
        with self._cache_lock:
            self._keys[student_id] = key
            while len(self._keys) > _CACHED_STUDENTS:
                self._keys.popitem(last=False)
        return key

    def _read(self, student_id: str, data: bytes, now: float) -> Submission:
        """The YAML read back as the readers read a hand-in file of this student's (named after it, so
        the same notes arise; a hint naming where an answer was read says "your answers")."""
        origin = Origin("your answers", name_id(student_id), now)
        items = read_yaml(data, origin, self.questions)
        found = items[0] if len(items) == 1 else None
        if not isinstance(found, Submission) or found.student_id != student_id:
            reason = getattr(found, "reason", "not one submission")
            raise Refused(422, f"the answers do not read back as a submission: {reason}")
        return found

    def _grade_many(self, items: list[tuple[str, Submission]]) -> list[dict[str, Any]]:
        """The self-check objects of the checks waiting together, graded as one class: the graph is
        evaluated once for all of them, which costs about what one costs alone."""
        keys = [self._key(student_id) for student_id, _ in items]
        key = keys[0] if len(keys) == 1 else _joined(keys)
        submissions = [submission for _, submission in items]
        notes = [variant_notes(self.assignment, key, row, s) for row, s in enumerate(submissions)]
        return [self_check_record(self.assignment, graded)
                for graded in grade_class(self.assignment, key, submissions, notes)]


def _joined(keys: list[Key]) -> Key:
    """One key holding the variants of ``keys`` (one row each), in order."""
    first = keys[0]
    columns = {name: np.concatenate([k.variants.columns[name] for k in keys]) for name in first.variants.columns}
    variants = VariantTable(tuple(s for k in keys for s in k.variants.student_ids), columns,
                            np.concatenate([k.variants.attempts for k in keys]))
    values = {name: np.concatenate([k.values[name] for k in keys]) for name in first.values}
    return Key(first.assignment, variants, values)


class _Batch:
    """Checks that arrive while one is being graded wait, and are then graded together in one call.

    A request's thread hands its item over and waits; the thread that finds no batch running grades
    everything waiting (its own item included) and wakes the others: under load a check costs a share
    of one vectorised grading of the class waiting, not a grading of its own."""

    def __init__(self, grade_many: Callable[[list[Any]], list[Any]]) -> None:
        self._grade_many = grade_many
        self._lock = threading.Lock()
        self._waiting: list[tuple[Any, dict[str, Any]]] = []
        self._running = False

    def grade(self, item: Any) -> Any:
        slot: dict[str, Any] = {"done": threading.Event()}
        with self._lock:
            self._waiting.append((item, slot))
            lead = not self._running
            self._running = True
        if lead:
            self._run()
        slot["done"].wait()
        if "error" in slot:
            raise slot["error"]
        return slot["result"]

    def _run(self) -> None:
        while True:
            with self._lock:
                batch, self._waiting = self._waiting, []
                if not batch:
                    self._running = False
                    return
            try:
                results = self._grade_many([item for item, _ in batch])
            except Exception as exc:  # every request of the batch hears of it; the next batch may succeed
                for _, slot in batch:
                    slot["error"] = exc
                    slot["done"].set()
                continue
            for (_, slot), result in zip(batch, results):
                slot["result"] = result
                slot["done"].set()
