"""The web page's login cookie: the student id, when it was issued, and an HMAC of both.

``<student id, base64url>.<issued, Unix seconds>.<HMAC-SHA256, base64url>``, signed with a key
derived from the instructor's secret and the assignment id (never the secret itself), so only this
server can make one, a cookie of one assignment is no use on another, and changing the secret logs
everyone out. The cookie is HttpOnly and SameSite=Strict (and Secure over HTTPS); it holds no code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from grader.access import signing_key

COOKIE = "grader_session"
MAX_AGE = 12 * 3600  # seconds a login lasts
_MAX_COOKIE_CHARS = 4096


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Makes and reads the login cookie of one assignment."""

    def __init__(self, secret: str, assignment_id: str) -> None:
        self._key = signing_key(secret, assignment_id, "login cookie")

    def _mac(self, student: str, issued: int) -> bytes:
        return hmac.new(self._key, f"{student}.{issued}".encode("ascii"), hashlib.sha256).digest()

    def make(self, student_id: str, now: float) -> str:
        student, issued = _b64(student_id.encode("utf-8")), int(now)
        return f"{student}.{issued}.{_b64(self._mac(student, issued))}"

    def student(self, cookie: str | None, now: float) -> str | None:
        """The student id a valid, unexpired cookie names; else ``None``."""
        if not cookie or len(cookie) > _MAX_COOKIE_CHARS:
            return None
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[0].isascii():
            return None
        student, issued_text, mac = parts
        issued = int(issued_text)
        try:
            given = _unb64(mac)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(self._mac(student, issued), given):
            return None
        if not (now - MAX_AGE <= issued <= now + 60):
            return None
        try:
            return _unb64(student).decode("utf-8")
        except (binascii.Error, ValueError):
            return None
