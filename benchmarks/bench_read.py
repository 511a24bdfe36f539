"""Reading 4,000 mixed submission files: grader's readers against the bare parsers.

    python benchmarks/bench_read.py [--dir DIR] [--repeat 3] [--profile]

"Bare" parses each file to rows or a dict and nothing more (stdlib ``csv``, PyYAML's
``CSafeLoader``, python-calamine); "read_paths" is ``grader.submissions.read_paths``
on the same folder. Both run in this process; the best of ``--repeat`` runs counts.
Goal: read_paths within 1.5x of bare.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import yaml
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from classgen import NUMERIC_IDS, TEXT_IDS, make_class  # noqa: E402

from grader.submissions import QuestionSet, read_paths  # noqa: E402

QUESTIONS = QuestionSet(numeric=tuple(NUMERIC_IDS), text=tuple(TEXT_IDS))


def read_bare(folder: Path) -> int:
    """Parse every file in ``folder`` with the bare parser for its extension; rows/keys seen."""
    seen = 0
    for name in sorted(os.listdir(folder)):
        path = folder / name
        suffix = path.suffix
        if suffix in (".yaml", ".yml"):
            seen += len(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))
        elif suffix == ".csv":
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
            delimiter = ";" if ";" in text[: text.find("\n")] else ","
            seen += len(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
        elif suffix == ".xlsx":
            seen += len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    return seen


def read_grader(folder: Path) -> int:
    batch = read_paths([folder], QUESTIONS)
    return len(batch.submissions) + len(batch.superseded) + len(batch.rejections)


def best_times(repeat: int, folder: Path) -> tuple[float, float]:
    """Best of ``repeat`` for each, the two interleaved so both see the same machine load."""
    bare, graded = [], []
    for _ in range(repeat):
        for run, times in ((read_bare, bare), (read_grader, graded)):
            start = time.perf_counter()
            run(folder)
            times.append(time.perf_counter() - start)
    return min(bare), min(graded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="folder of submissions (made with classgen when empty or missing)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one read_paths run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        if not folder.exists() or not any(folder.iterdir()):
            make_class(folder, n_yaml=3000, n_csv=700, n_xlsx=300)
        files = len(os.listdir(folder))
        read_bare(folder)  # warm the page cache and imports
        read_grader(folder)
        print(f"read_paths items: {read_grader(folder)} from {files} files")
        bare, graded = best_times(args.repeat, folder)
        print(f"bare parsers : {bare:.3f} s ({bare / files * 1e3:.3f} ms/file)")
        print(f"read_paths   : {graded:.3f} s ({graded / files * 1e3:.3f} ms/file)")
        print(f"ratio        : {graded / bare:.2f} (goal <= 1.5)")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(read_grader, folder)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
