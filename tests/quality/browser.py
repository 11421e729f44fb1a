"""Checks on a page loaded in Chromium (Playwright, Debian's Chromium). Each takes a loaded
``playwright.sync_api.Page`` and returns a list of problems, one line each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""The WCAG levels every page must meet, as axe-core tags."""

AXE_RUN = """options => axe.run(document, options).then(results => results.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').split('\\n').slice(1, 2).join(' ').trim()}))
})))"""

CSP_LISTENER = """
window.__hsCsp = [];
document.addEventListener('securitypolicyviolation', e => window.__hsCsp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}${e.sourceFile ? ' (' + e.sourceFile + ':' + e.lineNumber + ')' : ''}`));
"""
"""An init script (runs before the page's own, outside its CSP) that records every CSP violation."""


def axe_violations(page) -> list[str]:
    """axe-core (axe-playwright-python's copy) on the whole page for AXE_TAGS: every violation, any impact."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    out = []
    for v in page.evaluate(AXE_RUN, options):
        for node in v["nodes"][:5]:
            out.append(f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: {node['summary']}")
        if len(v["nodes"]) > 5:
            out.append(f"{v['id']}: … and {len(v['nodes']) - 5} more element(s)")
    return out


def csp_violations(page) -> list[str]:
    """The CSP violations the page reported since it loaded (needs CSP_LISTENER as an init script)."""
    return page.evaluate("window.__hsCsp || ['CSP listener missing: add CSP_LISTENER as an init script']")


@dataclass
class RequestLog:
    """Every request a browser context makes, with the page being looked at when it was made.

    ``outside`` are requests to any origin but ``origin`` (the local server); ``failed`` are the site's
    own requests that got no answer or an error status."""

    origin: str
    current: str = ""
    outside: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("requestfailed", self._failed)
        # Nothing leaves the machine even if a page asks: any other origin is refused at once. (A regex,
        # not a function, so that the site's own requests are not routed through Python.)
        other = re.compile(rf"^(?!{re.escape(self.origin)}/)(https?|wss?|ftp)://")
        context.route(other, lambda route: route.abort("blockedbyclient"))

    def _is_outside(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and f"{parts.scheme}://{parts.netloc}" != self.origin

    def _request(self, request) -> None:
        if self._is_outside(request.url):
            self.outside.append((self.current, request.url))

    def _response(self, response) -> None:
        if response.status >= 400 and not self._is_outside(response.url):
            self.failed.append((self.current, f"{response.status} {response.url}"))

    def _failed(self, request) -> None:
        if not self._is_outside(request.url) and request.failure not in ("net::ERR_ABORTED",):
            self.failed.append((self.current, f"{request.failure} {request.url}"))

    def take(self) -> tuple[list[str], list[str]]:
        """The outside and failed requests seen so far (then forgotten)."""
        outside = [f"{page}: {url}" for page, url in self.outside]
        failed = [f"{page}: {what}" for page, what in self.failed]
        self.outside, self.failed = [], []
        return outside, failed


MAIN_TEXT = """() => {
  const main = document.querySelector('article') || document.querySelector('main') || document.body;
  return main.innerText;
}"""


def main_text(page) -> str:
    """What a reader sees of the page's main text (the article; <main> on the root pages)."""
    return page.evaluate(MAIN_TEXT)


def text_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def missing_text(with_js: str, without_js: str, js_only: list[str] = ()) -> list[str]:
    """Lines of the page's text (as seen with JavaScript) that a reader without JavaScript does not see,
    except the lines of the parts that need JavaScript by design (``js_only``: their texts)."""
    exempt = {line for text in js_only for line in text_lines(text)}
    have = set(text_lines(without_js))
    return [line for line in text_lines(with_js) if line not in have and line not in exempt]


OVERFLOW = """width => {
  const described = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const declared = el => el.getAttribute('role') === 'region' && el.getAttribute('tabindex') === '0' &&
    !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  const clips = el => getComputedStyle(el).overflowX !== 'visible';
  const problems = [];
  const doc = document.documentElement;
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1
        && el.checkVisibility({visibilityProperty: true, opacityProperty: true}) && !declared(el))
      problems.push(`${described(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px) but is not a declared scroll region (role=region, aria-label, tabindex=0)`);
  }
  if (doc.scrollWidth > width) {
    problems.push(`the page is ${doc.scrollWidth}px wide in a ${width}px window: it scrolls sideways`);
    const sticking = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
      if (getComputedStyle(el).position === 'fixed') continue;
      let a = el.parentElement, inside = false;
      while (a && a !== document.body) {
        if (clips(a) || sticking.includes(a) || getComputedStyle(a).position === 'fixed') { inside = true; break; }
        a = a.parentElement;
      }
      if (!inside) sticking.push(el);
    }
    for (const el of sticking.slice(0, 5)) {
      const box = el.getBoundingClientRect();
      problems.push(`  ${described(el)} spans ${Math.round(box.left)}…${Math.round(box.right)}px`);
    }
  }
  return problems;
}"""

PHONE = {"width": 360, "height": 740}


def sideways_scrolling(page, width: int = PHONE["width"]) -> list[str]:
    """At the page's current window width: the page must not scroll sideways, and any element that
    scrolls sideways must be a declared scroll region (role=region with aria-label and tabindex=0)."""
    return page.evaluate(OVERFLOW, width)


PRINT_HIDDEN = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"]
"""What a printed page leaves out: the header, both sidebars (navigation, table of contents), the footer."""


def printed_chrome(page) -> list[str]:
    """In print emulation: every element of PRINT_HIDDEN present on the page must not be printed."""
    page.emulate_media(media="print")
    try:
        found = page.evaluate("""selectors => selectors.map(s => [s, document.querySelectorAll(s).length,
            [...document.querySelectorAll(s)].filter(el => el.checkVisibility()).length])""", PRINT_HIDDEN)
    finally:
        page.emulate_media(media="screen")
    return [f"{selector}: printed ({shown} of {count} visible in print)" for selector, count, shown in found if shown]


def switcher_problems(page, lang: str, languages: list[str]) -> list[str]:
    """The language switcher works without JavaScript: the header menu links to every language, and
    the list after the content shows a link to every other language."""
    if len(languages) < 2:
        return []
    found = page.evaluate("""() => ({
      menu: [...document.querySelectorAll('a.md-select__link[hreflang]')].map(a => a.getAttribute('hreflang')),
      list: [...document.querySelectorAll('.hs-languages a[hreflang]')].filter(a => a.checkVisibility()).map(a => a.getAttribute('hreflang')),
      chooser: [...document.querySelectorAll('main a[hreflang]')].filter(a => a.checkVisibility()).map(a => a.getAttribute('hreflang')),
      material: !!document.querySelector('.md-header'),
    })""")
    if not found["material"]:  # the root pages: the chooser itself
        return [] if set(found["chooser"]) == set(languages) else [f"root page links to {sorted(found['chooser'])}, expected {languages}"]
    problems = []
    if set(found["menu"]) != set(languages):
        problems.append(f"header language menu links to {sorted(found['menu'])}, expected {sorted(languages)}")
    if set(found["list"]) != set(languages) - {lang}:
        problems.append(f"visible links to other languages: {sorted(found['list'])}, expected {sorted(set(languages) - {lang})}")
    return problems


def grid_problems(page) -> list[str]:
    """The schedule grids are shown (a page without any grid has nothing to check)."""
    grids = page.evaluate("""() => [...document.querySelectorAll('table.hs-grid:not(.hs-week)')]
        .map(t => t.checkVisibility() && t.getBoundingClientRect().height > 0)""")
    return [f"schedule grid {i + 1} of {len(grids)} is not visible" for i, shown in enumerate(grids) if not shown]


# -- keyboard ------------------------------------------------------------------------------------

FOCUSABLE = ("a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, "
             "[tabindex], [contenteditable=''], [contenteditable=true]")

MARK_FOCUSABLE = """selector => {
  const all = [...document.querySelectorAll(selector)];
  all.forEach((el, i) => el.setAttribute('data-hs-focus', i));
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return all.map(el => ({
    index: +el.getAttribute('data-hs-focus'), what: describe(el),
    shown: el.checkVisibility({visibilityProperty: true, opacityProperty: true}) && !el.closest('[inert]') && !el.disabled,
    native: el.matches('a[href], area[href], button, input, select, textarea, summary'),
    tabindex: el.getAttribute('tabindex'),
  }));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {index: el.hasAttribute('data-hs-focus') ? +el.getAttribute('data-hs-focus') : -1,
          visible: el.matches(':focus-visible') && (outline || shadow),
          style: `outline: ${style.outlineStyle} ${style.outlineWidth}; box-shadow: ${style.boxShadow}`,
          onscreen: box.width > 0 && box.height > 0};
}"""


def tab_through(page, limit: int = 600) -> tuple[list[dict], list[dict]]:
    """Press Tab from the top of the page until focus comes back round; (focusable elements, focus stops)."""
    elements = page.evaluate(MARK_FOCUSABLE, FOCUSABLE)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict] = []
    seen: set[int] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is not None and stops and focused["index"] == stops[-1]["index"]:
            continue  # still the same control (the day, month and year fields of a date input)
        if focused is None or focused["index"] in seen:
            break  # past the last stop, or round again
        seen.add(focused["index"])
        stops.append(focused)
    return elements, stops


def skip_link_problems(page) -> list[str]:
    """The first Tab lands on a visible skip link whose target is on the page."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    first = page.evaluate("""() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      const href = el.getAttribute('href') || '';
      return {tag: el.tagName.toLowerCase(), cls: el.className, href,
              skip: el.classList.contains('md-skip'),
              target: href.startsWith('#') && !!document.getElementById(decodeURIComponent(href.slice(1))),
              shown: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight};
    }""")
    if not first["skip"]:
        return [f"the first Tab stop is <{first['tag']} class={first['cls']!r} href={first['href']!r}>, not the skip link"]
    problems = []
    if not first["target"]:
        problems.append(f"the skip link's target {first['href']!r} is not on the page")
    if not first["shown"]:
        problems.append("the skip link is not visible when focused")
    return problems


def keyboard_problems(page) -> list[str]:
    """Every visible link and control is reached by Tab, and each shows a focus indicator (:focus-visible
    with an outline or a box-shadow). Start on a freshly loaded page: Tab goes on from the last focus."""
    elements, stops = tab_through(page)
    reached = {stop["index"] for stop in stops}
    problems = []
    for el in elements:
        if not el["shown"]:
            continue
        if el["tabindex"] is not None and el["tabindex"].strip().startswith("-"):
            if el["native"]:
                problems.append(f"{el['what']}: visible link or control taken out of the Tab order (tabindex=-1)")
        elif el["index"] not in reached:
            problems.append(f"{el['what']}: visible but never reached by Tab")
    by_index = {el["index"]: el for el in elements}
    for stop in stops:
        what = by_index.get(stop["index"], {}).get("what", "?")
        if not stop["visible"]:
            problems.append(f"{what}: no visible focus indicator ({stop['style']})")
        if not stop["onscreen"]:
            problems.append(f"{what}: focused but has no size on screen")
    if not stops:
        problems.append("Tab reaches nothing")
    return problems
