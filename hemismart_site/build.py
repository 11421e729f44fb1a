"""The pipeline: validate → render every language → MkDocs per language → swap into site/.

Each language is its own MkDocs site under ``/{lang}/`` (Material's
documented route for multilingual sites): its own search index
(hemismart_site/search.py), its own 404 page, ``<html lang>`` and direction from
Material's ``theme.language``. A per-language config INHERITs the shared
``mkdocs.yml`` and sets only what differs (see :func:`language_config`).

Nothing in ``site/`` changes until every language has built: the build
goes into ``.build/<run>/`` and is swapped in at the end, so a failed
build leaves the previous good site in place.
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import yaml

from hemismart_site import mkdocs_api
from hemismart_site.claims import ledger_problems
from hemismart_site.config import language_direction
from hemismart_site.errors import BuildError, ContentError, Problem, UsageError
from hemismart_site.escape import html_text, plain_text, script_json
from hemismart_site.jsonld import FACTS_FILE, facts_json, medical_trial
from hemismart_site.localize import Localizer, key_problems, localizer, placeholder_problems, translation_problems
from hemismart_site.pages import all_pages, fixed_pages
from hemismart_site.render import make_environment, render_language, template_syntax_problems
from hemismart_site.root import render_root
from hemismart_site.validate import Project, load_project
from hemismart_site.write import write_tree

log = logging.getLogger("hemismart_site")

WORK_DIR = ".build"
SITE_DIR = "site"
MKDOCS_BASE = "mkdocs.yml"
THEME_DIR = Path("templates") / "theme"


@dataclass
class BuildResult:
    """What a build produced."""

    site_dir: Path
    languages: list[str]
    pages: int
    kept: list[str] = dataclass_field(default_factory=list)
    """Languages not rebuilt (``--lang``) whose pages were kept from the previous site."""


PLACEHOLDER_HOSTS = re.compile(r"^https?://([^/]*\.)?(example\.(org|com|net)|localhost|127\.0\.0\.1)(:\d+)?/", re.I)
"""Addresses that are no public site: a published build refuses them (every canonical link and QR code would
point nowhere)."""


def build_site(root: Path, *, strict: bool = False, site_dir: Path | None = None,
               languages: list[str] | None = None, pdf: bool = True, site_url: str | None = None,
               publish: bool = False) -> BuildResult:
    """Validate, render and build every language; replace ``site_dir`` only on success.

    With ``pdf`` (the default) Chromium prints each language's calendar PDF into the site. ``site_url`` replaces
    site_config.yml's address (the publishing workflow passes the address GitHub Pages gives it); with
    ``publish``, a placeholder address (example.org, localhost) is refused. Building some languages only
    (``languages``) keeps the other languages' pages of the previous site."""
    project = load_project(root)
    if site_url is not None:
        if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", site_url):
            raise UsageError(f"--site-url {site_url}: not an http(s) address")
        project.config = project.config.model_copy(update={"site_url": site_url.rstrip("/") + "/"})
    if publish and PLACEHOLDER_HOSTS.match(project.config.site_url):
        raise UsageError(f"the site's address {project.config.site_url} is a placeholder: a published site's links and "
                         "QR codes would point nowhere. Set site_url in site_config.yml or pass --site-url.")
    langs = languages or project.config.languages
    unknown = sorted(set(langs) - set(project.config.languages))
    if unknown:
        raise UsageError(f"--lang {', '.join(unknown)}: not a language of site_config.yml ({', '.join(project.config.languages)})")
    _check_translations(project, langs, strict)
    with _source_date(project):
        return _build(project, langs, strict=strict, site_dir=site_dir, pdf=pdf)


def _build(project: Project, langs: list[str], *, strict: bool, site_dir: Path | None, pdf: bool) -> BuildResult:
    """Render, run MkDocs, print the PDFs, and swap the result into place."""
    root = project.root
    target = (site_dir or root / SITE_DIR).resolve()
    work_root = root / WORK_DIR
    work_root.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=work_root))
    try:
        out = work / "site"
        build_languages(project, langs, work, strict)
        if pdf:
            from hemismart_site.pdf import print_schedules_apart

            for page in fixed_pages(project):
                if page.print:
                    print_schedules_apart(out, project.facts, langs, page.url)
        kept = _keep_other_languages(project, langs, target, out)
        write_tree(work / "root", {**render_root(project, _environment(root), [*langs, *kept]),
                                   FACTS_FILE: facts_json(project.facts)})
        _copy_tree(work / "root", out)
        _swap(out, target)
        pages = sum(1 for _ in target.rglob("*.html"))
        return BuildResult(target, langs, pages, kept)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _keep_other_languages(project: Project, langs: list[str], target: Path, out: Path) -> list[str]:
    """A build of some languages only keeps the other configured languages from the previous site (so that
    ``build --lang en`` does not remove them); returns those kept, in site_config.yml's order."""
    kept = []
    for lang in project.config.languages:
        if lang not in langs and (target / lang).is_dir():
            shutil.copytree(target / lang, out / lang)
            kept.append(lang)
    return kept


def _check_translations(project: Project, langs: list[str], strict: bool) -> None:
    """Texts that break the translation policy or whose placeholders differ from English: always an error.
    Missing or obsolete keys: an error under --strict, a warning otherwise (a text missing in a language
    still fails every build when a page needs it: no fallback). Theme templates that do not parse: an error."""
    source = project.config.source_language
    fatal = translation_problems(project.root, source, [source, *langs], placeholder_problems)
    syntax = template_syntax_problems(project.root)
    if fatal or syntax:
        if not syntax and any(p.file != f"content/translations/{source}.yml" for p in fatal):
            # Placeholders that differ may be the English text's fault (a placeholder no fact fills):
            # render the source language too, so that its own problems are named with the others.
            fatal += _source_problems(project)
        raise ContentError(fatal + syntax)
    problems = translation_problems(project.root, source, langs, key_problems)
    if problems and strict:
        raise ContentError(problems)
    for problem in problems:
        log.warning("warning: %s", problem)


def _source_problems(project: Project) -> list[Problem]:
    """The problems of rendering the source language (its pages, theme texts and navigation), or none."""
    try:
        render_language(project, _environment(project.root), project.config.source_language)
        language_config(project, project.config.source_language, project.root / WORK_DIR, False)
    except ContentError as exc:  # MissingText included
        return exc.problems
    return []


@contextmanager
def _source_date(project: Project) -> Iterator[None]:
    """During the build, pin MkDocs' build date (sitemap lastmod) and the PDFs' dates to the registry's
    last update, unless SOURCE_DATE_EPOCH is set; the environment is put back afterwards."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    day = project.facts.trial.registry.last_update_posted.date
    os.environ["SOURCE_DATE_EPOCH"] = str(int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC).timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def nav_for(project: Project, lang: str) -> list:
    """The navigation of one language, titles in that language."""
    l10n = localizer(project, lang)
    nav: list = []
    sections: dict[str, list] = {}
    for page in fixed_pages(project):
        if not page.nav:
            continue
        entry = {html_text(plain_text(l10n.t(f"{page.key}.nav"))): page.src}
        if page.section is None:
            nav.append(entry)
        elif page.section not in sections:
            sections[page.section] = [entry]
            nav.append({html_text(plain_text(l10n.t(f"{page.section}.nav"))): sections[page.section]})
        else:
            sections[page.section].append(entry)
    return nav


def theme_extra(project: Project, l10n: Localizer) -> dict:
    """What the theme overrides (templates/theme/) need: languages, switcher and 404 texts, footer.

    Every text is plain (unescaped) text: the overrides escape each value (``| e``), as MkDocs' Jinja
    environment does not. The JSON-LD is already escaped for its ``<script>`` element."""
    languages = [{"code": code, "name": l10n.language_name(code), "dir": language_direction(code)}
                 for code in project.config.languages]

    def plain(key: str) -> str:
        return plain_text(l10n.t(key))

    return {
        "alternate": [{"name": lang["name"], "link": f"/{lang['code']}/", "lang": lang["code"]} for lang in languages],
        "hs": {
            "site_root": project.config.site_url,
            "languages": languages,
            "description": plain("root.description"),
            "switcher": {"label": plain("switcher.label"), "other_languages": plain("switcher.other_languages")},
            "not_found": {key: plain(f"not_found.{key}") for key in ("title", "text", "home", "chooser")},
            "notice": f"{plain('notice.families.title')} {plain('notice.families.text')}",
            "search": plain("search.nav"),
            "footer": plain("footer.identifiers"),
            "jsonld": script_json(medical_trial(l10n, locations=False)),
            "jsonld_home": script_json(medical_trial(l10n)),
        },
    }


def unbreakable_name(text: str, name: str | None) -> str:
    """``text`` with the hyphens of ``name`` made non-breaking (U+2011) where ``name`` appears in it."""
    return text.replace(name, name.replace("-", "\u2011")) if name else text


def language_config(project: Project, lang: str, work: Path, strict: bool) -> dict:
    """The MkDocs settings of one language; everything else comes from mkdocs.yml."""
    l10n = localizer(project, lang)
    root = project.root.resolve()
    pages = all_pages(project)
    return {
        "INHERIT": str(root / MKDOCS_BASE),
        # Material prints site_name and the navigation's titles without escaping them. The short name keeps
        # its hyphens unbreakable (U+2011) in the header, so a phone never shows "HEM-" and "iSMART-B" apart.
        "site_name": html_text(unbreakable_name(plain_text(l10n.t("site_name")), project.facts.trial.identifiers.short_name)),
        "site_url": f"{project.config.site_url}{lang}/",
        "docs_dir": str((work / "docs" / lang).resolve()),
        "site_dir": str((work / "site" / lang).resolve()),
        "strict": strict,
        "theme": {"language": lang, "custom_dir": str(root / THEME_DIR)},
        "nav": nav_for(project, lang),
        "not_in_nav": "\n".join(f"/{page.src}" for page in pages if not page.nav),
        "plugins": [{"hemismart-search": {"exclude": [page.url for page in pages if not page.search]}},
                    {"hemismart-nowrap": {"names": [n for n in (project.facts.trial.identifiers.short_name,) if n]}}],
        "extra": theme_extra(project, l10n),
    }


def write_language_config(project: Project, lang: str, work: Path, strict: bool) -> Path:
    """Write the per-language mkdocs.yml into the work folder and return its path."""
    path = work / "config" / lang / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(language_config(project, lang, work, strict), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def run_mkdocs(config_file: Path, strict: bool) -> list[str]:
    """Build one language with MkDocs (hemismart_site.mkdocs_api); its warnings are logged, or fatal under strict."""
    messages = mkdocs_api.build(config_file, strict, config_file.parent.name)
    for message in messages:
        log.warning("%s: %s", config_file.parent.name, message)
    return messages


def build_language(project: Project, lang: str, work: Path, strict: bool) -> None:
    """One language, start to end: render its pages, write them and its MkDocs config, run MkDocs.
    In the source language, every text families read must have a basis in the claims ledger."""
    usage: dict[str, list[str]] = {}
    rendered = render_language(project, _environment(project.root), lang, usage)
    if lang == project.config.source_language:
        problems = ledger_problems(project, localizer(project, lang).translations, usage, all_pages(project))
        if problems:
            raise ContentError(problems)
    write_tree(work / "docs" / lang, rendered)
    run_mkdocs(write_language_config(project, lang, work, strict), strict)


def build_languages(project: Project, langs: list[str], work: Path, strict: bool) -> None:
    """Build the languages, in parallel on every core when there are several (rendering included).

    Every language is tried; the content problems of all of them are reported together."""
    workers = min(len(langs), os.cpu_count() or 1)
    mkdocs_api.preload()  # imported once here, inherited by the forked workers
    if workers <= 1:
        outcomes = [_outcome(build_language, project, lang, work, strict) for lang in langs]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_set_worker_project, initargs=(project,)) as pool:
            futures = [pool.submit(_outcome, _build_in_worker, lang, work, strict) for lang in langs]
            outcomes = [future.result() for future in futures]
    problems = [p for outcome in outcomes if isinstance(outcome, ContentError) for p in outcome.problems]
    if problems:
        raise ContentError(problems)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def _outcome(function, *args) -> BaseException | None:
    """Run ``function``; return the ContentError or BuildError it raised (to report them together)."""
    try:
        function(*args)
    except (ContentError, BuildError) as exc:
        return exc
    return None


@functools.lru_cache(maxsize=4)
def _environment(root: Path):
    """One Jinja environment per process, so each template is compiled once, not once per language."""
    return make_environment(root)


_WORKER_PROJECT: Project | None = None
"""The validated project in a worker process (sent once per worker, not once per language)."""


def _set_worker_project(project: Project) -> None:
    global _WORKER_PROJECT
    _WORKER_PROJECT = project


def _build_in_worker(lang: str, work: Path, strict: bool) -> None:
    assert _WORKER_PROJECT is not None, "worker started without the project"
    build_language(_WORKER_PROJECT, lang, work, strict)


def _copy_tree(src: Path, dst: Path) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with two renames; the old site is removed last."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    shutil.move(str(new), str(target))
    if old.exists():
        shutil.rmtree(old)

