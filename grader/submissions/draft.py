"""One submission being collected, answer by answer, whatever the file format.

Every reader feeds a ``Draft``; it applies the rules that do not depend on the
format (canonical ids, unknown ids, free text, duplicates, the student id) and
``finish`` turns it into a ``Submission`` or a ``Rejection``.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.submissions.ids import QuestionSet, canonical_question, student_id_text
from grader.submissions.numbers import cell_text, parse_number
from grader.submissions.records import Answer, Rejection, Source, Submission


@dataclass(frozen=True)
class Origin:
    """The file a submission comes from: its name, the id its name gives, its mtime.

    ``id_source`` says where ``name_id`` comes from, for the note when the file gives another id
    (empty: no note, as for an LMS download's ``participant_<n>``)."""

    file: str
    name_id: str = ""
    modified: float = 0.0
    id_source: str = "in the file name"


def where(source: Source) -> str:
    """``line 7`` or ``cell B7`` (the part of ``str(source)`` after the file)."""
    if source.cell:
        return f"cell {source.cell}"
    if source.row is not None:
        return f"line {source.row}"
    return "the file"


def rejection(origin: Origin, reason: str, source: Source | None = None, student_id: str | None = None) -> Rejection:
    """A rejection whose reason names the file and, when known, the line or cell."""
    place = str(source) if source is not None else origin.file
    return Rejection(origin.file, f"{place}: {reason}", student_id or origin.name_id or None)


class Draft:
    """The answers, parameters and notes of one submission as they are read."""

    def __init__(self, origin: Origin, questions: QuestionSet, *, use_name_id: bool = True) -> None:
        self.origin = origin
        self.questions = questions
        self.use_name_id = use_name_id
        self.student_id = ""
        self.answers: dict[str, Answer] = {}
        self.params: dict[str, str] = {}
        self.notes: list[str] = []
        self.known = 0
        self._exact = questions.lookup.get  # ids spelled exactly, the common case, found directly
        self._free_text = questions.free_text

    def set_student_id(self, value: object) -> None:
        """The student id the file itself gives (blank values are ignored)."""
        text = student_id_text(value)
        if text:
            self.student_id = text

    def add_param(self, name: str, value: object) -> None:
        """A parameter of the student's variant, kept as text."""
        self.params[name.strip()] = cell_text(value).strip()

    def add_answer(self, label: str, value: object, source: Source, problem: str | None = None) -> None:
        """The answer ``value`` to the question labelled ``label``.

        ``problem`` overrides number reading, for cells the reader already knows are
        unreadable (a formula with no saved value, a list in YAML).
        """
        question = self._exact(label) or canonical_question(label, self.questions)
        raw = value if type(value) is str else cell_text(value)
        if question is None:
            if not raw.strip():
                return  # an unknown id with no answer carries nothing
            question = label.strip()
            self.notes.append(f"unknown question {_quoted(question)} ({where(source)})")
            number, reason = parse_number(value) if problem is None else (None, problem)
        elif question in self._free_text:
            number, reason = None, None
            self.known += 1
        else:
            number, reason = parse_number(value) if problem is None else (None, problem)
            self.known += 1
        previous = self.answers.get(question)
        if previous is not None:
            places = f"{where(previous.source)} and {where(source)}"
            self.notes.append(f"question {_quoted(question)} answered twice ({places}); the last one counts")
        self.answers[question] = Answer(question, raw, number, reason, source)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def finish(self, place: Source | None = None) -> Submission | Rejection:
        """The submission, or a rejection when it names no known question or no student."""
        name_id = self.origin.name_id if self.use_name_id else ""
        student_id = self.student_id or name_id
        if not student_id:
            if self.use_name_id:
                return rejection(self.origin, "no student id in the file, and none in its name", place)
            return rejection(self.origin, "no student id in this row", place)
        if not self.known:
            expected = ", ".join(self.questions.numeric[:3])
            return rejection(self.origin, f"no known question id (expected ids such as {expected})", place, student_id)
        if self.student_id and name_id and self.origin.id_source and self.student_id.casefold() != name_id.casefold():
            self.notes.append(
                f"student id {_quoted(self.student_id)} in the file differs from {_quoted(name_id)}"
                f" {self.origin.id_source}; the file's id is used"
            )
        return Submission(
            student_id=student_id,
            file=self.origin.file,
            answers=self.answers,
            params=self.params,
            notes=tuple(self.notes),
            modified=self.origin.modified,
        )


def _quoted(text: str) -> str:
    return f"'{text}'"

