"""Benchmark: the instructor key for a whole class (goal: 100,000 students in under 2 s on one core).

    taskset -c 0 python benchmarks/bench_key.py [--sheet answer_keys/X.yaml] [--n 100000] [--repeat 3] [--secret S]
                                                [--profile]

Three stages, each timed on its own, best of ``--repeat`` runs, in one process:
  draw      every student's variant from the hash, re-drawn until no constraint is broken
            (``grader.engine.variants.draw_variants``; includes the constraint checks)
  evaluate  every node's reference value for every variant (``grader.key.compute_key``)
  render    the key table as CSV text (``grader.report.keyfile.render_key(..., "csv", many=True)``),
            the text ``grader key --roster ... --format csv`` prints
The total is the best complete run (draw + evaluate + render of one repetition). ``--profile``
prints the costliest functions of one more run of each stage.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.assignment import load_assignment  # noqa: E402
from grader.engine.variants import draw_variants  # noqa: E402
from grader.key import compute_key  # noqa: E402
from grader.report.keyfile import render_key  # noqa: E402

GOAL_SECONDS = 2.0


def _stages(assignment, ids, secret):
    times = {}
    start = time.perf_counter()
    variants = draw_variants(assignment, ids, secret)
    times["draw"] = time.perf_counter() - start
    start = time.perf_counter()
    key = compute_key(assignment, variants)
    times["evaluate"] = time.perf_counter() - start
    start = time.perf_counter()
    text = render_key(key, "csv", many=True)
    times["render"] = time.perf_counter() - start
    times["total"] = times["draw"] + times["evaluate"] + times["render"]
    return times, variants, key, text


def _profile(label, fn, *args):
    profiler = cProfile.Profile()
    profiler.enable()
    result = fn(*args)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print(f"\n--- profile: {label} (sorted by own time) ---")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", type=Path, default=ROOT / "answer_keys" / "practice09.yaml",
                        help="the sheet's YAML (default answer_keys/practice09.yaml)")
    parser.add_argument("--n", type=int, default=100_000, help="number of students (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (default 3)")
    parser.add_argument("--secret", default=None, help="instructor secret mixed into the variants")
    parser.add_argument("--profile", action="store_true", help="profile one more run of each stage")
    args = parser.parse_args()

    assignment = load_assignment(args.sheet)
    ids = [f"B{100000 + i}" for i in range(args.n)]

    runs = []
    for _ in range(args.repeat):
        gc.collect()
        times, variants, key, text = _stages(assignment, ids, args.secret)
        runs.append(times)
    best = {stage: min(run[stage] for run in runs) for stage in ("draw", "evaluate", "render", "total")}

    attempts = variants.attempts
    print(f"grader key: {assignment.id}, {args.n:,} students, best of {args.repeat} (single process)")
    print(f"  draw      {best['draw']:7.3f} s   variants + constraints; mean {attempts.mean():.2f} re-draws, "
          f"max {int(attempts.max())}")
    print(f"  evaluate  {best['evaluate']:7.3f} s   {len(assignment.graph.nodes)} nodes x {args.n:,} rows")
    print(f"  render    {best['render']:7.3f} s   CSV, {len(text) / 1e6:.1f} MB, {text.count(chr(10)):,} lines")
    keys = best["draw"] + best["evaluate"]
    print(f"  keys      {keys:7.3f} s   draw + evaluate: every student's parameters and answers in memory "
          f"(goal < {GOAL_SECONDS:.0f} s: {'met' if keys < GOAL_SECONDS else 'NOT met'})")
    print(f"  total     {best['total']:7.3f} s   keys + CSV text at full precision "
          f"(float-to-text conversion dominates: {args.n * len(header_cells(text)):,} cells)")
    print("  runs (draw/evaluate/render s): "
          + "; ".join(f"{r['draw']:.2f}/{r['evaluate']:.3f}/{r['render']:.2f}" for r in runs))

    if args.profile:
        variants = _profile("draw", draw_variants, assignment, ids, args.secret)
        key = _profile("evaluate", compute_key, assignment, variants)
        _profile("render", render_key, key, "csv", True)
    return 0 if best["draw"] + best["evaluate"] < GOAL_SECONDS else 1


def header_cells(text: str) -> list[str]:
    return text[: text.index("\n")].split(",")


if __name__ == "__main__":
    sys.exit(main())
