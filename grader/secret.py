"""Where the instructor's secret comes from: --secret, $GRADER_SECRET, or a file they keep."""

from __future__ import annotations

import os
from pathlib import Path

from grader.errors import ConfigError

ENVIRONMENT_VARIABLE = "GRADER_SECRET"
FILE_VARIABLE = "GRADER_SECRET_FILE"


def resolve_secret(explicit: str | None = None, file: str | Path | None = None) -> str | None:
    """The secret to mix into every variant, or None (variants are then still deterministic).

    Order: an explicit value, a file named on the command line, $GRADER_SECRET,
    the file named by $GRADER_SECRET_FILE.
    """
    if explicit:
        return explicit
    if file:
        return _read(Path(file))
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return os.environ[ENVIRONMENT_VARIABLE]
    if os.environ.get(FILE_VARIABLE):
        return _read(Path(os.environ[FILE_VARIABLE]))
    return None


def _read(file: Path) -> str:
    try:
        secret = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(str(file), "(secret file)", f"a readable file holding the secret, got {exc.strerror or exc}") from None
    if not secret:
        raise ConfigError(str(file), "(secret file)", "a non-empty secret, got an empty file")
    return secret
