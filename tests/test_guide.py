"""Every command of the trial office's guide (docs/office-guide.md) runs, as the office would run it.

Each section ("## …") is one task: its shell blocks run in order, in a fresh copy of the project (a git
checkout, with the shared registry folder beside it), ``hemismart-site`` being this package's command line.
The whole guide also runs from top to bottom in one copy, as an office works through its tasks one day.
A block fails the test when any command in it fails (``set -e``); a command the guide expects to exit
non-zero says so itself (``|| true``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build]  # the guide's commands, builds included

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "office-guide.md"
SHARED = Path(os.environ.get("HEMISMART_SHARED", REPO.parent / "shared"))


def tasks() -> dict[str, list[str]]:
    """Section title → its ```sh blocks, in order."""
    out: dict[str, list[str]] = {}
    title = None
    for part in re.split(r"^(## .+)$", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE):
        if part.startswith("## "):
            title = part[3:].strip()
        elif title:
            blocks = re.findall(r"^```sh\n(.*?)^```", part, flags=re.MULTILINE | re.DOTALL)
            if blocks:
                out[title] = blocks
    return out


TASKS = tasks()


def test_the_guide_has_the_office_tasks():
    wanted = ["Change a hospital's contact person", "A hospital opens", "Take a registry update and review it",
              "Change an English text and get the translations updated", "Record a translator's work and review",
              "Preview", "Roll back a bad publish"]
    assert [t for t in wanted if t in TASKS] == wanted, sorted(TASKS)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("site_config.yml", "mkdocs.yml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("content", "templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    (tmp_path / "shared").symlink_to(SHARED)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], cwd=root, check=True)
    return root


def run_tasks(project: Path, tasks: list[str]) -> None:
    bindir = project.parent / "bin"
    bindir.mkdir(exist_ok=True)
    wrapper = bindir / "hemismart-site"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m hemismart_site "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    for task in tasks:
        for block in TASKS[task]:
            result = subprocess.run(["bash", "-e", "-c", block], cwd=project, env=env, capture_output=True, text=True,
                                    timeout=600)
            assert result.returncode == 0, f"{task}:\n{block}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
            assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("task", list(TASKS))
def test_the_guides_commands_run(project, task):
    run_tasks(project, [task])


def test_the_whole_guide_runs_in_order_in_one_copy(project):
    """A day of the office's work: each task starts from what the ones before it left."""
    run_tasks(project, list(TASKS))
