"""Shared fixtures: where the repository and the bundled assignment are, and a secret-free environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import driver  # noqa: F401 (the fixture: headless Debian chromium)

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"


@pytest.fixture(scope="session")
def assignment():
    """The bundled practice-9 assignment, loaded once."""
    from grader.assignment import load_assignment

    return load_assignment(ASSIGNMENT)


@pytest.fixture
def no_secret(monkeypatch):
    """No instructor secret from the environment: variants are the secret-free ones."""
    monkeypatch.delenv("GRADER_SECRET", raising=False)
    monkeypatch.delenv("GRADER_SECRET_FILE", raising=False)
