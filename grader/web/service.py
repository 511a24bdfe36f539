"""What the web page does, without HTTP: who may log in, a check, a hand-in, a student's own handout.

A check grades the answers exactly as ``grader check --format json`` grades a file (the variant
``grader grade`` uses for the id and the secret; the same judge; ``self_check_record`` without
reveal), from the same YAML a hand-in writes (read without writing it where each answer takes one
line: ``read_one_line_answers``, held equal to reading the file by tests/web/test_handins.py).

Checks are graded on one thread of their own (``_CheckQueue``): it takes every check waiting, checks
codes and limits in the attempt log, and grades them as one class, so under load a check costs a
share of one vectorised grading rather than a grading of its own (python benchmarks/bench_serve.py:
100 students clicking back to back, batches of about 100; a batch of 100 costs about 35 ms, one
alone about 12 ms). Limits (SPEC, "Student web page"):

    per client address   10 wrong codes (or ids) in 10 minutes, then 429, checked before any code is
    per student          60 checks in a rolling hour, then 429; likewise 60 hand-ins
"""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

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
from grader.submissions.records import Rejection, Submission
from grader.submissions.yaml_format import read_one_line_answers, read_yaml
from grader.web.attempts import CHECK, HANDIN, LOGIN, WRONG_CODE, AttemptLog, Window
from grader.web.handins import (
    FIRST_LINE,
    HandinFolder,
    Receipt,
    all_answers,
    file_stem,
    name_id,
    one_line_each,
    sha256_of,
    submission_text,
    utc_time,
)
from grader.web.payload import Refused

WRONG_CODES = Window(10, 600)
CHECKS = Window(60, 3600)
HANDINS = Window(60, 3600)
_CACHED_STUDENTS = 512


@dataclass(frozen=True)
class CheckRequest:
    """One check to grade: whose, the answers, from where, and the access code (None: the student is
    already logged in by the page's cookie)."""

    student_id: str
    answers: Mapping[str, str]
    address: str
    code: str | None = None


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
        self._checks = _CheckQueue(self.check_many)

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

    def submit_check(self, request: CheckRequest) -> Future:
        """Queue a check for the grading thread; its future gives the self-check object or ``Refused``."""
        return self._checks.submit(request)

    def check(self, student_id: str, answers: Mapping[str, str], address: str) -> dict[str, Any]:
        """The self-check object for ``answers`` (an authenticated student's); 429 past the limit."""
        return self.submit_check(CheckRequest(student_id, answers, address)).result()

    def check_many(self, requests: list[CheckRequest]) -> list[dict[str, Any] | Refused]:
        """The checks waiting together, in order: each authenticated (if it brings a code) and counted
        against its student's limit, then all that got that far graded as one class."""
        now = self.clock()
        results: list[dict[str, Any] | Refused] = []
        taken: list[tuple[int, int, str, Submission]] = []  # (index, log row, student, submission)
        for index, request in enumerate(requests):
            try:
                if request.code is not None:
                    self.authenticate(request.student_id, request.code, request.address)
                verdict, row = self.log.take(CHECK, request.student_id, now, CHECKS, request.address)
                if not verdict.allowed:
                    raise Refused(429, f"at most {CHECKS.limit} checks an hour; try again later",
                                  {"Retry-After": str(verdict.retry_after)})
                taken.append((index, row, request.student_id, self._read_check(request, now)))
            except Refused as refused:
                results.append(refused)
                continue
            results.append({})
        records = self._grade_many([(student_id, submission) for _, _, student_id, submission in taken])
        self.log.set_points_many([(row, record["points"], record["max_points"])
                                  for (_, row, _, _), record in zip(taken, records)])
        for (index, _, _, _), record in zip(taken, records):
            results[index] = record
        return results

    def close(self) -> None:
        """Stop the grading thread and close the attempt log."""
        self._checks.close()
        self.log.close()

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
        return self._keys_of([student_id])[0]

    def _keys_of(self, student_ids: list[str]) -> list[Key]:
        """Each id's one-row key: kept ones from the cache, the others computed in one call."""
        found: dict[str, Key] = {}
        with self._cache_lock:
            for student_id in student_ids:
                key = self._keys.get(student_id)
                if key is not None:
                    self._keys.move_to_end(student_id)
                    found[student_id] = key
        missing = list(dict.fromkeys(s for s in student_ids if s not in found))
        if missing:
            variants, _ = class_variants(self.assignment, missing, self.secret, False)
            key = compute_key(self.assignment, variants)
            for row, student_id in enumerate(missing):
                found[student_id] = _row_of(key, row)
            with self._cache_lock:
                for student_id in missing:
                    self._keys[student_id] = found[student_id]
                while len(self._keys) > _CACHED_STUDENTS:
                    self._keys.popitem(last=False)
        return [found[student_id] for student_id in student_ids]

    def _read_check(self, request: CheckRequest, now: float) -> Submission:
        """The answers as ``_read`` reads the file a hand-in of them would write; where that file has one
        line an answer, without writing it (the reading is the same: tests/web/test_handins.py)."""
        given = all_answers(self.assignment, self.questions, request.answers)
        if not one_line_each(request.student_id, given):
            text = submission_text(self.assignment, self.questions, request.student_id, request.answers,
                                   utc_time(now).isoformat())
            return self._read(request.student_id, text.encode("utf-8"), now)
        origin = Origin("your answers", name_id(request.student_id), now)
        found = read_one_line_answers(request.student_id, list(given.items()), FIRST_LINE, origin, self.questions)
        return self._accepted(request.student_id, found)

    def _read(self, student_id: str, data: bytes, now: float) -> Submission:
        """The YAML read back as the readers read a hand-in file of this student's (named after it, so
        the same notes arise; a hint naming where an answer was read says "your answers")."""
        origin = Origin("your answers", name_id(student_id), now)
        items = read_yaml(data, origin, self.questions)
        return self._accepted(student_id, items[0] if len(items) == 1 else None)

    @staticmethod
    def _accepted(student_id: str, found: Submission | Rejection | None) -> Submission:
        if not isinstance(found, Submission) or found.student_id != student_id:
            reason = getattr(found, "reason", "not one submission")
            raise Refused(422, f"the answers do not read back as a submission: {reason}")
        return found

    def _grade_many(self, items: list[tuple[str, Submission]]) -> list[dict[str, Any]]:
        """The self-check objects of the checks waiting together, graded as one class: the graph is
        evaluated once for all of them, which costs about what one costs alone."""
        if not items:
            return []
        keys = self._keys_of([student_id for student_id, _ in items])
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


def _row_of(key: Key, row: int) -> Key:
    """The key of one row of ``key``."""
    return Key(key.assignment, key.variants.take([row]), {name: v[row:row + 1] for name, v in key.values.items()})


class _CheckQueue:
    """One thread grades every check: it takes all the checks waiting, does for them what needs the
    attempt log and the graph (``check_many``), and settles their futures.

    Requests never grade on their own threads: a check arriving while a batch is graded waits for the
    next batch, so under load a check costs a share of one vectorised grading of all waiting, and no
    thread competes with the grading one for the interpreter."""

    def __init__(self, check_many: Callable[[list[CheckRequest]], list[Any]]) -> None:
        self._check_many = check_many
        self._queue: queue.SimpleQueue[tuple[CheckRequest, Future] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, request: CheckRequest) -> Future:
        future: Future = Future()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="grader-checks", daemon=True)
                self._thread.start()
            self._queue.put((request, future))
        return future

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            jobs = [job for job in batch if job is not None]
            if jobs:
                self._settle(jobs)
            if len(jobs) < len(batch):
                return

    def _settle(self, jobs: list[tuple[CheckRequest, Future]]) -> None:
        jobs = [job for job in jobs if job[1].set_running_or_notify_cancel()]  # not those given up (a client gone)
        if not jobs:
            return
        try:
            results = self._check_many([request for request, _ in jobs])
        except Exception as exc:  # every check of the batch hears of it; the next batch may succeed
            results = [exc] * len(jobs)
        for (_, future), result in zip(jobs, results):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
