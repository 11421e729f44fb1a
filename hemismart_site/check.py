"""``hemismart-site check``: validate everything and render every page in memory; write nothing."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from hemismart_site.build import WORK_DIR, language_config
from hemismart_site.errors import ContentError
from hemismart_site.claims import ledger_problems
from hemismart_site.localize import localizer, stale_texts, translation_problems
from hemismart_site.pages import all_pages
from hemismart_site.readability import score_language
from hemismart_site.render import make_environment, render_language, template_syntax_problems
from hemismart_site.root import render_root
from hemismart_site.validate import load_project


def _max_override_age(project) -> int:
    from hemismart_site.overrides import Overrides

    loaded = project.sources["overrides.yml"]
    return Overrides.model_validate(loaded.data).max_age_days


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
        usage: dict[str, list[str]] = {}
        try:
            language_config(project, lang, root / WORK_DIR, strict=False)  # the theme's texts and navigation
            rendered = render_language(project, env, lang, usage)
        except ContentError as exc:  # MissingText included
            problems.extend(exc.problems)
            continue
        if lang == config.source_language:  # every text families read has a basis (content/claims.yml)
            problems += ledger_problems(project, localizer(project, lang).translations, usage, all_pages(project))
        pages += sum(path.endswith(".md") for path in rendered)  # not the change feeds rendered with them
        scores += score_language(lang, rendered, config.readability.get(lang), all_pages(project))
    if problems:
        raise ContentError(problems)
    render_root(project, env, config.languages)
    f = project.facts
    summary = (f"OK: {len(f.sites)} sites, {len(f.eligibility.inclusion)} inclusion and {len(f.eligibility.exclusion)} "
               f"exclusion criteria, {len(f.discrepancies)} recorded discrepancies; {pages} pages in "
               f"{len(config.languages)} language(s) render without errors.")
    stale = [item for lang in config.languages if lang != config.source_language
             for item in stale_texts(localizer(project, config.source_language).translations,
                                     localizer(project, lang).translations)]
    report = [summary, "", "Readability of the family pages (a report, not a gate):", *map(str, scores)]
    if f.overrides:
        today = _dt.date.today()
        max_age = _max_override_age(project)
        report += ["", "Local corrections in force (content/overrides.yml; `hemismart-site drift` compares them with the registry):"]
        report += [f"{o.target}: since {o.date.isoformat()}"
                   + (f": older than {max_age} days, the registry should have caught up" if o.age_days(today) > max_age else "")
                   for o in f.overrides]
    source = localizer(project, config.source_language)
    untold = [arm for arm in f.trial.arms if f.trial.several_arms and not source.has(f"arm.{arm.id}")]
    if untold:
        report += ["", "Arms the family pages do not describe yet (write a plain-language text for each, with its basis):"]
        report += [f"{source.translations.file}: strings.arm.{arm.id}: {arm.label!r}" for arm in untold]
    if stale:
        report += ["", f"Translations out of date: their English changed since they were translated ({len(stale)} text(s); "
                       "their pages say so; `hemismart-site translations status` lists the old and new English):"]
        by_lang: dict[str, list[str]] = {}
        for item in stale:
            by_lang.setdefault(item.lang, []).append(item.key)
        report += [f"{lang} ({len(keys)}): {', '.join(keys)}" for lang, keys in by_lang.items()]
    return "\n".join(report)
