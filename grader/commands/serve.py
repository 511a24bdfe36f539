"""``grader serve``: the students' web page while they work (see ``grader.web``).

Refuses to start without a secret (the access codes are made from it), before any port is bound.
"""

from __future__ import annotations

import sys
from pathlib import Path

from grader.errors import UsageError


def serve(
    *,
    assignment: str | Path,
    handins: str | Path,
    secret: str | None,
    roster: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    deadline: str | None = None,
) -> None:
    """Serve until interrupted; hand-ins and ``attempts.sqlite`` go to ``handins``. Everything is checked
    (the secret first, then the port, the deadline, the sheet and the roster) before a port is bound."""
    from grader.web.app import NO_SECRET, create_app

    if not secret:
        raise UsageError(NO_SECRET)
    if not 0 < port < 65536:
        raise UsageError(f"--port: expected 1 to 65535, got {port}")
    app = create_app(assignment, handins, secret, roster=roster, deadline=deadline)
    import uvicorn

    service = app.state.service
    print(f"grader: serving {service.assignment.id} on http://{host}:{port}/ (hand-ins in {Path(handins)})",
          file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=False, server_header=False)
