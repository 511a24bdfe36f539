"""The class report, a student's feedback page and a handout as a person sees them: rendered by headless
Debian chromium (tests/browser.py) to PNG, which must not be blank, with the key texts in the DOM.

The screenshots are kept in tests/report/artifacts/ (report.png, feedback.png, handout.png).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from console import run
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _look_at(driver, page: Path, name: str) -> str:
    """Open ``page``, save its screenshot as ``name``, check it is no blank sheet; the page's visible text."""
    driver.set_window_size(1200, 1600)
    driver.get(page.as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    assert driver.save_screenshot(str(shot))
    image = Image.open(shot).convert("RGB")
    inked = sum(count for count, colour in image.getcolors(1 << 24) if colour != (255, 255, 255))
    assert inked > 0.02 * image.width * image.height, f"{name} is (nearly) blank"
    assert len(image.getcolors(1 << 24)) > 50, f"{name} has almost no colours: nothing drawn"
    return driver.find_element("tag name", "body").text


def test_report_feedback_and_handout_render_in_a_real_browser(tmp_path, driver):
    out = tmp_path / "out"
    code, _, err = run("grade", "answer_keys/practice09.yaml", str(ROOT / "submissions_example" / "handed_in"),
                       "--roster", str(ROOT / "submissions_example" / "roster.csv"), "--out", str(out))
    assert code == 0, err
    text = _look_at(driver, out / "report.html", "report.png")
    for words in ("class report", "Hardest questions", "Where along the computation", "Totals",
                  "Outcomes per question", "Named slips", "half_squared_error", "dE_dw13"):
        assert words in text
    svgs = driver.find_elements("tag name", "svg")
    assert len(svgs) >= 4 and all(s.size["width"] > 100 and s.size["height"] > 30 for s in svgs)

    with zipfile.ZipFile(out / "feedback.zip") as archive:
        name = next(n for n in archive.namelist() if n.startswith("B10003") and n.endswith(".html"))
        page = tmp_path / "feedback.html"
        page.write_bytes(archive.read(name))
    text = _look_at(driver, page, "feedback.png")
    assert "B10003" in text and "s1" in text

    code, _, err = run("variants", "answer_keys/practice09.yaml", "--roster",
                       str(ROOT / "submissions_example" / "roster.csv"), "--out", str(tmp_path / "variants"))
    assert code == 0, err
    handout = tmp_path / "variants" / "students" / "B10001" / "handout.html"
    text = _look_at(driver, handout, "handout.png")
    assert "B10001" in text and "w5" in text
    assert driver.find_elements("tag name", "svg"), "the handout's network figure"
