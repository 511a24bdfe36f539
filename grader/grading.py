"""What each answer deserves and why: correct, follow-through, slip, wrong, unreadable, missing.

``grade_class`` is pure: it reads no file and writes none. It grades a whole class at once. Each
numeric answer ends in one outcome, judged in this order:
1. correct: within the question's tolerance of the reference value;
2. follow-through: the question recomputed from the student's own values (``grader.recompute``:
   own values, blanks computed, the hint table's printed values) matches the answer;
3. slip: the answer matches a named slip from the student's own values, where the slip changes
   the value beyond rounding; a slip's family is charged once, in sheet order, and later questions
   consistent with it follow through (``slip_carry: false`` charges every one);
4. wrong, unreadable, missing.
Guards against gaming: no credit rests on an own value outside its quantity's range, nor on a
trivial one (below ``graded_value_min_abs`` and a tenth of the reference) that was not accepted,
nor on a trivial result recomputed from an answer that was not accepted; an answer that only such
a recomputation explains is wrong even inside the tolerance. An accepted value counts however small
(a saturated neuron's output): questions are judged in graph order, so that is known in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from grader.assignment import Assignment, Question
from grader.compare import shows_precision, within
from grader.key import Key
from grader.outcomes import GradedSubmission, Marks, Outcome, Verdict
from grader.recompute import HINT, Recomputation, outside, recompute, trivial
from grader.submissions.records import Answer, Submission
from grader.tolerances import Tolerances, question_tolerances

__all__ = ["GradedSubmission", "Marks", "Outcome", "Verdict", "grade_class"]  # the records live in grader.outcomes


@dataclass(frozen=True)
class _Judged:
    """One question's verdicts for the whole class, decided with array operations."""

    verdict: list[Verdict]
    recomputed: list[float | None]  # follow-through or slip value, None where neither
    slip: list[str | None]          # the named slip the answer matches (charged, or carried)
    refused: list[str | None]       # why a recomputation the answer matches earns nothing
    source: list[str | None]        # the recomputation follow-through credit rests on
    carried_from: list[str | None]  # the question where the slip's family was charged
    upstream: list[tuple[str, ...]] # wrong earlier answers this one builds on


_STATE_OK, _STATE_MISSING, _STATE_UNREADABLE, _STATE_IMPRECISE = range(4)
# Why a recomputation the answer matches cannot carry credit (kept per student, for the message).
_RANGE, _SMALL = "range", "small"


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
    nodes = assignment.graph.question_nodes
    params = key.variants.columns
    tolerances = question_tolerances(assignment, params, key.values)
    questions = assignment.numeric_questions
    ids = [q.id for q in questions]
    by_row = [list(map(s.answers.get, ids)) for s in submissions]  # map and zip loop in C
    answers = dict(zip(ids, map(list, zip(*by_row))))
    read = {q.id: _read_column(q, answers[q.id]) for q in questions}
    given = {qid: values for qid, (values, _) in read.items()}
    reference = {q.id: np.asarray(key.values[nodes[q.id].name], dtype=float) for q in questions}
    follow, slips = recompute(assignment, params, given, reference, key.values)
    context = _Context(assignment, given, answers, reference,
                       {q.id: tolerances.allowed(q.id, reference[q.id]) for q in questions})
    matched = _judge_in_graph_order(context, {qid: state for qid, (_, state) in read.items()}, tolerances,
                                    follow, slips)
    judged = _charge_slips(context, matched)
    columns = [_outcomes(context, q, judged[q.id]) for q in questions]
    graded = []
    text_ids = [q.id for q in assignment.text_questions]
    for row, (submission, outcomes) in enumerate(zip(submissions, zip(*columns))):
        free_text = {qid: submission.answers[qid] for qid in text_ids if qid in submission.answers}
        keyworded = tuple(_keywords_outcome(q, free_text.get(q.id)) if q.keywords else _person_outcome(q, free_text.get(q.id))
                          for q in assignment.scored_text_questions)
        graded.append(GradedSubmission(submission, outcomes, free_text, notes[row] if notes else (), keyworded))
    return graded


class _Context:
    """What the judging of every question of a class shares: the answers, the reference, and which
    earlier answers are wrong (for feedback that names them)."""

    def __init__(self, assignment: Assignment, given: dict[str, np.ndarray], answers: dict[str, list],
                 reference: dict[str, np.ndarray], allowed: dict[str, np.ndarray]) -> None:
        graph = assignment.graph
        nodes = graph.question_nodes
        self.assignment, self.given, self.answers = assignment, given, answers
        self.reference, self.allowed = reference, allowed
        # Filled in while judging: own values nothing may rest on, and written values not accepted.
        self.bad: dict[str, np.ndarray] = {}
        self.unaccepted: dict[str, np.ndarray] = {}
        self.upstream_of = {
            qid: tuple(graph.by_name[n].question for n in graph.nearest_questions_upstream(nodes[qid].name))
            for qid in given}
        # An earlier answer that is given and wrong; a blank one counts as wrong where it would be
        # computed from wrong answers of its own.
        self.off = {q: ~np.isnan(given[q]) & ~within(given[q], reference[q], allowed[q]) for q in given}
        for qid in nodes:  # graph order: what a question reads comes before it
            if qid not in given:
                continue
            gap = np.isnan(given[qid])
            for u in self.upstream_of[qid]:
                self.off[qid] = self.off[qid] | (gap & self.off[u])

    def wrong_given(self, question_id: str, row: int) -> tuple[str, ...]:
        """The wrong answers the student wrote that ``question_id`` builds on (itself if written)."""
        if not np.isnan(self.given[question_id][row]):
            return (question_id,)
        found = (r for u in self.upstream_of[question_id] if self.off[u][row] for r in self.wrong_given(u, row))
        return tuple(dict.fromkeys(found))

    def wrong_upstream(self, question_id: str, row: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for u in self.upstream_of[question_id] if self.off[u][row]
                                   for r in self.wrong_given(u, row)))

    def first_read(self, question_id: str, row: int, flags: dict[str, np.ndarray]) -> str | None:
        """The first own value, among those ``question_id`` reads (past blanks), flagged in ``flags``."""
        for u in self.upstream_of[question_id]:
            if np.isnan(self.given[u][row]):
                found = self.first_read(u, row, flags)
                if found:
                    return found
            elif u in flags and flags[u][row]:
                return u
        return None

    def refusal(self, question_id: str, row: int, why: str, value: float) -> str:
        """Why a recomputation that the answer matches earns nothing."""
        nodes = self.assignment.graph.question_nodes
        u = self.first_read(question_id, row, self.bad)
        if u is not None:
            own = self.given[u][row]
            low, high = nodes[u].domain
            reason = (f"{u} cannot be {own:g}: it lies between {low:g} and {high:g}" if not low <= own <= high
                      else f"no credit rests on a value of {u} that small")
            return f"consistent with your own {u} = {self.answers[u][row].raw}, but {reason}"
        low, high = nodes[question_id].domain
        if why == _RANGE:
            return (f"consistent with your earlier answers, but the result is outside the range this quantity "
                    f"can take ({low:g} to {high:g})")
        u = self.first_read(question_id, row, self.unaccepted)
        mine = f"your own {u}, which was not accepted" if u else "an answer that was not accepted"
        return (f"consistent with your earlier answers, but no credit rests on a result that small ({value:.2g}) "
                f"from {mine}")


class _Provenance:
    """For one recomputation, per node: does its value rest on an own value that is out of range,
    trivial and unexplained, or merely not accepted? Looked through computed nodes, not past an
    own value (which carries its own status)."""

    def __init__(self, graph, run: Recomputation, n: int) -> None:
        self.graph, self.run = graph, run
        self.none = np.zeros(n, dtype=bool)
        self.status: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # (range, trivial, unaccepted)

    def reads(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What the formula of node ``name`` reads, as the three flags."""
        flags = [self.status[i] for i in self.graph.inputs_of(name, self.run.slip) if i in self.status]
        if not flags:
            return self.none, self.none, self.none
        if len(flags) == 1:
            return flags[0]
        return tuple(np.logical_or.reduce([f[k] for f in flags]) for k in range(3))  # type: ignore[return-value]

    def computed(self, name: str) -> None:
        """Node ``name`` is computed, not written: it carries what it reads."""
        self.status[name] = self.none_flags() if name in self.run.fixed else self.reads(name)

    def written(self, name: str, given: np.ndarray, own: tuple[np.ndarray, np.ndarray, np.ndarray],
                reads: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        """A question node: the student's own status where written; a blank is the reference's
        (nothing) or, where blanks are computed, what it reads."""
        if name in self.run.fixed:
            self.status[name] = self.none_flags()
            return
        blank = reads if self.run.blanks_computed else self.none_flags()
        self.status[name] = tuple(np.where(given, o, b) for o, b in zip(own, blank))  # type: ignore[assignment]

    def none_flags(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.none, self.none, self.none


@dataclass
class _Matched:
    """One question after follow-through and slip matching, before slips are charged."""

    verdict: np.ndarray
    recomputed: np.ndarray
    source: np.ndarray
    refused: np.ndarray
    refused_value: np.ndarray
    slip: np.ndarray  # the matching slip (a Recomputation) per student, or None
    # A slip matched only within the fine tolerance (the answer is also near a rounded right value): it
    # counts as the family's follow-through where the family was charged already, else as nothing.
    weak: np.ndarray
    weak_value: np.ndarray


def _judge_in_graph_order(context: _Context, states: dict[str, np.ndarray], tolerances: Tolerances,
                          follow: Sequence[Recomputation], slips: Sequence[Recomputation]) -> dict[str, _Matched]:
    """Every question, in the order the graph computes them: what a question may rest on depends
    on which earlier answers were accepted."""
    graph = context.assignment.graph
    n = len(next(iter(context.given.values())))
    runs = [*follow, *slips]
    provenance = {run.name: _Provenance(graph, run, n) for run in runs}
    min_abs = context.assignment.constraints.graded_value_min_abs
    matched: dict[str, _Matched] = {}
    for node in graph.nodes:
        qid = node.question if node.question in context.given else None
        if qid is None:
            for p in provenance.values():
                p.computed(node.name)
            continue
        reads = {name: p.reads(node.name) for name, p in provenance.items()}
        result = _judge(context, qid, states[qid], tolerances, follow, slips, reads)
        matched[qid] = result
        given = context.given[qid]
        written = ~np.isnan(given)
        # Accepted: credited, a named slip, or consistent with an out-of-range value charged where it
        # was written (a1 = 5 costs a1 and what reads it, not every step after).
        accepted = (result.verdict == Verdict.CORRECT) | (result.verdict == Verdict.FOLLOW_THROUGH) \
            | (result.slip != None) | (result.refused == _RANGE)  # noqa: E711
        out_of_range = written & outside(given, node.domain)
        small = written & trivial(given, context.reference[qid], min_abs) & ~accepted
        context.bad[qid] = out_of_range | small
        context.unaccepted[qid] = written & ~accepted
        own = (out_of_range, small, context.unaccepted[qid])
        for name, p in provenance.items():
            p.written(node.name, written, own, reads[name])
    return matched


def _judge(context: _Context, qid: str, state: np.ndarray, tolerances: Tolerances,
           follow: Sequence[Recomputation], slips: Sequence[Recomputation],
           reads: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> _Matched:
    """One question for the class: correct, else follow-through, else a matching slip, else wrong."""
    given, reference, allowed = context.given[qid], context.reference[qid], context.allowed[qid]
    node = context.assignment.graph.question_nodes[qid]
    min_abs = context.assignment.constraints.graded_value_min_abs
    n = len(given)
    verdict = np.full(n, Verdict.WRONG, dtype=object)
    verdict[state == _STATE_MISSING] = Verdict.MISSING
    verdict[state == _STATE_UNREADABLE] = Verdict.UNREADABLE
    readable = state == _STATE_OK
    close = readable & within(given, reference, allowed)

    # A quantity with a bounded range (a logistic output, a probability) may take any value in it: a
    # saturated neuron's 0.0049 is a result like any other. Elsewhere a trivial result is suspect.
    bounded = np.isfinite(node.domain[0]) and np.isfinite(node.domain[1])

    def unusable(run: Recomputation, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(out of range, too small): no credit may rest on this recomputation."""
        bad_range, bad_small, unaccepted = reads[run.name]
        out = bad_range | outside(values, node.domain)
        small = ~out & bad_small
        if not bounded:
            small |= ~out & trivial(values, reference, min_abs) & unaccepted
        return out, small

    # An answer that only a recomputation resting on a trivial or impossible value explains earns
    # nothing, even where that lands within the tolerance (w5_new = w5 from a gradient of ~0).
    recomputed = np.full(n, np.nan)
    source = np.full(n, None, dtype=object)
    refused = np.full(n, None, dtype=object)
    refused_value = np.full(n, np.nan)
    explained_by_bad = np.zeros(n, dtype=bool)
    # (value, tolerance, coarse tolerance) a slip must differ from: a slip is never merely a rounded right value
    right_values = [(reference, allowed, tolerances.coarse(qid, reference))]
    for run in follow:
        values = run.values[qid]
        fine = tolerances.allowed(qid, values, run.rounding[qid])
        right_values.append((values, fine, tolerances.coarse(qid, values, run.rounding[qid])))
        match = readable & within(given, values, fine)
        out, small = unusable(run, values)
        credit = match & ~out & ~small & np.isnan(recomputed)
        recomputed[credit] = values[credit]
        source[credit] = run.name
        bad_read = reads[run.name][0] | reads[run.name][1]
        explained_by_bad |= match & bad_read
        first_refusal = match & (out | small) & (refused == None)  # noqa: E711
        refused[first_refusal & out] = _RANGE
        refused[first_refusal & small] = _SMALL
        refused_value[first_refusal] = values[first_refusal]
    explained = ~np.isnan(recomputed)
    correct = close & (explained | ~explained_by_bad)
    followed = explained & ~close
    verdict[correct] = Verdict.CORRECT
    verdict[followed] = Verdict.FOLLOW_THROUGH
    refused[correct | followed] = None
    recomputed[correct] = np.nan
    source[correct] = None

    slip = np.full(n, None, dtype=object)
    weak = np.full(n, None, dtype=object)
    weak_value = np.full(n, np.nan)
    remaining = readable & ~correct & ~followed & (refused == None)  # noqa: E711
    for run in slips:
        if not remaining.any():
            break
        values = run.values[qid]
        out, small = unusable(run, values)
        small |= trivial(values, reference, min_abs)  # a slip that makes the value ~0 is no explanation of a 0
        fits = remaining & ~out & ~small & within(given, values, tolerances.allowed(qid, values, run.rounding[qid]))
        clear = fits.copy()
        for right, fine, coarse in right_values:  # the slip changes this question's value beyond rounding
            fits &= ~within(values, right, fine)
            clear &= ~within(given, right, coarse) & ~within(values, right, coarse)
        hit = fits & clear
        slip[hit] = run
        recomputed[hit] = values[hit]
        faint = fits & ~hit & (weak == None)  # noqa: E711
        weak[faint] = run
        weak_value[faint] = values[faint]
        remaining &= ~hit
    return _Matched(verdict, recomputed, source, refused, refused_value, slip, weak, weak_value)


def _charge_slips(context: _Context, matched: dict[str, _Matched]) -> dict[str, _Judged]:
    """Named slips charged in sheet order: a family once, at its first question, unless the assignment
    says ``slip_carry: false``; a later question consistent with the same family follows through."""
    carry = context.assignment.slip_carry
    charged: dict[str, np.ndarray] = {}  # family -> the question where it was charged, per student
    judged = {}
    for question in context.assignment.numeric_questions:
        m = matched[question.id]
        n = len(m.verdict)
        carried_from = np.full(n, None, dtype=object)
        names = np.full(n, None, dtype=object)
        for i in np.flatnonzero(m.slip != None).tolist():  # noqa: E711  (few students: a loop is clearest)
            slip = m.slip[i].slip
            names[i] = slip.name
            first = charged.setdefault(slip.family_name, np.full(n, None, dtype=object))
            if carry and first[i] is not None:
                carried_from[i] = first[i]
                m.verdict[i] = Verdict.FOLLOW_THROUGH
            else:
                if first[i] is None:
                    first[i] = question.id
                m.verdict[i] = Verdict.SLIP
        for i in np.flatnonzero((m.weak != None) & (m.slip == None)).tolist():  # noqa: E711
            slip = m.weak[i].slip
            first = charged.get(slip.family_name)
            if carry and first is not None and first[i] is not None:  # the misconception shown before
                names[i], carried_from[i] = slip.name, first[i]
                m.recomputed[i] = m.weak_value[i]
                m.verdict[i] = Verdict.FOLLOW_THROUGH
        upstream: list[tuple[str, ...]] = [()] * n
        for i in np.flatnonzero((m.verdict == Verdict.FOLLOW_THROUGH) | (m.refused != None)).tolist():  # noqa: E711
            upstream[i] = context.wrong_upstream(question.id, i)
        refused = [None if why is None else context.refusal(question.id, i, why, value)
                   for i, (why, value) in enumerate(zip(m.refused.tolist(), m.refused_value.tolist()))]
        recomputed = [None if v != v else v for v in m.recomputed.tolist()]  # NaN -> None
        judged[question.id] = _Judged(list(m.verdict), recomputed, list(names), refused, list(m.source),
                                      list(carried_from), upstream)
    return judged


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


def _outcomes(context: _Context, question: Question, judged: _Judged) -> list[Outcome]:
    """One question's outcomes for the class (a right answer, the common case, made directly)."""
    qid, points = question.id, question.points
    answers = context.answers[qid]
    reference = context.reference[qid].tolist()
    allowed = context.allowed[qid].tolist()
    full, right, make = points * 1.0, Verdict.CORRECT, tuple.__new__  # tuple.__new__: Outcome's own, minus a call
    return [
        make(Outcome, (qid, right, full, points, answer, expected, allowance, "correct", None, None, ()))
        if verdict is right
        else _outcome(context, question, answer, judged, row, expected, allowance)
        for row, (verdict, answer, expected, allowance) in enumerate(zip(judged.verdict, answers, reference, allowed))
    ]


def _outcome(context: _Context, question: Question, answer: Answer | None, judged: _Judged, row: int,
             reference: float, allowed: float) -> Outcome:
    assignment = context.assignment
    verdict = judged.verdict[row]
    points = question.points
    slip_name = judged.slip[row]
    if verdict is Verdict.MISSING:
        share, message = 0.0, "no answer given"
    elif verdict is Verdict.UNREADABLE:
        problem = answer.problem if answer.problem and answer.problem != "blank" else \
            f"could not read {answer.raw!r} as a number"
        share, message = 0.0, f"{problem} ({answer.source})"
    elif verdict is Verdict.FOLLOW_THROUGH:
        share = assignment.follow_through
        message = _follow_through_message(assignment, judged, row)
    elif verdict is Verdict.SLIP:
        slip = assignment.graph.slip(slip_name)
        share, message = assignment.slip, f"a known slip: {slip.description}"
    elif judged.refused[row]:
        share, message = 0.0, judged.refused[row]
    elif not shows_precision(question.tolerance, answer.raw):
        share, message = 0.0, f"write the answer to {question.tolerance.describe()}"
    else:
        node = assignment.graph.question_nodes[question.id]
        share, message = 0.0, _hint(float(answer.value), reference, allowed, node.label)
    return Outcome(question.id, verdict, points * share, points, answer, reference, allowed, message,
                   judged.recomputed[row], slip_name, judged.upstream[row])


def _follow_through_message(assignment: Assignment, judged: _Judged, row: int) -> str:
    if judged.carried_from[row]:
        slip = assignment.graph.slip(judged.slip[row])
        return (f"follow-through: the same slip as in {judged.carried_from[row]}, counted there once "
                f"({slip.description})")
    wrong = judged.upstream[row]
    if judged.source[row] == HINT:
        mine = f" and your own {', '.join(wrong)}" if wrong else ""
        return f"follow-through: right from the hint table's printed values{mine}, so it counts"
    if wrong:
        return (f"follow-through: right when computed from your own {', '.join(wrong)}, "
                f"so it counts; the mistake is in an earlier step")
    return "follow-through: right from your own earlier values as you rounded them, so it counts"


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


def _person_outcome(question: Question, answer: Answer | None) -> Outcome:
    """A free-text answer worth points and given no keywords: a person's to grade, 0 points until then.
    (Its verdict counts nowhere: free text is in no outcome statistics.)"""
    if answer is None or not answer.raw.strip():
        return Outcome(question.id, Verdict.MISSING, 0.0, question.points, answer, float("nan"), 0.0,
                       "no answer given")
    return Outcome(question.id, Verdict.WRONG, 0.0, question.points, answer, float("nan"), 0.0,
                   f"read by a person, who gives up to {question.points:g} points")


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
