"""The students' web page (``grader serve``): log in with id and access code, read one's own handout,
check answers as often as allowed, hand them in.

    app        create_app(assignment_path, handins, secret, roster=None, deadline=None, clock=time.time)
    service    what the page does, without HTTP: log-in, check, hand-in, a student's own handout
    payload    request bodies read defensively (64 KiB, JSON and form fields, their shape)
    handins    answers as a YAML submission; hand-in files, never overwritten
    attempts   the attempt log DIR/attempts.sqlite and the rate limits read from it
    session    the signed login cookie
"""

from __future__ import annotations

from grader.web.app import create_app

__all__ = ["create_app"]
