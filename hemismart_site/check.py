"""``hemismart-site check``: validate everything and render every page in memory; write nothing."""

from __future__ import annotations

from pathlib import Path

from hemismart_site.build import WORK_DIR, language_config
from hemismart_site.errors import ContentError
from hemismart_site.localize import translation_problems
from hemismart_site.pages import all_pages
from hemismart_site.readability import score_language
from hemismart_site.render import make_environment, render_language, template_syntax_problems
from hemismart_site.root import render_root
from hemismart_site.validate import load_project


def check_content(root: Path) -> str:
    """A one-line summary if all is well; ContentError listing every problem otherwise."""
    project = load_project(root)
    env = make_environment(root)
    config = project.config
    problems = translation_problems(root, config.source_language, config.languages)
    syntax = template_syntax_problems(root)
    problems += syntax
    pages = 0
    scores = []
    for lang in config.languages if not syntax else []:  # a template that does not parse fails every page
        try:
            language_config(project, lang, root / WORK_DIR, strict=False)  # the theme's texts and navigation
            rendered = render_language(project, env, lang)
        except ContentError as exc:  # MissingText included
            problems.extend(exc.problems)
            continue
        pages += len(rendered)
        scores += score_language(lang, rendered, config.readability.get(lang), all_pages(project))
    if problems:
        raise ContentError(problems)
    render_root(project, env, config.languages)
    f = project.facts
    summary = (f"OK: {len(f.sites)} sites, {len(f.eligibility.inclusion)} inclusion and {len(f.eligibility.exclusion)} "
               f"exclusion criteria, {len(f.discrepancies)} recorded discrepancies; {pages} pages in "
               f"{len(config.languages)} language(s) render without errors.")
    return "\n".join([summary, "", "Readability of the family pages (a report, not a gate):", *map(str, scores)])
