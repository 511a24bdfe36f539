"""Typed fields read out of one mapping of a YAML file, each failure naming the file, the field's full
name, what was expected and what was found (``FILE: questions[s1].points: expected a number, got text
'one'``)."""

from __future__ import annotations

from typing import Any

from grader.errors import ConfigError


class Fields:
    """Reads typed fields out of one mapping of the file, failing with the field's full name."""

    def __init__(self, file: str, where: str, mapping: Any) -> None:
        self.file, self.where = file, where
        if not isinstance(mapping, dict):
            raise ConfigError(file, where or "(top level)", f"a mapping, got {kind_of(mapping)}")
        self.mapping = mapping

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, expected: str) -> ConfigError:
        """``FILE: FIELD: expected EXPECTED`` (``expected`` says what was found too, after ``got``)."""
        return ConfigError(self.file, self.name(key), expected)

    def get(self, key: str, kind: type | tuple[type, ...], expected: str, default: Any = ...) -> Any:
        if key not in self.mapping:
            if default is ...:
                raise self.fail(key, f"{expected}, got nothing (the field is missing)")
            return default
        value = self.mapping[key]
        if kind in (float, (int, float)) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise self.fail(key, f"{expected}, got {kind_of(value)} {value!r}")
        return value

    def sub(self, key: str, default: Any = ...) -> "Fields":
        value = self.mapping.get(key, default if default is not ... else None)
        if key not in self.mapping and default is ...:
            raise self.fail(key, "a mapping, got nothing (the field is missing)")
        return Fields(self.file, self.name(key), value)

    def only(self, allowed: set[str]) -> None:
        unknown = sorted(str(k) for k in self.mapping if k not in allowed)
        if unknown:
            raise self.fail(unknown[0], f"a field among {', '.join(sorted(allowed))}, got one of no such name")


def kind_of(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )
