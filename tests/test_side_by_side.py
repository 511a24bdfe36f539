"""Jobs side by side: results come back in order, from other processes where there are cores,
and a failure in a child is raised in the parent."""

from __future__ import annotations

import os

import pytest

from grader.errors import ConfigError, GraderError
from grader.side_by_side import can_fork, side_by_side

forks = pytest.mark.skipif(not can_fork(), reason="needs Linux and two usable cores")


def test_results_come_back_in_the_order_of_the_jobs():
    assert side_by_side(lambda: "first", lambda: {"second": [2]}, lambda: 3) == ["first", {"second": [2]}, 3]


def test_a_job_that_returns_an_iterator_gives_the_list_of_its_items():
    def numbers(n):
        yield from range(n)

    assert side_by_side(lambda: numbers(3), lambda: numbers(0), lambda: numbers(2), lambda: None) == [
        [0, 1, 2], [], [0, 1], None]


def test_one_job_or_none_runs_here():
    assert side_by_side(os.getpid) == [os.getpid()]
    assert side_by_side() == []


@forks
def test_jobs_after_the_first_run_in_other_processes_that_see_this_ones_memory():
    table = {"rows": list(range(1000))}  # inherited by the child, not sent to it
    here, there = side_by_side(os.getpid, lambda: (os.getpid(), sum(table["rows"])))
    assert here == os.getpid()
    assert there[0] != os.getpid() and there[1] == sum(range(1000))


@forks
def test_big_byte_strings_come_back_whole_and_in_place():
    pages = [bytes([i % 251]) * (1000 + i) for i in range(3000)]  # below and above the out-of-band size
    result = {"pages": pages, "shared": pages[5], "small": b"x", "text": "\u2714 " * 600}
    _, back = side_by_side(lambda: None, lambda: result)
    assert back == result
    assert [bytes(page) for page in back["pages"]] == pages  # bytes, or read-only views of them
    assert all(memoryview(page).readonly for page in back["pages"])


@forks
def test_a_grader_error_in_a_child_is_raised_here_as_it_is():
    def refuse():
        raise ConfigError("roster.csv", "student_id", "a column of student ids")

    with pytest.raises(ConfigError) as caught:
        side_by_side(lambda: None, refuse)
    assert str(caught.value) == str(ConfigError("roster.csv", "student_id", "a column of student ids"))


@forks
def test_any_other_failure_in_a_child_comes_back_with_its_traceback():
    with pytest.raises(GraderError, match=r"(?s)a worker process failed.*ZeroDivisionError"):
        side_by_side(lambda: None, lambda: 1 / 0)


@forks
def test_a_child_that_dies_without_a_result_is_an_error():
    with pytest.raises(GraderError, match="without its result"):
        side_by_side(lambda: None, lambda: os._exit(3))


@forks
def test_a_failure_here_stops_and_reaps_the_children():
    import time

    def fail_here():
        raise ValueError("here")

    started = time.monotonic()
    with pytest.raises(ValueError, match="here"):
        side_by_side(fail_here, lambda: time.sleep(30))
    assert time.monotonic() - started < 20  # the sleeping child was stopped, not waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child is left behind
