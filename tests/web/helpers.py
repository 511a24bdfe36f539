"""Helpers for the web page's tests: a clock the test moves, a served app and its client, students'
access codes and right answers as the instructor's key gives them."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():  # Starlette 1.x asks for httpx2; httpx does the same job here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from grader.access import access_code
from grader.engine.variants import draw_variants
from grader.key import compute_key

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"
SECRET = "web-secret"
STUDENT, OTHER = "B10001", "B10002"


class Clock:
    """A server clock the test sets: Unix seconds, 2027-01-15 08:00 UTC to begin with."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Served:
    app: object
    client: TestClient
    clock: Clock
    handins: Path

    def client_from(self, address: str) -> TestClient:
        """Another browser, from another address."""
        return TestClient(self.app, client=(address, 50000))


def code(student_id: str, secret: str = SECRET) -> str:
    return access_code(secret, "practice09", student_id)


def right_answers(sheet, student_id: str, secret: str = SECRET) -> dict[str, float]:
    """The student's reference answers, as the instructor's key gives them."""
    return compute_key(sheet, draw_variants(sheet, [student_id], secret)).answers(0)


def body(student_id: str = STUDENT, answers: dict | None = None, secret: str = SECRET, **extra) -> dict:
    return {"student_id": student_id, "code": code(student_id, secret), "answers": answers or {}, **extra}
