"""What each answer deserves and why: correct, follow-through, slip, wrong, unreadable, missing.

``grade_class`` is pure: it reads no file and writes none. It grades a whole class at once:
the graph is evaluated over every student's variant with every student's own answers as
overrides (follow-through), and once more per named slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from operator import itemgetter
from typing import Mapping, NamedTuple, Sequence

import numpy as np

from grader.assignment import Assignment, Question
from grader.compare import shows_precision, within
from grader.key import Key
from grader.submissions.records import Answer, Submission
from grader.tolerances import question_tolerances


class Verdict(Enum):
    CORRECT = "correct"
    FOLLOW_THROUGH = "follow-through"
    SLIP = "slip"
    WRONG = "wrong"
    UNREADABLE = "unreadable"
    MISSING = "missing"

    # Identity hashing in C (Enum's own hashes the name in Python): verdicts are counted and
    # looked up by the hundred thousand. Equality is identity already, so the two agree.
    __hash__ = object.__hash__


class Outcome(NamedTuple):
    """One numeric question of one student: the verdict, the points and what feedback needs.

    ``expected`` is the reference value (for the instructor only); ``recomputed`` the value
    follow-through or the slip leads to from the student's own earlier answers. (A NamedTuple:
    immutable like the other records, and cheap to make by the hundred thousand.)
    """

    question: str
    verdict: Verdict
    points: float
    max_points: float
    answer: Answer | None
    expected: float
    allowed: float
    message: str
    recomputed: float | None = None
    slip: str | None = None
    upstream: tuple[str, ...] = ()


class Marks(NamedTuple):
    """What the gradebook, the workbook and the statistics keep of one graded submission.

    Plain values only, so that a process that graded part of a class sends them back cheaply;
    the full ``GradedSubmission`` (answers, messages, sources) stays where the feedback is written.
    """

    student_id: str
    file: str
    modified: float                 # the file's modification time: the newest file of a student counts
    verdicts: tuple[Verdict, ...]   # per numeric question, in the assignment's order
    slips: tuple[str | None, ...]   # the named slip per numeric question, where the verdict is a slip
    points: dict[str, float]        # automatic points: numeric questions and keyword-scored free text
    free_text: dict[str, str]       # free-text answers as written


_QUESTION, _VERDICT, _POINTS, _SLIP = (itemgetter(Outcome._fields.index(name))
                                       for name in ("question", "verdict", "points", "slip"))


@dataclass(frozen=True)
class GradedSubmission:
    submission: Submission
    outcomes: tuple[Outcome, ...]
    free_text: Mapping[str, Answer]
    notes: tuple[str, ...] = ()
    keyword_outcomes: tuple[Outcome, ...] = ()  # free-text questions the assignment gives keywords for

    @property
    def student_id(self) -> str:
        return self.submission.student_id

    @property
    def total(self) -> float:
        return sum(o.points for o in (*self.outcomes, *self.keyword_outcomes))

    @property
    def max_total(self) -> float:
        return sum(o.max_points for o in (*self.outcomes, *self.keyword_outcomes))

    def outcome(self, question_id: str) -> Outcome:
        return self.by_question[question_id]

    @cached_property
    def by_question(self) -> dict[str, Outcome]:
        return {o.question: o for o in self.outcomes}

    @property
    def marks(self) -> Marks:
        scored = (*self.outcomes, *self.keyword_outcomes)
        return Marks(
            self.submission.student_id,
            self.submission.file,
            self.submission.modified,
            tuple(map(_VERDICT, self.outcomes)),
            tuple(map(_SLIP, self.outcomes)),
            dict(zip(map(_QUESTION, scored), map(_POINTS, scored))),
            {question: answer.raw for question, answer in self.free_text.items()},
        )


@dataclass(frozen=True)
class _Judged:
    """One question's verdicts for the whole class, decided with array operations."""

    verdict: list[Verdict]
    recomputed: list[float | None]  # follow-through or slip value, None where neither
    slip: list[str | None]
    refusal: list[str | None]       # why follow-through credit was refused
    upstream: list[tuple[str, ...]] # wrong earlier answers this one builds on


_STATE_OK, _STATE_MISSING, _STATE_UNREADABLE, _STATE_IMPRECISE = range(4)


def grade_class(
    assignment: Assignment,
    key: Key,
    submissions: Sequence[Submission],
    notes: Sequence[tuple[str, ...]] | None = None,
) -> list[GradedSubmission]:
    """Grade every submission against its own variant (row ``i`` of ``key`` for submission ``i``);
    ``notes[i]`` are remarks for submission ``i``'s feedback."""
    if len(key) != len(submissions):
        raise ValueError(f"{len(submissions)} submissions but {len(key)} variants")
    if not submissions:
        return []
    graph = assignment.graph
    nodes = graph.question_nodes
    params = key.variants.columns
    tolerances = question_tolerances(assignment, params, key.values)
    questions = assignment.numeric_questions
    ids = [q.id for q in questions]
    by_row = [list(map(s.answers.get, ids)) for s in submissions]  # map and zip loop in C
    answers = dict(zip(ids, map(list, zip(*by_row))))
    read = {q.id: _read_column(q, answers[q.id]) for q in questions}
    given = {qid: values for qid, (values, _) in read.items()}
    reference = {q.id: np.asarray(key.values[nodes[q.id].name], dtype=float) for q in questions}
    allowed = {q.id: tolerances.allowed(q.id, reference[q.id]) for q in questions}
    own = {nodes[q.id].name: given[q.id] for q in questions}
    filled = {nodes[q.id].name: np.where(np.isnan(given[q.id]), reference[q.id], given[q.id]) for q in questions}
    follow = graph.evaluate(params, overrides=filled).computed
    chain = graph.evaluate(params, overrides=own).computed
    slipped = {slip.name: graph.evaluate(params, overrides=own, slip=slip).computed for slip in graph.slips}
    upstream_of = {q.id: tuple(graph.by_name[n].question for n in graph.nearest_questions_upstream(nodes[q.id].name))
                   for q in questions}
    # An earlier answer that is given and wrong, or given as exactly 0 where the value is not;
    # a blank one counts as wrong where it would be computed from wrong answers of its own.
    off = {q: ~np.isnan(given[q]) & ~within(given[q], reference[q], allowed[q]) for q in given}
    for qid in nodes:  # graph order: what a question reads comes before it
        gap = np.isnan(given[qid])
        for u in upstream_of[qid]:
            off[qid] = off[qid] | (gap & off[u])
    zero = {q: (given[q] == 0.0) & (np.abs(reference[q]) > allowed[q]) for q in given}

    def wrong_given(question_id: str, row: int) -> tuple[str, ...]:
        """The wrong answers the student wrote that ``question_id`` builds on (itself if written)."""
        if not np.isnan(given[question_id][row]):
            return (question_id,)
        found = (r for u in upstream_of[question_id] if off[u][row] for r in wrong_given(u, row))
        return tuple(dict.fromkeys(found))

    judged = {}
    for question in questions:
        node = nodes[question.id]
        upstream = upstream_of[question.id]
        judged[question.id] = _judge(
            question.id, node.domain, read[question.id][1], given[question.id], reference[question.id], allowed[question.id],
            [follow[node.name], chain[node.name]], {name: values[node.name] for name, values in slipped.items()},
            tolerances, upstream, off, zero, wrong_given,
        )

    columns = [_outcomes(assignment, q, answers[q.id], judged[q.id], reference[q.id].tolist(), allowed[q.id].tolist())
               for q in questions]
    graded = []
    text_ids = [q.id for q in assignment.text_questions]
    for row, (submission, outcomes) in enumerate(zip(submissions, zip(*columns))):
        free_text = {qid: submission.answers[qid] for qid in text_ids if qid in submission.answers}
        keyworded = tuple(_keywords_outcome(q, free_text.get(q.id)) for q in assignment.text_questions if q.keywords)
        graded.append(GradedSubmission(submission, outcomes, free_text, notes[row] if notes else (), keyworded))
    return graded


def _read_column(question: Question, answers: Sequence[Answer | None]) -> tuple[np.ndarray, np.ndarray]:
    """One question's answers for the class: the numbers (NaN where there is none) and each one's state."""
    nan = float("nan")
    tolerance = question.tolerance
    digits_matter = tolerance.require_digits
    values: list[float] = []
    states: list[int] = []
    for answer in answers:
        if answer is None:
            values.append(nan)
            states.append(_STATE_MISSING)
        elif answer.value is None or answer.problem is not None:
            values.append(nan)
            blank = not answer.raw.strip() and answer.problem in (None, "blank")
            states.append(_STATE_MISSING if blank else _STATE_UNREADABLE)
        else:
            values.append(float(answer.value))
            precise = not digits_matter or shows_precision(tolerance, answer.raw)
            states.append(_STATE_OK if precise else _STATE_IMPRECISE)
    return np.array(values, dtype=float), np.array(states, dtype=np.int8)


def _judge(qid, domain, state, given, reference, allowed, recomputations, slip_values, tolerances, upstream,
           off, zero, wrong_given) -> _Judged:
    n = len(given)
    verdict = np.full(n, Verdict.WRONG, dtype=object)
    verdict[state == _STATE_MISSING] = Verdict.MISSING
    verdict[state == _STATE_UNREADABLE] = Verdict.UNREADABLE
    readable = state == _STATE_OK
    correct = readable & within(given, reference, allowed)
    verdict[correct] = Verdict.CORRECT
    open_ = readable & ~correct

    recomputed = np.full(n, np.nan)
    wrong_upstream = np.zeros(n, dtype=bool)
    for u in upstream:
        wrong_upstream |= off[u]
    candidates = open_ & wrong_upstream
    for values in recomputations:
        hit = candidates & np.isnan(recomputed) & within(given, values, tolerances.allowed(qid, values))
        recomputed[hit] = values[hit]
    matched = ~np.isnan(recomputed)
    refusal = np.full(n, None, dtype=object)
    if matched.any():
        for u in upstream:
            refusal[matched & zero[u] & (refusal == None)] = f"no follow-through credit is given from {u} = 0"  # noqa: E711
        trivial = matched & (recomputed == 0.0) & (reference != 0.0) & (refusal == None)  # noqa: E711
        refusal[trivial] = "no follow-through credit is given for a result of exactly 0"
        low, high = domain
        outside = matched & ((recomputed < low) | (recomputed > high)) & (refusal == None)  # noqa: E711
        refusal[outside] = f"the result is outside the range this quantity can take ({low:g} to {high:g})"
    credited = matched & (refusal == None)  # noqa: E711
    verdict[credited] = Verdict.FOLLOW_THROUGH

    slip = np.full(n, None, dtype=object)
    remaining = open_ & ~matched
    for name, values in slip_values.items():
        if not remaining.any():
            break
        hit = remaining & ~within(values, reference, allowed) & within(given, values, tolerances.allowed(qid, values))
        slip[hit] = name
        recomputed[hit] = values[hit]
        verdict[hit] = Verdict.SLIP
        remaining &= ~hit
    upstream_lists = [()] * n
    for i in np.flatnonzero(matched).tolist():
        upstream_lists[i] = tuple(dict.fromkeys(r for u in upstream if off[u][i] for r in wrong_given(u, i)))
    recomputed_list = [None if v != v else v for v in recomputed.tolist()]  # NaN -> None
    return _Judged(list(verdict), recomputed_list, list(slip), list(refusal), upstream_lists)


def _outcomes(assignment: Assignment, question: Question, answers: Sequence[Answer | None], judged: _Judged,
              reference: list[float], allowed: list[float]) -> list[Outcome]:
    """One question's outcomes for the class (a right answer, the common case, made directly)."""
    qid, points = question.id, question.points
    full, right, make = points * 1.0, Verdict.CORRECT, tuple.__new__  # tuple.__new__: Outcome's own, minus a call
    return [
        make(Outcome, (qid, right, full, points, answer, expected, allowance, "correct", None, None, ()))
        if verdict is right
        else _outcome(assignment, question, answer, judged, row, expected, allowance)
        for row, (verdict, answer, expected, allowance) in enumerate(zip(judged.verdict, answers, reference, allowed))
    ]


def _outcome(assignment: Assignment, question: Question, answer: Answer | None, judged: _Judged, row: int,
             reference: float, allowed: float) -> Outcome:
    verdict = judged.verdict[row]
    points = question.points
    slip_name = None
    if verdict is Verdict.CORRECT:
        share, message = 1.0, "correct"
    elif verdict is Verdict.MISSING:
        share, message = 0.0, "no answer given"
    elif verdict is Verdict.UNREADABLE:
        problem = answer.problem if answer.problem and answer.problem != "blank" else \
            f"could not read {answer.raw!r} as a number"
        share, message = 0.0, f"{problem} ({answer.source})"
    elif verdict is Verdict.FOLLOW_THROUGH:
        share = assignment.follow_through
        message = (f"follow-through: right when computed from your own {', '.join(judged.upstream[row])}, "
                   f"so it counts; the mistake is in an earlier step")
    elif verdict is Verdict.SLIP:
        slip = assignment.graph.slip(judged.slip[row])
        share, message = assignment.slip, f"a known slip: {slip.description}"
        slip_name = slip.name
    elif judged.refusal[row]:
        share, message = 0.0, f"consistent with your earlier answers, but {judged.refusal[row]}"
    elif not shows_precision(question.tolerance, answer.raw):
        share, message = 0.0, f"write the answer to {question.tolerance.describe()}"
    else:
        node = assignment.graph.question_nodes[question.id]
        share, message = 0.0, _hint(float(answer.value), reference, allowed, node.label)
    return Outcome(question.id, verdict, points * share, points, answer, reference, allowed, message,
                   judged.recomputed[row], slip_name, judged.upstream[row])


def _keywords_outcome(question: Question, answer: Answer | None) -> Outcome:
    """A free-text answer scored by the share of the assignment's keywords it contains."""
    text = answer.raw.casefold() if answer else ""
    if not text.strip():
        return Outcome(question.id, Verdict.MISSING, 0.0, question.points, answer, float("nan"), 0.0,
                       "no answer given")
    found = [k for k in question.keywords if k.casefold() in text]
    share = len(found) / len(question.keywords)
    verdict = Verdict.CORRECT if share == 1 else Verdict.WRONG
    message = f"{len(found)} of {len(question.keywords)} key ideas found; a person may still adjust the points"
    return Outcome(question.id, verdict, question.points * share, question.points, answer, float("nan"), 0.0, message)


def _hint(given: float, reference: float, allowed: float, label: str) -> str:
    """A nudge that does not give the answer away."""
    formula = f" (check {label})" if label else ""
    if reference != 0 and abs(given + reference) <= allowed:
        return "not right: the size looks right but the sign is not"
    if reference != 0 and given != 0:
        ratio = abs(given / reference)
        for power in (10.0, 100.0, 1000.0):
            if abs(ratio * power - 1) < 0.01 or abs(ratio / power - 1) < 0.01:
                return "not right: the digits look right, check the decimal point"
    if reference != 0 and abs(given - reference) <= 0.05 * abs(reference):
        return f"close, but outside the tolerance: carry more digits through the earlier steps{formula}"
    return f"not right{formula}"
