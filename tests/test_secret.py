"""Where the instructor's secret comes from: --secret, a file, $GRADER_SECRET, $GRADER_SECRET_FILE."""

from __future__ import annotations

import pytest

from grader.errors import ConfigError
from grader.secret import resolve_secret


@pytest.fixture
def secret_file(tmp_path):
    def make(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return make


@pytest.fixture
def everything_set(monkeypatch, secret_file):
    """Every source set, each to a different secret; returns the file for the command line."""
    monkeypatch.setenv("GRADER_SECRET", "from-environment")
    monkeypatch.setenv("GRADER_SECRET_FILE", str(secret_file("env.secret", "from-environment-file\n")))
    return secret_file("cli.secret", "from-file\n")


def test_an_explicit_secret_beats_every_other_source(everything_set):
    assert resolve_secret("from-option", everything_set) == "from-option"


def test_a_file_beats_the_environment(everything_set):
    assert resolve_secret(None, everything_set) == "from-file"
    assert resolve_secret(None, str(everything_set)) == "from-file"


def test_grader_secret_beats_grader_secret_file(everything_set):
    assert resolve_secret() == "from-environment"


def test_grader_secret_file_is_used_when_nothing_else_is_set(everything_set, monkeypatch):
    monkeypatch.delenv("GRADER_SECRET")
    assert resolve_secret() == "from-environment-file"


def test_an_empty_grader_secret_counts_as_not_set(everything_set, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "")
    assert resolve_secret() == "from-environment-file"


def test_nothing_set_gives_none(no_secret):
    assert resolve_secret() is None
    assert resolve_secret(None, None) is None


@pytest.mark.parametrize(("text", "secret"), [
    ("s3cret\n", "s3cret"),
    ("  s3cret  \r\n\n", "s3cret"),
    ("pass phrase with spaces\n", "pass phrase with spaces"),
    ("ünïcödé", "ünïcödé"),
])
def test_a_secret_file_is_read_without_its_surrounding_whitespace(no_secret, secret_file, text, secret):
    assert resolve_secret(None, secret_file("secret.txt", text)) == secret


@pytest.mark.parametrize("text", ["", "\n", "   \n\t\n"])
@pytest.mark.parametrize("given", ["option", "environment"])
def test_an_empty_secret_file_is_a_config_error_naming_the_file(no_secret, monkeypatch, secret_file, text, given):
    path = secret_file("empty.secret", text)
    if given == "environment":
        monkeypatch.setenv("GRADER_SECRET_FILE", str(path))
    with pytest.raises(ConfigError) as caught:
        resolve_secret(None, path if given == "option" else None)
    message = str(caught.value)
    assert message.startswith(f"{path}: (secret file): ")
    assert "non-empty" in message and "\n" not in message


@pytest.mark.parametrize("given", ["option", "environment"])
def test_a_missing_secret_file_is_a_config_error_naming_the_file(no_secret, monkeypatch, tmp_path, given):
    path = tmp_path / "no-such.secret"
    if given == "environment":
        monkeypatch.setenv("GRADER_SECRET_FILE", str(path))
    with pytest.raises(ConfigError) as caught:
        resolve_secret(None, path if given == "option" else None)
    assert str(caught.value).startswith(f"{path}: (secret file): ")
    assert "\n" not in str(caught.value)


def test_an_explicit_secret_does_not_read_a_broken_file(no_secret, tmp_path):
    assert resolve_secret("from-option", tmp_path / "no-such.secret") == "from-option"
