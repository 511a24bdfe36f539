"""Jobs run side by side on a machine with more than one core, each job's result handed back.

The first job runs in this process; every other one in a forked child, which inherits what this
process holds in memory (nothing is pickled on the way in) and sends its result back pickled
through a pipe. Where fork is not safe or not there, or only one core is usable, the jobs run one
after another in this process: the results are the same either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import traceback
from typing import Any, Callable, Sequence

from grader.errors import GraderError

Job = Callable[[], Any]


def usable_cores() -> int:
    """Cores this process may run on (a ``taskset`` or container limit counts)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and usable_cores() > 1


def side_by_side(*jobs: Job) -> list[Any]:
    """Every job's result, in order; the jobs after the first run in forked children.

    An exception in a child is raised here once every job has ended: a ``GraderError`` as it is,
    anything else as a ``GraderError`` carrying the child's traceback.
    """
    if len(jobs) < 2 or not can_fork():
        return [job() for job in jobs]
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # children must not copy every page just to scan the parent's objects for garbage
    children: list[tuple[int, int]] = []
    try:
        for job in jobs[1:]:
            children.append(_fork(job))
        results = [jobs[0]()]
        while children:
            pid, fd = children.pop(0)
            results.append(_collect(pid, fd))
        return results
    finally:
        for pid, fd in children:  # something failed first: the others' work is not wanted
            os.kill(pid, signal.SIGKILL)
            os.close(fd)
            os.waitpid(pid, 0)
        gc.unfreeze()


def _fork(job: Job) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the job, send back what came of it, never return
        os.close(read_end)
        code = 0
        try:
            outcome: tuple[str, Any] = ("result", job())
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            code = 1
            outcome = ("error", _portable(exc))
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent sees the pipe close early
            code = 2
        os._exit(code)
    os.close(write_end)
    return pid, read_end


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a GraderError with its traceback."""
    if isinstance(exc, GraderError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:  # noqa: BLE001
            pass
    text = "".join(traceback.format_exception(exc)).rstrip()
    return GraderError(f"a worker process failed:\n{text}")


def _collect(pid: int, fd: int) -> Any:
    with os.fdopen(fd, "rb") as pipe:
        try:
            kind, value = pickle.load(pipe)
        except EOFError:
            kind, value = "error", None
    _, status = os.waitpid(pid, 0)
    if kind == "error":
        if value is None:
            raise GraderError(f"a worker process ended without its result (wait status {status})")
        raise value
    return value
