"""Benchmark: ``grader variants`` for a class of 1,000 students (goal: under 30 seconds).

    python benchmarks/bench_variants.py [--students 1000] [--profile]

Writes every handout, template and the key into a temporary folder, prints the elapsed
seconds, and removes the folder.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.commands.variants import variants  # noqa: E402

GOAL_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as folder:
        roster = Path(folder) / "roster.csv"
        roster.write_text("student_id,name\n" + "".join(f"B{10000 + i},Student {i}\n" for i in range(args.students)),
                          encoding="utf-8")
        profiler = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = variants(assignment=ROOT / "answer_keys" / "practice09.yaml", roster=roster,
                          out=Path(folder) / "out", secret="benchmark")
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(folder) / "out").rglob("*") if p.is_file())
    print(f"grader variants: {result.students} students, {result.files} files ({size / 1e6:.1f} MB) "
          f"in {elapsed:.2f} s (goal < {GOAL_SECONDS:.0f} s)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0 if elapsed < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
