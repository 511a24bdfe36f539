"""Checks that arrive together are graded together: each student still gets exactly their own result."""

from __future__ import annotations

import threading

from grader.engine.variants import draw_variants
from grader.key import compute_key
from grader.web.app import create_app


def test_concurrent_checks_give_each_student_what_a_check_alone_gives(tmp_path):
    service = create_app("answer_keys/practice09.yaml", tmp_path / "handins", "demo-secret").state.service
    ids = [f"C{i:02d}" for i in range(24)]
    key = compute_key(service.assignment, draw_variants(service.assignment, ids, "demo-secret"))
    answers = {}
    for row, sid in enumerate(ids):
        values = {q: f"{v:.4f}" for q, v in key.answers(row).items()}
        if row % 3 == 0:
            values["s1"] = "0.123"  # a wrong step for some: their outcomes differ from the others'
        answers[sid] = values
    alone = {sid: service.check(sid, answers[sid], "127.0.0.1") for sid in ids}
    together: dict[str, dict] = {}
    start = threading.Barrier(len(ids))

    def check(sid: str) -> None:
        start.wait()
        together[sid] = service.check(sid, answers[sid], "127.0.0.2")

    threads = [threading.Thread(target=check, args=(sid,)) for sid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone
    for row, sid in enumerate(ids):  # and alone is right: the wrong s1 costs s1 alone, follow-through after it
        assert alone[sid]["questions"]["s1"]["outcome"] == ("wrong" if row % 3 == 0 else "correct")
        assert alone[sid]["points"] == (28.0 if row % 3 == 0 else 29.0)


def test_a_check_given_up_by_its_client_does_not_stop_the_others(tmp_path):
    service = create_app("answer_keys/practice09.yaml", tmp_path / "handins", "demo-secret").state.service
    from grader.web.service import CheckRequest

    gone = service.submit_check(CheckRequest("C01", {"s1": "0.1"}, "127.0.0.1"))
    gone.cancel()  # the client closed the connection before its check was graded (or it already was)
    record = service.submit_check(CheckRequest("C02", {"s1": "0.1"}, "127.0.0.1")).result(timeout=30)
    assert record["questions"]["s1"]["outcome"] in {"wrong", "correct"} and record["max_points"] == 29.0
    service.close()
