"""Fixtures for the submission readers: the sheet's question ids and a file writer."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from grader.submissions import QuestionSet

NUMERIC_IDS = (
    "s1 s2 a1 a2 s3 s4 a3 a4 y_hat E dE_dw5 dE_dw9 dE_dw1 w5_new w1_new dE_dw2 dE_dw4 dE_dw7 dE_dw10 dE_dw13"
    " exp_dog exp_cat exp_boat exp_airplane p_dog p_cat p_boat p_airplane loss"
).split()
TEXT_IDS = "q1a_vi q1b_i q1b_v q1b_viii q2_scores q2_column3 q2_two_classes".split()
QUESTIONS = QuestionSet(numeric=tuple(NUMERIC_IDS), text=tuple(TEXT_IDS),
                        aliases=(("yhat", "y_hat"), ("\u0177", "y_hat")))  # as practice09.yaml gives them

Write = Callable[[str, "bytes | str"], Path]


@pytest.fixture
def questions() -> QuestionSet:
    return QUESTIONS


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write(name, content)``: a file in ``tmp_path`` (text is written as UTF-8)."""

    def write_file(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write_file
