"""The web page for students (``grader serve``): a Starlette app over ``Service``.

    GET  /             the login page, or (with a valid login cookie) the student's own handout
                       and answer form
    POST /login        form: student_id, code -> sets the login cookie, back to /
    POST /logout       clears the cookie
    POST /check        form (cookie): the page again, with each question's outcome and hint
    POST /handin       form (cookie): the page again, with the hand-in's receipt
    POST /api/check    JSON {"student_id", "code", "answers"} -> the self-check object
    POST /api/handin   JSON, the same -> {"file", "sha256", "received"}
    GET  /healthz      200 "ok"

The page posts forms and runs no script at all (CSP ``script-src`` is none); its routes take the
student from the signed cookie, never from the URL. Every response carries a Content-Security-
Policy and is not cached. Templates are Jinja2 with autoescaping on; the only markup passed through
unescaped is the handout's, which ``grader.handout.html`` escapes itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grader.assignment import load_assignment
from grader.errors import UsageError
from grader.handout.html import CSS as HANDOUT_CSS
from grader.roster import load_roster
from grader.web.handins import Receipt
from grader.web.payload import (
    MAX_ANSWERS,
    MAX_CODE_CHARS,
    MAX_ID_CHARS,
    Answers,
    Refused,
    form_answers,
    parse_form,
    parse_json,
    read_body,
)
from grader.web.service import CheckRequest, Service
from grader.web.session import COOKIE, MAX_AGE, Sessions

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


NO_SECRET = ("serve needs the instructor's secret (--secret, --secret-file, $GRADER_SECRET or $GRADER_SECRET_FILE): "
             "the students' access codes are made from it")


def parse_deadline(text: str | datetime | None) -> datetime | None:
    """``--deadline``: ISO 8601 with a UTC offset (``2026-12-24T12:00:00+02:00``)."""
    if text is None or isinstance(text, datetime):
        moment = text
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(f"--deadline: expected ISO 8601 such as 2026-12-24T12:00:00+02:00, got {text!r}") from None
    if moment is not None and moment.utcoffset() is None:
        raise UsageError(f"--deadline: give the time's UTC offset, e.g. {moment.isoformat()}+02:00")
    return moment


def create_app(assignment_path: str | Path, handins: str | Path, secret: str | None,
               roster: str | Path | None = None, deadline: str | datetime | None = None,
               clock: Callable[[], float] = time.time) -> Starlette:
    """The app serving ``assignment_path`` with hand-ins (and ``attempts.sqlite``) in ``handins``."""
    if not secret:
        raise UsageError(NO_SECRET)
    service = Service(load_assignment(assignment_path), Path(handins), secret,
                      load_roster(roster) if roster is not None else None, parse_deadline(deadline), clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.close()  # the grading thread stopped; the log's last connection closed folds its -wal file back in

    app = Starlette(routes=_Routes(service).routes(), middleware=[Middleware(_SecurityHeaders)], lifespan=lifespan)
    app.state.service = service
    return app


class _Routes:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.sessions = Sessions(service.secret, service.assignment.id)
        self.templates = Environment(loader=PackageLoader("grader.web", "templates"), autoescape=True,
                                     undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def routes(self) -> list[Route]:
        return [
            Route("/", self.index, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/check", self.page_check, methods=["POST"]),
            Route("/handin", self.page_handin, methods=["POST"]),
            Route("/api/check", self.api_check, methods=["POST"]),
            Route("/api/handin", self.api_handin, methods=["POST"]),
            Route("/healthz", self.healthz, methods=["GET"]),
        ]

    # -- the API -------------------------------------------------------------------------------------

    async def api_check(self, request: Request) -> Response:
        """413, 400 and 422 here; then, on the grading thread with the checks waiting with it, 429 (the
        address's wrong codes, before the code is verified), 401, 429 (the student's checks) and the check."""
        try:
            answers = parse_json(await read_body(request.headers, request.stream()))
            record = await asyncio.wrap_future(self.service.submit_check(
                CheckRequest(answers.student_id, answers.answers, _address(request), answers.code)))
        except Refused as refused:
            return _refusal(refused)
        return JSONResponse(record)

    async def api_handin(self, request: Request) -> Response:
        """413, 400, 422, then 429 (the address's wrong codes), 401, 403, 429 (hand-ins) and the receipt."""
        try:
            answers = parse_json(await read_body(request.headers, request.stream()))
            receipt = await run_in_threadpool(self._authenticated_handin, answers, _address(request))
        except Refused as refused:
            return _refusal(refused)
        return JSONResponse({"file": receipt.path.name, "sha256": receipt.sha256, "received": receipt.received})

    def _authenticated_handin(self, answers: Answers, address: str) -> Receipt:
        self.service.authenticate(answers.student_id, answers.code, address)
        return self.service.handin(answers.student_id, answers.answers, address)

    async def healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    # -- the page ------------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        student = self._student(request)
        if student is None:
            return self._login_page()
        return await self._sheet_page(student)

    async def login(self, request: Request) -> Response:
        student_id = ""
        try:
            _same_origin(request)
            fields = dict(parse_form(await read_body(request.headers, request.stream()), 10))
            student_id = fields.get("student_id", "").strip()[:MAX_ID_CHARS]
            await run_in_threadpool(self.service.authenticate, student_id, fields.get("code", "")[:MAX_CODE_CHARS],
                                    _address(request), True)
        except Refused as refused:
            return self._login_page(refused.message, student_id, refused.status, refused.headers)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, self.sessions.make(student_id, self.service.clock()), max_age=MAX_AGE,
                            path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response

    async def page_check(self, request: Request) -> Response:
        return await self._page_post(request, handin=False)

    async def page_handin(self, request: Request) -> Response:
        return await self._page_post(request, handin=True)

    async def _page_post(self, request: Request, handin: bool) -> Response:
        student = self._student(request)
        if student is None:
            return self._login_page("Please log in again.", status=401)
        values: dict[str, str] = {}
        try:
            _same_origin(request)
            values = form_answers(parse_form(await read_body(request.headers, request.stream()), MAX_ANSWERS + 10))
            if handin:
                receipt = await run_in_threadpool(self.service.handin, student, values, _address(request))
                shown = {"file": receipt.path.name, "sha256": receipt.sha256, "received": receipt.received}
                return await self._sheet_page(student, values, receipt=shown)
            record = await asyncio.wrap_future(self.service.submit_check(
                CheckRequest(student, values, _address(request))))
            return await self._sheet_page(student, values, result=record)
        except Refused as refused:
            return await self._sheet_page(student, values, message=refused.message, status=refused.status,
                                          headers=refused.headers)

    # -- rendering -----------------------------------------------------------------------------------

    def _student(self, request: Request) -> str | None:
        student = self.sessions.student(request.cookies.get(COOKIE), self.service.clock())
        return student if student is not None and self.service.may_log_in(student) else None

    def _render(self, template: str, status: int = 200, headers: dict[str, str] | None = None,
                **context: Any) -> Response:
        context.setdefault("title", self.service.assignment.title)
        html = self.templates.get_template(template).render(handout_css=Markup(HANDOUT_CSS), **context)
        return HTMLResponse(html, status_code=status, headers=headers)

    def _login_page(self, message: str = "", student_id: str = "", status: int = 200,
                    headers: dict[str, str] | None = None) -> Response:
        return self._render("login.html", status, headers, message=message, student_id=student_id)

    async def _sheet_page(self, student: str, values: dict[str, str] | None = None, *, result: Any = None,
                          receipt: Any = None, message: str = "", status: int = 200,
                          headers: dict[str, str] | None = None) -> Response:
        page = await run_in_threadpool(self.service.page, student)
        deadline = self.service.deadline
        return self._render(
            "sheet.html", status, headers, title=f"{self.service.assignment.title}: {student}",
            student_id=student, name=page.name, handout=Markup(page.body), questions=self.service.assignment.questions,
            values=values or {}, result=result, receipt=receipt, message=message,
            deadline=deadline.isoformat() if deadline else "", closed=self.service.closed)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _same_origin(request: Request) -> None:
    """Refuse a form posted from another site (the cookie is SameSite=Strict as well)."""
    origin = request.headers.get("origin")
    if request.headers.get("sec-fetch-site") == "cross-site" or (
            origin and origin != "null" and origin != f"{request.url.scheme}://{request.url.netloc}"):
        raise Refused(403, "this form must be sent from this page")


def _refusal(refused: Refused) -> Response:
    return JSONResponse({"error": refused.message}, status_code=refused.status, headers=refused.headers)


class _SecurityHeaders:
    """Adds the CSP and the other headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
