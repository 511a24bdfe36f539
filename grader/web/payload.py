"""What a request may carry, read defensively: the body (at most 64 KiB, never read past that), the
API's JSON ``{"student_id", "code", "answers": {id: value}}`` and the page's form fields.

Each problem is a ``Refused`` with the HTTP status the contract gives it: 413 for a body over the
limit, 400 for JSON (or form data) that does not parse, 422 for the wrong shape.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, AsyncIterator, Mapping
from urllib.parse import parse_qsl

MAX_BODY = 64 * 1024
MAX_ANSWERS = 500
MAX_ANSWER_CHARS = 1000
MAX_QUESTION_CHARS = 200
MAX_ID_CHARS = 200
MAX_CODE_CHARS = 64
ANSWER_FIELD = "answer:"  # the page's form names each answer field "answer:<question id>"


class Refused(Exception):
    """A request the server will not serve: its status and a one-line reason."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})


@dataclass(frozen=True)
class Answers:
    """One request's student id, code and answers (question id as given -> the text to read)."""

    student_id: str
    code: str
    answers: dict[str, str]


async def read_body(headers: Mapping[str, str], chunks: AsyncIterator[bytes]) -> bytes:
    """The request body, refused (413) as soon as it is known to pass ``MAX_BODY``: at once from its
    Content-Length, else once more than that has arrived; the rest is never read."""
    declared = headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refused(400, "Content-Length is not a number")
        if int(declared) > MAX_BODY:
            raise Refused(413, f"the request is over {MAX_BODY // 1024} KiB")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(413, f"the request is over {MAX_BODY // 1024} KiB")
    return bytes(body)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes) -> Answers:
    """The API's body: 400 if it is not JSON, 422 if it is not the object the API takes."""
    try:
        document = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, huge integers
        raise Refused(400, f"the body is not JSON: {str(exc)[:200]}") from None
    if not isinstance(document, dict):
        raise Refused(422, 'expected a JSON object {"student_id", "code", "answers"}')
    missing = [name for name in ("student_id", "code", "answers") if name not in document]
    if missing:
        raise Refused(422, f"missing field(s): {', '.join(missing)}")
    student_id, code, answers = document["student_id"], document["code"], document["answers"]
    if not isinstance(student_id, str) or not student_id.strip() or len(student_id) > MAX_ID_CHARS:
        raise Refused(422, f"student_id: expected a non-empty string of at most {MAX_ID_CHARS} characters")
    if not isinstance(code, str) or len(code) > MAX_CODE_CHARS:
        raise Refused(422, f"code: expected a string of at most {MAX_CODE_CHARS} characters")
    if not isinstance(answers, dict):
        raise Refused(422, "answers: expected an object of question id -> answer")
    return Answers(_text(student_id, "student_id").strip(), _text(code, "code"), check_answers(answers))


def check_answers(answers: Mapping[str, Any]) -> dict[str, str]:
    """Question id -> the answer as text; 422 for too many, too long, or not a string or number."""
    if len(answers) > MAX_ANSWERS:
        raise Refused(422, f"answers: at most {MAX_ANSWERS} answers")
    texts: dict[str, str] = {}
    for question, value in answers.items():
        if len(question) > MAX_QUESTION_CHARS:
            raise Refused(422, f"answers: a question id of at most {MAX_QUESTION_CHARS} characters")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Refused(422, f"answers: {_short(question)}: expected a string or a number")
        text = value if isinstance(value, str) else _number_text(value)
        if len(text) > MAX_ANSWER_CHARS:
            raise Refused(422, f"answers: {_short(question)}: at most {MAX_ANSWER_CHARS} characters")
        texts[_text(question, "a question id")] = _text(text, f"answers: {_short(question)}")
    return texts


def parse_form(body: bytes, fields: int) -> list[tuple[str, str]]:
    """A form's fields (URL-encoded, UTF-8), at most ``fields`` of them; 400 if it does not parse."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=fields,
                         errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, f"the form does not parse: {str(exc)[:200]}") from None


def form_answers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The answers among a page form's fields, checked as the API checks them."""
    return check_answers({name[len(ANSWER_FIELD):]: value for name, value in pairs if name.startswith(ANSWER_FIELD)})


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(value) if math.isfinite(value) else str(value)


def _text(text: str, what: str) -> str:
    """``text``, refused if it cannot be written as UTF-8 (a lone surrogate from a ``\\ud800`` escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(422, f"{what}: not valid Unicode text") from None
    return text


def _short(text: str) -> str:
    return repr(text[:40])
