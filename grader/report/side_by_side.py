"""Run output writers side by side on a machine with more than one core.

Every job but one runs in a forked child (it inherits the graded class in memory; nothing is
pickled); the first runs in this process. Where fork is not safe or not there, the jobs run one after
another; the files written are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from typing import Callable

from grader.errors import GraderError

Job = Callable[[], None]


def _can_fork() -> bool:
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1


def _child(job: Job) -> None:
    try:
        job()
    except BaseException:  # the parent reports it; the child only explains
        traceback.print_exc()
        os._exit(1)


def run_side_by_side(here: Job, *beside: Job) -> None:
    """Run each of ``beside`` in a child process and ``here`` in this one; fail if any fails."""
    if not _can_fork():
        for job in (here, *beside):
            job()
        return
    gc.freeze()  # children must not copy every page just to scan the class for garbage
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_child, args=(job,), daemon=True) for job in beside]
    try:
        for worker in workers:
            worker.start()
        here()
    finally:
        for worker in workers:
            worker.join()
        gc.unfreeze()
    failed = [w.exitcode for w in workers if w.exitcode != 0]
    if failed:
        raise GraderError(f"writing outputs failed in a worker process (exit code {failed[0]})")
