"""Fixtures for the web page: the app on a fresh hand-in folder with a clock the test moves, and its client."""

from __future__ import annotations

import pytest

from grader.web import create_app
from web.helpers import ASSIGNMENT, SECRET, Clock, Served, TestClient


@pytest.fixture
def serve(tmp_path):
    """``serve(roster=None, deadline=None)``: the app on a fresh hand-in folder, with its client."""
    apps = []

    def make(roster=None, deadline=None) -> Served:
        clock = Clock()
        handins = tmp_path / f"handins{len(apps)}"
        app = create_app(ASSIGNMENT, handins, SECRET, roster=roster, deadline=deadline, clock=clock)
        apps.append(app)
        return Served(app, TestClient(app), clock, handins)

    yield make
    for app in apps:
        app.state.service.close()


@pytest.fixture
def served(serve) -> Served:
    return serve()
