"""Jobs run side by side on a machine with more than one core, each job's result handed back.

The first job runs in this process; every other one in a forked child, which inherits what this
process holds in memory (nothing is pickled on the way in) and leaves its result pickled in an
anonymous in-memory file, so it never waits for this process to read it; long byte strings in it
come back as read-only memoryviews of that file, never copied. Where fork is not safe or not
there, or only one core is usable, the jobs run one after another in this process: the results
are the same either way (equal, though a child's long byte strings arrive as memoryviews).

``TaskQueue`` lets the jobs share out numbered tasks as they go, so that a job on a slower core
simply takes fewer of them.
"""

from __future__ import annotations

import gc
import io
import mmap
import os
import pickle
import signal
import struct
import sys
import tempfile
import traceback
from typing import Any, Callable, Iterator

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

    A job that returns an iterator gives the list of its items, and a child sends each item as it
    comes, while the other jobs go on, rather than all of them at its end.
    An exception in a child is raised here once every job has ended: a ``GraderError`` as it is,
    anything else as a ``GraderError`` carrying the child's traceback.
    """
    if len(jobs) < 2 or not can_fork():
        return [_listed(job()) for job in jobs]
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # children must not copy every page just to scan the parent's objects for garbage
    children: list[tuple[int, int]] = []
    try:
        for job in jobs[1:]:
            children.append(_fork(job))
        results = [_listed(jobs[0]())]
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


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, Iterator) else value


def _result_file() -> int:
    """A file descriptor for a child's result: memory only where Linux offers it."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("grader-result", os.MFD_CLOEXEC)
    handle = tempfile.TemporaryFile()
    fd = os.dup(handle.fileno())
    handle.close()
    return fd


def _fork(job: Job) -> tuple[int, int]:
    """Run ``job`` in a child that leaves records in a result file: ``("result", value)``, or
    ``("item", x)`` for each item of an iterator then ``("end", None)``; or ``("error", exception)``."""
    result = _result_file()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            try:
                value = job()
                record: tuple[str, Any] = ("result", value)
                if isinstance(value, Iterator):
                    for item in value:
                        _send(result, ("item", item))
                    record = ("end", None)
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                code = 1
                record = ("error", _portable(exc))
            _send(result, record)
        except BaseException:  # noqa: BLE001 - the parent finds the result cut short
            code = 2
        os._exit(code)
    return pid, result


# Byte strings this long or longer (feedback pages) travel out of band: written as they are after
# the pickle, and come back as read-only memoryviews into the mapped result file, never copied.
_OUT_OF_BAND = 1024
_SIZES = struct.Struct("<QQ")  # a record's pickle length and its number of out-of-band buffers


def _view(buffer: memoryview) -> memoryview:
    return buffer


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is bytes and len(obj) >= _OUT_OF_BAND:
            return _view, (pickle.PickleBuffer(obj),)
        return NotImplemented


def _send(fd: int, record: tuple[str, Any]) -> None:
    """One record onto the end of the result file: sizes, the pickle, each out-of-band buffer as it is."""
    buffers: list[pickle.PickleBuffer] = []
    stream = io.BytesIO()
    _Pickler(stream, protocol=5, buffer_callback=buffers.append).dump(record)
    data = stream.getbuffer()
    raws = [buffer.raw() for buffer in buffers]
    head = _SIZES.pack(len(data), len(raws)) + struct.pack(f"<{len(raws)}Q", *(raw.nbytes for raw in raws))
    chunks = [head, data, *raws]
    for start in range(0, len(chunks), 512):  # writev takes at most IOV_MAX (1024) pieces
        batch = chunks[start:start + 512]
        written, total = os.writev(fd, batch), sum(memoryview(c).nbytes for c in batch)
        if written < total:  # a short write: finish it piece by piece
            rest = b"".join(bytes(c) for c in batch)[written:]
            while rest:
                rest = rest[os.write(fd, rest):]


def _receive(fd: int) -> list[tuple[str, Any]]:
    """The records ``_send`` left in the result file, up to the first one cut short."""
    size = os.fstat(fd).st_size
    if size == 0:
        return []
    # Mapped whole at once (MAP_POPULATE) rather than page by page on first touch; the mapping
    # lives as long as a view into it.
    populate = getattr(mmap, "MAP_POPULATE", 0)
    mapped = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
    view = memoryview(mapped)
    records = []
    offset = 0
    while offset + _SIZES.size <= size:
        length, count = _SIZES.unpack_from(mapped, offset)
        start = offset + _SIZES.size + 8 * count
        if start > size:
            break
        sizes = struct.unpack_from(f"<{count}Q", mapped, offset + _SIZES.size)
        end = start + length + sum(sizes)
        if end > size:
            break
        data, place, buffers = view[start:start + length], start + length, []
        for n in sizes:
            buffers.append(view[place:place + n])
            place += n
        records.append(pickle.loads(data, buffers=buffers))
        offset = end
    return records


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
    _, status = os.waitpid(pid, 0)
    try:
        records = _receive(fd)
    finally:
        os.close(fd)
    if not records or records[-1][0] not in ("result", "end", "error"):
        raise GraderError(f"a worker process ended without its result (wait status {status})")
    kind, value = records[-1]
    if kind == "error":
        raise value
    return [item for _, item in records[:-1]] if kind == "end" else value


class TaskQueue:
    """Task numbers ``0 .. count-1``, taken in order by whichever process asks next.

    The numbers wait in a pipe; a process forked after the queue is made shares it, and each
    read of one number is atomic, so every task is taken exactly once. Iterate to take them.
    """

    _NUMBER = struct.Struct("<I")

    def __init__(self, count: int) -> None:
        if count * self._NUMBER.size > 65536:  # what a pipe holds without a reader
            raise ValueError(f"at most {65536 // self._NUMBER.size} tasks, not {count}")
        self._read, write = os.pipe()
        try:
            os.write(write, b"".join(self._NUMBER.pack(i) for i in range(count)))
        finally:
            os.close(write)  # once the numbers are gone, a read gives end of file

    def __iter__(self) -> Iterator[int]:
        while True:
            data = os.read(self._read, self._NUMBER.size)
            if not data:
                return
            yield self._NUMBER.unpack(data)[0]

    def close(self) -> None:
        os.close(self._read)

    def __enter__(self) -> TaskQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
