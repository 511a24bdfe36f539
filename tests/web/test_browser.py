"""The page in a real headless browser (Chromium) against the app on uvicorn: a student logs in, reads
their own handout, checks answers and hands them in, as a person would with mouse and keyboard."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from grader.web import create_app
from web.browser import Browser, serving
from web.helpers import ASSIGNMENT, SECRET, STUDENT, code, right_answers

pytestmark = pytest.mark.skipif(Browser.find() is None, reason="no Chromium installed (apt-get install chromium)")


def test_a_student_logs_in_checks_and_hands_in_in_a_real_browser(tmp_path, assignment):
    handins = tmp_path / "handins"
    app = create_app(ASSIGNMENT, handins, SECRET)
    right = right_answers(assignment, STUDENT)
    try:
        with serving(app) as url, Browser() as browser:
            browser.open(url + "/")
            assert browser.text("h1") == assignment.title
            browser.type("#student_id", STUDENT)
            browser.type("#code", "AAAA-AAAA")
            browser.click("#login-button")
            assert "wrong student id or access code" in browser.text("#message")

            browser.type("#student_id", STUDENT)
            browser.type("#code", code(STUDENT).lower())
            browser.click("#login-button")
            assert browser.text("#who") == STUDENT
            assert f"for student {STUDENT}" in browser.text("#handout")
            assert browser.evaluate("document.cookie") == ""  # HttpOnly: no script can read the login

            browser.type('[name="answer:s1"]', f"{right['s1']:.4f}".replace(".", ","))
            browser.type('[name="answer:s2"]', f"{right['s2']:.4f}")
            browser.type('[name="answer:a1"]', "<b>7</b>")
            browser.type('[name="answer:q1a_vi"]', "Yes, it is far off.")
            browser.click("#check-button")
            outcome = 'document.querySelector(\'[data-question="{}"]\').textContent'
            assert browser.evaluate(outcome.format("s1")) == "correct"
            assert browser.evaluate(outcome.format("s2")) == "correct"
            assert browser.evaluate(outcome.format("a1")) == "unreadable"
            assert browser.evaluate(outcome.format("q1a_vi")) == "text"
            assert browser.evaluate('document.querySelector(\'[name="answer:a1"]\').value') == "<b>7</b>"
            assert browser.evaluate("document.querySelectorAll('b').length") == 0  # shown as text, not markup
            assert f"{right['a1']:.4f}" not in browser.evaluate("document.body.innerText")

            browser.click("#handin-button")
            name = browser.text("#receipt-file")
            digest = browser.text("#receipt-sha256")
            if os.environ.get("GRADER_SCREENSHOT"):
                browser.screenshot(Path(os.environ["GRADER_SCREENSHOT"]))
    finally:
        app.state.service.log.close()
    file = handins / name
    assert file.is_file() and hashlib.sha256(file.read_bytes()).hexdigest() == digest
    text = file.read_text(encoding="utf-8")
    assert f"student_id: {STUDENT}" in text and "q1a_vi: Yes, it is far off." in text
