"""The student web page under a class at once: N students checking and handing in on loopback.

    python benchmarks/bench_serve.py [--students 100] [--checks 10] [--repeat 1] [--workers 1] [--think 0]
                                     [--client raw|httpx]

Starts the real server in its own process (``python -m grader serve answer_keys/practice09.yaml
--secret ... --handins TMP --port P`` on 127.0.0.1 and a free port; with ``--workers`` above 1,
uvicorn's own command with that many workers over the same ``create_app``), waits for ``/healthz``,
then lets ``--students`` students loose at once: asyncio, each student a keep-alive HTTP/1.1
connection of their own with the requests written by hand (about 0.1 ms of the load generator's
CPU a request; ``--client httpx``, one ``httpx.AsyncClient`` with a connection for each, costs about
3 ms a request at 100 connections and caps the load near 300 requests/s). Each student, with their
own id and access code, posts ``--checks`` times to ``/api/check``, one more question worked each
time (their own right answers to 4 decimals, as JSON strings and numbers, a slip here and there,
corrected by the next check for most), and then hands in their last answers with ``/api/handin``.
``--think`` is the mean pause in milliseconds before a student's next request (random, exponential;
each starts at a random moment within one pause); the default, none, has every student start at
once and click again as soon as the answer is back: the hardest load, where the latency is about
the students times the server's time a request.
Every run stops by itself and uses a fresh server and hand-in folder.

It prints, for each run: the requests and errors (anything but 200), p50/p95/p99/max latency of
``/api/check`` and of ``/api/handin`` as the client sees it (ms), throughput, the CPU time the server
and the load generator used per request, and the lost hand-ins: a hand-in lost is one without a
receipt, whose file is not in the folder or not with the receipt's SHA-256; then the folder is
graded with ``grader.commands.grade.grade`` (every student graded, each with the points of their
last check). The goal: p99 of ``/api/check`` under 100 ms on this machine, 0 errors, 0 lost hand-ins.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.access import access_code  # noqa: E402
from grader.assignment import load_assignment  # noqa: E402
from grader.commands.grade import grade  # noqa: E402
from grader.engine.variants import draw_variants  # noqa: E402
from grader.key import compute_key  # noqa: E402

ASSIGNMENT = ROOT / "answer_keys" / "practice09.yaml"
SECRET = "bench-serve-demo-secret"
HOST = "127.0.0.1"
GOAL_P99_MS = 100.0
REQUEST_TIMEOUT = 60.0  # seconds
_ENV = "GRADER_BENCH_SERVE"  # the factory's arguments for uvicorn's workers: assignment, hand-ins, secret


def server_app():
    """``uvicorn --factory bench_serve:server_app`` (``--workers`` above 1): the app ``grader serve`` runs."""
    from grader.web.app import create_app

    assignment, handins, secret = os.environ[_ENV].split(os.pathsep)
    return create_app(assignment, handins, secret)


# -- the class ---------------------------------------------------------------------------------------


@dataclass
class Student:
    student_id: str
    code: str
    checks: list[dict[str, object]]  # the body's answers of each check; the hand-in repeats the last


def make_class(n: int, checks: int, seed: int = 9) -> list[Student]:
    """Each student's checks: the numeric questions worked in order, one more share of them each time,
    to 4 decimals, each as a JSON string or number; a check has one slip 1 time in 4, and 1 student in
    5 keeps a slip to the end. The text questions are answered on the last check."""
    sheet = load_assignment(ASSIGNMENT)
    ids = [f"B{20001 + i}" for i in range(n)]
    key = compute_key(sheet, draw_variants(sheet, ids, SECRET))
    numeric = [q.id for q in sheet.numeric_questions]
    texts = [q.id for q in sheet.questions if q.id not in set(numeric)]
    rng = random.Random(seed)
    students = []
    for row, student_id in enumerate(ids):
        right = {q: round(v, 4) for q, v in key.answers(row).items() if q in set(numeric)}
        kept_slip = rng.choice(numeric) if rng.random() < 0.2 else None
        bodies = []
        for k in range(checks):
            worked = numeric[:max(1, math.ceil(len(numeric) * (k + 1) / checks))]
            last = k == checks - 1
            slip = kept_slip if last else (rng.choice(worked) if rng.random() < 0.25 else None)
            answers: dict[str, object] = {}
            for q in worked:
                value = round(right[q] * 1.3 + 0.01, 4) if q == slip else right[q]
                answers[q] = f"{value:.4f}" if rng.random() < 0.5 else value
            if last:
                answers.update({q: "see my working on paper" for q in texts})
            bodies.append(answers)
        students.append(Student(student_id, access_code(SECRET, sheet.id, student_id), bodies))
    return students


# -- the server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """The server in its own process, its output in a log file; stopped with SIGINT as Ctrl-C would."""

    def __init__(self, handins: Path, log: Path, workers: int) -> None:
        self.port = free_port()
        self.log_path = log
        if workers == 1:
            command = [sys.executable, "-m", "grader", "serve", str(ASSIGNMENT), "--handins", str(handins),
                       "--secret", SECRET, "--host", HOST, "--port", str(self.port)]
        else:
            command = [sys.executable, "-m", "uvicorn", "bench_serve:server_app", "--factory",
                       "--app-dir", str(Path(__file__).resolve().parent), "--host", HOST, "--port", str(self.port),
                       "--workers", str(workers), "--no-proxy-headers", "--no-server-header", "--no-access-log"]
        env = {**os.environ, _ENV: os.pathsep.join([str(ASSIGNMENT), str(handins), SECRET])}
        env.pop("GRADER_SECRET", None)
        env.pop("GRADER_SECRET_FILE", None)
        self.log = open(log, "wb")  # noqa: SIM115 (closed in stop(), after the process)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://{HOST}:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"the server exited ({self.process.returncode}):\n{self.log_text()}")
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise SystemExit(f"no /healthz after {timeout:.0f} s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]


# -- the load ----------------------------------------------------------------------------------------


@dataclass
class Run:
    check_ms: list[float] = field(default_factory=list)
    handin_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, dict] = field(default_factory=dict)  # student id -> the hand-in's receipt
    last_points: dict[str, float] = field(default_factory=dict)  # student id -> points of the last check
    resent: int = 0  # requests sent again because the server had closed the idle connection
    wall: float = 0.0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Connection:
    """One student's browser: a keep-alive HTTP/1.1 connection of its own, the requests written by hand
    (httpx's pool costs the load generator about 3 ms of CPU a request at 100 connections, and would be
    the bottleneck: ``--client httpx`` to see it)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.resent = 0

    async def post(self, path: str, body: dict) -> tuple[int, bytes]:
        data = json.dumps(body).encode()
        request = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json"
                   f"\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data
        for attempt in range(2):
            if self.reader is not None and self.reader.at_eof():  # the server closed it while we thought
                self.close()
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(request)
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                self.close()
                nothing = not isinstance(exc, asyncio.IncompleteReadError) or not exc.partial
                if reused and nothing and attempt == 0:
                    # The server closed the idle connection (uvicorn's keep-alive timeout) as the request
                    # went out, so it was never read: sent again on a new connection, as a browser does.
                    self.resent += 1
                    continue
                raise
            try:
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                pairs = (line.split(":", 1) for line in lines[1:] if ":" in line)
                fields = {name.strip().lower(): value.strip() for name, value in pairs}
                if "content-length" not in fields:
                    raise ConnectionError("a response without Content-Length")
                return status, await self.reader.readexactly(int(fields["content-length"]))
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def post(sender, run: Run, path: str, body: dict) -> dict | None:
    """One request by ``sender`` (a ``Connection`` or an ``httpx.AsyncClient``), timed; its JSON if 200."""
    start = time.perf_counter()
    try:
        if isinstance(sender, Connection):
            status, content = await asyncio.wait_for(sender.post(path, body), REQUEST_TIMEOUT)
        else:
            response = await sender.post(path, json=body)
            status, content = response.status_code, response.content
    except (TimeoutError, OSError, asyncio.IncompleteReadError, httpx.HTTPError, ValueError) as exc:
        run.error(f"{path} {type(exc).__name__}")
        return None
    elapsed = (time.perf_counter() - start) * 1000
    (run.check_ms if path == "/api/check" else run.handin_ms).append(elapsed)
    if status != 200:
        run.error(f"{path} {status}")
        return None
    return json.loads(content)


async def student_session(sender, run: Run, student: Student, go: asyncio.Event, think: float) -> None:
    """The student's checks and hand-in; with a think time, the student starts within the first one and
    pauses a random while (exponential, that mean) before each later request."""
    pauses = random.Random(student.student_id)
    await go.wait()
    if think:
        await asyncio.sleep(pauses.uniform(0, think))
    for answers in student.checks:
        body = {"student_id": student.student_id, "code": student.code, "answers": answers}
        record = await post(sender, run, "/api/check", body)
        if record is not None and answers is student.checks[-1]:
            run.last_points[student.student_id] = record["points"]
        if think:
            await asyncio.sleep(pauses.expovariate(1 / think))
    body = {"student_id": student.student_id, "code": student.code, "answers": student.checks[-1]}
    receipt = await post(sender, run, "/api/handin", body)
    if receipt is not None:
        run.receipts[student.student_id] = receipt
    if isinstance(sender, Connection):
        run.resent += sender.resent
        sender.close()


async def load(port: int, students: list[Student], think: float, client: str) -> Run:
    run = Run()
    go = asyncio.Event()
    if client == "raw":
        sessions = [asyncio.create_task(student_session(Connection(HOST, port), run, s, go, think))
                    for s in students]
        await asyncio.sleep(0.1)  # every student waiting at the start line
        start = time.perf_counter()
        go.set()
        await asyncio.gather(*sessions)
        run.wall = time.perf_counter() - start
        return run
    limits = httpx.Limits(max_connections=len(students) + 10, max_keepalive_connections=len(students) + 10)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=REQUEST_TIMEOUT,
                                 trust_env=False) as shared:
        sessions = [asyncio.create_task(student_session(shared, run, s, go, think)) for s in students]
        await asyncio.sleep(0.1)
        start = time.perf_counter()
        go.set()
        await asyncio.gather(*sessions)
        run.wall = time.perf_counter() - start
    return run


# -- the figures -------------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """The CPU seconds a process has used so far (Linux's /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def latency_line(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<12}: no answers"
    figures = "  ".join(f"{label} {percentile(values, share):7.1f}"
                        for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)))
    return f"{name:<12}: {len(values):5d} answered  {figures} ms  (mean {statistics.fmean(values):.1f})"


def lost_handins(folder: Path, students: list[Student], run: Run) -> tuple[int, int, list[str]]:
    """(files in the folder, lost hand-ins, what was wrong with each lost one)."""
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("."))
    problems = []
    for student in students:
        receipt = run.receipts.get(student.student_id)
        if receipt is None:
            problems.append(f"{student.student_id}: no receipt")
            continue
        path = folder / receipt["file"]
        if not path.is_file():
            problems.append(f"{student.student_id}: {receipt['file']} not in the folder")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != receipt["sha256"]:
            problems.append(f"{student.student_id}: {receipt['file']} does not have the receipt's SHA-256")
    return len(files), len(problems), problems


def one_run(students: list[Student], workers: int, think: float, client: str, index: int) -> tuple[float, bool]:
    """One run on a fresh server and folder; its p99 of /api/check and whether it was clean."""
    with tempfile.TemporaryDirectory(prefix="bench_serve_") as scratch:
        handins, out = Path(scratch) / "handins", Path(scratch) / "out"
        handins.mkdir()
        cpu_before = os.times()
        server = Server(handins, Path(scratch) / "server.log", workers)
        try:
            server.wait_ready()
            ready_cpu = process_cpu(server.process.pid)
            client_before = os.times()
            run = asyncio.run(load(server.port, students, think, client))
            client_after = os.times()
            load_cpu = process_cpu(server.process.pid) - ready_cpu
        finally:
            server.stop()
        cpu_after = os.times()  # the server's process (and its workers) waited for: its CPU is the children's
        server_cpu = (cpu_after.children_user + cpu_after.children_system
                      - cpu_before.children_user - cpu_before.children_system)
        client_cpu = (client_after.user + client_after.system - client_before.user - client_before.system)
        files, lost, problems = lost_handins(handins, students, run)
        result = grade(assignment=ASSIGNMENT, submissions=[handins], out=out, secret=SECRET)
        rows = {row.student_id: row for row in result.gradebook.rows}
        graded = sum(1 for s in students if s.student_id in rows and rows[s.student_id].status == "graded")
        disagree = [s.student_id for s in students
                    if s.student_id in rows and s.student_id in run.last_points
                    and abs(rows[s.student_id].total - run.last_points[s.student_id]) > 1e-9]

    requests = len(run.check_ms) + len(run.handin_ms) + sum(n for what, n in run.errors.items()
                                                            if not what.split()[-1].isdigit())
    errors = sum(run.errors.values())
    expected = len(students) * (len(students[0].checks) + 1)
    p99 = percentile(run.check_ms, 0.99)
    print(f"run {index}: {len(students)} students x ({len(students[0].checks)} checks + 1 hand-in), "
          f"uvicorn workers {workers}, think {think * 1000:.0f} ms, client {client}, port {server.port}")
    print(f"requests    : {requests} of {expected} in {run.wall:.2f} s = {requests / run.wall:.0f} requests/s")
    print(f"errors      : {errors}" + (f"  ({', '.join(f'{k}: {v}' for k, v in sorted(run.errors.items()))})"
                                       if errors else "")
          + (f"; {run.resent} requests sent again on a new connection (the server had closed the idle one)"
             if run.resent else ""))
    print(latency_line("/api/check", run.check_ms))
    print(latency_line("/api/handin", run.handin_ms))
    under_load = (f"; under load {load_cpu:.2f} s = {1000 * load_cpu / max(requests, 1):.2f} ms a request"
                  if workers == 1 and not math.isnan(load_cpu) else "")
    print(f"CPU         : server {server_cpu:.2f} s ({1000 * server_cpu / max(requests, 1):.2f} ms a request, "
          f"start-up included{under_load}), load generator {client_cpu:.2f} s "
          f"({1000 * client_cpu / max(requests, 1):.2f} ms a request); {os.cpu_count()} cores")
    full = sum(1 for points in run.last_points.values() if points == result.gradebook.rows[0].max_total)
    print(f"last checks : {full} of {len(run.last_points)} with full points (1 student in 5 keeps a slip)")
    print(f"hand-ins    : {len(run.receipts)} receipts, {files} files in the folder, lost {lost}")
    for problem in problems[:10]:
        print(f"              {problem}")
    print(f"grader grade: graded {graded} of {len(students)} students (summary: graded {result.summary.graded}, "
          f"rejected {result.summary.rejected}); gradebook total != last check's points: {len(disagree)}"
          + (f" ({', '.join(disagree[:5])})" if disagree else ""))
    clean = (errors == 0 and lost == 0 and files == len(students) and graded == len(students) and not disagree
             and requests == expected)
    return p99, clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--checks", type=int, default=10, help="checks a student (the limit is 60 an hour)")
    parser.add_argument("--repeat", type=int, default=1, help="runs, each on a fresh server and folder")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--think", type=float, default=0.0, help="ms between a student's requests")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="a hand-written keep-alive connection a student (default), or one httpx.AsyncClient")
    args = parser.parse_args()
    if not 1 <= args.students <= 2000 or not 1 <= args.checks <= 60 or not 1 <= args.repeat <= 20 \
            or not 1 <= args.workers <= 16 or not 0 <= args.think <= 10_000:
        parser.error("expected 1-2000 students, 1-60 checks, 1-20 repeats, 1-16 workers, 0-10000 ms think time")
    students = make_class(args.students, args.checks)
    p99s, clean = [], True
    for index in range(1, args.repeat + 1):
        p99, ok = one_run(students, args.workers, args.think / 1000, args.client, index)
        p99s.append(p99)
        clean = clean and ok
        print()
    p99 = statistics.median(p99s)
    over = f" (median of {len(p99s)} runs: {', '.join(f'{v:.1f}' for v in p99s)})" if len(p99s) > 1 else ""
    print(f"p99 /api/check: {p99:.1f} ms{over}; errors, lost hand-ins and grading: {'clean' if clean else 'NOT clean'}")
    print(f"goal p99 < {GOAL_P99_MS:.0f} ms: {'met' if p99 < GOAL_P99_MS and clean else 'not met'}")


if __name__ == "__main__":
    main()
