"""Class statistics: per question, the share of each outcome (and of each named slip)."""

from __future__ import annotations

import csv
import io
import statistics
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
    graded = [row.marks for row in gradebook.rows if row.marks is not None]
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    n = len(graded)
    result = []
    questions = gradebook.assignment.numeric_questions
    verdict_columns = list(zip(*(m.verdicts for m in graded))) or [()] * len(questions)
    slip_columns = list(zip(*(m.slips for m in graded))) or [()] * len(questions)
    for question, verdicts, slips in zip(questions, verdict_columns, slip_columns):
        result.append(QuestionStats(
            question=question.id,
            graded=n,
            shares={v.value: verdicts.count(v) / n if n else 0.0 for v in Verdict},
            slips={name: slips.count(name) / n if n else 0.0 for name in slip_names},
            mean_points=sum(m.points[question.id] for m in graded) / n if n else 0.0,
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


def stats_csv(gradebook: Gradebook, rows: list[QuestionStats] | None = None) -> str:
    """``stats.csv``; ``rows`` are ``question_stats(gradebook)`` when the caller has them already."""
    rows = question_stats(gradebook) if rows is None else rows
    slip_names = [s.name for s in gradebook.assignment.graph.slips]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["question", "graded", *(v.value for v in Verdict), *(f"slip:{n}" for n in slip_names),
                     "mean_points"])
    for stats in rows:
        writer.writerow([stats.question, stats.graded, *(f"{stats.shares[v.value]:.4f}" for v in Verdict),
                         *(f"{stats.slips[n]:.4f}" for n in slip_names), f"{stats.mean_points:.4f}"])
    return buffer.getvalue()
