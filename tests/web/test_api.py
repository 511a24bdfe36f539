"""The JSON API as a student's program (or the page) uses it: /api/check, /api/handin, /healthz."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pytest
import yaml
from console import run

from web.helpers import ASSIGNMENT, OTHER, SECRET, STUDENT, body, code, right_answers


def rounded(answers: dict[str, float]) -> dict[str, str]:
    return {q: f"{v:.4f}" for q, v in answers.items()}


def test_healthz_and_the_login_page(served):
    assert served.client.get("/healthz").status_code == 200
    page = served.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="student_id"' in page.text and 'name="code"' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text


def test_a_check_gives_the_self_check_object_with_each_outcome(served, assignment):
    right = right_answers(assignment, STUDENT)
    answers = rounded(right)
    answers["s1"] = answers["s1"].replace(".", ",")  # a decimal comma, as a string
    answers["s2"] = round(right["s2"], 4)  # a JSON number
    answers["a1"] = "12345"
    response = served.client.post("/api/check", json=body(answers=answers))
    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"student_id", "points", "max_points", "warnings", "questions"}
    assert result["student_id"] == STUDENT and result["max_points"] == 29.0 and result["warnings"] == []
    assert list(result["questions"]) == [q.id for q in assignment.questions]
    for entry in result["questions"].values():
        assert set(entry) == {"outcome", "points", "hint", "slip"}
    outcomes = {q: e["outcome"] for q, e in result["questions"].items()}
    assert outcomes["s1"] == "correct" and outcomes["s2"] == "correct"
    assert outcomes["a1"] == "wrong"
    assert outcomes["q1a_vi"] == "text"


def test_a_check_agrees_with_grader_check_json_on_the_same_answers(served, assignment, tmp_path):
    answers = rounded(right_answers(assignment, STUDENT))
    answers.update({"a2": "0.1", "E": "", "loss": "abc", "q1b_i": "Gradient descent."})
    api = served.client.post("/api/check", json=body(answers=answers)).json()
    file = tmp_path / f"{STUDENT}_practice09.yaml"
    file.write_text(yaml.safe_dump({"student_id": STUDENT, "answers": answers}), encoding="utf-8")
    exit_code, out, err = run("check", str(ASSIGNMENT), str(file), "--format", "json", "--secret", SECRET)
    assert exit_code == 0, err
    cli = json.loads(out)
    where = re.compile(r" \((your answers|[^()]*\.yaml), line \d+\)")  # where the answer was read differs
    assert json.loads(where.sub("", json.dumps(api))) == json.loads(where.sub("", json.dumps(cli)))
    assert api["questions"]["loss"]["hint"].startswith("could not read 'abc' as a number")


def test_a_check_never_shows_a_reference_value(served, assignment):
    right = right_answers(assignment, STUDENT)
    wrong = {q: "0.123" for q in right}
    for answers in (wrong, {}, rounded(right)):
        text = served.client.post("/api/check", json=body(answers=answers)).text
        echoed = set(answers.values())
        leaked = [q for q, v in right.items()
                  if any(form in text and form not in echoed for form in (f"{v:.4f}", f"{v:.6g}", repr(v)))]
        assert not leaked, leaked


def test_a_wrong_code_an_unknown_id_and_an_id_off_the_roster_are_401(serve, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student_id\n{STUDENT}\n", encoding="utf-8")
    served = serve(roster=roster)
    assert served.client.post("/api/check", json=body()).status_code == 200
    wrong = {**body(), "code": code(OTHER)}
    assert served.client.post("/api/check", json=wrong).status_code == 401
    assert served.client.post("/api/check", json={**body(), "student_id": "B99999"}).status_code == 401
    off_roster = served.client.post("/api/check", json=body(OTHER))  # the right code, but not on the roster
    assert off_roster.status_code == 401
    assert set(off_roster.json()) == {"error"}
    assert served.client.post("/api/handin", json=body(OTHER)).status_code == 401


def test_codes_are_read_leniently(served):
    typed = code(STUDENT).lower().replace("-", " ")
    assert served.client.post("/api/check", json={**body(), "code": typed}).status_code == 200


def test_60_checks_an_hour_then_429_until_the_hour_has_passed(served):
    for _ in range(60):
        assert served.client.post("/api/check", json=body()).status_code == 200
        served.clock.now += 59
    refused = served.client.post("/api/check", json=body())
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert served.client.post("/api/check", json=body(OTHER)).status_code == 200  # another student is not held up
    served.clock.now += 61  # the first check is now more than an hour ago
    assert served.client.post("/api/check", json=body()).status_code == 200
    assert served.client.post("/api/check", json=body()).status_code == 429


def test_10_wrong_codes_from_one_address_then_429_even_for_the_right_code(served):
    bad = {**body(), "code": "AAAA-AAAA"}
    for _ in range(10):
        assert served.client.post("/api/check", json=bad).status_code == 401
    assert served.client.post("/api/check", json=bad).status_code == 429
    assert served.client.post("/api/check", json=body()).status_code == 429
    assert served.client.post("/api/handin", json=body()).status_code == 429
    assert served.client_from("192.0.2.7").post("/api/check", json=body()).status_code == 200
    served.clock.now += 601
    assert served.client.post("/api/check", json=body()).status_code == 200


def test_a_body_over_64_kib_is_413(served):
    big = json.dumps(body(answers={"q1a_vi": "x" * (65 * 1024)})).encode()
    headers = {"content-type": "application/json"}
    assert served.client.post("/api/check", content=big, headers=headers).status_code == 413
    assert served.client.post("/api/handin", content=big, headers=headers).status_code == 413

    def chunks():  # no Content-Length: refused once 64 KiB have arrived
        for _ in range(100):
            yield b" " * 1024

    assert served.client.post("/api/check", content=chunks(), headers=headers).status_code == 413


@pytest.mark.parametrize("text", ["{", "not json", '{"student_id": "B10001",}', "\xff\xfe{}", "NaN",
                                  '{"student_id": "B10001", "code": "x", "answers": {"s1": NaN}}'])
def test_malformed_json_is_400(served, text):
    response = served.client.post("/api/check", content=text.encode("latin-1"),
                                  headers={"content-type": "application/json"})
    assert response.status_code == 400 and "error" in response.json()


@pytest.mark.parametrize("document", [
    [],
    "B10001",
    {"code": "x", "answers": {}},
    {"student_id": "B10001", "answers": {}},
    {"student_id": "B10001", "code": "x"},
    {"student_id": 10001, "code": "x", "answers": {}},
    {"student_id": "", "code": "x", "answers": {}},
    {"student_id": "B10001", "code": None, "answers": {}},
    {"student_id": "B10001", "code": "x", "answers": ["s1", "0.7"]},
    {"student_id": "B10001", "code": "x", "answers": {"s1": None}},
    {"student_id": "B10001", "code": "x", "answers": {"s1": True}},
    {"student_id": "B10001", "code": "x", "answers": {"s1": [0.7]}},
    {"student_id": "B10001", "code": "x", "answers": {"s1": {"v": 0.7}}},
    {"student_id": "B10001", "code": "x", "answers": {f"q{i}": "1" for i in range(501)}},
    {"student_id": "B10001", "code": "x", "answers": {"q1a_vi": "x" * 1001}},
    {"student_id": "B10001", "code": "x", "answers": {"s1": "\ud800"}},
], ids=lambda d: json.dumps(d)[:40])
def test_the_wrong_shape_is_422(served, document):
    for route in ("/api/check", "/api/handin"):
        response = served.client.post(route, content=json.dumps(document), headers={"content-type": "application/json"})
        assert response.status_code == 422, route
        assert "error" in response.json()


def test_a_handin_writes_a_new_submission_and_gives_its_receipt(served, assignment):
    answers = rounded(right_answers(assignment, STUDENT))
    response = served.client.post("/api/handin", json=body(answers=answers))
    assert response.status_code == 200
    receipt = response.json()
    assert set(receipt) == {"file", "sha256", "received"}
    file = served.handins / receipt["file"]
    assert file.is_file() and file.parent == served.handins
    assert hashlib.sha256(file.read_bytes()).hexdigest() == receipt["sha256"]
    assert receipt["file"].startswith(f"{STUDENT}_practice09_20270115T080000.000000Z_")
    assert receipt["received"] == "2027-01-15T08:00:00.000000+00:00"
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert document["student_id"] == STUDENT and document["answers"]["s1"] == answers["s1"]
    assert (served.handins / "attempts.sqlite").is_file()


def test_every_handin_is_kept_and_grader_grade_takes_the_newest(served, assignment, tmp_path):
    right = rounded(right_answers(assignment, STUDENT))
    first = served.client.post("/api/handin", json=body(answers={"s1": right["s1"]})).json()
    second = served.client.post("/api/handin", json=body(answers=right)).json()  # same clock: the counter differs
    other = served.client.post("/api/handin", json=body(OTHER, answers={"s1": "1"})).json()
    names = {first["file"], second["file"], other["file"]}
    assert len(names) == 3 and all((served.handins / n).is_file() for n in names)
    assert first["sha256"] != second["sha256"]
    out = tmp_path / "graded"
    exit_code, _, err = run("grade", str(ASSIGNMENT), str(served.handins), "--out", str(out), "--secret", SECRET)
    assert exit_code == 0, err
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    rows = {r["student_id"]: r for r in csv.DictReader(gradebook)}
    assert rows[STUDENT]["status"] == "graded" and rows[STUDENT]["files"].endswith(second["file"])
    assert float(rows[STUDENT]["total"]) == 29.0
    assert rows[OTHER]["files"].endswith(other["file"])


def test_a_handin_after_the_deadline_is_403_and_a_check_still_works(serve):
    served = serve(deadline="2027-01-15T10:00:00+02:00")  # 08:00 UTC: the clock's time
    assert served.client.post("/api/handin", json=body()).status_code == 200
    served.clock.now += 1
    refused = served.client.post("/api/handin", json=body())
    assert refused.status_code == 403 and "deadline" in refused.json()["error"]
    assert served.client.post("/api/check", json=body()).status_code == 200
    wrong = {**body(), "code": "AAAA-AAAA"}
    assert served.client.post("/api/handin", json=wrong).status_code == 401
    assert len(list(served.handins.glob("*.yaml"))) == 1


def test_one_students_code_does_not_check_or_hand_in_as_another(served):
    as_other = {**body(STUDENT), "code": code(OTHER)}
    assert served.client.post("/api/check", json=as_other).status_code == 401
    assert served.client.post("/api/handin", json=as_other).status_code == 401
    assert not list(served.handins.glob("*.yaml"))


def test_a_code_depends_on_the_secret(served):
    assert served.client.post("/api/check", json=body(secret="another secret")).status_code == 401
