"""``hemismart-site check``: validate everything and render every page in memory; write nothing."""

from __future__ import annotations

from pathlib import Path

from hemismart_site.errors import ContentError
from hemismart_site.render import make_environment, render_language
from hemismart_site.root import render_root
from hemismart_site.validate import load_project


def check_content(root: Path) -> str:
    """A one-line summary if all is well; ContentError listing every problem otherwise."""
    project = load_project(root)
    env = make_environment(root)
    problems = []
    pages = 0
    for lang in project.config.languages:
        try:
            pages += len(render_language(project, env, lang))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    render_root(project, env, project.config.languages)
    f = project.facts
    return (f"OK: {len(f.sites)} sites, {len(f.eligibility.inclusion)} inclusion and {len(f.eligibility.exclusion)} "
            f"exclusion criteria, {len(f.discrepancies)} recorded discrepancies; {pages} pages in "
            f"{len(project.config.languages)} language(s) render without errors.")
