"""The page in a real headless browser against the app on uvicorn: a student logs in, reads their own
handout, types answers (one with a decimal comma), checks, sees the outcomes, hands in and gets a receipt,
as a person would with mouse and keyboard.

The browser is Debian's chromium through Selenium (tests/browser.py's ``driver``).

Screenshots of the page after the check and after the hand-in are left in tests/web/artifacts/.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from browser import TIMEOUT
from grader.web.app import create_app
from web.helpers import ASSIGNMENT, SECRET, STUDENT, code, right_answers

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """``app`` on uvicorn at http://127.0.0.1:<free port>, in a background thread, for the ``with`` block."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(TIMEOUT)
        sock.close()


def test_a_student_logs_in_checks_and_hands_in_in_a_real_browser(tmp_path, assignment, driver):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def find(selector: str):
        return driver.find_element(By.CSS_SELECTOR, selector)

    def text(selector: str) -> str:
        return find(selector).text

    def type_into(selector: str, typed: str) -> None:
        field = find(selector)
        field.clear()
        field.send_keys(typed)

    def press(selector: str) -> None:
        """Click a button that sends a form, and wait until the page it leads to has loaded."""
        old = find("html")
        button = find(selector)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        def left(_driver) -> bool:
            """The old page is gone: its element is stale, or (mid-navigation) no longer in any document."""
            try:
                old.is_enabled()
            except WebDriverException:
                return True
            return False

        def loaded(d) -> bool:
            try:
                return d.execute_script("return document.readyState") == "complete"
            except WebDriverException:  # the next page not there yet
                return False

        WebDriverWait(driver, TIMEOUT).until(left)
        WebDriverWait(driver, TIMEOUT).until(loaded)

    def outcome(question: str) -> str:
        return text(f'[data-question="{question}"]')

    def screenshot(name: str, at: str) -> None:
        """What the student sees with ``at`` (the result, the receipt) scrolled to the top of the window."""
        ARTIFACTS.mkdir(exist_ok=True)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", find(at))
        assert driver.save_screenshot(str(ARTIFACTS / name))

    handins = tmp_path / "handins"
    app = create_app(ASSIGNMENT, handins, SECRET)
    right = right_answers(assignment, STUDENT)
    try:
        with serving(app) as url:
            driver.get(url + "/")
            assert text("h1") == assignment.title
            type_into("#student_id", STUDENT)
            type_into("#code", "AAAA-AAAA")
            press("#login-button")
            assert "wrong student id or access code" in text("#message")

            type_into("#student_id", STUDENT)
            type_into("#code", code(STUDENT).lower())
            press("#login-button")
            assert text("#who") == STUDENT
            assert f"for student {STUDENT}" in text("#handout")
            assert driver.execute_script("return document.cookie") == ""  # HttpOnly: no script reads the login
            assert any(cookie["httpOnly"] for cookie in driver.get_cookies())

            typed = {
                "s1": f"{right['s1']:.4f}",
                "s2": f"{right['s2']:.4f}",
                "a1": f"{right['a1']:.4f}".replace(".", ","),  # the decimal comma: "0,2891"
                "a2": f"{right['a2']:.4f}",
                "s3": "<b>7</b>",
                "q1a_vi": "Yes, it is far off.",
            }
            assert typed["a1"].startswith("0,")
            for question, answer in typed.items():
                type_into(f'[name="answer:{question}"]', answer)
            press("#check-button")
            assert [outcome(q) for q in ("s1", "s2", "a1", "a2")] == ["correct"] * 4
            assert outcome("s3") == "unreadable"
            assert outcome("q1a_vi") == "text"
            assert text("#points") == "4"  # one point for each right answer
            for question, answer in typed.items():  # the form keeps what was typed, comma and markup as typed
                assert find(f'[name="answer:{question}"]').get_attribute("value") == answer
            assert driver.find_elements(By.CSS_SELECTOR, "#answers b") == []  # markup shown as text
            shown = text("#result") + text("#answers")  # a check never shows an answer (the handout may)
            assert f"{right['s3']:.4f}" not in shown and f"{right['a3']:.4f}" not in shown
            screenshot("browser-checked.png", at="#result")

            press("#handin-button")
            assert text("#receipt h2") == "Handed in"
            name = text("#receipt-file")
            digest = text("#receipt-sha256")
            assert find('[name="answer:a1"]').get_attribute("value") == typed["a1"]  # still in the form
            screenshot("browser-handed-in.png", at="#receipt")
    finally:
        app.state.service.close()
    assert name and len(digest) == 64
    file = handins / name
    assert file.is_file() and hashlib.sha256(file.read_bytes()).hexdigest() == digest
    handed_in = file.read_text(encoding="utf-8")
    assert f"student_id: {STUDENT}" in handed_in and "q1a_vi: Yes, it is far off." in handed_in
