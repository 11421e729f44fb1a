"""The site's pages and their URLs, fixed here because hospitals link to them.

Every language lives under ``/{lang}/``; inside it the same paths for
every language. Each page's template is ``templates/pages/<template>``
and its words are the translations under ``<key>.`` (``families.treatment.title``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from hemismart_site.model import Facts


@dataclass(frozen=True)
class Page:
    """One page of one language."""

    id: str
    """Stable id, also the URL path inside the language (``families/treatment``)."""
    template: str
    """Template under templates/pages/."""
    section: str | None
    """Navigation section id (``families``, ``investigators``), or None for a top-level page."""
    slug: str | None = None
    """For a hospital page: the site's slug."""
    text_key: str | None = None
    """Prefix of its translation keys when it is not the id (``hem_ismart`` for ``hem-ismart``)."""

    @property
    def src(self) -> str:
        """The Markdown file MkDocs reads (``families/treatment.md``, ``families/index.md``)."""
        if self.id == "home":
            return "index.md"
        if self.id in SECTION_INDEXES:
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

    def link_to(self, other: Page, anchor: str | None = None) -> str:
        """A relative link from this page to ``other`` that MkDocs checks (``../glossary.md#relapse``)."""
        rel = posixpath.relpath(other.src, posixpath.dirname(self.src) or ".")
        return f"{rel}#{anchor}" if anchor else rel

    def href_to(self, other: Page, anchor: str | None = None) -> str:
        """The same link as a relative URL, for raw HTML (``../../sites/la-fe-valencia/``)."""
        rel = posixpath.relpath(other.url or ".", self.url or ".")
        rel = "./" if rel == "." else rel + "/"
        return f"{rel}#{anchor}" if anchor else rel


SECTION_INDEXES = {"families", "young-people", "children", "investigators"}

PAGES: list[Page] = [
    Page("home", "home.md.j2", None),
    Page("families", "families/index.md.j2", "families"),
    Page("families/treatment", "families/treatment.md.j2", "families"),
    Page("families/who-can-take-part", "families/who-can-take-part.md.j2", "families"),
    Page("families/hospitals", "families/hospitals.md.j2", "families"),
    Page("families/schedule", "families/schedule.md.j2", "families"),
    Page("young-people", "young-people/index.md.j2", None),
    Page("children", "children/index.md.j2", None),
    Page("investigators", "investigators/index.md.j2", "investigators"),
    Page("investigators/eligibility", "investigators/eligibility.md.j2", "investigators"),
    Page("investigators/treatment", "investigators/treatment.md.j2", "investigators"),
    Page("investigators/sites", "investigators/sites.md.j2", "investigators"),
    Page("hem-ismart", "hem-ismart.md.j2", None, text_key="hem_ismart"),
    Page("glossary", "glossary.md.j2", None),
    Page("search", "search.md.j2", None),
]
"""The fixed pages, in navigation order."""


def all_pages(facts: Facts) -> list[Page]:
    """The fixed pages and one page per hospital (``sites/<slug>``)."""
    return fixed_pages(facts) + [Page(f"sites/{site.slug}", "site.md.j2", None, slug=site.slug) for site in facts.sites]


def fixed_pages(facts: Facts) -> list[Page]:
    """The fixed pages this trial has: the master-protocol page only with a master protocol."""
    return [p for p in PAGES if p.id != "hem-ismart" or facts.master_protocol is not None]


def page_by_id(pages: list[Page], ident: str) -> Page:
    """The page with this id; KeyError names it if there is none."""
    for page in pages:
        if page.id == ident:
            return page
    raise KeyError(f"no page {ident!r}")
