"""The treatment calendar: grids cell by cell, the .ics from the command line and from the page,
and the printed PDFs, in every language."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date
from icalendar import Calendar

from conftest import SOURCE
from hemismart_site.calendar import pdf_name
from hemismart_site.cli import main as cli_main
from hemismart_site.localize import localizer
from hemismart_site.model import parse_range
from hemismart_site.validate import load_project


ROOT = SOURCE  # the content the session's site is built from (tests/conftest.py)
PROJECT = load_project(ROOT)
FACTS = PROJECT.facts
LANGS = PROJECT.config.languages
SOURCE_LANG = PROJECT.config.source_language
SCHEDULE = FACTS.schedule


def expected_days(cycle_index: int, field: str) -> dict[str, set[int]]:
    """Medicine → days, read straight from content/schedule.yml (not through grid.py)."""
    out = {}
    for row in SCHEDULE.cycles[cycle_index].rows:
        days: set[int] = set()
        for text in getattr(row, field):
            first, last = parse_range(text)
            days.update(range(first, last + 1))
        out[row.medicine] = days
    return out


def test_registry_day_ranges_behind_the_grid():
    """The schedule's ranges are the registry's words: every range's numbers appear in its quoted text."""
    for cycle in SCHEDULE.cycles:
        for row in cycle.rows:
            for text in row.days:
                for number in re.findall(r"\d+", text):
                    assert re.search(rf"\b{number}\b", row.registry_text), (cycle.id, row.medicine, text)


class GridTables(HTMLParser):
    """Cells of the wide schedule tables (class hs-grid, not the weekly ones), by caption order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._in = False
        self._row: list | None = None
        self._cell: list | None = None
        self._cls = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "hs-grid" in (a.get("class") or "").split() and "hs-week" not in (a.get("class") or ""):
            self._in = True
            self.tables.append([])
        elif self._in and tag == "tr":
            self._row = []
        elif self._in and tag in ("td", "th") and self._row is not None:
            self._cell, self._cls = [], a.get("class") or ""

    def handle_endtag(self, tag):
        if tag == "table" and self._in:
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self._row.append((self._cls, "".join(self._cell).strip()))
            self._cell = None
        elif self._in and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    """The whole site, built once per test session (tests/conftest.py)."""
    return built_site.site


@pytest.mark.parametrize("page", ["families/schedule", "investigators/treatment"])
@pytest.mark.parametrize("lang", LANGS)
def test_grid_cell_by_cell(site, lang, page):
    tables = GridTables((site / lang / page / "index.html").read_text(encoding="utf-8")).tables
    assert len(tables) == len(SCHEDULE.cycles)
    names = {m: localizer(PROJECT, lang).translations.strings[f"medicine.{m}.name"] for m in FACTS.trial.arms[0].interventions}
    for index, table in enumerate(tables):
        given, uncertain = expected_days(index, "days"), expected_days(index, "uncertain_days")
        header, *rows = table
        assert len(header) == SCHEDULE.cycle_length_days + 1
        assert [re.sub(r"\D", "", text) for _, text in header[1:]][:1] == ["1"]
        assert len(rows) == len(SCHEDULE.cycles[index].rows)
        for row, spec in zip(rows, SCHEDULE.cycles[index].rows):
            label = row[0][1]
            assert label.startswith(names[spec.medicine]), (lang, label)
            strings = localizer(PROJECT, lang).translations.strings
            routes = [strings[f"route.{r}"] for r in FACTS.trial.intervention(spec.medicine).routes]
            assert all(route in label for route in routes), (lang, label, routes)
            # Families are footnoted only the contradictions that change which days are marked; investigators, all.
            noted = spec.discrepancy and (page != "families/schedule" or FACTS.discrepancy(spec.discrepancy).kind == "contradiction")
            assert ("*" in label) == bool(noted), (lang, label)
            if spec.as_decided_by_doctor:
                assert len(row) == 2 and "hs-doctor" in row[1][0]
                continue
            for day, (cls, text) in enumerate(row[1:], start=1):
                if day in given[spec.medicine]:
                    assert cls == "hs-given" and text.startswith("●"), (lang, spec.medicine, day)
                elif day in uncertain[spec.medicine]:
                    assert cls == "hs-uncertain" and text.startswith("?"), (lang, spec.medicine, day)
                else:
                    assert cls == "hs-none" and text == "", (lang, spec.medicine, day)


def calendar_args(out: Path, lang: str, start: str, cycles: int) -> list[str]:
    return ["calendar", "--root", str(ROOT), "--start", start, "--cycles", str(cycles), "--lang", lang, "-o", str(out)]


def cli_calendar(tmp_path: Path, lang: str, start: str, cycles: int) -> Calendar:
    """``hemismart-site calendar`` run in this process (its ``main``), the calendar it wrote."""
    out = tmp_path / f"plan-{lang}.ics"
    assert cli_main(calendar_args(out, lang, start, cycles)) == 0
    return Calendar.from_ical(out.read_bytes())


def test_the_calendar_command_runs_as_a_command(tmp_path):
    """The real command line, once: the same calendar as ``main`` in this process writes."""
    out = tmp_path / "plan.ics"
    run = subprocess.run([sys.executable, "-m", "hemismart_site", *calendar_args(out, SOURCE_LANG, "2026-01-05", 2)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert events(Calendar.from_ical(out.read_bytes())) == events(cli_calendar(tmp_path, SOURCE_LANG, "2026-01-05", 2))


def events(cal: Calendar) -> list[dict]:
    return [{"uid": str(e["uid"]), "start": e.decoded("dtstart"), "end": e.decoded("dtend"),
             "summary": str(e["summary"]), "description": str(e["description"])} for e in cal.walk("VEVENT")]


@pytest.mark.parametrize("lang", LANGS)
def test_cli_ics_event_by_event(tmp_path, lang):
    start = dt.date(2026, 1, 5)
    cycles = 3
    evs = events(cli_calendar(tmp_path, lang, start.isoformat(), cycles))
    names = {m: localizer(PROJECT, lang).translations.strings[f"medicine.{m}.name"] for m in FACTS.trial.arms[0].interventions}
    expected = []
    for cycle in range(1, cycles + 1):
        index = 0 if cycle == 1 else len(SCHEDULE.cycles) - 1
        given, uncertain = expected_days(index, "days"), expected_days(index, "uncertain_days")
        for day in range(1, SCHEDULE.cycle_length_days + 1):
            meds = [m for m, days in given.items() if day in days]
            unclear = [m for m, days in uncertain.items() if day in days]
            if meds or unclear:
                expected.append((start + dt.timedelta(days=(cycle - 1) * SCHEDULE.cycle_length_days + day - 1), meds, unclear))
    assert len(evs) == len(expected)
    for ev, (date, meds, unclear) in zip(evs, expected):
        assert ev["start"] == date and ev["end"] == date + dt.timedelta(days=1)
        for med in meds + unclear:
            assert names[med] in ev["summary"]
        for med in set(names) - set(meds) - set(unclear):
            assert names[med] not in ev["summary"]
        assert FACTS.trial.identifiers.short_name in ev["summary"]
    assert len({ev["uid"] for ev in evs}) == len(evs)


def test_cli_rejects_a_bad_date():
    run = subprocess.run([sys.executable, "-m", "hemismart_site", "calendar", "--root", str(ROOT), "--start", "2026-02-30"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "is not a date" in run.stderr and "Traceback" not in run.stderr


# -- in the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("lang", [LANGS[0], *(["he"] if "he" in LANGS else []), *(["fi"] if "fi" in LANGS else [])])
@pytest.mark.browser
def test_page_ics_matches_cli(server, chromium, tmp_path, lang):
    page = chromium.new_page(accept_downloads=True)
    page.goto(f"{server}/{lang}/families/schedule/")
    page.fill("#hs-start", "2026-01-05")
    page.fill("#hs-cycles", "3")
    with page.expect_download() as info:
        page.click("#hs-ics")
    path = tmp_path / "browser.ics"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".ics")
    browser_cal = Calendar.from_ical(path.read_bytes())
    assert events(browser_cal) == events(cli_calendar(tmp_path, lang, "2026-01-05", 3))
    # The dates now show in the calendars on the page: day 1 of cycle 1 is 5 January.
    first = page.locator("tr[data-cycle-first='1'] .hs-date[data-day='1']").first.inner_text()
    assert "5" in first
    page.close()


@pytest.mark.browser
def test_without_javascript_the_blank_calendar_shows(site, chromium, server):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/{LANGS[0]}/families/schedule/")
    assert page.locator("#hs-personal").is_hidden()
    assert page.locator("table.hs-grid").first.is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_the_phone_layout_needs_no_sideways_scrolling_with_or_without_dates(chromium, server, lang):
    """At 360 px the week tables fit, blank and once a family has filled in its dates (weekday and day in each
    column, the month once in the caption), in every language."""
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{server}/{lang}/families/schedule/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".hs-weeks").first.is_visible()
    assert page.locator(".hs-grid-wrap").first.is_hidden()
    start = dt.date(2026, 9, 16)  # a long month name in most languages
    page.fill("#hs-start", start.isoformat())
    page.click("#hs-personal button[type=submit]")
    caption = page.locator("table.hs-week caption").first.inner_text()
    locale = PROJECT.config.formats.get(lang, lang)
    assert format_date(start, "MMMM", locale=locale) in caption, caption
    first_day = page.locator("table.hs-week .hs-date[data-day='1']").first.inner_text()
    assert str(start.day) in first_day and format_date(start, "MMMM", locale=locale) not in first_day, first_day
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


# -- the PDFs -----------------------------------------------------------------------------------


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.browser
def test_pdf_per_language(printed_site, lang):
    site = printed_site.site
    path = site / lang / "files" / pdf_name(FACTS, lang)
    info = pdfinfo(path)
    assert int(info["Pages"]) == len(SCHEDULE.cycles)
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595), info["Page size"]  # A4 landscape, in points
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    strings = localizer(PROJECT, lang).translations.strings
    for medicine in FACTS.trial.arms[0].interventions:
        name = strings[f"medicine.{medicine}.name"]
        assert name.split()[0] in text, (lang, name)
    assert FACTS.trial.identifiers.nct_id in text
    assert FACTS.trial.central_contacts[0].email in text
    schedule_page = (site / lang / "families" / "schedule" / "index.html").read_text(encoding="utf-8")
    assert f'href="../../files/{pdf_name(FACTS, lang)}"' in schedule_page
