"""The browser passes over every page, in parallel: each share of the pages in its own process and Chromium.

A pass over the ~600 pages of 11 languages is Chromium's work (axe-core, layout at two widths, print
emulation), one page at a time per browser page. The pages are dealt out to one process per core (up to four),
each with its own Chromium. On 2 cores this gains little (Chromium alone keeps more than one core partly busy:
the pass went from 370 to 350 s); it grows with the cores. Each process returns plain data (picklable), merged
in page order by :func:`run_shared`.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from quality import browser as qb

DESKTOP = {"width": 1280, "height": 800}


@dataclass
class PageResult:
    """What the pass with JavaScript found on one page."""

    axe: list[str]
    csp: list[str]
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    text: str = ""
    phone: list[str] = field(default_factory=list)
    printed: list[str] | None = None
    js_only_text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """One share of the pages: (path under site/, address) pairs, and what to look at."""

    pages: list[tuple[str, str]]
    origin: str
    printed: frozenset[str] = frozenset()
    """Pages whose print emulation is checked (the family pages)."""
    js_only: tuple[str, ...] = ()
    """Selectors of the parts that exist only with JavaScript."""
    languages: tuple[str, ...] = ()
    source_language: str = "en"
    grid_pages: tuple[str, ...] = ()


def _browser(playwright):
    from hemismart_site.pdf import CHROMIUM_ARGS, chromium_path

    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def scan_with_javascript(job: Job) -> dict[str, PageResult]:
    """Every page of ``job`` once, with JavaScript, in one browser page: axe, CSP violations, requests, the
    main text, sideways scrolling at phone width and, on the pages of ``job.printed``, print."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        context = browser.new_context(viewport=DESKTOP, ignore_https_errors=True)
        context.add_init_script(qb.CSP_LISTENER)
        log = qb.RequestLog(job.origin)
        log.attach(context)
        page = context.new_page()
        results = {}
        for rel, url in job.pages:
            log.current = rel
            page.goto(url, wait_until="load")
            axe = qb.axe_violations(page)
            text = qb.main_text(page)
            js_only = page.evaluate("sels => sels.flatMap(s => [...document.querySelectorAll(s)].map(el => el.innerText))",
                                    list(job.js_only))
            printed = qb.printed_chrome(page) if rel in job.printed else None
            page.set_viewport_size(qb.PHONE)
            phone = qb.sideways_scrolling(page)
            page.set_viewport_size(DESKTOP)
            csp = qb.csp_violations(page)
            results[rel] = PageResult(axe, csp, [], [], text, phone, printed, js_only)
        page.goto("about:blank")
        outside, failed = log.take()
        for line in outside:
            rel, _, url = line.partition(": ")
            results[rel].outside.append(url)
        for line in failed:
            rel, _, what = line.partition(": ")
            results[rel].failed.append(what)
        context.close()
        browser.close()
    return results


def scan_without_javascript(job: Job) -> dict[str, tuple[str, list[str], list[str]]]:
    """Every page of ``job`` once with JavaScript off: its main text, the language links' problems and, on the
    grid pages, the grids' problems."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        context = browser.new_context(viewport=DESKTOP, java_script_enabled=False, ignore_https_errors=True)
        page = context.new_page()
        out = {}
        for rel, url in job.pages:
            page.goto(url, wait_until="load")
            lang = rel.split("/")[0] if "/" in rel else job.source_language
            out[rel] = (qb.main_text(page), qb.switcher_problems(page, lang, list(job.languages)),
                        qb.grid_problems(page) if rel.endswith(job.grid_pages) else [])
        context.close()
        browser.close()
    return out


def processes() -> int:
    """How many browsers run side by side: one per core, at least one, at most four."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def run_shared(scan, job: Job, shares: int | None = None) -> dict:
    """``scan(job)`` with the pages dealt out over ``shares`` processes (spawned: Playwright's driver and a
    test's own browser stay in this process); the results in the pages' order."""
    shares = shares or processes()
    if shares == 1:
        return scan(job)
    parts = [Job(job.pages[i::shares], job.origin, job.printed, job.js_only, job.languages, job.source_language,
                 job.grid_pages) for i in range(shares)]
    merged: dict = {}
    with ProcessPoolExecutor(max_workers=shares, mp_context=multiprocessing.get_context("spawn")) as pool:
        for result in pool.map(scan, parts):
            merged.update(result)
    return {rel: merged[rel] for rel, _ in job.pages}
