"""Question ids and student ids as students spell them.

Question ids match ignoring case, surrounding spaces and ``/`` versus ``_``
(``dE/dw5`` is ``dE_dw5``); a sheet may give a question other spellings (practice09: ``yhat`` and
``ŷ`` also name ``y_hat``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from grader.submissions.numbers import cell_text

# Labels that name the student id cell or row, in matching form.
_STUDENT_ID_LABELS = frozenset({"student_id", "studentid", "student_id:", "student id", "student id:"})


@dataclass(frozen=True)
class QuestionSet:
    """The question ids of an assignment, in canonical spelling."""

    numeric: tuple[str, ...]
    text: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (other spelling, canonical id), as the sheet gives them

    @cached_property
    def lookup(self) -> Mapping[str, str]:
        """Matching form -> canonical id, aliases included."""
        ids = (*self.numeric, *self.text)
        table = {_matching_form(q): q for q in ids}
        for alias, target in self.aliases:
            if target in ids:
                table.setdefault(_matching_form(alias), target)
        table.update({q: q for q in ids})  # exact spellings: found without normalising
        return table

    @cached_property
    def free_text(self) -> frozenset[str]:
        """The canonical ids whose answers are free text."""
        return frozenset(self.text)


def _matching_form(name: str) -> str:
    if not name.isascii():
        name = unicodedata.normalize("NFC", name).replace("\ufeff", "").replace("\u200b", "")
    return name.strip().casefold().replace("/", "_")


def canonical_question(name: str, questions: QuestionSet) -> str | None:
    """The canonical id ``name`` spells in ``questions``, or ``None`` if it names none."""
    lookup = questions.lookup
    found = lookup.get(name)
    return found if found is not None else lookup.get(_matching_form(name))


def is_student_id_label(text: str) -> bool:
    """Whether a cell or key ``text`` labels the student id (``student_id``, ``Student ID:``)."""
    return text.lstrip()[:1] in ("s", "S") and _matching_form(text) in _STUDENT_ID_LABELS


def student_id_text(value: object) -> str:
    """A student id as written in a cell: stripped; Excel's ``12345.0`` is ``"12345"``."""
    return cell_text(value).strip()


def student_id_from_name(file_name: str) -> str:
    """The student id a file name gives: the name up to the first ``_`` or ``.``."""
    return file_name.split("_", 1)[0].split(".", 1)[0].strip()
