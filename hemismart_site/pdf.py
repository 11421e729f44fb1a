"""The printable calendar of each language as a PDF, printed by Chromium from the built page.

The schedule page's print style sheet lays out one A4 landscape sheet per cycle;
Chromium prints exactly that (the same HTML families print at home) into
``/{lang}/files/<short name>-schedule-<lang>.pdf``. The PDF's dates are set from
``SOURCE_DATE_EPOCH`` so two builds give identical files.

Chromium is Debian's (``apt-get install chromium``), driven by Playwright;
``HEMISMART_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

from hemismart_site.calendar import pdf_name
from hemismart_site.errors import BuildError
from hemismart_site.model import Facts

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
"""Flags that work headless as root on this project's machines, with no outside connections."""


def chromium_path() -> str:
    """The Chromium binary to use; BuildError naming the fix if there is none."""
    path = os.environ.get("HEMISMART_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        raise BuildError(f"Chromium not found at {path}: it prints the calendar PDFs. Install it "
                         "(apt-get install chromium), set HEMISMART_CHROMIUM, or build with --no-pdf.")
    return path


def print_schedules(site_dir: Path, facts: Facts, languages: list[str], page_url: str) -> list[Path]:
    """Print every language's calendar page (the page whose ``print`` role is on, at ``page_url`` inside the
    language) to its PDF; return the files written."""
    from playwright.sync_api import Error, sync_playwright

    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            for lang in languages:
                source = (site_dir / lang / page_url / "index.html").resolve()
                page.goto(source.as_uri(), wait_until="load")
                pdf = page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=False)
                target = site_dir / lang / "files" / pdf_name(facts, lang)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(renumber_nodes(pin_dates(pdf)))
                written.append(target)
            browser.close()
    except Error as exc:
        raise BuildError(f"Chromium could not print the calendar: {exc}") from None
    return written


def print_schedules_apart(site_dir: Path, facts: Facts, languages: list[str], page_url: str) -> list[Path]:
    """:func:`print_schedules` in a fresh Python process: Playwright's sync API refuses to start inside a running
    event loop, which a caller (a test holding a browser, a notebook) may have; a spawned process has none."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(print_schedules, site_dir, facts, languages, page_url).result()


def pin_dates(pdf: bytes) -> bytes:
    """Replace the PDF's creation and modification dates with SOURCE_DATE_EPOCH (same length)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = _dt.datetime.fromtimestamp(epoch, _dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")

    def fix(match: re.Match) -> bytes:
        return match.group(1) + stamp.encode()[: len(match.group(2))].ljust(len(match.group(2)), b" ")

    return re.sub(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)", fix, pdf)


def renumber_nodes(pdf: bytes) -> bytes:
    """Number Chromium's structure-tree node names (``node00001968``) in order of first appearance.

    Chromium takes them from DOM node ids, which change from run to run; the replacement keeps
    every name's length, so the PDF's byte offsets stay right."""
    mapping: dict[bytes, bytes] = {}

    def fix(match: re.Match) -> bytes:
        name = match.group(0)
        if name not in mapping:
            digits = len(name) - len(b"node")
            mapping[name] = b"node" + str(len(mapping) + 1).zfill(digits).encode()
        return mapping[name]

    return re.sub(rb"node\d{8}", fix, pdf)
