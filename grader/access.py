"""Students' access codes for the web page (``grader serve``), derived from the instructor's secret.

A code is HMAC-SHA256 of (assignment id, student id) keyed by the secret, shown as 8 characters of
an alphabet with no look-alikes (no 0/O, 1/I/l), in two groups: ``7KQM-3XZP``. Only someone with
the secret can make one; the same inputs always give the same code, so ``grader variants`` can
print it on the handout, ``grader key`` list it, and the server check it without storing anything.
Typed codes are read leniently (case, spaces and the hyphen do not matter) and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 characters: 5 bits each, no 0/O/1/I/l
LENGTH = 8
_DOMAIN = b"grader-access-code-v1"
_SEPARATOR = b"\x1f"


def _digest(secret: str, *parts: str) -> bytes:
    message = _SEPARATOR.join([_DOMAIN, *(p.encode("utf-8") for p in parts)])
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def access_code(secret: str, assignment_id: str, student_id: str) -> str:
    """The student's code as printed: ``XXXX-XXXX``."""
    raw = _raw_code(secret, assignment_id, student_id)
    return f"{raw[:4]}-{raw[4:]}"


def _raw_code(secret: str, assignment_id: str, student_id: str) -> str:
    number = int.from_bytes(_digest(secret, assignment_id, student_id)[:5], "big")  # 40 bits
    return "".join(ALPHABET[(number >> (5 * (LENGTH - 1 - i))) & 31] for i in range(LENGTH))


def normalise_code(typed: str) -> str:
    """A typed code in the printed alphabet's form: upper case, without spaces or hyphens."""
    return "".join(c for c in typed.upper() if c not in " -\t")


def code_matches(secret: str, assignment_id: str, student_id: str, typed: str) -> bool:
    """Whether ``typed`` is the student's code, compared in constant time."""
    expected = _raw_code(secret, assignment_id, student_id).encode("ascii")
    given = normalise_code(typed).encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def signing_key(secret: str, assignment_id: str, purpose: str) -> bytes:
    """A key for signing something else (the web page's login cookie), never the secret itself."""
    return _digest(secret, "key", purpose, assignment_id)
