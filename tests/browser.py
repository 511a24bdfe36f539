"""Headless Debian Chromium for tests that look at a page as a person would (the ``driver`` fixture).

The browser is Debian's: ``chromium`` driven by Selenium through ``chromium-driver``, both named by their
paths (/usr/bin/chromium, /usr/bin/chromedriver) so that Selenium Manager never runs and nothing is
downloaded. ``.ci/run`` installs them with apt-get. Without them a test skips on a workstation and fails
in CI (the environment variable CI is set), so CI never passes without having run it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
TIMEOUT = 30.0


def _unavailable(reason: str) -> None:
    """Skip on a workstation; fail in CI, where the browser is part of the job."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}: the real-browser test cannot run. Install Debian's browser and "
                    f"its driver (apt-get install chromium chromium-driver, as .ci/run does) and "
                    f"pip install -e '.[test]' (selenium).", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium chromium-driver; pip install selenium)")


@pytest.fixture
def driver(tmp_path):
    """Headless Debian Chromium through Debian's chromedriver, on a fresh profile in ``tmp_path``."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        _unavailable(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1100,1400", "--allow-file-access-from-files",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    # A driver path in the Service means Selenium Manager is skipped: no look-up, no download.
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(TIMEOUT)
    try:
        yield browser
    finally:
        browser.quit()
