"""How much two busy processes get done here, against one: what grading in shards can gain.

    python benchmarks/bench_cores.py [--repeat 3]

Times a pure-Python loop alone, then two copies of it at once (forked), best of ``--repeat``,
and prints the throughput of the two against one. 2.0 is two real cores; on a shared machine
whose two cores are hyperthreads of one, or are contended, it can be nearer 1.0. The ratio
``bench_grade.py`` reports depends on it: reading and grading are shared out, the rest is not.
"""

from __future__ import annotations

import argparse
import os
import time

LOOP = 10_000_000


def spin() -> None:
    total = 0
    for i in range(LOOP):
        total += i


def alone() -> float:
    start = time.perf_counter()
    spin()
    return time.perf_counter() - start


def together() -> float:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        spin()
        os._exit(0)
    spin()
    os.waitpid(pid, 0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    one = min(alone() for _ in range(args.repeat))
    two = min(together() for _ in range(args.repeat))
    print(f"usable cores : {len(os.sched_getaffinity(0))}")
    print(f"one process  : {one:.3f} s")
    print(f"two at once  : {two:.3f} s")
    print(f"throughput   : {2 * one / two:.2f}x one process (2.0 = two real cores)")


if __name__ == "__main__":
    main()
