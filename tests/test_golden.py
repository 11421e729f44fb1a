"""Golden output: the rendered Markdown of every page, compared with tests/golden/.

A change to a template, a translation or a fact shows up here as a diff to review.
Refresh after an intended change with:

    make golden        (or: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py)

and read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from hemismart_site.render import make_environment, render_language
from hemismart_site.validate import load_project

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, str]]:
    project = load_project(ROOT)
    env = make_environment(ROOT)
    return {lang: render_language(project, env, lang) for lang in project.config.languages}


def test_golden_markdown(rendered):
    problems = []
    for lang, pages in rendered.items():
        folder = GOLDEN / lang
        if UPDATE:
            for old in folder.rglob("*.md"):
                old.unlink()
        for rel, text in sorted(pages.items()):
            path = folder / rel
            if UPDATE:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="\n")
                continue
            if not path.exists():
                problems.append(f"{lang}/{rel}: no golden file (run `make golden`)")
                continue
            expected = path.read_text(encoding="utf-8")
            if expected != text:
                diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                    f"golden/{lang}/{rel}", f"rendered/{lang}/{rel}", n=1))
                problems.append(diff[:3000])
        extra = {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")} - set(pages)
        problems += [f"{lang}/{rel}: golden file for a page that no longer exists" for rel in sorted(extra)]
    assert not problems, "\n".join(problems) + "\n\nIf the change is intended: make golden, then review the diff."
