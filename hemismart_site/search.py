"""The site's own search index: one small JSON file per language, read only on the search page.

Material's search loads its whole index and a lunr worker on every page view (about 37 KB gzip per
visit in English). This index is written by a MkDocs plugin (``hemismart-search``, registered in
pyproject.toml and enabled in mkdocs.yml), through MkDocs' plugin API: when each page's content is rendered (``on_page_content``)
its content is cut into sections (the page itself, then each ``h2``/``h3`` with an id), and at the
end of the build the sections are written to ``search/index.json``. ``templates/theme/assets/
search.js`` reads it on ``/{lang}/search/`` only and matches every word of the query in any
language, Hebrew included (no stemmer needed).

Left out of the index: the parts every page repeats (the "not medical advice" note, the draft
translation note, the trial footer, the list of languages), the printable sheets, the day grids
(their days are also written out in words, which are indexed), and the hospital pages, whose facts
are found through the hospitals lists of the families and of the investigators. Pages are in the
navigation's order, which is the order of equally good results.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin

INDEX_FILE = "search/index.json"

SKIP_CLASSES = {"hs-notice", "hs-draft", "hs-trial", "hs-languages", "hs-sheets", "hs-personal", "hs-grid"}
"""Elements whose text is not indexed: repeated on every page (notes, footer, language list), for print
or JavaScript only, or the day grids (a cell per day; the same days are also written out in words)."""

SKIP_TAGS = {"script", "style", "template", "svg", "button"}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Section:
    """A part of a page: the page's start (no anchor), or a heading with its id and the text under it."""

    anchor: str
    heading: str
    text: list[str] = field(default_factory=list)

    def as_list(self) -> list[str]:
        return [self.anchor, self.heading, squash(" ".join(self.text))]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Sections(HTMLParser):
    """Collect the sections of Material's ``<article class="md-content__inner">``."""

    def __init__(self, content_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section("", "")] if content_only else []
        self._depth = 1 if content_only else 0  # depth inside the article; 0 = outside
        self._skip_depth = 0  # depth inside a skipped element; 0 = not skipping
        self._heading: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if not self._depth:
            if tag == "article" and "md-content__inner" in classes:
                self._depth = 1
                self.sections.append(Section("", ""))
            return
        if tag in VOID:
            return
        self._depth += 1
        if self._skip_depth:
            self._skip_depth += 1
        elif tag in SKIP_TAGS or classes & SKIP_CLASSES or "hidden" in a:
            self._skip_depth = 1
        elif tag in ("h1", "h2", "h3"):
            self._heading = (tag, a.get("id") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or tag in VOID:
            return
        self._depth -= 1
        if self._skip_depth:
            self._skip_depth -= 1
            return
        if self._heading and tag == self._heading[0]:
            level, anchor, words = self._heading
            self._heading = None
            text = squash(" ".join(words))
            if level == "h1":
                self.sections[0].heading = text
            elif anchor:
                self.sections.append(Section(anchor, text))
            else:
                self.sections[-1].text.append(text)

    def handle_data(self, data: str) -> None:
        if not self._depth or self._skip_depth:
            return
        if self._heading:
            self._heading[2].append(data)
        else:
            self.sections[-1].text.append(data)


def page_sections(html: str, content_only: bool = False) -> list[Section]:
    """The sections of one built page (empty if it has no article), or of a page's content alone (the HTML
    MkDocs hands to ``on_page_content``) with ``content_only``."""
    parser = _Sections(content_only)
    parser.feed(html)
    parser.close()
    return [s for s in parser.sections if s.heading or s.text]


def index_entry(url: str, sections: list[Section]) -> dict:
    """One page of the index: ``{"url", "title", "sections": [[anchor, heading, text]…]}``."""
    return {"url": url, "title": sections[0].heading if sections else "", "sections": [s.as_list() for s in sections]}


def index_document(entries: list[dict]) -> str:
    """The index as JSON, ``{"pages": [entry…]}`` (entries from :func:`index_entry`), in the given
    order; deterministic bytes."""
    return json.dumps({"pages": entries}, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


class SearchIndexConfig(base.Config):
    """The plugin's settings (``plugins: [hemismart-search: {exclude: […]}]``)."""

    exclude = c.ListOfItems(c.Type(str), default=[])
    """URLs of pages left out of the index, inside the language (``search/``, ``sites/st-anna/``): the build
    lists the pages whose ``search`` role is off (hemismart_site/pages.py)."""


class SearchIndexPlugin(BasePlugin[SearchIndexConfig]):
    """MkDocs plugin: collect each page's sections from its content, write ``search/index.json`` after the build.

    MkDocs calls ``on_startup`` before the first build (``hemismart_site.mkdocs_api`` does so for the builds it
    runs itself), so whether this is a dirty rebuild is known from the start."""

    _dirty = False

    def on_startup(self, command, dirty, **kwargs) -> None:
        self._dirty = dirty

    def on_pre_build(self, config, **kwargs) -> None:
        self._excluded = set(self.config.exclude)
        self._pages: dict[str, list[Section]] = {}
        self._order: list[str] = []

    def on_nav(self, nav, config, files, **kwargs):
        self._order = [page.url for page in nav.pages]
        return nav

    def on_page_content(self, html: str, page, config, files, **kwargs) -> str:
        if page.url not in self._excluded:
            self._pages[page.url] = page_sections(html, content_only=True)
        return html

    def on_post_build(self, config, **kwargs) -> None:
        path = Path(config["site_dir"]) / INDEX_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        rank = {url: i for i, url in enumerate(self._order)}
        fresh = {url: index_entry(url, sections) for url, sections in self._pages.items()}
        if self._dirty and path.exists():
            # A dirty rebuild (the live preview) renders only the pages that changed: the others keep
            # their sections from the previous build, if they are still in the navigation.
            for entry in json.loads(path.read_text(encoding="utf-8"))["pages"]:
                if entry["url"] in rank:
                    fresh.setdefault(entry["url"], entry)
        entries = sorted(fresh.values(), key=lambda e: (rank.get(e["url"], len(rank)), e["url"]))
        path.write_text(index_document(entries), encoding="utf-8", newline="\n")
