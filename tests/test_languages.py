"""Every language, every page: lang and dir, the switcher, hreflang, the search index, no stray English, same facts."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale

from conftest import SOURCE
from hemismart_site.localize import localizer
from hemismart_site.pages import all_pages
from hemismart_site.validate import load_project


ROOT = SOURCE  # the content the session's site is built from (tests/conftest.py)
PROJECT = load_project(ROOT)
CONFIG = PROJECT.config
LANGS = CONFIG.languages
SOURCE = CONFIG.source_language
PAGES = all_pages(PROJECT)
SITE_ROOT = CONFIG.site_url


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    """The whole site, built once per test session (tests/conftest.py)."""
    return built_site.site


class Page(HTMLParser):
    """The parts of a built page these tests look at."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html_lang = self.body_dir = None
        self.alternates: dict[str, str] = {}
        self.menu_links: list[dict] = []
        self.nav_links: list[dict] = []
        self.texts: list[tuple[str, str]] = []  # (effective lang, text)
        self._stack: list[tuple[str, str | None, bool]] = []
        self._in_script = False
        self.feed(html)

    def _lang(self) -> str:
        for _, lang, _ in reversed(self._stack):
            if lang:
                return lang
        return self.html_lang or ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "body":
            self.body_dir = a.get("dir")
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "md-select__link" in (a.get("class") or ""):
            self.menu_links.append(a)
        if tag == "a" and any(cls == "hs-languages" for _, _, cls in self._stack):
            self.nav_links.append(a)
        if tag in ("script", "style"):
            self._in_script = True
        if tag not in self.VOID:
            marker = "hs-languages" if "hs-languages" in (a.get("class") or "") else False
            self._stack.append((tag, a.get("lang"), marker))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._in_script and data.strip():
            self.texts.append((self._lang(), data))

    def text(self, lang: str | None = None) -> str:
        return " ".join(t for l, t in self.texts if lang is None or l == lang)


@cache
def html_of(site: Path, lang: str, url: str) -> Page:
    """A built page, parsed once for all the tests of this module."""
    return Page((site / lang / url / "index.html").read_text(encoding="utf-8"))


def offenders(problems: list[str], limit: int = 40) -> str:
    """Every offender of a rule, for the assertion message (the first ``limit`` of them)."""
    more = f"\n… and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} offender(s):\n" + "\n".join(problems[:limit]) + more


def assert_every_page(rule, site: Path, lang: str) -> None:
    """``rule(site, lang, url)`` on every page of the language; fails naming every offending page."""
    problems = [p for page in PAGES for p in rule(site, lang, page.url)]
    assert not problems, offenders(problems)


def broken_copy(site: Path, folder: Path, lang: str, url: str, edit) -> Path:
    """A copy of one built page under ``folder`` (same path), changed by ``edit(text) -> text``: the can-fail
    tests run a rule on it. Returns ``folder``, to use as the site."""
    (folder / lang / url).mkdir(parents=True)
    text = (site / lang / url / "index.html").read_text(encoding="utf-8")
    (folder / lang / url / "index.html").write_text(edit(text), encoding="utf-8")
    return folder


# One test per rule and language, over every page of that language, naming every page that breaks it.


def switcher_problems(site: Path, lang: str, url: str) -> list[str]:
    page = html_of(site, lang, url)
    where = f"{lang}/{url}"
    problems = []
    if page.html_lang != lang:
        problems.append(f"{where}: <html lang={page.html_lang!r}>")
    if page.body_dir != Locale.parse(lang).text_direction:
        problems.append(f"{where}: <body dir={page.body_dir!r}>")
    # hreflang alternates are in the sitemaps (test_sitemaps_carry_hreflang), not in the head, where
    # Material's bundle would fetch "<alternate>/sitemap.xml" for each (addresses that do not exist).
    if page.alternates:
        problems.append(f"{where}: hreflang alternates in the head: {sorted(page.alternates)}")
    if len(LANGS) > 1:
        menu = {a["hreflang"]: a["href"] for a in page.menu_links}
        if set(menu) != set(LANGS):
            problems.append(f"{where}: the language menu offers {sorted(menu)}")
        for code, href in menu.items():
            target = (site / lang / url / href).resolve()
            if target != (site / code / url).resolve() or not (target / "index.html").is_file():
                problems.append(f"{where}: the menu's {code} link {href!r} is not this page in {code}")
        if {a.get("lang") for a in page.menu_links} != set(LANGS):
            problems.append(f"{where}: a menu entry is not marked with its language")
        if {a["hreflang"] for a in page.nav_links} != set(LANGS) - {lang}:
            problems.append(f"{where}: the page's language list is not the other languages")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_lang_dir_switcher_and_hreflang(site, lang):
    assert_every_page(switcher_problems, site, lang)


def test_switcher_rule_can_fail(site, tmp_path):
    """A page in the wrong language and direction, with a menu missing a language, is named."""
    lang = next((l for l in LANGS if Locale.parse(l).text_direction == "rtl"), LANGS[-1])
    url = PAGES[1].url

    def edit(text: str) -> str:
        text = re.sub(r'<html lang="[^"]*"', '<html lang="xx"', text, count=1)
        return re.sub(r'(<body[^>]*?) dir="[^"]*"', r"\1", text, count=1)

    problems = switcher_problems(broken_copy(site, tmp_path, lang, url, edit), lang, url)
    assert any("<html lang='xx'>" in p for p in problems), problems
    assert any("<body dir=None>" in p for p in problems), problems


@pytest.mark.parametrize("lang", LANGS)
def test_search_index_per_language(site, lang):
    index = json.loads((site / lang / "search" / "index.json").read_text(encoding="utf-8"))
    indexed = [page["url"] for page in index["pages"]]
    # Every page of the navigation, in its order; not the hospital pages, not the search page itself.
    assert indexed == [p.url for p in PAGES if p.search]
    # Only this language's pages: the index holds this language's words, and no other language's title.
    texts = " ".join(page["title"] + " " + " ".join(" ".join(s) for s in page["sections"]) for page in index["pages"])
    own = localizer(PROJECT, lang).translations.strings["glossary.relapse.definition"]
    assert own.split()[0] in texts
    for other in LANGS:
        if other != lang:
            other_title = localizer(PROJECT, other).translations.strings["families.hospitals.open_title"]
            if other_title != localizer(PROJECT, lang).translations.strings["families.hospitals.open_title"]:
                assert other_title not in texts, (lang, other)
    # The note every page repeats is left out.
    notice = localizer(PROJECT, lang).translations.strings["notice.families.text"]
    assert " ".join(notice.split()[:6]) not in texts


@pytest.mark.parametrize("lang", LANGS)
def test_404_per_language(site, lang):
    page = Page((site / lang / "404.html").read_text(encoding="utf-8"))
    tr = localizer(PROJECT, lang).translations
    assert page.html_lang == lang
    assert tr.strings["not_found.title"] in page.text()
    assert "404 - Not found" not in page.text() or lang == "en"


def test_root_404_and_chooser(site):
    chooser = Page((site / "index.html").read_text(encoding="utf-8"))
    not_found = Page((site / "404.html").read_text(encoding="utf-8"))
    assert chooser.html_lang == SOURCE and not_found.html_lang == SOURCE
    for lang in LANGS:
        assert f'href="{lang}/"' in (site / "index.html").read_text(encoding="utf-8")
        assert f'href="{SITE_ROOT}{lang}/"' in (site / "404.html").read_text(encoding="utf-8")
    langs_marked = {l for l, _ in chooser.texts}
    assert set(LANGS) <= langs_marked


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def test_sitemaps_carry_hreflang(site):
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    for lang in LANGS:
        assert f"<loc>{SITE_ROOT}{lang}/sitemap.xml</loc>" in index
        urlset = ET.parse(site / lang / "sitemap.xml").getroot()
        alternates = {}
        for url in urlset.iter(f"{{{SITEMAP_NS}}}url"):
            loc = url.find(f"{{{SITEMAP_NS}}}loc").text
            alternates[loc] = {a.get("hreflang"): a.get("href") for a in url.iter(f"{{{XHTML_NS}}}link")
                               if a.get("rel") == "alternate"}
        assert set(alternates) == {f"{SITE_ROOT}{lang}/{page.url}" for page in PAGES}
        for page in PAGES:
            # This page in every language, and the language chooser as the default: the hreflang set.
            expected = {code: f"{SITE_ROOT}{code}/{page.url}" for code in LANGS} | {"x-default": SITE_ROOT}
            assert alternates[f"{SITE_ROOT}{lang}/{page.url}"] == expected, page.url


def english_phrases() -> set[str]:
    """Runs of four or more words from the English texts, without placeholders or Markdown."""
    phrases = set()
    for text in localizer(PROJECT, SOURCE).translations.strings.values():
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)|\*\*|[\"“”]", r"\1", text)
        for chunk in re.split(r"\{[^}]*\}|[.:;!?()]", plain):
            words = chunk.split()
            if len(words) >= 4:
                phrases.add(" ".join(words).lower())
    return phrases


ENGLISH = english_phrases()


OTHER_LANGS = [lang for lang in LANGS if lang != SOURCE]


def english_leaks(site: Path, lang: str, url: str) -> list[str]:
    """Runs of English words in the page's text that is not marked as English."""
    unmarked = " ".join(html_of(site, lang, url).text(lang).split()).lower()
    return [f"{lang}/{url}: {p!r}" for p in sorted(p for p in ENGLISH if p in unmarked)]


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_no_english_outside_marked_parts(site, lang):
    assert_every_page(english_leaks, site, lang)


def test_english_rule_can_fail(site, tmp_path):
    """An English sentence of the site, not marked lang="en", on another language's page is named."""
    lang, url = OTHER_LANGS[0], PAGES[1].url
    phrase = sorted(ENGLISH)[0]
    copy = broken_copy(site, tmp_path, lang, url, lambda text: text.replace("</h1>", f" {html.escape(phrase)}</h1>", 1))
    assert any(repr(phrase) in p for p in english_leaks(copy, lang, url))


def leftover_problems(site: Path, lang: str, url: str) -> list[str]:
    source = (site / lang / url / "index.html").read_text(encoding="utf-8")
    raw = html.unescape(source)
    text = html_of(site, lang, url).text()
    problems = []
    # The sources page shows texts as written, each placeholder marked <var class="hs-placeholder">: only those.
    marked = re.findall(r'<var class="hs-placeholder">(\{[a-z_][a-z0-9_]*\})</var>', raw)
    left = re.findall(r"\{[a-z_][a-z0-9_]*\}", text)
    if sorted(left) != sorted(marked):
        problems.append(f"{lang}/{url}: placeholder(s) not filled: {sorted(set(left) - set(marked))}")
    # A key shown as a key (<code>, on the sources page that lists every text by its key) is not a leftover.
    shown = Page(re.sub(r"<code>.*?</code>", "", source, flags=re.DOTALL)).text()
    key = re.search(r"\b(families|investigators|glossary|schedule|status)\.[a-z_-]+\.[a-z_]+", shown)
    if key:
        problems.append(f"{lang}/{url}: a text key shown as text: {key.group(0)}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_no_placeholder_or_key_leftovers(site, lang):
    assert_every_page(leftover_problems, site, lang)


def test_leftover_rule_can_fail(site, tmp_path):
    """A placeholder and a text key left in a page are both named."""
    url = PAGES[0].url
    copy = broken_copy(site, tmp_path, SOURCE, url,
                       lambda text: text.replace("</h1>", " {cycle_length} families.treatment.intro</h1>", 1))
    problems = leftover_problems(copy, SOURCE, url)
    assert len(problems) == 2, problems


def numbers(site: Path, lang: str, url: str) -> list[int]:
    """The numbers of a page's text, in order of size (08:00 and 8.00 agree)."""
    return sorted(int(n) for n in re.findall(r"\d+", html_of(site, lang, url).text()))


def number_problems(site: Path, lang: str, url: str, source_site: Path | None = None) -> list[str]:
    """The numbers a page in ``lang`` has that the source language's page has not, and the other way round."""
    ours, source = numbers(site, lang, url), numbers(source_site or site, SOURCE, url)
    if ours == source:
        return []
    extra = sorted((Counter(ours) - Counter(source)).elements())
    missing = sorted((Counter(source) - Counter(ours)).elements())
    return [f"{lang}/{url}: numbers not in {SOURCE}: {extra}; {SOURCE}'s missing here: {missing}"]


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_same_facts_in_every_language(site, lang):
    """The numbers on a page (days, dates, counts, thresholds) are the same in every language."""
    assert_every_page(number_problems, site, lang)


def test_numbers_rule_can_fail(site, tmp_path):
    """A translated page that gives another number than the English page is named, with the number."""
    lang, url = OTHER_LANGS[0], PAGES[1].url
    copy = broken_copy(site, tmp_path, lang, url, lambda text: text.replace("</h1>", " 987654</h1>", 1))
    problems = number_problems(copy, lang, url, source_site=site)
    assert len(problems) == 1 and "[987654]" in problems[0], problems


@pytest.mark.parametrize("lang", [l for l in LANGS if l != SOURCE])
def test_draft_languages_say_so(site, lang):
    tr = localizer(PROJECT, lang).translations
    page = (site / lang / "families" / "index.html").read_text(encoding="utf-8")
    if tr.review.status == "draft":
        assert 'class="hs-draft"' in page
        assert f'href="../../{SOURCE}/families/"' in page
    else:
        assert 'class="hs-draft"' not in page


def test_source_language_has_no_draft_note(site):
    assert 'class="hs-draft"' not in (site / SOURCE / "families" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", [l for l in LANGS if l in ("he", "fi", "de")])
def test_heading_ids_keep_non_ascii_letters(site, lang):
    """pymdownx.slugs keeps letters such as Hebrew or ä/ö in heading ids (MkDocs' default drops them)."""
    html = (site / lang / "families" / "index.html").read_text(encoding="utf-8")
    ids = [i for i in re.findall(r'<h2 id="([^"]+)"', html) if not i.startswith("hs-")]  # not our own fixed ids
    assert ids and all(re.search(r"[^\x00-\x7f]", i) or re.search(r"[a-z]{3}", i) for i in ids)
    if lang == "he":
        assert all(re.search(r"[\u0590-\u05ff]", i) for i in ids), ids
