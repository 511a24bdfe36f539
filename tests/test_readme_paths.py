"""Every path the README and the shipped files mention is inside the repository and exists: a fresh
clone has nothing beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOP = "|".join(re.escape(p.name) for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
               and p.name not in ("grader.egg-info",)) + r"|\.ci"
MENTIONED = sorted({m.rstrip(".,:;") for m in re.findall(rf"(?<![\w./$~-])((?:{TOP})/[\w./*-]*)", README)})
LINKS = sorted({m for m in re.findall(r"\]\(([^)#\s]+)", README) if "://" not in m and not m.startswith("mailto:")})
SHIPPED = [*sorted((ROOT / "answer_keys").iterdir()), *sorted((ROOT / "examples").iterdir()), ROOT / "README.md",
           ROOT / "pyproject.toml"]
OUTSIDE = re.compile(r"(?<![\w.])\.\./|/work/|(?<![\w/])shared/")


def test_the_readme_mentions_repository_paths():
    assert "answer_keys/practice09.yaml" in MENTIONED and "submissions_example/" in MENTIONED


@pytest.mark.parametrize("mention", MENTIONED + LINKS)
def test_a_path_the_readme_mentions_exists_in_the_repository(mention):
    found = list(ROOT.glob(mention)) if "*" in mention else [ROOT / mention]
    assert found and all(p.exists() for p in found), mention
    assert all(p.resolve().is_relative_to(ROOT) for p in found), mention


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_file_points_outside_the_repository(path):
    if path.suffix not in (".md", ".yaml", ".yml", ".toml"):
        return
    text = path.read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if OUTSIDE.search(line)], path
