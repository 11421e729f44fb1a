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
import re

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from types import TracebackType

import jinja2
from markupsafe import Markup, escape

from hemismart_site.errors import ContentError, Problem
from hemismart_site.escape import plain_text, script_json
from hemismart_site.grid import Grid, build_grids, day_ranges
from hemismart_site.localize import Localizer, MissingText, country_code, escape_text, localizer
from hemismart_site.model import Facts, Site
from hemismart_site.pages import Page, all_pages
from hemismart_site.validate import Project

TEMPLATES_DIR = "templates"
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
"""Statuses of a study or a hospital that families are offered as a place to go (now or later)."""
PAGE_TEMPLATES = "pages"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
"""A ``{name}`` placeholder in a text (the names textpolicy allows)."""


def breakable(value: object, after: str = "/") -> Markup:
    """A long run such as ``prednisone/hydrocortisone/cytarabine`` or ``eligibility.IN01.thresholds``, escaped,
    with a line-break opportunity (``<wbr>``) after each of ``after``: a phone wraps it there, never mid-word."""
    text = str(escape_text(value))
    for char in after:
        text = text.replace(char, char + "<wbr>")
    return Markup(text)


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
    env.filters["breakable"] = breakable
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
    usage: dict[str, list[str]] = dataclass_field(default_factory=dict)
    """The translation keys each page rendered before this one used (for the sources page)."""

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

    def sites_by_country(self, sites: list[Site] | None = None) -> list[tuple[str, list[Site]]]:
        """Hospitals (all, or ``sites``) grouped by country, countries in this language's alphabetical order."""
        groups: dict[str, list[Site]] = {}
        for site in self.facts.sites if sites is None else sites:
            groups.setdefault(self.l10n.country(site.country), []).append(site)
        return sorted(groups.items(), key=lambda item: self.l10n.sort_key(item[0]))

    def study_open(self) -> bool:
        """Whether the study as a whole takes (or will take) patients, by its overall status."""
        return self.facts.trial.status.overall in OPEN_STATUSES

    def open_sites(self) -> list[Site]:
        """Hospitals taking patients now (recruiting, or enrolling by invitation), in registry order."""
        return [s for s in self.facts.sites if s.status in ("RECRUITING", "ENROLLING_BY_INVITATION")]

    def soon_sites(self) -> list[Site]:
        """Hospitals that have not started yet, in registry order."""
        return [s for s in self.facts.sites if s.status == "NOT_YET_RECRUITING"]

    def offered_sites(self) -> list[Site]:
        """The hospitals families are shown (open now or starting later); closed ones stay on the investigators' pages."""
        return [s for s in self.facts.sites if s.status in OPEN_STATUSES]

    def non_eu_countries(self) -> str:
        """The hospitals' countries where the general (EU) rules do not apply, named and joined the language's way
        ("United Kingdom and Israel"); empty when there are none or no ledger says where the rules apply."""
        claims = self.facts.claims
        if claims is None:
            return ""
        names = sorted({self.l10n.country(s.country) for s in self.offered_sites()
                        if country_code(s.country) not in claims.rules_apply_in}, key=self.l10n.sort_key)
        return self.l10n.list(names)

    def changes_by_date(self) -> list[tuple[object, list]]:
        """The change-log entries grouped by the record's date, newest first."""
        groups: dict = {}
        for entry in self.facts.changes:
            groups.setdefault(entry.date, []).append(entry)
        return sorted(groups.items(), key=lambda item: item[0], reverse=True)

    def change_text(self, entry) -> Markup:
        """One change-log entry in words."""
        from hemismart_site.changes import entry_text

        return Markup(entry_text(self.l10n, entry))

    def described_arms(self) -> list[str]:
        """The ids of the arms with a plain-language text for families (``arm.<id>``) in this language."""
        return [arm.id for arm in self.facts.trial.arms if self.l10n.has(f"arm.{arm.id}")]

    def feed_countries(self) -> list[tuple[str, str]]:
        """(ISO code, name in this language) of each country with a hospital feed, in this language's order."""
        return [(code, name) for code, name in sorted(
            ((c, self.l10n.country(e)) for c, e in feed_countries(self.facts).items()), key=lambda x: self.l10n.sort_key(x[1]))]

    def feed_href(self, code: str | None = None) -> str:
        """A relative URL to the change feed (all changes, or one country's)."""
        rel = "../" * self.page.url.count("/")
        return rel + (f"changes/{code.lower()}.xml" if code else "changes.xml")

    def reminder_times(self) -> list[str]:
        """The times a family can choose for a reminder (site_config.yml calendar.reminder_times)."""
        return list(self.l10n.project.config.calendar.reminder_times)

    def sources(self) -> list[tuple[Page, list[str]]]:
        """Each family-facing page with the texts it shows (not repeating those of an earlier page)."""
        from hemismart_site.claims import sources_rows

        return sources_rows(self.l10n.project, self.usage, list(self.pages.values()))

    def basis(self, key: str):
        """The ledger's entry for a text: (the key or pattern that gives it, its Basis), or None."""
        claims = self.facts.claims
        return claims.basis(key) if claims is not None else None

    def raw_text(self, key: str) -> Markup:
        """A text as written in this language's file (the sources page): escaped, its placeholders unfilled and
        marked ``<var class="hs-placeholder">{name}</var>``, so a reader sees where a fact goes."""
        text = str(escape(self.l10n.translations.strings[key]))
        return Markup(PLACEHOLDER.sub(r'<var class="hs-placeholder">{\1}</var>', text))

    def text_facts(self, key: str) -> list[tuple[str, str]]:
        """The placeholders of a text that facts fill, with where each fact lives."""
        from hemismart_site.localize import placeholders

        sources = self.l10n.param_sources()
        text = self.l10n.translations.strings[key]
        return [(name, sources[name]) for name in sorted(placeholders(text)) if name in sources]

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
                     day_ranges=self.day_ranges, study_open=self.study_open, open_sites=self.open_sites,
                     soon_sites=self.soon_sites, offered_sites=self.offered_sites, non_eu_countries=self.non_eu_countries,
                     sources=self.sources, basis=self.basis, reminder_times=self.reminder_times,
                     changes_by_date=self.changes_by_date, change_text=self.change_text,
                     feed_countries=self.feed_countries, feed_href=self.feed_href, described_arms=self.described_arms, raw_text=self.raw_text, text_facts=self.text_facts)
        return names


@functools.lru_cache(maxsize=1024)
def _qr_svg(url: str, label: str) -> str:
    """The QR code's SVG, remembered: the live preview re-renders the same pages after every edit."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=2, border=2, title=label, svgclass="hs-qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def render_language(project: Project, env: jinja2.Environment, lang: str,
                    usage: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Every page of one language as ``{docs path: Markdown}``; ContentError lists every failure.

    ``usage`` (filled if given) maps each page id to the translation keys it used, in order. The pages that
    show the other pages' texts (``Page.uses_texts``: the sources of the family pages) are rendered last."""
    l10n = localizer(project, lang)
    pages = all_pages(project)
    by_id = {p.id: p for p in pages}
    grids = build_grids(project.facts)
    used: dict[str, list[str]] = {} if usage is None else usage
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for page in sorted(pages, key=lambda p: p.uses_texts):
        site = project.facts.site(page.slug) if page.slug else None
        context = PageContext(project.facts, page, by_id, l10n, grids, site, used)
        l10n.used = used.setdefault(page.id, [])
        try:
            template = env.get_template(f"{PAGE_TEMPLATES}/{page.template}")
            out[page.src] = _stale_note(template.render(context.as_dict()), context)
        except Exception as exc:  # every failure becomes a located problem
            problems.append(template_problem(exc, page, lang))
        finally:
            l10n.used = None
    if problems:
        raise ContentError(problems)
    files = {page.src: out[page.src] for page in pages}
    if "changes" in by_id:
        files.update(change_feeds(l10n))
    return files


def feed_countries(facts) -> dict[str, str]:
    """ISO code → English name of every country with a hospital now or in the change log (one feed each)."""
    names = {s.country for s in facts.sites} | {e.country for e in facts.changes if e.country}
    return {country_code(name): name for name in names}


def change_feeds(l10n: Localizer) -> dict[str, str]:
    """The Atom feeds of a language: ``changes.xml`` (every change) and ``changes/<cc>.xml`` for each country
    (its hospitals' changes and the study's own)."""
    from hemismart_site.changes import atom_feed

    facts, base = l10n.facts, f"{l10n.project.config.site_url}{l10n.lang}/"
    page = f"{base}changes/"
    out = {"changes.xml": atom_feed(l10n, facts.changes, f"{base}changes.xml", page, plain_text(l10n.t("changes.feed_title")))}
    for code, english in feed_countries(facts).items():
        entries = [e for e in facts.changes if e.country in (None, english)]
        title = plain_text(l10n.t("changes.feed_title_country", country=l10n.country(english)))
        out[f"changes/{code.lower()}.xml"] = atom_feed(l10n, entries, f"{base}changes/{code.lower()}.xml", page, title)
    return out


STALE_MARK = "<!-- hs:stale-note -->"
"""Where templates/pages/_base.md.j2 wants the note on out-of-date translated texts, if the page has any."""


def _stale_note(markdown: str, context: PageContext) -> str:
    """Put the out-of-date note in place of STALE_MARK when the page used a text whose English has changed
    since it was translated; remove the mark otherwise."""
    l10n = context.l10n
    stale = l10n.stale.intersection(context.usage.get(context.page.id, ()))
    note = ""
    if stale:
        note = (f'<div class="hs-draft hs-stale" role="note"><p>'
                f'{context.t_html("translation.stale", source_url=context.source_href())}</p></div>')
    return markdown.replace(STALE_MARK, note, 1)


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

