"""The class-wide search for copied answers (``similar_to``) on practice09's real variants and tolerances.

    python benchmarks/bench_similarity.py [--students 4000 100000] [--repeat 3]

For each class size: every student's own variant and tolerances, then answers from a mixed class
(honest work to 4 decimals; a tenth with half their answers wrong; a twentieth with nearly every
answer wrong, the students the search must look at closely; 1% who copied another student's right
answers). Prints the best time of ``similar_to`` and whether it found exactly the copiers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.assignment import load_assignment  # noqa: E402
from grader.engine.variants import draw_variants  # noqa: E402
from grader.key import compute_key  # noqa: E402
from grader.similarity import similar_to  # noqa: E402
from grader.tolerances import question_tolerances  # noqa: E402

ASSIGNMENT = Path(__file__).resolve().parent.parent / "answer_keys" / "practice09.yaml"


def mixed_class(n: int, seed: int = 1):
    sheet = load_assignment(ASSIGNMENT)
    ids = [f"S{i:06d}" for i in range(n)]
    key = compute_key(sheet, draw_variants(sheet, ids))
    tolerances = question_tolerances(sheet, key.variants.columns, key.values)
    questions = [q.id for q in sheet.numeric_questions]
    reference = np.stack([key.answer(q) for q in questions], axis=1)
    allowed = np.stack([tolerances.allowed(q, key.answer(q)) for q in questions], axis=1)
    rng = np.random.default_rng(seed)
    answers = np.round(reference, 4)
    half = rng.random(n) < 0.10
    answers[half] = np.where(rng.random((half.sum(), len(questions))) < 0.5,
                             answers[half] * rng.choice([0.5, 2.0, -1.0, 1.3], (half.sum(), len(questions))),
                             answers[half])
    weak = rng.random(n) < 0.05
    answers[weak] = answers[weak] * rng.uniform(0.2, 3.0, (weak.sum(), len(questions)))
    copiers = rng.choice(n, n // 100, replace=False)
    sources = (copiers + 1 + rng.integers(0, n - 1, copiers.size)) % n
    answers[copiers] = np.round(reference[sources], 4)
    expected = {ids[c]: ids[s] for c, s in zip(copiers.tolist(), sources.tolist())}
    return ids, answers, reference, allowed, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[4000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.students:
        ids, answers, reference, allowed, expected = mixed_class(n)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = similar_to(ids, answers, reference, allowed)
            times.append(time.perf_counter() - start)
        flagged = {sid: other for sid, other in zip(ids, found) if other}
        missed = sum(1 for sid, other in expected.items() if flagged.get(sid) != other)
        extra = sum(1 for sid in flagged if sid not in expected)
        print(f"{n:>7} students: similar_to {min(times):.3f} s (best of {args.repeat}); "
              f"{len(expected)} copiers, {missed} missed, {extra} others flagged")


if __name__ == "__main__":
    main()
