"""Golden output: the rendered Markdown of every page of a frozen root, compared with tests/golden/.

The root is tests/fixtures/frozen/ (its facts and its English and Hebrew texts; see its README) with the
repository's templates: a registry update taken into content/ changes no golden file, and a change to a
template shows up here as a diff to review. Refresh after an intended change with:

    make golden        (or: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py)

and read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from hemismart_site.render import make_environment, render_language
from hemismart_site.validate import load_project

REPO = Path(__file__).resolve().parents[1]
FROZEN = REPO / "tests" / "fixtures" / "frozen"
GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("frozen")
    shutil.copy2(FROZEN / "site_config.yml", root / "site_config.yml")
    shutil.copytree(FROZEN / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    project = load_project(root)
    env = make_environment(root)
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
    stale = sorted({p.name for p in GOLDEN.iterdir() if p.is_dir()} - set(rendered))
    problems += [f"{lang}/: golden files of a language the frozen root does not have" for lang in stale]
    assert not problems, "\n".join(problems) + "\n\nIf the change is intended: make golden, then review the diff."
