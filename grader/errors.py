"""The library's own errors; the command line catches only ``GraderError``.

    GraderError                      base of everything grader raises on purpose
     ├── ConfigError(ValueError)     an assignment, roster or overrides file is wrong
     ├── UsageError(ValueError)      a command was called with arguments that cannot work
     ├── RejectedFile(ValueError)    a submission given on its own could not be read
     └── VariantError(RuntimeError)  no valid variant could be drawn for a student

Each message is one line naming the file, the field and what was expected.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of every error grader raises on purpose."""


class ConfigError(GraderError, ValueError):
    """A configuration file (assignment, roster, overrides) is malformed: one line, ``FILE: FIELD: expected
    WHAT`` (what was found, where it helps, after ``got``)."""

    def __init__(self, file: str, field: str, expected: str) -> None:
        self.file, self.field, self.expected = str(file), field, expected
        super().__init__(f"{self.file}: {field}: expected {expected}")

    def __reduce__(self):  # pickled with its three parts (it crosses from a worker process)
        return (type(self), (self.file, self.field, self.expected))


class UsageError(GraderError, ValueError):
    """A command's arguments cannot work (missing file, unknown student, ...)."""


class RejectedFile(GraderError, ValueError):
    """A submission file could not be read (for commands that take one file)."""


class VariantError(GraderError, RuntimeError):
    """The variant generator could not satisfy the declared constraints."""
