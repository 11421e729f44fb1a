"""Quality gates in a real browser, on one build of the whole site (every configured language).

The site is built once (per session: only this module uses it) from a private copy of the input, with
``site_url`` set to the address of a local HTTPS server bound beforehand (tests/quality/server.py, a
throw-away self-signed certificate): the site is then served at its own address, as published (its
absolute links, hreflang alternates, 404 pages and the Content-Security-Policy's 'self' all point at
the server). Every request to any other host is recorded and refused; nothing leaves the machine.

Gates (the check functions are in tests/quality/, each proven able to fail at the end of this file):

- accessibility: axe-core, WCAG 2.0/2.1 A and AA and 2.2 AA, on every page of every language, the
  404 pages and the root pages; the keyboard on sample pages (skip link first, every link and control
  reached by Tab, a visible focus indicator on each);
- HTML: the Nu HTML Checker (npm vnu-jar) on every built file, zero errors (ALLOWED_NU_ERRORS);
- links: every address and #anchor on every page leads to a built file and id, sitemaps, mailto:/tel:;
- privacy: no request to any other host from any page; no outside fonts, scripts or images;
- without JavaScript: the same main text, the language links, the schedule grids;
- phones: at 360×740 no page scrolls sideways except inside a declared scroll region;
- print: header, sidebars and footer are not printed;
- security: a Content-Security-Policy <meta> on every page, scripts from the site only, no violation
  reported while the search, Material's language menu and the calendar script are used.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest

from hemismart_site.localize import load_translations
from hemismart_site.pages import all_pages
from hemismart_site.validate import Project, load_project
from quality import browser as qb
from quality import scan as qscan
from quality import static as qs
from quality.nu import NuMissing, nu_check, unexpected
from quality.server import SiteServer
from sitebuild import build_in_process

pytestmark = [pytest.mark.browser]

REPO = Path(__file__).resolve().parents[1]

DESKTOP = {"width": 1280, "height": 800}

ALLOWED_NU_ERRORS: list[tuple[str, str, str]] = [
    # (file regex, message regex, why it cannot be fixed here). Keep this list short: fix the markup
    # (templates/, or an override of Material's in templates/theme/) whenever possible.
]

JS_ONLY = {
    "#hs-personal": "the personal calendar form computes dates in the browser; without JavaScript it stays "
                    "hidden on purpose and the blank calendars and printable sheets remain",
    "#hs-search": "the search form searches in the browser; without JavaScript it stays hidden on purpose, "
                  "the page says so and lists every page of the site instead",
}
"""Parts of a page that exist only with JavaScript (selector → why); their text is not expected without it."""


# -- the site --------------------------------------------------------------------------------------


@dataclass
class QualitySite:
    site: Path
    url: str
    """The server's address, also the site's ``site_url`` (ends with /)."""
    project: Project
    server: SiteServer
    pages: list[str] = field(default_factory=list)
    """Every page to check, as paths under ``site`` (``en/families/index.html``)."""

    @property
    def languages(self) -> list[str]:
        return self.project.config.languages

    def page_url(self, rel: str) -> str:
        return self.url.rstrip("/") + qs.url_path_of(rel)


def expected_pages(project: Project) -> list[str]:
    """Every page of every language (hemismart_site.pages.all_pages), each language's 404 page and the
    root language chooser and 404 page."""
    out = ["index.html", "404.html"]
    for lang in project.config.languages:
        out += [f"{lang}/{page.url}index.html" for page in all_pages(project)] + [f"{lang}/404.html"]
    return out


def family_pages(q: QualitySite) -> list[str]:
    return [f"{lang}/{p.url}index.html" for lang in q.languages for p in all_pages(q.project) if p.section == "families"]


@pytest.fixture(scope="module")
def quality(tmp_path_factory, copy_site) -> QualitySite:
    server = SiteServer()
    tree = copy_site(tmp_path_factory.mktemp("quality-input"))
    text = tree.read("site_config.yml")
    text, found = re.subn(r"(?m)^site_url:.*$", f"site_url: {server.url}/", text, count=1)
    assert found == 1, "site_config.yml has no site_url line"
    tree.write("site_config.yml", text)
    site = tmp_path_factory.mktemp("quality-output") / "site"
    build_in_process(tree.root, site, pdf=True)  # the link check follows the PDF links too
    server.start(site)
    project = load_project(tree.root)
    yield QualitySite(site, server.url + "/", project, server, expected_pages(project))
    server.close()


@pytest.fixture(scope="module")
def files(quality) -> dict[str, qs.HtmlFile]:
    return qs.parse_site(quality.site)


def report(problems: list[str], limit: int = 60) -> str:
    shown = "\n".join(problems[:limit])
    more = f"\n… and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n{shown}{more}"


def test_every_built_page_is_checked(quality):
    built = set(qs.html_files(quality.site))
    expected = set(quality.pages)
    assert built == expected, f"built but not expected: {sorted(built - expected)}; expected but not built: {sorted(expected - built)}"


# -- one pass of the browser over every page ----------------------------------------------------------


def job(quality: QualitySite, **kw) -> qscan.Job:
    """Every page of the quality site, with the addresses the browser loads."""
    return qscan.Job([(rel, quality.page_url(rel)) for rel in quality.pages], quality.url.rstrip("/"), **kw)


@pytest.fixture(scope="module")
def scan(quality) -> dict[str, qscan.PageResult]:
    """Every page once, with JavaScript (tests/quality/scan.py, shared out over one Chromium per core): axe,
    CSP violations, requests, the main text, sideways scrolling at phone width and, on the family pages, print."""
    started = time.monotonic()
    results = qscan.run_shared(qscan.scan_with_javascript,
                               job(quality, printed=frozenset(family_pages(quality)), js_only=tuple(JS_ONLY)))
    print(f"\nbrowser pass over {len(results)} pages: {time.monotonic() - started:.0f} s")
    return results


def test_accessibility_axe_every_page(scan):
    problems = [f"{rel}: {v}" for rel, r in scan.items() for v in r.axe]
    assert not problems, report(problems)


def test_no_content_security_policy_violation(scan):
    problems = [f"{rel}: {v}" for rel, r in scan.items() for v in r.csp]
    assert not problems, report(problems)


def test_privacy_no_request_to_another_host(scan, quality, files):
    problems = [f"{rel}: request to {url}" for rel, r in scan.items() for url in r.outside]
    problems += [p for f in files.values() for p in qs.outside_resources(f, quality.url)]
    problems += qs.css_outside_resources(quality.site, quality.url)
    assert not problems, report(problems)


def test_every_request_succeeds(scan):
    problems = [f"{rel}: {what}" for rel, r in scan.items() for what in r.failed]
    assert not problems, report(problems)


def test_phone_width_no_sideways_scrolling(scan):
    problems = [f"{rel}: {p}" for rel, r in scan.items() for p in r.phone]
    assert not problems, report(problems)


def test_print_leaves_out_header_sidebars_and_footer(scan, quality):
    checked = [rel for rel, r in scan.items() if r.printed is not None]
    assert sorted(checked) == sorted(family_pages(quality))
    problems = [f"{rel}: {p}" for rel, r in scan.items() for p in (r.printed or [])]
    assert not problems, report(problems)


# -- without JavaScript -----------------------------------------------------------------------------


GRID_PAGES = ("families/schedule/index.html", "investigators/treatment/index.html")


@pytest.fixture(scope="module")
def nojs_scan(quality) -> dict[str, tuple[str, list[str], list[str]]]:
    """Every page once with JavaScript off: its main text, language links and grids, to compare with ``scan``."""
    return qscan.run_shared(qscan.scan_without_javascript,
                            job(quality, languages=tuple(quality.languages),
                                source_language=quality.project.config.source_language, grid_pages=GRID_PAGES))


def test_without_javascript_text_switcher_and_grid(scan, nojs_scan, quality):
    problems = []
    for rel, (text, switcher, grid) in nojs_scan.items():
        with_js = scan[rel]
        problems += [f"{rel}: without JavaScript, missing text {line!r}" for line in qb.missing_text(with_js.text, text, with_js.js_only_text)]
        problems += [f"{rel}: without JavaScript, {p}" for p in switcher + grid]
    grids = [rel for rel in nojs_scan if rel.endswith(GRID_PAGES)]
    assert len(grids) == 2 * len(quality.languages)
    assert not problems, report(problems)


# -- keyboard (sample pages) ---------------------------------------------------------------------------


def keyboard_sample(languages: list[str]) -> list[str]:
    first = languages[0]
    sample = [f"{first}/families/schedule/", f"{first}/investigators/sites/", f"{first}/"]
    sample += [f"{lang}/" for lang in ("he",) if lang in languages and lang != first]
    return sample


@pytest.mark.parametrize("index", range(4))
def test_keyboard_skip_link_tab_order_and_focus(quality, chromium, index):
    sample = keyboard_sample(quality.languages)
    if index >= len(sample):
        pytest.skip("fewer sample pages with these languages")
    page = chromium.new_page(viewport=DESKTOP, ignore_https_errors=True)
    try:
        page.goto(quality.url + sample[index], wait_until="load")
        problems = qb.skip_link_problems(page)
        page.reload(wait_until="load")
        problems += qb.keyboard_problems(page)
    finally:
        page.close()
    assert not problems, report(problems)


# -- Material under the Content-Security-Policy ----------------------------------------------------------


def csp_sample(languages: list[str]) -> list[str]:
    return [languages[0]] + [lang for lang in ("he",) if lang in languages and lang != languages[0]]


@pytest.mark.parametrize("which", range(2))
def test_search_menu_and_calendar_work_under_the_csp(quality, chromium, which):
    langs = csp_sample(quality.languages)
    if which >= len(langs):
        pytest.skip("no right-to-left language configured")
    lang = langs[which]
    context = chromium.new_context(viewport=DESKTOP, ignore_https_errors=True)
    context.add_init_script(qb.CSP_LISTENER)
    log = qb.RequestLog(quality.url.rstrip("/"))
    log.attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # The search: the header's magnifier leads to the search page; typing a word of this language
        # (the glossary's word for relapse) lists the glossary entry, linked to its anchor.
        page.goto(f"{quality.url}{lang}/families/", wait_until="load")
        page.locator("a.md-header__button[href$='search/']").click()
        page.wait_for_url(f"{quality.url}{lang}/search/")
        word = load_translations(quality.project.root, lang).strings["glossary.relapse.term"]
        page.locator("#hs-search-q").press_sequentially(word, delay=10)
        page.locator("#hs-search-results a[href$='glossary/#relapse']").first.wait_for(state="visible", timeout=10_000)
        assert page.locator("#hs-search-status").inner_text().strip()
        assert page.evaluate("new URL(location.href).searchParams.get('q')") == word
        page.goto(f"{quality.url}{lang}/families/schedule/", wait_until="load")
        # The header's language menu opens (hover, and keyboard focus on its button).
        page.locator(".md-select").first.hover()
        menu = page.locator(".md-select__inner").first
        page.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=menu.element_handle(), timeout=5000)
        assert page.locator(".md-select__link").first.is_visible()
        # calendar.js: the personal calendar form appears and fills real dates in.
        assert page.locator("#hs-personal").is_visible(), "calendar.js did not run"
        page.fill("#hs-start", "2026-01-05")
        page.locator("#hs-personal [type=submit]").first.click()
        assert page.locator(".hs-date[data-day='1']").first.inner_text().strip(), "calendar.js filled no date"
        assert qb.csp_violations(page) == []
        outside, _ = log.take()
        assert outside == []
        assert errors == []
    finally:
        context.close()


# -- static checks ------------------------------------------------------------------------------------


def test_content_security_policy_on_every_page(files):
    problems = [p for f in files.values() for p in qs.csp_problems(f)]
    assert not problems, report(problems)


def test_links_and_anchors_resolve(quality, files):
    problems = qs.link_problems(quality.site, quality.url, files)
    assert not problems, report(problems)


def test_links_cover_the_pdfs(quality, files):
    """The calendar PDF of every language is linked, and the link check looked at it."""
    pdfs = {p.relative_to(quality.site).as_posix() for p in quality.site.rglob("*.pdf")}
    assert {rel.split("/")[0] for rel in pdfs} == set(quality.languages)
    linked = set()
    for rel, f in files.items():
        for _, _, value in f.urls:
            if value.endswith(".pdf"):
                linked.add(qs.file_for(quality.site, urljoin(qs.url_path_of(rel), value)))
    assert pdfs <= linked, sorted(pdfs - linked)


def test_sitemaps(quality):
    problems = qs.sitemap_problems(quality.site, quality.url)
    assert not problems, report(problems)


def test_html_is_valid_nu_checker(quality):
    try:
        messages, checked = nu_check(quality.site)
    except NuMissing as exc:
        pytest.fail(str(exc))
    assert checked == set(quality.pages), "the Nu HTML Checker did not check every page"
    problems = [str(m) for m in unexpected(messages, ALLOWED_NU_ERRORS)]
    assert not problems, report(problems)


# -- every check can fail -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken(quality, tmp_path_factory):
    """A copy of the built site to break on purpose; each test adds its own pages to it."""
    root = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(quality.site, root)
    return root


def break_page(site: Path, source: str, name: str, *, head: str = "", body: str = "", css: str = "",
               script: str = "", drop: tuple[str, ...] = ()) -> str:
    """A copy of page ``source`` (``en/families/schedule/index.html``) as a sibling page ``name`` with
    extra markup (``head`` before </head>, ``body`` at the end of the article), a style sheet and a
    script of its own (files, since the CSP forbids inline ones) and some markup removed."""
    text = (site / source).read_text(encoding="utf-8")
    folder = source.rsplit("/", 2)[0]
    rel = f"{folder}/{name}/index.html"
    for piece in drop:
        assert piece in text, piece
        text = text.replace(piece, "")
    if css:
        (site / folder / name).mkdir(parents=True, exist_ok=True)
        (site / folder / name / "broken.css").write_text(css, encoding="utf-8")
        head += '<link rel="stylesheet" href="broken.css">'
    if script:
        (site / folder / name).mkdir(parents=True, exist_ok=True)
        (site / folder / name / "broken.js").write_text(script, encoding="utf-8")
        body += '<script src="broken.js"></script>'
    text = text.replace("</head>", head + "</head>", 1).replace("</article>", body + "</article>", 1)
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(text, encoding="utf-8")
    return rel


def load(quality, chromium, site: Path, rel: str, **context_args):
    context = chromium.new_context(**{"viewport": DESKTOP, "ignore_https_errors": True, **context_args})
    context.add_init_script(qb.CSP_LISTENER)
    log = qb.RequestLog(quality.url.rstrip("/"))
    log.attach(context)
    page = context.new_page()
    log.current = rel
    with quality.server.serving(site):
        page.goto(quality.page_url(rel), wait_until="load")
    return context, page, log


def first_page(quality, path: str = "families/schedule/index.html") -> str:
    return f"{quality.languages[0]}/{path}"


def test_axe_check_can_fail(quality, chromium, broken):
    rel = break_page(broken, first_page(quality), "broken-axe", css=".hs-broken { color: #bbb; background: #fff; }",
                     body='<p class="hs-broken">Pale grey text on white.</p><img src="x.png">')
    context, page, _ = load(quality, chromium, broken, rel)
    with quality.server.serving(broken):
        found = qb.axe_violations(page)
    context.close()
    assert any(v.startswith("color-contrast") for v in found), found
    assert any(v.startswith("image-alt") for v in found), found


def test_keyboard_checks_can_fail(quality, chromium, broken):
    source = first_page(quality)
    text = (broken / source).read_text(encoding="utf-8")
    skip = re.search(r'<a href="[^"]*" class="md-skip">.*?</a>', text, re.S).group(0)
    rel = break_page(broken, source, "broken-keys", drop=(skip,),
                     css="*:focus-visible { outline: none !important; box-shadow: none !important; }",
                     body='<p><a href="#" tabindex="-1" id="hs-unreachable">Not by keyboard</a></p>')
    context, page, _ = load(quality, chromium, broken, rel)
    with quality.server.serving(broken):
        skip_found = qb.skip_link_problems(page)
        page.reload(wait_until="load")
        keys_found = qb.keyboard_problems(page)
    context.close()
    assert any("not the skip link" in p for p in skip_found), skip_found
    assert any("no visible focus indicator" in p for p in keys_found), keys_found
    assert any("a#hs-unreachable" in p and "tabindex=-1" in p for p in keys_found), keys_found


def test_nu_check_can_fail(broken, tmp_path, quality):
    rel = break_page(broken, first_page(quality), "broken-html", body='<p><div>A block in a paragraph</div></p><blink>old</blink>')
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(broken / rel, folder / "index.html")
    try:
        found = [str(m) for m in unexpected(nu_check(folder)[0], ALLOWED_NU_ERRORS)]
    except NuMissing as exc:
        pytest.fail(str(exc))
    assert any("blink" in p for p in found), found
    assert any("“p” element" in p or "No “p” element in scope" in p for p in found), found


def test_link_check_can_fail(quality, broken):
    rel = break_page(broken, first_page(quality), "broken-links", body=(
        '<a href="../no-such-page/">gone</a> <a href="../treatment/#no-such-anchor">no anchor</a> '
        '<a href="#nowhere">no id here</a> <a href="mailto:someone.example.org">mail</a> '
        '<a href="tel:0650 006 270">phone</a> <img src="../../assets/missing.png" alt="">'))
    not_found = f"{quality.languages[0]}/broken-404/404.html"
    (broken / not_found).parent.mkdir(parents=True, exist_ok=True)
    (broken / not_found).write_text('<!doctype html><title>x</title><a href="glossary/">relative</a>', encoding="utf-8")
    files = {r: qs.parse_file(broken, r) for r in (rel, not_found)}
    found = "\n".join(qs.link_problems(broken, quality.url, files))
    for expected in ("no-such-page", "no id 'no-such-anchor'", "no id 'nowhere'", "is not an e-mail address",
                     "is not a global number", "missing.png", "relative address on a 404 page"):
        assert expected in found, (expected, found)


def test_sitemap_check_can_fail(quality, broken):
    lang = quality.languages[0]
    sitemap = broken / lang / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    sitemap.write_text(text.replace("</urlset>", f"<url><loc>{quality.url}{lang}/no-such-page/</loc></url></urlset>"), encoding="utf-8")
    found = "\n".join(qs.sitemap_problems(broken, quality.url))
    sitemap.write_text(text, encoding="utf-8")
    assert "no-such-page/ leads to no built file" in found, found
    assert "differs from" in found, found  # the .gz no longer matches


def test_privacy_check_can_fail(quality, chromium, broken):
    # The page's own CSP would stop these loads before any request: remove it to show that the
    # privacy check does not depend on it.
    source = first_page(quality)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', (broken / source).read_text(encoding="utf-8")).group(0)
    rel = break_page(broken, source, "broken-privacy", drop=(csp,),
                     head='<script src="https://cdn.example.com/tracker.js"></script>',
                     css="@font-face { font-family: Far; src: url(https://fonts.example.net/far.woff2); } body { font-family: Far; }",
                     body='<img src="https://images.example.org/pixel.png" alt="">')
    context, page, log = load(quality, chromium, broken, rel)
    context.close()
    outside, _ = log.take()
    found = "\n".join(outside)
    for host in ("cdn.example.com", "images.example.org", "fonts.example.net"):
        assert host in found, (host, found)
    static = "\n".join(qs.outside_resources(qs.parse_file(broken, rel), quality.url))
    assert "cdn.example.com" in static and "images.example.org" in static, static
    assert "fonts.example.net" in "\n".join(qs.css_outside_resources(broken, quality.url))


def test_without_javascript_check_can_fail(quality, chromium, broken):
    source = first_page(quality)
    text = (broken / source).read_text(encoding="utf-8")
    languages = re.search(r'<nav class="hs-languages".*?</nav>', text, re.S)
    rel = break_page(broken, source, "broken-nojs", drop=(languages.group(0),) if languages else (),
                     body='<p id="hs-broken-js" hidden>Shown only by a script.</p>',
                     script="document.getElementById('hs-broken-js').hidden = false;",
                     css=".no-js table.hs-grid { display: none; }")
    context, page, _ = load(quality, chromium, broken, rel)
    with_js = qb.main_text(page)
    context.close()
    context, page, _ = load(quality, chromium, broken, rel, java_script_enabled=False)
    without_js = qb.main_text(page)
    grid = qb.grid_problems(page)
    switcher = qb.switcher_problems(page, quality.languages[0], quality.languages)
    context.close()
    assert "Shown only by a script." in qb.missing_text(with_js, without_js)
    assert grid and "not visible" in grid[0], grid
    if len(quality.languages) > 1:
        assert any("visible links to other languages" in p for p in switcher), switcher


def test_phone_check_can_fail(quality, chromium, broken):
    rel = break_page(broken, first_page(quality), "broken-phone", css=(
        ".hs-wide { width: 900px; } .hs-scroller { overflow-x: auto; } .hs-scroller > div { width: 900px; }"),
        body=('<div class="hs-wide">A wide box</div>'
              '<div class="hs-scroller" id="undeclared"><div>scrolls, undeclared</div></div>'
              '<div class="hs-scroller" id="declared" role="region" aria-label="Wide" tabindex="0"><div>scrolls, declared</div></div>'))
    context, page, _ = load(quality, chromium, broken, rel, viewport=qb.PHONE)
    found = qb.sideways_scrolling(page)
    context.close()
    text = "\n".join(found)
    assert "the page is" in text and "div.hs-wide" in text, text
    assert "div#undeclared.hs-scroller scrolls sideways" in text, text
    assert "#declared" not in text, text


def test_print_check_can_fail(quality, chromium, broken):
    rel = break_page(broken, first_page(quality, "families/index.html"), "broken-print",
                     css="@media print { .md-header, .md-footer { display: block !important; } }")
    context, page, _ = load(quality, chromium, broken, rel)
    found = "\n".join(qb.printed_chrome(page))
    context.close()
    assert ".md-header: printed" in found and ".md-footer: printed" in found, found


def test_csp_checks_can_fail(quality, chromium, broken):
    source = first_page(quality)
    text = (broken / source).read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', text).group(0)
    # The browser reports an inline script the policy blocks.
    inline = break_page(broken, source, "broken-csp-inline", body='<script>document.title = "inline";</script>')
    context, page, _ = load(quality, chromium, broken, inline)
    found = qb.csp_violations(page)
    context.close()
    assert any("script-src" in v and "inline" in v for v in found), found
    assert any("inline <script>" in p for p in qs.csp_problems(qs.parse_file(broken, inline)))
    # The static check: no policy, or one that lets inline scripts run.
    missing = break_page(broken, source, "broken-csp-missing", drop=(csp,))
    assert "0 Content-Security-Policy" in "\n".join(qs.csp_problems(qs.parse_file(broken, missing)))
    weak = break_page(broken, source, "broken-csp-weak", drop=(csp,),
                      head=csp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))
    assert "scripts allowed from 'unsafe-inline'" in "\n".join(qs.csp_problems(qs.parse_file(broken, weak)))
