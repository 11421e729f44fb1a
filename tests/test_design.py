"""The design, measured in the browser as a family would meet it: on paper, on a phone, on a desktop.

Each test is one rule over every page (and language) it concerns, listing every offender:
- the dated calendar prints one A4 landscape sheet per cycle, with a date in each day box;
- the family pages print A4 portrait;
- a calendar grid wider than its box on a desktop shows a visible cue that it scrolls;
- at 360 px no word is broken inside a table cell (a run of letters and digits is never split over two lines);
- the header shows the trial's short name in full at 360 px.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import threading
from pathlib import Path

import pytest

from hemismart_site.pages import all_pages

pytestmark = pytest.mark.browser

A4_LANDSCAPE, A4_PORTRAIT = (842, 595), (595, 842)


@pytest.fixture(scope="module")
def served(built_site):
    """The session's site over HTTP on a free local port: its base URL."""
    handler = functools.partial(_Quiet, directory=str(built_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - no request log in the test output
        pass


def pdf_pages(path: Path) -> list[tuple[int, int]]:
    """Each page's size in points, rounded, from poppler's pdfinfo."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


def langs(built_site) -> list[str]:
    return built_site.project.config.languages


@pytest.mark.parametrize("cycles", [1, 3])
def test_the_dated_calendar_prints_one_a4_landscape_sheet_per_cycle(built_site, served, chromium, tmp_path, cycles):
    offenders = []
    for lang in ("en", "he", "de"):
        if lang not in langs(built_site):
            continue
        page = chromium.new_page()
        page.goto(f"{served}{lang}/families/schedule/")
        page.fill("#hs-start", "2026-01-05")
        page.fill("#hs-cycles", str(cycles))
        page.click("#hs-personal button[type=submit]")
        page.emulate_media(media="print")
        dated = page.eval_on_selector_all(".hs-sheet--dated", "els => els.map(e => getComputedStyle(e).display)")
        boxes = page.eval_on_selector_all(
            ".hs-sheet--dated .hs-sheet__dates td.hs-date",
            "els => els.map(e => e.textContent.trim())")
        path = tmp_path / f"{lang}-{cycles}.pdf"
        page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
        page.close()
        sizes = pdf_pages(path)
        if sizes != [A4_LANDSCAPE] * cycles:
            offenders.append(f"{lang}: {cycles} cycle(s) printed as {sizes}")
        if len(dated) != cycles or "none" in dated:
            offenders.append(f"{lang}: dated sheets shown {dated}")
        if not boxes or "" in boxes:
            offenders.append(f"{lang}: a day box without its date ({boxes.count('')} of {len(boxes)})")
    assert not offenders, "\n".join(offenders)


def test_the_family_pages_print_a4_portrait(built_site, served, chromium, tmp_path):
    offenders = []
    family = [p for p in all_pages(built_site.project) if p.family_facing and not p.print and not p.slug]
    page = chromium.new_page()
    for lang in ("en", "he"):
        for p in family:
            page.goto(f"{served}{lang}/{p.url}")
            path = tmp_path / "page.pdf"
            page.pdf(path=str(path), prefer_css_page_size=True)
            sizes = set(pdf_pages(path))
            if sizes != {A4_PORTRAIT}:
                offenders.append(f"{lang}/{p.url}: {sizes}")
    page.close()
    assert not offenders, "\n".join(offenders)


def test_a_grid_wider_than_its_box_says_it_scrolls(built_site, served, chromium):
    offenders = []
    for lang in langs(built_site):
        for url in ("families/schedule/", "investigators/treatment/"):
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{served}{lang}/{url}")
            found = page.eval_on_selector_all(".hs-grid-wrap", """wraps => wraps.map(w => {
                const hint = w.nextElementSibling;
                const visible = e => !!e && e.classList.contains('hs-scroll-hint') && getComputedStyle(e).display !== 'none'
                    && e.getBoundingClientRect().height > 0;
                return {overflow: w.scrollWidth > w.clientWidth + 1, cue: visible(hint),
                        shown: getComputedStyle(w).display !== 'none'};
            })""")
            page.close()
            for n, grid in enumerate(found):
                if grid["shown"] and grid["overflow"] and not grid["cue"]:
                    offenders.append(f"{lang}/{url} grid {n + 1}: wider than its box, no visible scroll cue")
    assert not offenders, "\n".join(offenders)


BROKEN_WORDS = """() => {
  // Every word (a run between spaces, hyphens and slashes) of every table cell's text: is it on one line?
  const out = [];
  for (const cell of document.querySelectorAll('article td, article th')) {
    if (cell.closest('.hs-sheets') || cell.getBoundingClientRect().width === 0) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.hs-sr')) continue;
      // A word is a run of letters and digits: a line may end at a space, hyphen, slash, dot or bracket.
      const re = /[\\p{L}\\p{M}\\p{N}]+/gu;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}"""


def test_no_word_is_broken_inside_a_table_cell_on_a_phone(built_site, served, chromium):
    pages = [p for p in all_pages(built_site.project) if p.id not in ("search",)]
    hospital = next(p for p in pages if p.slug)
    chosen = [p for p in pages if not p.slug] + [hospital]
    offenders = []
    for lang in ("en", "he", "de", "fi"):
        if lang not in langs(built_site):
            continue
        page = chromium.new_page(viewport={"width": 360, "height": 740})
        for p in chosen:
            page.goto(f"{served}{lang}/{p.url}")
            broken = page.evaluate(BROKEN_WORDS)
            if broken:
                offenders.append(f"{lang}/{p.url}: {sorted(set(broken))[:8]}")
        page.close()
    assert not offenders, "\n".join(offenders)


def test_the_header_shows_the_short_name_in_full_on_a_phone(built_site, served, chromium):
    short = built_site.project.facts.trial.identifiers.short_name
    offenders = []
    for lang in langs(built_site):
        page = chromium.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{served}{lang}/families/")
        title = page.eval_on_selector(".md-header__topic:first-child .md-ellipsis", """e => ({
            text: e.textContent.trim(), clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1})""")
        page.close()
        if short not in title["text"].replace("\u2011", "-") or title["clipped"]:
            offenders.append(f"{lang}: {title}")
    assert not offenders, "\n".join(offenders)


def test_the_broken_word_check_can_fail(built_site, served, chromium):
    page = chromium.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True).new_page()  # to add a style
    page.goto(f"{served}en/investigators/sites/")
    assert page.evaluate(BROKEN_WORDS) == []
    page.add_style_tag(content="article td, article th { word-break: break-all !important; }")
    assert page.evaluate(BROKEN_WORDS), "words broken anywhere were not found"
    page.close()


def test_the_scroll_cue_check_can_fail(built_site, served, chromium):
    page = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
    page.goto(f"{served}en/families/schedule/")
    page.add_style_tag(content=".hs-grid { min-width: 3000px; } .hs-scroll-hint { display: none !important; }")
    silent = page.eval_on_selector_all(".hs-grid-wrap", """wraps => wraps.filter(w => getComputedStyle(w).display !== 'none'
        && w.scrollWidth > w.clientWidth + 1 && getComputedStyle(w.nextElementSibling).display === 'none').length""")
    page.close()
    assert silent > 0
