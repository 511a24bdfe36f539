"""``DIR/report.html``: where the class broke, on one self-contained page (SPEC, "Class report").

The page is a Jinja2 template (``templates/report.html``) with its plots drawn as inline SVG by the
template from the plain figures computed here: no script, no external style or image, so it opens
from an LMS download or an e-mail as it is. The figures come from the class statistics
(``grader.report.stats``) and the totals, never from a student's file, so the page costs what the
statistics cost (tests/report/test_class_report.py; ``python benchmarks/bench_grade.py``):

    totals       a histogram of the graded students' percentages, in tenths
    outcomes     per numeric question (every one, in the sheet's order), the share of each outcome
    hardest      the questions fewest got credit for (correct or follow-through), with their
                 commonest wrong outcome and named slip
    slips        per named slip, how many students it was charged to
    computation  the sheet's questions laid out along the computation (each in the column after the
                 questions it reads), coloured by the share who got no credit there

Every text on the page (question ids, prompts, slip descriptions) goes through the template's
autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from grader.gradebook import Gradebook
from grader.grading import Verdict
from grader.report.stats import ClassSummary, QuestionStats

# The outcomes in the order the plots stack them, with their colours (colour-blind safe, from
# Okabe and Ito) and whether they earn credit.
OUTCOME_COLOURS = {
    Verdict.CORRECT: "#009E73",
    Verdict.FOLLOW_THROUGH: "#56B4E9",
    Verdict.SLIP: "#E69F00",
    Verdict.WRONG: "#D55E00",
    Verdict.UNREADABLE: "#CC79A7",
    Verdict.MISSING: "#BBBBBB",
}
CREDITED = (Verdict.CORRECT, Verdict.FOLLOW_THROUGH)
HARDEST_SHOWN = 5
_BINS = 10


@dataclass(frozen=True)
class Bar:
    """One bar of a histogram or a count plot."""

    label: str
    count: int
    share: float  # of the largest bar, 0..1, for its length


@dataclass(frozen=True)
class QuestionRow:
    """One question's line: its id, prompt, outcome shares (in ``OUTCOME_COLOURS`` order) and the
    share without credit."""

    question: str
    prompt: str
    shares: tuple[tuple[str, str, float], ...]  # (outcome, colour, share)
    uncredited: float
    commonest_miss: str  # the commonest outcome without credit ("" when all got credit)
    commonest_slip: str  # the named slip charged most often here ("" when none)


@dataclass(frozen=True)
class Step:
    """A question placed in the computation drawing: column, row, the questions it reads."""

    question: str
    column: int
    row: int
    reads: tuple[str, ...]
    uncredited: float
    colour: str


@dataclass(frozen=True)
class ClassReport:
    title: str
    assignment: str
    summary: ClassSummary
    totals: tuple[Bar, ...]
    questions: tuple[QuestionRow, ...]
    hardest: tuple[QuestionRow, ...]
    slips: tuple[tuple[Bar, str], ...]  # (bar, the slip's description)
    steps: tuple[Step, ...]
    columns: int
    rows: int
    outcomes: tuple[tuple[str, str], ...]  # (outcome, colour) for the legend


def class_report(gradebook: Gradebook, stats: list[QuestionStats], summary: ClassSummary) -> ClassReport:
    """The report's figures for a graded class."""
    assignment = gradebook.assignment
    prompts = {q.id: q.prompt for q in assignment.numeric_questions}
    rows = tuple(_question_row(s, prompts.get(s.question, "")) for s in stats)
    hardest = sorted((r for r in rows if r.uncredited > 0), key=lambda r: (-r.uncredited, _order(rows, r)))
    steps, columns, height = _steps(gradebook, rows)
    return ClassReport(
        title=assignment.title,
        assignment=assignment.id,
        summary=summary,
        totals=_totals(gradebook),
        questions=rows,
        hardest=tuple(hardest[:HARDEST_SHOWN]),
        slips=_slips(gradebook),
        steps=steps,
        columns=columns,
        rows=height,
        outcomes=tuple((v.value, c) for v, c in OUTCOME_COLOURS.items()),
    )


def render_class_report(report: ClassReport) -> str:
    """The page's HTML."""
    return _environment().get_template("report.html").render(report=report, uncredited_colour=uncredited_colour)


def uncredited_colour(share: float) -> str:
    """White for no one without credit, through orange to deep red for everyone."""
    share = min(max(share, 0.0), 1.0)
    stops = ((0.0, (255, 255, 255)), (0.5, (240, 160, 60)), (1.0, (180, 30, 20)))
    for (s0, c0), (s1, c1) in zip(stops, stops[1:]):
        if share <= s1:
            t = (share - s0) / (s1 - s0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1))
    return "#b41e14"


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("grader.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _order(rows: tuple[QuestionRow, ...], row: QuestionRow) -> int:
    return rows.index(row)


def _question_row(stats: QuestionStats, prompt: str) -> QuestionRow:
    shares = tuple((v.value, colour, stats.shares.get(v.value, 0.0)) for v, colour in OUTCOME_COLOURS.items())
    misses = [(share, v.value) for v, _, share in ((v, c, stats.shares.get(v.value, 0.0))
                                                   for v, c in OUTCOME_COLOURS.items()) if v not in CREDITED]
    uncredited = sum(share for share, _ in misses)
    commonest_miss = max(misses, key=lambda m: m[0])[1] if uncredited > 0 else ""
    slips = [(share, name) for name, share in stats.slips.items() if share > 0]
    commonest_slip = max(slips, key=lambda s: s[0])[1] if slips else ""
    return QuestionRow(stats.question, prompt, shares, uncredited, commonest_miss, commonest_slip)


def _totals(gradebook: Gradebook) -> tuple[Bar, ...]:
    counts = [0] * _BINS
    for row in gradebook.rows:
        if row.status == "graded" and row.max_total:
            counts[min(int(10 * row.total / row.max_total), _BINS - 1)] += 1
    most = max(counts) or 1
    labels = [f"{10 * i}\u2013{10 * i + 10}%" if i < _BINS - 1 else "90\u2013100%" for i in range(_BINS)]
    return tuple(Bar(label, count, count / most) for label, count in zip(labels, counts))


def _slips(gradebook: Gradebook) -> tuple[tuple[Bar, str], ...]:
    """Each named slip of the sheet, with the number of students it was charged to at least once."""
    charged = {slip.name: 0 for slip in gradebook.assignment.graph.slips}
    for row in gradebook.rows:
        if row.marks is not None:
            for name in set(row.marks.slips) - {None}:
                charged[name] = charged.get(name, 0) + 1  # type: ignore[index]
    most = max(charged.values(), default=0) or 1
    descriptions = {slip.name: slip.description for slip in gradebook.assignment.graph.slips}
    return tuple((Bar(name, count, count / most), descriptions.get(name, "")) for name, count in charged.items())


def _steps(gradebook: Gradebook, rows: tuple[QuestionRow, ...]) -> tuple[tuple[Step, ...], int, int]:
    """The numeric questions in columns along the computation: a question stands one column right of
    the rightmost question it reads (through intermediate quantities), in the sheet's order down."""
    graph = gradebook.assignment.graph
    node_of = {node.question: node.name for node in graph.nodes if node.question}
    question_of = {name: question for question, name in node_of.items()}
    column: dict[str, int] = {}
    reads: dict[str, tuple[str, ...]] = {}
    for row in rows:
        name = node_of.get(row.question)
        upstream = tuple(question_of[n] for n in graph.nearest_questions_upstream(name)) if name else ()
        reads[row.question] = tuple(q for q in upstream if q in column)
        column[row.question] = 1 + max((column[q] for q in reads[row.question]), default=-1)
    filled: dict[int, int] = {}
    steps = []
    for row in rows:
        at = column[row.question]
        steps.append(Step(row.question, at, filled.get(at, 0), reads[row.question], row.uncredited,
                          uncredited_colour(row.uncredited)))
        filled[at] = filled.get(at, 0) + 1
    return tuple(steps), 1 + max(column.values(), default=0), max(filled.values(), default=0)


__all__ = ["ClassReport", "class_report", "render_class_report", "uncredited_colour"]
