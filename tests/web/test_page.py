"""The page as a browser uses it: log in, one's own handout, check and hand in by form; the cookie;
escaping; one student never sees or acts as another."""

from __future__ import annotations

import base64
import hashlib
import re

from grader.engine.variants import draw_variants
from grader.filenames import student_stems
from grader.handout import handout_pages, student_variant
from grader.key import compute_key
from web.helpers import OTHER, SECRET, STUDENT, code, right_answers


def log_in(client, student_id: str, typed: str | None = None):
    return client.post("/login", data={"student_id": student_id, "code": typed or code(student_id)},
                       follow_redirects=False)


def handout_body(assignment, student_id: str) -> str:
    """The student's handout body, as ``grader variants`` lays it out."""
    key = compute_key(assignment, draw_variants(assignment, [student_id], SECRET))
    html = handout_pages(student_variant(key, 0, file_stem=student_stems([student_id])[student_id]))[1]
    return html[html.index("<body>\n") + 7:html.rindex("\n</body>")]


def test_logging_in_sets_an_httponly_samesite_cookie_and_shows_the_own_handout(served, assignment):
    response = log_in(served.client, STUDENT)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("grader_session=")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and "path=/" in cookie.lower()
    assert code(STUDENT) not in cookie and code(STUDENT).replace("-", "") not in cookie
    page = served.client.get("/")
    assert page.status_code == 200
    assert handout_body(assignment, STUDENT) in page.text
    assert f'<strong id="who">{STUDENT}</strong>' in page.text
    assert all(f'name="answer:{q.id}"' in page.text for q in assignment.questions)
    assert "<script" not in page.text and "default-src 'none'" in page.headers["content-security-policy"]


def test_a_wrong_code_on_the_login_page_is_401_and_logs_nobody_in(served):
    response = log_in(served.client, STUDENT, "AAAA-AAAA")
    assert response.status_code == 401 and "set-cookie" not in response.headers
    assert 'name="code"' in response.text and "wrong student id or access code" in response.text
    assert 'name="code"' in served.client.get("/").text  # still the login page


def test_the_login_page_counts_wrong_codes_from_an_address(served):
    for _ in range(10):
        assert log_in(served.client, STUDENT, "AAAA-AAAA").status_code == 401
    assert log_in(served.client, STUDENT).status_code == 429
    assert log_in(served.client_from("192.0.2.9"), STUDENT).status_code == 303


def test_a_second_student_sees_only_their_own_sheet_and_acts_only_as_themselves(served, assignment):
    first, second = served.client, served.client_from("192.0.2.20")
    assert log_in(first, STUDENT).status_code == 303
    assert log_in(second, OTHER).status_code == 303
    for url in ("/", f"/?student_id={STUDENT}", f"/?student={STUDENT}&id={STUDENT}"):
        page = second.get(url).text
        assert handout_body(assignment, OTHER) in page
        assert handout_body(assignment, STUDENT) not in page
        assert STUDENT not in page
    right = right_answers(assignment, STUDENT)
    handed = second.post("/handin", data={"answer:s1": f"{right['s1']:.4f}", "student_id": STUDENT})
    assert handed.status_code == 200
    files = list(served.handins.glob("*.yaml"))
    assert [f.name.split("_")[0] for f in files] == [OTHER]
    assert f"student_id: {OTHER}" in files[0].read_text(encoding="utf-8")
    as_first = {"student_id": STUDENT, "code": code(OTHER), "answers": {}}
    assert second.post("/api/check", json=as_first).status_code == 401
    assert second.post("/api/handin", json=as_first).status_code == 401


def test_a_tampered_or_expired_cookie_is_no_login(served):
    log_in(served.client, OTHER)
    value = served.client.cookies["grader_session"]
    _, issued, mac = value.split(".")
    forged = base64.urlsafe_b64encode(STUDENT.encode()).rstrip(b"=").decode() + f".{issued}.{mac}"
    served.client.cookies.set("grader_session", forged)
    assert 'name="code"' in served.client.get("/").text
    assert served.client.post("/check", data={}).status_code == 401
    served.client.cookies.set("grader_session", value)
    assert 'id="who"' in served.client.get("/").text
    served.clock.now += 13 * 3600
    assert 'name="code"' in served.client.get("/").text


def test_logging_out_ends_the_login(served):
    log_in(served.client, STUDENT)
    response = served.client.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and "grader_session=" in response.headers["set-cookie"]
    assert 'name="code"' in served.client.get("/").text


def test_the_page_checks_and_hands_in_by_form(served, assignment):
    log_in(served.client, STUDENT)
    right = right_answers(assignment, STUDENT)
    form = {f"answer:{q}": f"{v:.4f}" for q, v in right.items()}
    form["answer:s1"] = form["answer:s1"].replace(".", ",")
    form["answer:a1"] = "7"
    checked = served.client.post("/check", data=form)
    assert checked.status_code == 200
    assert re.search(r'class="outcome outcome-correct" data-question="s1"', checked.text)
    assert re.search(r'class="outcome outcome-wrong" data-question="a1"', checked.text)
    assert f'value="{form["answer:s2"]}"' in checked.text  # the answers stay in the form
    assert f"{right['a1']:.4f}" not in checked.text
    handed = served.client.post("/handin", data=form)
    assert handed.status_code == 200 and 'id="receipt"' in handed.text
    name = re.search(r'id="receipt-file">([^<]+)<', handed.text).group(1)
    digest = re.search(r'id="receipt-sha256">([0-9a-f]{64})<', handed.text).group(1)
    assert hashlib.sha256((served.handins / name).read_bytes()).hexdigest() == digest


def test_a_form_from_another_site_is_refused(served):
    log_in(served.client, STUDENT)
    refused = served.client.post("/handin", data={"answer:s1": "1"}, headers={"origin": "http://evil.example"})
    assert refused.status_code == 403 and not list(served.handins.glob("*.yaml"))
    assert served.client.post("/login", data={"student_id": STUDENT, "code": code(STUDENT)},
                              headers={"sec-fetch-site": "cross-site"}).status_code == 403


def test_html_is_escaped_ids_answers_and_typed_text(served):
    evil = "<script>alert(1)</script>"
    login = log_in(served.client, evil, "wrong")
    assert evil not in login.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in login.text
    assert log_in(served.client, evil).status_code == 303  # no roster: any id with its own code
    page = served.client.get("/")
    assert evil not in page.text and "&lt;script&gt;" in page.text
    checked = served.client.post("/check", data={"answer:s1": '"><script>alert(2)</script>',
                                                 "answer:q1a_vi": "</textarea><script>alert(3)</script>"})
    assert checked.status_code == 200
    assert "<script>" not in checked.text
    assert "&lt;script&gt;alert(2)" in checked.text and "&lt;/textarea&gt;&lt;script&gt;alert(3)" in checked.text
    handed = served.client.post("/handin", data={"answer:s1": "1"})
    name = re.search(r'id="receipt-file">([^<]+)<', handed.text).group(1)
    assert "<" not in name and "/" not in name and (served.handins / name).is_file()


def test_after_the_deadline_the_page_refuses_a_handin_and_still_checks(serve):
    served = serve(deadline="2027-01-15T07:59:59+00:00")
    log_in(served.client, STUDENT)
    page = served.client.get("/")
    assert "Hand-ins are closed" in page.text and 'id="handin-button"' not in page.text
    assert served.client.post("/handin", data={"answer:s1": "1"}).status_code == 403
    assert served.client.post("/check", data={"answer:s1": "1"}).status_code == 200
    assert not list(served.handins.glob("*.yaml"))


def test_the_page_counts_checks_with_the_api(served):
    log_in(served.client, STUDENT)
    for _ in range(60):
        assert served.client.post("/api/check", json={"student_id": STUDENT, "code": code(STUDENT),
                                                      "answers": {}}).status_code == 200
    refused = served.client.post("/check", data={"answer:s1": "1"})
    assert refused.status_code == 429 and 'id="message"' in refused.text
