"""Grading a class of 4,000 small mixed files, all outputs written, against just reading them.

    python benchmarks/bench_grade.py [--yaml 3000 --csv 700 --xlsx 300] [--repeat 5] [--jobs N] [--profile]

Makes a class with ``classgen`` whose answers are each student's own variant worked to
4 decimals (with a wrong step here and there), then times, best of ``--repeat``, the two
interleaved so that both see the same machine load:
  bare   the bare parsers (stdlib csv, yaml CSafeLoader, python-calamine) on every file, in one process;
  grade  ``grader.commands.grade.grade``: read, draw variants, grade, write gradebook.csv,
         gradebook.xlsx, files.csv, stats.csv and both feedback archives (4 pages a student).
         The class is graded in shards by one worker per usable core (``--jobs`` to choose),
         and the workbook is written beside the other outputs.
It prints the ratio of the best times, the median ratio of the paired runs, and the CPU time
grading took in all its processes (steadier than wall time on a shared machine).
Issue 4's goal: grade within 2.5x of bare (the goal beyond it: 1.5x).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_read import read_bare  # noqa: E402
from classgen import make_class  # noqa: E402

from grader.assignment import load_assignment  # noqa: E402
from grader.commands.grade import grade  # noqa: E402
from grader.engine.variants import draw_variants  # noqa: E402
from grader.key import compute_key  # noqa: E402

ASSIGNMENT = Path(__file__).resolve().parent.parent / "answer_keys" / "practice09.yaml"


def worked_answers(n: int, seed: int = 1):
    """answers_for(student_id): the student's own variant to 4 decimals; 1 in 5 slips up once."""
    sheet = load_assignment(ASSIGNMENT)
    ids = [f"S{i:05d}" for i in range(1, n + 1)]
    key = compute_key(sheet, draw_variants(sheet, ids))
    rows = {sid: i for i, sid in enumerate(ids)}
    rng = random.Random(seed)
    questions = [q.id for q in sheet.numeric_questions]

    def answers_for(student_id: str) -> dict[str, float]:
        values = {q: round(v, 4) for q, v in key.answers(rows[student_id]).items()}
        if rng.random() < 0.2:
            wrong = rng.choice(questions)
            values[wrong] = round(values[wrong] * 1.3 + 0.01, 4)
        return values

    return answers_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--yaml", type=int, default=3000)
    parser.add_argument("--csv", type=int, default=700)
    parser.add_argument("--xlsx", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per usable core)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    n = args.yaml + args.csv + args.xlsx
    with tempfile.TemporaryDirectory() as scratch:
        folder, out = Path(scratch) / "in", Path(scratch) / "out"
        make_class(folder, args.yaml, args.csv, args.xlsx, answers_for=worked_answers(n),
                   params_for=lambda student_id: {})
        read_bare(folder)  # warm the page cache and the imports
        bares, grades, cpus = [], [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_bare(folder)
            bares.append(time.perf_counter() - start)
            shutil.rmtree(out, ignore_errors=True)
            before, start = os.times(), time.perf_counter()
            result = grade(assignment=ASSIGNMENT, submissions=[folder], out=out, jobs=args.jobs)
            grades.append(time.perf_counter() - start)
            after = os.times()
            cpus.append(sum(after[:4]) - sum(before[:4]))  # user + system, this process and its children
        s = result.summary
        bare, best = min(bares), min(grades)
        paired = statistics.median(g / b for g, b in zip(grades, bares))
        print(f"class        : {n} files ({args.yaml} YAML, {args.csv} CSV, {args.xlsx} XLSX); "
              f"graded {s.graded}, rejected {s.rejected}, mean {s.mean_percent:.1f}%")
        print(f"bare parsers : {bare:.3f} s")
        print(f"grader grade : {best:.3f} s (all outputs written; {min(cpus):.2f} s of CPU in all processes)")
        print(f"ratio        : {best / bare:.2f} (goal <= 2.5; beyond: 1.5); median of the paired runs {paired:.2f}")
        if args.profile:
            shutil.rmtree(out, ignore_errors=True)
            profiler = cProfile.Profile()
            profiler.runcall(grade, assignment=ASSIGNMENT, submissions=[folder], out=out)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
