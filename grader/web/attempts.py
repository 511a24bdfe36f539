"""The attempt log, ``DIR/attempts.sqlite``: every check, hand-in, login and wrong code, and the limits
read from it.

One SQLite file in WAL mode (readers never wait for the writer), written through one connection
behind a lock; a limit is counted and the attempt recorded in one ``BEGIN IMMEDIATE`` transaction,
so two requests at once can never both take the last place in a window, and the limits hold across
a restart of the server. Times are the server clock's Unix seconds. No answer is stored: only who,
when, from where, and what came of it (points; a hand-in's file and SHA-256).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "attempts.sqlite"

CHECK, HANDIN, LOGIN, WRONG_CODE = "check", "handin", "login", "wrong_code"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    student_id TEXT,
    address TEXT,
    points REAL,
    max_points REAL,
    file TEXT,
    sha256 TEXT
);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (kind, student_id, at);
CREATE INDEX IF NOT EXISTS attempts_by_address ON attempts (kind, address, at);
"""
_MAX_LOGGED_ID = 200  # a wrong id is logged as typed, cut to this length


@dataclass(frozen=True)
class Window:
    """At most ``limit`` attempts of one kind in any ``seconds``."""

    limit: int
    seconds: float


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead; if not, in how many seconds a place frees up."""

    allowed: bool
    retry_after: int = 0


class AttemptLog:
    """``DIR/attempts.sqlite``, opened (and made) once for the server's life."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / FILE_NAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the log (again is harmless)."""
        with self._lock:
            self._db.close()

    def record(self, kind: str, at: float, *, student_id: str | None = None, address: str | None = None,
               points: float | None = None, max_points: float | None = None, file: str | None = None,
               sha256: str | None = None) -> int:
        """Log one attempt; its row id."""
        with self._lock:
            return self._insert(kind, at, student_id, address, points, max_points, file, sha256)

    def set_points_many(self, rows: list[tuple[int, float, float]]) -> None:
        """Each (row id, points, max points): the points a check came to, in one transaction."""
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("UPDATE attempts SET points = ?, max_points = ? WHERE id = ?",
                                     [(points, max_points, row) for row, points, max_points in rows])
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def blocked(self, kind: str, address: str, at: float, window: Window) -> Verdict:
        """Whether ``address`` already has ``window.limit`` attempts of ``kind`` in the window before ``at``."""
        with self._lock:
            count, oldest = self._db.execute(
                "SELECT COUNT(*), MIN(at) FROM attempts WHERE kind = ? AND address = ? AND at > ?",
                (kind, address, at - window.seconds)).fetchone()
        return _verdict(count, oldest, at, window)

    def take(self, kind: str, student_id: str, at: float, window: Window,
             address: str | None = None) -> tuple[Verdict, int]:
        """Record an attempt of ``kind`` by ``student_id`` if the window has room: (verdict, row id or 0)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                count, oldest = self._db.execute(
                    "SELECT COUNT(*), MIN(at) FROM attempts WHERE kind = ? AND student_id = ? AND at > ?",
                    (kind, student_id, at - window.seconds)).fetchone()
                verdict = _verdict(count, oldest, at, window)
                row = self._insert(kind, at, student_id, address) if verdict.allowed else 0
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return verdict, row

    def _insert(self, kind: str, at: float, student_id: str | None, address: str | None, points: float | None = None,
                max_points: float | None = None, file: str | None = None, sha256: str | None = None) -> int:
        if student_id is not None:
            student_id = student_id[:_MAX_LOGGED_ID]
        cursor = self._db.execute(
            "INSERT INTO attempts (at, kind, student_id, address, points, max_points, file, sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (at, kind, student_id, address, points, max_points, file, sha256))
        return int(cursor.lastrowid or 0)


def _verdict(count: int, oldest: float | None, at: float, window: Window) -> Verdict:
    if count < window.limit:
        return Verdict(True)
    wait = (oldest if oldest is not None else at) + window.seconds - at
    return Verdict(False, max(1, int(wait + 0.999)))
