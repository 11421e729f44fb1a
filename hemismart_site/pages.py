"""The site's pages and their URLs, fixed here because hospitals link to them.

A :class:`Page` is one record: where it lives, which template renders it, who it is written for,
and its roles (in the navigation, in the search index, printed to PDF, measured for readability).
Every other module asks the page instead of keeping its own list: the search plugin takes its
exclusions from here (as plugin config), the build its navigation and ``not_in_nav``, the PDF step
the pages to print, the readability report the pages to measure.

Every language lives under ``/{lang}/``; inside it the same paths for every language. The pages of
the readers of an age band (young people, young adults, children) come from ``site_config.yml``'s
``audiences``: adding an audience is one entry there, one template ``templates/pages/<id>/index.md.j2``
and its texts under ``<id>.`` in the translations. Adding a fixed page is one :class:`Page` in
:data:`PAGES`, one template and its texts.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

FAMILIES = "families"
INVESTIGATORS = "investigators"
HOSPITAL = "hospital"


@dataclass(frozen=True)
class Page:
    """One page of one language, and what it is for."""

    id: str
    """Stable id, also the URL path inside the language (``families/treatment``)."""
    template: str
    """Template under templates/pages/."""
    section: str | None
    """Navigation section id (``families``, ``investigators``), or None for a top-level page."""
    audience: str | None = None
    """Who it is written for: ``families``, an age band of ``site_config.yml`` (``children``), ``investigators``,
    ``hospital`` (a hospital's own page, read by families and by hospitals), or None (everyone: home, glossary)."""
    nav: bool = True
    """Listed in the navigation (hospital pages are reached from the hospitals lists)."""
    search: bool = True
    """Indexed by the site's search (not the search page itself, nor the hospital pages, whose facts the lists hold)."""
    print: bool = False
    """Printed to a PDF by the build (the treatment calendar)."""
    readability: bool = False
    """Its prose is measured against the audience's readability target (``site_config.yml``)."""
    index: bool = False
    """The first page of a section (``families/index.md``, at ``/families/``)."""
    uses_texts: bool = False
    """Shows the other pages' texts (the sources of the family pages): rendered after every other page."""
    slug: str | None = None
    """For a hospital page: the site's slug."""
    text_key: str | None = None
    """Prefix of its translation keys when it is not the id (``hem_ismart`` for ``hem-ismart``)."""
    requires: str | None = None
    """A part of the facts the page is about (``master_protocol``, ``claims``): without it the site has no such page."""

    @property
    def src(self) -> str:
        """The Markdown file MkDocs reads (``families/treatment.md``, ``families/index.md``)."""
        if self.id == "home":
            return "index.md"
        if self.index:
            return f"{self.id}/index.md"
        return f"{self.id}.md"

    @property
    def url(self) -> str:
        """The page's path inside the language, with a trailing slash (``families/treatment/``)."""
        return "" if self.id == "home" else f"{self.id}/"

    @property
    def key(self) -> str:
        """Prefix of the page's translation keys (``families.treatment``; hospital pages share ``hospital``)."""
        if self.text_key:
            return self.text_key
        return "hospital" if self.slug else self.id.replace("/", ".")

    @property
    def family_facing(self) -> bool:
        """Read by families (every page but the investigators'): its texts need a basis in the claims ledger."""
        return self.audience != INVESTIGATORS and self.id != "search"

    def link_to(self, other: Page, anchor: str | None = None) -> str:
        """A relative link from this page to ``other`` that MkDocs checks (``../glossary.md#relapse``)."""
        rel = posixpath.relpath(other.src, posixpath.dirname(self.src) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def href_to(self, other: Page, anchor: str | None = None) -> str:
        """The same link as a relative URL, for raw HTML (``../../sites/la-fe-valencia/``)."""
        rel = posixpath.relpath(other.url or ".", self.url or ".")
        rel = "./" if rel == "." else rel + "/"
        return f"{rel}#{anchor}" if anchor else rel


HOME = Page("home", "home.md.j2", None)
FAMILY_PAGES: list[Page] = [
    Page("families", "families/index.md.j2", FAMILIES, FAMILIES, index=True, readability=True),
    Page("families/treatment", "families/treatment.md.j2", FAMILIES, FAMILIES, readability=True),
    Page("families/taking-part", "families/taking-part.md.j2", FAMILIES, FAMILIES, readability=True),
    Page("families/who-can-take-part", "families/who-can-take-part.md.j2", FAMILIES, FAMILIES, readability=True),
    Page("families/hospitals", "families/hospitals.md.j2", FAMILIES, FAMILIES),
    Page("families/schedule", "families/schedule.md.j2", FAMILIES, FAMILIES, print=True),
]
"""The families' section, in navigation order."""
INVESTIGATOR_PAGES: list[Page] = [
    Page("investigators", "investigators/index.md.j2", INVESTIGATORS, INVESTIGATORS, index=True),
    Page("investigators/eligibility", "investigators/eligibility.md.j2", INVESTIGATORS, INVESTIGATORS),
    Page("investigators/treatment", "investigators/treatment.md.j2", INVESTIGATORS, INVESTIGATORS),
    Page("investigators/sites", "investigators/sites.md.j2", INVESTIGATORS, INVESTIGATORS),
    Page("investigators/sources", "investigators/sources.md.j2", INVESTIGATORS, INVESTIGATORS, search=False,
         uses_texts=True, requires="claims"),
]
"""The investigators' section, in navigation order."""
SHARED_PAGES: list[Page] = [
    Page("hem-ismart", "hem-ismart.md.j2", None, text_key="hem_ismart", requires="master_protocol"),
    Page("glossary", "glossary.md.j2", None),
    Page("changes", "changes.md.j2", None),
    Page("search", "search.md.j2", None, search=False),
]
"""Pages for everyone, after the sections."""


def audience_page(audience: str) -> Page:
    """The one page of an age band's readers (``/children/``), from ``site_config.yml``'s ``audiences``."""
    return Page(audience, f"{audience}/index.md.j2", None, audience, index=True, readability=True)


def fixed_pages(project) -> list[Page]:
    """The fixed pages this site has, in navigation order: the audiences' pages come from site_config.yml; a page
    about a part of the facts (the master protocol, the claims ledger) only when the facts have it."""
    audiences = [audience_page(a) for a in project.config.audiences]
    pages = [HOME, *FAMILY_PAGES, *audiences, *INVESTIGATOR_PAGES, *SHARED_PAGES]
    return [p for p in pages if p.requires is None or getattr(project.facts, p.requires) is not None]


def all_pages(project) -> list[Page]:
    """The fixed pages and one page per hospital (``sites/<slug>``)."""
    return fixed_pages(project) + [
        Page(f"sites/{site.slug}", "site.md.j2", None, HOSPITAL, nav=False, search=False, slug=site.slug)
        for site in project.facts.sites
    ]


def page_by_id(pages: list[Page], ident: str) -> Page:
    """The page with this id; KeyError names it if there is none."""
    for page in pages:
        if page.id == ident:
            return page
    raise KeyError(f"no page {ident!r}")
