"""Class statistics: per question, the share of each outcome (and of each named slip)."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass

from grader.gradebook import Gradebook
from grader.grading import Verdict


@dataclass(frozen=True)
class QuestionStats:
    question: str
    graded: int
    shares: dict[str, float]      # verdict value -> share of graded submissions
    slips: dict[str, float]       # slip name -> share
    mean_points: float


@dataclass(frozen=True)
class ClassSummary:
    students: int
    graded: int
    missing: int
    rejected: int
    mean_percent: float
    median_percent: float


def question_stats(gradebook: Gradebook) -> list[QuestionStats]:
    graded = [row.graded for row in gradebook.rows if row.graded is not None]
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    result = []
    for question in gradebook.assignment.numeric_questions:
        outcomes = [g.outcome(question.id) for g in graded]
        n = len(outcomes)
        verdicts = Counter(o.verdict for o in outcomes)
        slips = Counter(o.slip for o in outcomes)
        result.append(QuestionStats(
            question=question.id,
            graded=n,
            shares={v.value: verdicts[v] / n if n else 0.0 for v in Verdict},
            slips={name: slips[name] / n if n else 0.0 for name in slip_names},
            mean_points=sum(o.points for o in outcomes) / n if n else 0.0,
        ))
    return result


def class_summary(gradebook: Gradebook) -> ClassSummary:
    rows = gradebook.rows
    percents = [100.0 * row.total / row.max_total for row in rows if row.status == "graded" and row.max_total]
    return ClassSummary(
        students=len(rows),
        graded=len(percents),
        missing=sum(row.status == "missing" for row in rows),
        rejected=sum(row.status == "rejected" for row in rows),
        mean_percent=round(statistics.fmean(percents), 2) if percents else 0.0,
        median_percent=round(statistics.median(percents), 2) if percents else 0.0,
    )


def stats_csv(gradebook: Gradebook) -> str:
    rows = question_stats(gradebook)
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["question", "graded", *(v.value for v in Verdict), *(f"slip:{n}" for n in slip_names),
                     "mean_points"])
    for stats in rows:
        writer.writerow([stats.question, stats.graded, *(f"{stats.shares[v.value]:.4f}" for v in Verdict),
                         *(f"{stats.slips[n]:.4f}" for n in slip_names), f"{stats.mean_points:.4f}"])
    return buffer.getvalue()
