"""Render every page of a language to Markdown with Jinja (StrictUndefined).

A template sees a :class:`PageContext` and nothing else: the facts, the
page, and helpers that speak the page's language (``t``, ``l10n``) and
link to other pages so MkDocs can check the links. Every ``{{ … }}``
is escaped for Markdown and HTML unless it is already markup (a translation,
checked on loading by :mod:`hemismart_site.textpolicy`; facts never are). A
translation inside an HTML attribute goes through ``| plain`` (plain text, escaped).

A template error is reported like a content error, with the template's
file and line: ``templates/pages/families/index.md.j2:12: families: …``.
"""

from __future__ import annotations

import functools

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import jinja2
from markupsafe import Markup

from hemismart_site.errors import ContentError, Problem
from hemismart_site.escape import plain_text, script_json
from hemismart_site.grid import Grid, build_grids, day_ranges
from hemismart_site.localize import Localizer, MissingText, escape_text, localizer
from hemismart_site.model import Facts, Site
from hemismart_site.pages import Page, all_pages
from hemismart_site.validate import Project

TEMPLATES_DIR = "templates"
PAGE_TEMPLATES = "pages"


def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment: templates/ as the search path, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / TEMPLATES_DIR)),
        undefined=jinja2.StrictUndefined,
        finalize=escape_text,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plain"] = plain_text  # a translation inside an attribute: plain text, then escaped
    return env


@dataclass
class PageContext:
    """Everything a page template may use."""

    facts: Facts
    """All validated facts (``facts.trial``, ``facts.sites``, …)."""
    page: Page
    """The page being rendered."""
    pages: dict[str, Page]
    """Every page by id, for links."""
    l10n: Localizer
    """Dates, numbers, countries and statuses in the page's language."""
    grids: list[Grid]
    """The schedule as grid data, one per timeline."""
    site: Site | None
    """The hospital, on a hospital page."""

    @property
    def lang(self) -> str:
        """The page's language code."""
        return self.l10n.lang

    @property
    def dir(self) -> str:
        """``ltr`` or ``rtl``."""
        return self.l10n.direction

    def t(self, key: str, **params: object) -> Markup:
        """The translation of ``key``; ``.`` at the start means under this page's key."""
        if key.startswith("."):
            key = self.page.key + key
        return self.l10n.t(key, **params)

    def t_html(self, key: str, **params: object) -> Markup:
        """The translation of ``key`` rendered from Markdown to inline HTML, for raw HTML blocks
        (whose links MkDocs neither rewrites nor checks, such as links into another language)."""
        from markdown_it import MarkdownIt

        return Markup(MarkdownIt("commonmark").renderInline(str(self.t(key, **params))))

    def link(self, page_id: str, anchor: str | None = None) -> str:
        """A relative Markdown link target to another page."""
        return self.page.link_to(self.pages[page_id], anchor)

    def source_href(self) -> str:
        """A relative URL to this same page in the source language (for the draft-translation note)."""
        depth = self.page.url.count("/")
        return "../" * (depth + 1) + f"{self.l10n.project.config.source_language}/{self.page.url}"

    def page_url(self) -> str:
        """This page's full public address (for the QR code on printed pages)."""
        return f"{self.l10n.project.config.site_url}{self.lang}/{self.page.url}"

    def qr_svg(self, url: str, label: str) -> Markup:
        """A QR code for ``url`` as inline SVG, with ``label`` as its accessible name."""
        return Markup(_qr_svg(url, str(label)))

    def calendar_json(self) -> Markup:
        """The schedule and texts for calendar.js, as JSON safe inside a <script> element."""
        from hemismart_site.calendar import browser_data

        return Markup(script_json(browser_data(self.l10n)))

    def pdf_href(self) -> str:
        """A relative URL to this language's printable calendar (PDF)."""
        from hemismart_site.calendar import pdf_name

        return "../" * self.page.url.count("/") + f"files/{pdf_name(self.facts, self.lang)}"

    def href(self, page_id: str, anchor: str | None = None) -> str:
        """A relative URL to another page, for links written in raw HTML."""
        return self.page.href_to(self.pages[page_id], anchor)

    def term(self, term_id: str, text: Markup | None = None) -> Markup:
        """A link to the glossary entry for ``term_id`` (its word in this language unless ``text``)."""
        if term_id not in self.facts.glossary:
            raise MissingText(f"{term_id!r} is not in content/glossary.yml",
                              Problem("content/glossary.yml", 1, "terms", f"{term_id!r} is not a term of the glossary"))
        label = text if text is not None else self.l10n.t(f"glossary.{term_id}.term")
        return Markup(f"[{label}]({self.link('glossary', term_id)})")

    def code(self, value: str) -> Markup:
        """A registry code (PHASE1, SINGLE_GROUP, STUDY_CHAIR…) in words."""
        return self.l10n.t(f"code.{value}")

    def medicine(self, ident: str) -> Markup:
        """A medicine's name in this language."""
        return self.l10n.t(f"medicine.{ident}.name")

    def sites_by_country(self) -> list[tuple[str, list[Site]]]:
        """Hospitals grouped by country, countries in this language's alphabetical order."""
        groups: dict[str, list[Site]] = {}
        for site in self.facts.sites:
            groups.setdefault(self.l10n.country(site.country), []).append(site)
        return sorted(groups.items(), key=lambda item: _sort_key(item[0]))

    def day_ranges(self, days: list[int]) -> list[tuple[int, int]]:
        """Consecutive days as ranges."""
        return day_ranges(days)

    def as_dict(self) -> dict[str, object]:
        """The names a template sees."""
        names = {f: getattr(self, f) for f in self.__dataclass_fields__}
        names.update(trial=self.facts.trial, lang=self.lang, dir=self.dir, t=self.t, t_html=self.t_html, link=self.link, href=self.href, source_href=self.source_href,
                     page_url=self.page_url, qr_svg=self.qr_svg, calendar_json=self.calendar_json, pdf_href=self.pdf_href,
                     config=self.l10n.project.config,
                     term=self.term, code=self.code, medicine=self.medicine, sites_by_country=self.sites_by_country,
                     day_ranges=self.day_ranges)
        return names


@functools.lru_cache(maxsize=1024)
def _qr_svg(url: str, label: str) -> str:
    """The QR code's SVG, remembered: the live preview re-renders the same pages after every edit."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=2, border=2, title=label, svgclass="hs-qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold() or text


def render_language(project: Project, env: jinja2.Environment, lang: str) -> dict[str, str]:
    """Every page of one language as ``{docs path: Markdown}``; ContentError lists every failure."""
    l10n = localizer(project, lang)
    pages = all_pages(project)
    by_id = {p.id: p for p in pages}
    grids = build_grids(project.facts)
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for page in pages:
        site = project.facts.site(page.slug) if page.slug else None
        context = PageContext(project.facts, page, by_id, l10n, grids, site)
        try:
            template = env.get_template(f"{PAGE_TEMPLATES}/{page.template}")
            out[page.src] = template.render(context.as_dict())
        except Exception as exc:  # every failure becomes a located problem
            problems.append(template_problem(exc, page, lang))
    if problems:
        raise ContentError(problems)
    return out


THEME_DIR = "theme"


def template_syntax_problems(root: Path) -> list[Problem]:
    """Every template under templates/ that does not parse, at its file and line: the page templates and
    partials, and the theme overrides that MkDocs renders (so ``check`` finds their errors before a build)."""
    base = root / TEMPLATES_DIR
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(base)))
    problems = []
    for path in sorted(base.rglob("*")):
        if path.suffix not in (".j2", ".html", ".xml") or not path.is_file():
            continue
        rel = path.relative_to(base).as_posix()
        try:
            env.parse(path.read_text(encoding="utf-8"), rel, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(f"{TEMPLATES_DIR}/{rel}", exc.lineno, "", f"template syntax: {exc.message}"))
        except UnicodeDecodeError as exc:
            line = exc.object[:exc.start].count(b"\n") + 1
            problems.append(Problem(f"{TEMPLATES_DIR}/{rel}", line, "", f"not UTF-8 text ({exc.reason})"))
    return problems


def template_problem(exc: Exception, page: Page, lang: str) -> Problem:
    """Turn a template failure into a problem at the template's file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(_template_file(exc.filename, exc.name), exc.lineno, f"{lang}/{page.id}", f"template syntax: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):  # named by the template that imports or extends it
        filename, line = _template_frame(exc.__traceback__)
        return Problem(filename or f"{TEMPLATES_DIR}/{PAGE_TEMPLATES}/{page.template}", line or 1, f"{lang}/{page.id}",
                       f"template {exc.name!r} not found under {TEMPLATES_DIR}/")
    if isinstance(exc, MissingText) and exc.in_file:
        return exc.problem  # an unknown placeholder: the text's own file and line
    filename, line = _template_frame(exc.__traceback__)
    message = str(exc) if isinstance(exc, (MissingText, jinja2.UndefinedError)) else f"{type(exc).__name__}: {exc}"
    return Problem(filename or f"{TEMPLATES_DIR}/{PAGE_TEMPLATES}/{page.template}", line, f"{lang}/{page.id}", message)


def _template_frame(tb: TracebackType | None) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template (Jinja maps its line)."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (_template_file(filename, None), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_file(filename: str | None, name: str | None) -> str:
    if filename and f"/{TEMPLATES_DIR}/" in filename:
        return TEMPLATES_DIR + "/" + filename.split(f"/{TEMPLATES_DIR}/", 1)[1]
    return f"{TEMPLATES_DIR}/{name}" if name else (filename or TEMPLATES_DIR)

