"""Every page of the English site, built once and read as HTML, against the facts.

The site is built once per session (fixture ``built_site``: a private copy of
the input, ``build_site(strict=True)``). Every expected value comes from the
facts and the translations of that same copy (``built_site.project``,
``built_site.l10n("en")``), never typed in here: when a fact changes, the
test follows it. The lists the tests are parametrized over (pages, sites,
criteria…) are read from the repository at collection time only to name the
cases; each case looks its item up again in the built copy.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import phonenumbers
import pytest
import yaml
from babel import Locale
from babel.numbers import format_percent

from conftest import SOURCE
from hemismart_site.grid import build_grids
from hemismart_site.model import Criterion, CriterionItem, Facts
from hemismart_site.pages import Page, all_pages, page_by_id
from hemismart_site.validate import load_project
from htmldom import Element, contains_words, parse_html, squash
from sitebuild import build_in_process

LANG = "en"
REPO = Path(__file__).resolve().parents[1]

# Names of the parametrized cases only (see the module docstring).
_PROJECT = load_project(SOURCE)
_FACTS = _PROJECT.facts
PAGE_IDS = [p.id for p in all_pages(_PROJECT)]
FAMILY_PAGE_IDS = [p.id for p in all_pages(_PROJECT) if p.section == "families"]
SLUGS = [s.slug for s in _FACTS.sites]
CRITERION_IDS = [c.id for c in _FACTS.eligibility.criteria]
THRESHOLD_IDS = [th.id for c in _FACTS.eligibility.criteria for th in c.thresholds]
CYCLE_IDS = [c.id for c in _FACTS.schedule.cycles]
DISCREPANCY_IDS = [d.id for d in _FACTS.discrepancies]
OUTCOME_IDS = [o.id for o in (*_FACTS.trial.outcomes.primary, *_FACTS.trial.outcomes.secondary)]
GRID_PAGES = ["investigators/treatment", "families/schedule"]

SYMBOL = {"given": "●", "uncertain": "?", "none": ""}
"""What a grid cell shows for each state (the calendar's legend)."""


# --------------------------------------------------------------------------
# Reading the built site
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


@pytest.fixture(scope="module")
def facts(built_site) -> Facts:
    return built_site.project.facts


@pytest.fixture(scope="module")
def l10n(built_site):
    return built_site.l10n(LANG)


def page(project, page_id: str) -> Page:
    return page_by_id(all_pages(project), page_id)


def html_file(site, page_id: str) -> Path:
    """Where the page's HTML is: ``site/en/<url>index.html``."""
    return site.site / LANG / page(site.project, page_id).url / "index.html"


@cache
def _parse(path: Path) -> Element:
    # <wbr> only lets a long run wrap on a phone (render.breakable), and the no-wrap span only keeps the short
    # name on one line (hemismart_site/nowrap.py): the text on either side is one text.
    html = path.read_text(encoding="utf-8").replace("<wbr>", "")
    return parse_html(re.sub(r'<span class="hs-nowrap">([^<]*)</span>', r"\1", html))


def document(site, page_id: str) -> Element:
    path = html_file(site, page_id)
    assert path.is_file(), f"{page_id}: {path} was not built"
    return _parse(path)


def article(site, page_id: str) -> Element:
    """The page's own content (Material's ``<article>``), without navigation, header or footer."""
    return document(site, page_id).one("article", cls="md-content__inner")


def url_path(site, page_id: str) -> str:
    """The page's address on the site: ``/en/families/hospitals/``."""
    return f"/{LANG}/{page(site.project, page_id).url}"


def resolve(site, page_id: str, href: str) -> str:
    """A link on ``page_id`` as a site-absolute path with its #fragment, if any."""
    parts = urlsplit(urljoin(f"https://site.invalid{url_path(site, page_id)}", href))
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


def plain(markup: object) -> str:
    """A rendered translation as a reader sees it: entities decoded, Markdown links and bold undone."""
    text = html.unescape(str(markup))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "")
    return squash(text)


def t(l10n, key: str, **params) -> str:
    return plain(l10n.t(key, **params))


def country_name(english: str, lang: str) -> str:
    """A registry country in ``lang``, straight from CLDR (independent of the site's code)."""
    code = {name: code for code, name in Locale("en").territories.items()}[english]
    return Locale.parse(lang).territories[code]


def headings(el: Element, tag: str) -> list[Element]:
    """Headings of the page's content, not those of navigation blocks inside it."""
    return [h for h in el.find_all(tag) if not any(a.tag == "nav" for a in h.ancestors())]


def table_rows(table: Element) -> list[list[Element]]:
    """The body rows of a table as lists of cells."""
    body = table.find("tbody") or table
    return [[c for c in tr.elements if c.tag in ("td", "th")] for tr in body.find_all("tr")]


def two_column(el: Element) -> dict[str, list[str]]:
    """Every ``| label | value |`` row under ``el``: label → values (a label may repeat)."""
    out: dict[str, list[str]] = {}
    for table in el.find_all("table"):
        for cells in table_rows(table):
            if len(cells) == 2:
                out.setdefault(cells[0].text, []).append(cells[1].text)
    return out


def links(el: Element) -> list[Element]:
    return el.find_all("a")


def mailto_links(el: Element) -> dict[str, str]:
    """``{address: link text}`` of every mailto: link under ``el``."""
    return {a.get("href")[len("mailto:"):]: a.text for a in links(el) if (a.get("href") or "").startswith("mailto:")}


def phone_link(number: str, country: str | None = None) -> tuple[str, str]:
    """(the tel: URI without "tel:", the text shown) of a number as written in the registry, straight from the
    phonenumbers library: the hospital's country is the region a number without +country code is read in."""
    region = {name: code for code, name in Locale("en").territories.items()}[country] if country else None
    parsed = phonenumbers.parse(number, region)
    assert phonenumbers.is_valid_number(parsed), number
    uri = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966)
    return uri[len("tel:"):], phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_links(el: Element) -> dict[str, str]:
    return {a.get("href")[len("tel:"):]: a.text for a in links(el) if (a.get("href") or "").startswith("tel:")}


def expand_days(ranges: list[str]) -> set[int]:
    """``["5-8", "12"]`` → {5, 6, 7, 8, 12}, read without the site's own parser."""
    days: set[int] = set()
    for text in ranges:
        first, _, last = (part.strip() for part in str(text).partition("-"))
        days.update(range(int(first), int(last or first) + 1))
    return days


# --------------------------------------------------------------------------
# Every page
# --------------------------------------------------------------------------


def expected_title(site, l10n, page_id: str) -> str:
    p = page(site.project, page_id)
    if p.slug:
        return site.project.facts.site(p.slug).facility
    return t(l10n, f"{p.key}.title")


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_is_built_in_english(site, page_id):
    assert html_file(site, page_id).is_file()
    assert document(site, page_id).one("html").get("lang") == LANG


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_has_one_h1_with_its_title(site, l10n, page_id):
    h1s = document(site, page_id).find_all("h1")
    assert [h.text for h in h1s] == [expected_title(site, l10n, page_id)]


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_shows_trial_numbers_and_registry_date(site, l10n, page_id):
    trial = site.project.facts.trial
    text = article(site, page_id).text
    assert trial.identifiers.nct_id in text
    assert trial.identifiers.eu_ct_number in text
    assert squash(l10n.date(trial.registry.last_update_posted.date)) in text


NOTICES = {"investigators": ["notice.investigators"], "young-people": ["notice.young_people"],
           "young-adults": ["notice.young_adults"], "children": ["notice.children", "notice.children_adult"]}
"""The notices a page's reader gets, by the page's audience (every other page: the families' one). The children's
page has two: words for the child first, a note for the adult reading along at the end."""


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_says_it_is_not_medical_advice(site, l10n, page_id):
    keys = NOTICES.get(page(site.project, page_id).audience, ["notice.families"])
    notices = article(site, page_id).find_all("div", cls="hs-notice")
    assert len(notices) == len(keys)
    for notice, key in zip(notices, keys):
        assert notice.get("role") == "note"
        if l10n.has(f"{key}.title"):
            assert t(l10n, f"{key}.title") in notice.text
        assert t(l10n, f"{key}.text") in notice.text


def test_every_notice_says_information_not_advice_in_english(l10n):
    """Each reader's notice (the adult's one on the children's page) says so in words, not only by its place."""
    for key in ("notice.families", "notice.young_people", "notice.young_adults", "notice.children_adult",
                "notice.investigators"):
        words = t(l10n, f"{key}.title") + " " + t(l10n, f"{key}.text")
        assert re.search(r"\b(not (medical )?advice|not a basis for treatment decisions)\b", words), key




@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_tables_hold_only_rows(site, page_id):
    """Markdown-in-HTML left no ``markdown`` attribute behind and put no paragraph between table rows
    (a ``<p>`` inside ``<table>`` is invalid HTML; browsers move it out of the table)."""
    raw = html_file(site, page_id).read_text(encoding="utf-8")
    assert 'markdown="' not in raw
    assert not re.search(r"<(?:table|thead|tbody|tr)\b[^>]*>\s*<p\b", raw), "a <p> opens directly inside a table"
    assert not re.search(r"</tr>\s*<p\b", raw), "a <p> between table rows"


PAGE_SCRIPTS = {"calendar.js": 'id="hs-calendar-data"', "sort-table.js": 'class="hs-sortable'}
"""Our scripts (templates/theme/assets/) and the markup that needs each: a page loads a script
exactly when it has that markup, so no page downloads a script it does not use."""


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_loads_only_the_scripts_it_uses(site, page_id):
    raw = html_file(site, page_id).read_text(encoding="utf-8")
    loaded = {Path(src).name for src in re.findall(r'<script src="([^"]+)"', raw)}
    for script, markup in PAGE_SCRIPTS.items():
        assert (script in loaded) == (markup in raw), f"{script} loaded: {script in loaded}; {markup} on the page: {markup in raw}"
    assert "bundle." in " ".join(loaded), "Material's script is missing"


@pytest.mark.parametrize("page_id", FAMILY_PAGE_IDS)
def test_family_page_links_to_the_glossary(site, page_id):
    glossary = url_path(site, "glossary")
    targets = [resolve(site, page_id, a.get("href", "")).split("#")[0] for a in links(article(site, page_id))]
    assert glossary in targets, f"no link to {glossary} in the content of {page_id}"


# --------------------------------------------------------------------------
# families/hospitals
# --------------------------------------------------------------------------


@dataclass
class HospitalBlock:
    group: str
    """The section heading it is under (taking patients now, starting later…)."""
    country: str
    heading: str
    """The hospital's name as shown (the link to its own page)."""
    details: Element
    """Its card."""


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def hospital_blocks(site) -> dict[str, HospitalBlock]:
    """The hospitals page as ``{slug: block}``.

    A hospital is a card (``li.hs-site-card``) whose name links to the hospital's own page; its country is
    the heading just above its list of cards, its group the section heading (h2) above that.
    """
    blocks: dict[str, HospitalBlock] = {}
    above: dict[int, str] = {}
    sites_prefix = f"/{LANG}/sites/"
    for el in article(site, "families/hospitals").elements:
        if el.tag in HEADINGS:
            level = int(el.tag[1])
            above = {lvl: text for lvl, text in above.items() if lvl < level}
            above[level] = el.text
            continue
        if el.tag != "ul" or "hs-site-cards" not in el.classes:
            continue
        for card in el.find_all("li", cls="hs-site-card"):
            name = card.one("a", cls="hs-site-card__name")
            target = resolve(site, "families/hospitals", name.get("href", ""))
            assert target.startswith(sites_prefix), target
            slug = target[len(sites_prefix):].strip("/")
            assert slug not in blocks, f"{slug} is listed twice"
            blocks[slug] = HospitalBlock(above.get(2), above[max(above)], name.text, card)
    return blocks


OFFERED = {"RECRUITING": "families.hospitals.open_title", "ENROLLING_BY_INVITATION": "families.hospitals.open_title",
           "NOT_YET_RECRUITING": "families.hospitals.soon_title", None: "families.hospitals.unknown_title"}
"""The statuses of hospitals families are offered, and the section each is under: no other hospital is a place to go."""
OFFERED_SLUGS = [s.slug for s in _FACTS.sites if s.status in OFFERED]


def test_hospitals_page_lists_every_offered_site_once(site, facts):
    assert sorted(hospital_blocks(site)) == sorted(s.slug for s in facts.sites if s.status in OFFERED)


def test_hospitals_page_countries_are_headings_in_alphabetical_order(site, facts):
    key = lambda name: unicodedata.normalize("NFKD", name).casefold()  # noqa: E731
    blocks = hospital_blocks(site).values()
    for group in dict.fromkeys(b.group for b in blocks):
        countries = list(dict.fromkeys(b.country for b in blocks if b.group == group))
        expected = {country_name(s.country, LANG) for s in facts.sites
                    if s.status in OFFERED and hospital_blocks(site)[s.slug].group == group}
        assert sorted(countries) == sorted(expected), group
        assert countries == sorted(countries, key=key), group


@pytest.mark.parametrize("slug", OFFERED_SLUGS)
def test_hospitals_page_shows_site(site, facts, l10n, slug):
    s = facts.site(slug)
    block = hospital_blocks(site)[slug]
    assert block.group == t(l10n, OFFERED[s.status])
    assert block.heading == s.facility
    assert block.country == country_name(s.country, LANG)
    assert contains_words(block.details.text, s.city), block.details.text
    assert block.details.one("span", cls="hs-status").text == t(l10n, f"status.{s.status}")
    emails = [c.email for c in s.contacts if c.email]
    assert mailto_links(block.details) == {e: e for e in emails}
    assert tel_links(block.details) == dict(phone_link(c.phone, s.country) for c in s.contacts if c.phone)
    for c in s.contacts:
        assert c.name in block.details.text, f"contact {c.name} not shown"
    assert (site.site / LANG / "sites" / slug / "index.html").is_file()


# --------------------------------------------------------------------------
# sites/<slug>
# --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_site_page(site, facts, l10n, slug):
    s = facts.site(slug)
    content = article(site, f"sites/{slug}")
    rows = two_column(content)
    assert rows[t(l10n, "hospital.facility")] == [s.facility]
    (city,) = rows[t(l10n, "hospital.city")]
    assert city.startswith(s.city)
    for extra in (s.state, s.postcode):
        if extra:
            assert extra in city
    assert rows[t(l10n, "hospital.country")] == [country_name(s.country, LANG)]
    assert rows[t(l10n, "hospital.status")] == [t(l10n, f"status.{s.status}")]
    assert content.one("span", cls="hs-status").text == t(l10n, f"status.{s.status}")
    # The hospital's contacts while it takes (or will take) patients, then the trial office. A hospital the
    # registry lists as no longer open is no place to go: its page says so, without its contacts.
    offered = s.status in ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", None)  # None: "ask"
    own = s.contacts if offered else []
    assert (content.find(cls="hs-callout--warning") is None) == offered
    people = [*own, *facts.trial.central_contacts]
    assert mailto_links(content) == {c.email: c.email for c in people if c.email}
    assert tel_links(content) == dict(phone_link(c.phone, s.country) for c in own if c.phone) | \
        dict(phone_link(c.phone) for c in facts.trial.central_contacts if c.phone)
    for c in people:
        assert c.name in content.text
    office = content.one("div", cls="hs-contact")
    for c in facts.trial.central_contacts:
        assert c.name in office.text
        assert mailto_links(office).get(c.email) == c.email
        if c.phone:
            uri, shown = phone_link(c.phone)
            assert tel_links(office).get(uri) == shown


# --------------------------------------------------------------------------
# investigators/eligibility
# --------------------------------------------------------------------------


def criterion(facts: Facts, ident: str) -> Criterion:
    return next(c for c in facts.eligibility.criteria if c.id == ident)


def check_items(holder: Element, items: list[CriterionItem], where: str) -> None:
    """The sub-items under ``holder`` are ``items``: same markers, same words, same nesting."""
    lists = [el for el in holder.elements if el.tag == "ul" and "hs-subitems" in el.classes]
    if not items:
        assert lists == [], f"{where}: unexpected sub-items"
        return
    assert len(lists) == 1, f"{where}: expected one list of sub-items"
    shown = [el for el in lists[0].elements if el.tag == "li"]
    assert len(shown) == len(items), f"{where}: {len(shown)} sub-items shown, {len(items)} in the facts"
    for n, (li, item) in enumerate(zip(shown, items), start=1):
        here = f"{where}.{n}"
        marker = next(el for el in li.elements if "hs-marker" in el.classes)
        assert marker.text == ("•" if item.marker == "*" else item.marker), here
        assert li.own_text == squash(item.text), here
        check_items(li, item.items, here)


@pytest.mark.parametrize("ident", CRITERION_IDS)
def test_eligibility_criterion_verbatim(site, facts, ident):
    c = criterion(facts, ident)
    content = article(site, "investigators/eligibility")
    li = content.one("li", id_=c.id.lower())
    assert li.parent.tag == "ol" and "hs-criteria" in li.parent.classes
    assert li.get("value") == str(c.number)
    assert li.marked_lang() == "en"
    assert next(el for el in li.elements if el.tag == "strong").text == c.id
    assert li.own_text == squash(c.text)
    check_items(li, c.items, c.id)


def test_eligibility_lists_criteria_in_registry_order(site, facts):
    lists = article(site, "investigators/eligibility").find_all("ol", cls="hs-criteria")
    shown = [[li.get("id") for li in ol.elements if li.tag == "li"] for ol in lists]
    assert shown == [[c.id.lower() for c in facts.eligibility.inclusion],
                     [c.id.lower() for c in facts.eligibility.exclusion]]


def checklist_entries(site) -> dict[str, list[Element]]:
    """``{criterion anchor: [li, …]}`` of the checklist fieldsets."""
    out: dict[str, list[Element]] = {}
    for fieldset in article(site, "investigators/eligibility").find_all("fieldset", cls="hs-checklist"):
        anchor = fieldset.one("legend").one("a").get("href")
        out.setdefault(anchor, []).extend(fieldset.find_all("li"))
    return out


@pytest.mark.parametrize("ident", THRESHOLD_IDS)
def test_eligibility_checklist_states_threshold(site, facts, l10n, ident):
    c = next(c for c in facts.eligibility.criteria if any(th.id == ident for th in c.thresholds))
    th = facts.eligibility.threshold(ident)
    entries = checklist_entries(site).get(f"#{c.id.lower()}", [])
    if th.unit == "percent":  # CLDR's percent pattern of the language, straight from Babel
        amount = format_percent(th.value / 100, locale=LANG)
    else:
        amount = " ".join([l10n.number(th.value), *([t(l10n, f"unit.{th.unit}")] if th.unit else [])])
    value = f"{t(l10n, f'op.{th.op}')} {amount}"
    label = t(l10n, f"threshold.{th.id}")
    found = [li for li in entries if f"{label}: " in li.text and li.one("strong").text == value]
    assert len(found) >= 1, f"no '{label}: {value}' under {c.id}; shown: {[li.text for li in entries]}"
    if th.discrepancy:  # the registry's own words beside the value, and the note on them
        d = facts.discrepancy(th.discrepancy)
        (li,) = found
        assert [(q.text, q.marked_lang()) for q in li.find_all("q")] == [(d.quotes[0], "en")]
        assert resolve(site, "investigators/eligibility", li.one("a").get("href")) == \
            f"{url_path(site, 'investigators/treatment')}#discrepancy-{d.id}"
    assert article(site, "investigators/eligibility").find(id_=c.id.lower()) is not None


def test_eligibility_checklist_has_nothing_else(site, facts):
    shown = sum(len(v) for v in checklist_entries(site).values())
    assert shown == len(THRESHOLD_IDS) == sum(len(c.thresholds) for c in facts.eligibility.criteria)


# --------------------------------------------------------------------------
# The treatment calendar (investigators/treatment and families/schedule)
# --------------------------------------------------------------------------


@dataclass
class GridRow:
    name: str
    note_href: str | None
    cells: list[Element]


def grid_tables(content: Element) -> list[Element]:
    """The wide calendar tables, one per cycle (not the week-by-week tables for phones)."""
    return [tb for tb in content.find_all("table", cls="hs-grid") if "hs-week" not in tb.classes]


def week_tables(content: Element) -> list[Element]:
    return content.find_all("table", cls="hs-week")


def read_grid(table: Element) -> tuple[list[str], list[GridRow]]:
    """A calendar table as its day headers and its rows."""
    head = table.one("thead").one("tr")
    days = [th.own_text for th in head.elements if th.tag == "th"][1:]
    rows = []
    for tr in table.one("tbody").find_all("tr"):
        th = next(el for el in tr.elements if el.tag == "th")
        note = th.find("a")
        rows.append(GridRow(th.own_text, note.get("href") if note else None, [el for el in tr.elements if el.tag == "td"]))
    return days, rows


def expected_from_yaml(site, cycle_id: str) -> tuple[int, list[dict]]:
    """The cycle straight from content/schedule.yml (not through the model): length and rows."""
    raw = yaml.safe_load((site.tree.root / "content" / "schedule.yml").read_text(encoding="utf-8"))
    cycle = next(c for c in raw["cycles"] if c["id"] == cycle_id)
    rows = []
    for r in cycle["rows"]:
        given, uncertain = expand_days(r["days"]), expand_days(r.get("uncertain_days", []))
        states = ["given" if d in given else "uncertain" if d in uncertain else "none"
                  for d in range(1, raw["cycle_length_days"] + 1)]
        rows.append({"medicine": r["medicine"], "decided": r.get("as_decided_by_doctor", False),
                     "states": states, "discrepancy": r.get("discrepancy")})
    return raw["cycle_length_days"], rows


@pytest.mark.parametrize("cycle_id", CYCLE_IDS)
@pytest.mark.parametrize("page_id", GRID_PAGES)
def test_calendar_grid_cell_by_cell(site, facts, l10n, page_id, cycle_id):
    content = article(site, page_id)
    tables = grid_tables(content)
    assert len(tables) == len(facts.schedule.cycles)
    index = [c.id for c in facts.schedule.cycles].index(cycle_id)
    days, rows = read_grid(tables[index])
    length, yaml_rows = expected_from_yaml(site, cycle_id)
    grid = build_grids(facts)[index]
    assert grid.cycle.id == cycle_id

    # The grid data and schedule.yml agree, and the table shows exactly that.
    assert [[c.state for c in r.cells] for r in grid.rows if not r.row.as_decided_by_doctor] == \
           [r["states"] for r in yaml_rows if not r["decided"]]
    assert days == [l10n.number(d) for d in range(1, length + 1)] == [l10n.number(d) for d in grid.days]
    assert [r.name for r in rows] == [t(l10n, f"medicine.{r['medicine']}.name") for r in yaml_rows]
    for row, want, data in zip(rows, yaml_rows, grid.rows):
        where = f"{cycle_id} {want['medicine']}"
        if want["decided"]:
            assert data.row.as_decided_by_doctor, where
            (cell,) = row.cells
            assert cell.get("colspan") == str(length), where
            family = page(site.project, page_id).family_facing
            assert cell.text == t(l10n, "schedule.as_decided" if family else "schedule.as_decided_pro"), where
            continue
        assert len(row.cells) == length, where
        symbols = [(c.find("span", **{"aria-hidden": "true"}) or c).text for c in row.cells]
        assert symbols == [SYMBOL[s] for s in want["states"]], where
        assert symbols == [SYMBOL[c.state] for c in data.cells], where
        assert [c.classes for c in row.cells] == [[f"hs-{s}"] for s in want["states"]], where


def cycle_title(l10n, cycle) -> str:
    kind = "repeats" if cycle.repeats else "single"
    return t(l10n, f"schedule.cycle_{kind}", number=l10n.number(cycle.first_cycle))


@pytest.mark.parametrize("cycle_id", CYCLE_IDS)
@pytest.mark.parametrize("page_id", GRID_PAGES)
def test_calendar_week_tables_agree_with_schedule(site, facts, l10n, page_id, cycle_id):
    """Where the calendar is also cut into weeks (for phones), every week shows the same days."""
    content = article(site, page_id)
    if not week_tables(content):
        pytest.skip(f"{page_id} has no week-by-week tables")
    cycle = next(c for c in facts.schedule.cycles if c.id == cycle_id)
    title = cycle_title(l10n, cycle)
    length, yaml_rows = expected_from_yaml(site, cycle_id)
    expected = {t(l10n, f"medicine.{r['medicine']}.name"): r["states"] for r in yaml_rows if not r["decided"]}
    covered: dict[str, list[str]] = {name: [] for name in expected}
    for table in week_tables(content):
        if not table.one("caption").text.startswith(f"{title}:"):
            continue
        days, rows = read_grid(table)
        assert [r.name for r in rows] == list(expected)
        for row in rows:
            for day, cell in zip(days, row.cells, strict=True):
                state = expected[row.name][int(day) - 1]
                assert (cell.find("span", **{"aria-hidden": "true"}) or cell).text == SYMBOL[state], f"{row.name} day {day}"
                covered[row.name].append(day)
    assert covered == {name: [l10n.number(d) for d in range(1, length + 1)] for name in expected}


@pytest.mark.parametrize("cycle_id", CYCLE_IDS)
@pytest.mark.parametrize("page_id", GRID_PAGES)
def test_calendar_rows_link_to_their_discrepancy_footnote(site, facts, l10n, page_id, cycle_id):
    content = article(site, page_id)
    index = [c.id for c in facts.schedule.cycles].index(cycle_id)
    _, rows = read_grid(grid_tables(content)[index])
    family = page(site.project, page_id).family_facing
    for row, data in zip(rows, facts.schedule.cycles[index].rows):
        # Families are footnoted only the contradictions that change which days are marked; investigators, all.
        shown = data.discrepancy and (not family or facts.discrepancy(data.discrepancy).kind == "contradiction")
        if not shown:
            assert row.note_href is None, f"{data.medicine}: a footnote link without a discrepancy for this reader"
            continue
        assert row.note_href and row.note_href.startswith("#"), f"{data.medicine}: no footnote link"
        note = content.one(id_=row.note_href[1:])
        assert "hs-footnote" in note.classes
        assert t(l10n, f"discrepancy.{data.discrepancy}.{'short' if family else 'long'}") in note.text


def test_schedule_footnotes_the_dasatinib_cycle_1_discrepancy(site, facts, l10n):
    cycle = next(c for c in facts.schedule.cycles if c.id == "cycle-1")
    row = next(r for r in cycle.rows if r.medicine == "dasatinib")
    assert row.discrepancy == "dasatinib-cycle-1-length"
    content = article(site, "families/schedule")
    _, rows = read_grid(grid_tables(content)[facts.schedule.cycles.index(cycle)])
    shown = rows[cycle.rows.index(row)]
    assert shown.name == t(l10n, "medicine.dasatinib.name")
    assert shown.note_href, "the dasatinib row of cycle 1 does not link to its footnote"
    note = content.one(id_=shown.note_href.lstrip("#"))
    assert t(l10n, f"discrepancy.{row.discrepancy}.short") in note.text


@pytest.mark.parametrize("ident", DISCREPANCY_IDS)
def test_treatment_page_explains_discrepancy(site, facts, l10n, ident):
    d = facts.discrepancy(ident)
    block = article(site, "investigators/treatment").one("div", id_=f"discrepancy-{ident}")
    assert t(l10n, f"investigators.treatment.kind.{d.kind}") in block.text
    assert t(l10n, f"discrepancy.{ident}.long") in block.text
    assert [(q.text, q.marked_lang()) for q in block.find_all("q")] == [(quote, "en") for quote in d.quotes]
    targets = {resolve(site, "investigators/treatment", a.get("href", "")) for a in links(block)}
    assert targets == {f"/{LANG}/sites/{slug}/" for slug in d.sites}
    assert [code.text for code in block.find_all("code")] == d.fields


def test_treatment_lists_dose_levels_without_amounts(site, facts, l10n):
    content = article(site, "investigators/treatment")
    table = next(tb for tb in content.find_all("table")
                 if tb.find("th") and tb.find("th").text == t(l10n, "investigators.treatment.dose_level"))
    rows = [[c.text for c in cells] for cells in table_rows(table)]
    assert rows == [[l10n.number(d.level), t(l10n, f"medicine.{d.medicine}.name"),
                     t(l10n, f"investigators.treatment.change.{d.change}"), squash(d.registry_text)]
                    for d in facts.trial.dose_levels]
    family = [li.text for li in article(site, "families/treatment").find_all("li")]
    for d in facts.trial.dose_levels:
        assert t(l10n, f"families.treatment.dose_{d.change}", level=l10n.number(d.level)) in family


MG = re.compile(r"(?<![A-Za-z])(mg|milligram)", re.IGNORECASE)


def test_no_page_gives_a_dose_in_mg(site):
    offenders = {}
    for path in sorted(site.site.rglob("*.html")):
        text = _parse(path).text
        found = [text[max(m.start() - 30, 0):m.end() + 30] for m in MG.finditer(text)]
        if found:
            offenders[str(path.relative_to(site.site))] = found
    index = (site.site / LANG / "search" / "index.json").read_text(encoding="utf-8")
    found = [index[max(m.start() - 30, 0):m.end() + 30] for m in MG.finditer(index)]
    if found:
        offenders["search/index.json"] = found
    assert offenders == {}


# --------------------------------------------------------------------------
# investigators/sites and investigators/index
# --------------------------------------------------------------------------


def test_investigator_site_table_in_registry_order(site, facts, l10n):
    table = article(site, "investigators/sites").one("table", cls="hs-sortable")
    rows = table_rows(table)
    assert len(rows) == len(facts.sites)
    shown = []
    for cells in rows:
        link = cells[0].one("a")
        assert cells[0].text == link.text
        shown.append((link.text, resolve(site, "investigators/sites", link.get("href")),
                      cells[1].text, cells[2].text, cells[3].text, sorted(mailto_links(cells[4]))))
    assert shown == [(s.facility, f"/{LANG}/sites/{s.slug}/", s.city, country_name(s.country, LANG),
                      t(l10n, f"status.{s.status}"), sorted(c.email for c in s.contacts if c.email))
                     for s in facts.sites]


def test_investigators_identifiers(site, facts, l10n):
    ids = facts.trial.identifiers
    content = article(site, "investigators")
    rows = two_column(content)
    key = lambda k: t(l10n, f"investigators.{k}")  # noqa: E731
    assert rows[key("nct_id")] == [ids.nct_id]
    assert any(a.get("href") == facts.trial.registry.record_url and a.text == ids.nct_id for a in links(content))
    assert rows[key("eu_ct_number")] == [ids.eu_ct_number]
    assert rows[key("acronym")] == [ids.acronym]
    assert rows[key("brief_title")] == [squash(ids.brief_title)]
    assert rows[key("official_title")] == [squash(ids.official_title)]
    assert rows[key("organization")] == [ids.organization.name]


def test_investigators_enrollment(site, facts, l10n):
    (value,) = two_column(article(site, "investigators"))[t(l10n, "investigators.enrollment")]
    enrollment = facts.trial.design.enrollment
    assert value == f"{l10n.number(enrollment.count)} ({t(l10n, f'code.{enrollment.type}')})"


def test_investigators_sponsor_collaborators_and_officials(site, facts, l10n):
    content = article(site, "investigators")
    rows = two_column(content)
    sponsors = facts.trial.sponsors
    assert rows[t(l10n, "investigators.lead_sponsor")] == [sponsors.lead.name]
    assert rows.get(t(l10n, "investigators.collaborator"), []) == [c.name for c in sponsors.collaborators]
    items = [li.text for li in content.find_all("li")]
    for o in facts.trial.officials:
        assert f"{o.name}, {o.affiliation}: {t(l10n, f'code.{o.role}')}" in items


@pytest.mark.parametrize("ident", OUTCOME_IDS)
def test_investigators_outcome_verbatim(site, facts, l10n, ident):
    kind = "primary" if ident.startswith("P") else "secondary"
    outcome = next(o for o in getattr(facts.trial.outcomes, kind) if o.id == ident)
    block = article(site, "investigators").one("div", id_=f"outcome-{ident.lower()}")
    h4 = block.one("h4")
    assert (h4.text, h4.marked_lang()) == (squash(outcome.measure), "en")
    paragraphs = [p.text for p in block.one("div", cls="hs-verbatim").find_all("p")]
    assert paragraphs == [squash(p) for p in outcome.description.split("\n\n")]
    assert block.one("div", cls="hs-verbatim").marked_lang() == "en"
    assert outcome.time_frame in block.text
    # Under its own heading (primary or secondary).
    section = [h for h in block.parent.elements if h.tag == "h3" and
               block.parent.elements.index(h) < block.parent.elements.index(block)][-1]
    assert section.text == t(l10n, f"investigators.outcomes_{kind}")


# --------------------------------------------------------------------------
# Glossary and the reader pages' headings
# --------------------------------------------------------------------------


@pytest.mark.parametrize("term", _FACTS.glossary)
def test_glossary_has_an_anchor_per_term(site, facts, l10n, term):
    assert term in facts.glossary
    el = article(site, "glossary").one(id_=term)
    assert el.tag == "h2"
    assert el.text == t(l10n, f"glossary.{term}.term")
    assert t(l10n, f"glossary.{term}.definition") in next(el.next_elements()).text


def heading_keys(l10n, page_key: str) -> list[str]:
    """The page's own section headings: ``<page key>.<x>_title`` and its questions ``<page key>.<x>_q``."""
    return [k for k in l10n.translations.strings
            if k.startswith(page_key + ".") and "." not in k[len(page_key) + 1:] and k.endswith(("_title", "_q"))]


def section_headings(site, page_id: str) -> list[str]:
    """The page's h2 headings, without the title of the key facts card (a summary, not a section)."""
    return [h.text for h in headings(article(site, page_id), "h2") if "hs-keyfacts__title" not in h.classes]


@pytest.mark.parametrize("page_id", ["young-people", "young-adults", "children", "families", "families/taking-part"])
def test_reader_page_headings(site, l10n, page_id):
    """Every section heading of the page's texts is shown, and no heading comes from anywhere else."""
    expected = {t(l10n, k) for k in heading_keys(l10n, page(site.project, page_id).key)}
    shown = section_headings(site, page_id)
    assert set(shown) == expected, f"shown: {shown}"
    assert len(shown) == len(set(shown)), f"a heading is repeated: {shown}"


@pytest.mark.parametrize("page_id", FAMILY_PAGE_IDS)
def test_family_h2_headings_are_questions(site, page_id):
    shown = section_headings(site, page_id)
    assert shown, f"{page_id} has no <h2>"
    assert [h for h in shown if not h.endswith("?")] == []


# --------------------------------------------------------------------------
# Registry wording is marked as English
# --------------------------------------------------------------------------


def verbatim_texts(facts: Facts) -> dict[tuple[str, str], str]:
    """``{(page id, what): text}`` for the registry's own words shown on the investigator pages."""
    trial = facts.trial
    out: dict[tuple[str, str], str] = {}

    def add(page_id: str, label: str, text: str) -> None:
        out[(page_id, label)] = text

    def paragraphs(page_id: str, label: str, text: str) -> None:
        for n, para in enumerate(text.split("\n\n"), start=1):
            add(page_id, f"{label} ¶{n}", para)

    add("investigators", "brief_title", trial.identifiers.brief_title)
    add("investigators", "official_title", trial.identifiers.official_title)
    paragraphs("investigators", "brief_summary", trial.description.brief_summary)
    paragraphs("investigators", "detailed_description", trial.description.detailed_description)
    for n, condition in enumerate(trial.conditions, start=1):
        add("investigators", f"condition {n}", condition)
    add("investigators", "keywords", ", ".join(trial.keywords))
    for o in (*trial.outcomes.primary, *trial.outcomes.secondary):
        add("investigators", f"{o.id} measure", o.measure)
        paragraphs("investigators", f"{o.id} description", o.description)
        add("investigators", f"{o.id} time_frame", o.time_frame)
    if trial.ipd_sharing:
        paragraphs("investigators", "ipd description", trial.ipd_sharing.description)
        paragraphs("investigators", "ipd access_criteria", trial.ipd_sharing.access_criteria)

    def items(label: str, nodes: list[CriterionItem]) -> None:
        for n, item in enumerate(nodes, start=1):
            add("investigators/eligibility", f"{label}.{n}", item.text)
            items(f"{label}.{n}", item.items)

    for c in facts.eligibility.criteria:
        add("investigators/eligibility", c.id, c.text)
        items(c.id, c.items)

    for arm in trial.arms:
        add("investigators/treatment", f"{arm.id} label", arm.label)
        paragraphs("investigators/treatment", f"{arm.id} description", arm.description)
    for i in trial.interventions:
        add("investigators/treatment", f"{i.id} registry description", i.registry_description)
    for d in trial.dose_levels:
        if d.registry_text:
            add("investigators/treatment", f"dose level {d.level}", d.registry_text)
    if facts.schedule.ramp_up:
        add("investigators/treatment", "ramp_up text", facts.schedule.ramp_up.text)
    add("investigators/treatment", "intrathecal_text", facts.schedule.intrathecal_text)
    return out


@pytest.mark.parametrize("where", [pytest.param(k, id=f"{k[0]}: {k[1]}") for k in verbatim_texts(_FACTS)])
def test_registry_wording_is_marked_english(site, facts, where):
    """Shown inside an element marked lang="en", and never on its own without the mark.

    The site's own English may use the same words in a longer sentence ('Each cycle lasts 28
    days.'): only a text node that is exactly the registry's words counts as showing them.
    """
    text = squash(verbatim_texts(facts)[where])
    page_id = where[0]
    found = [(squash(node), el.marked_lang()) for node, el in article(site, page_id).text_nodes()
             if contains_words(squash(node), text)]
    assert found, f"{text!r} is not on {page_id}"
    assert any(lang == "en" for _, lang in found), f"{text!r} is on {page_id} but never inside lang=\"en\""
    assert [node for node, lang in found if lang != "en" and node == text] == []


# --------------------------------------------------------------------------
# The root of the site
# --------------------------------------------------------------------------


def root_document(site, name: str) -> Element:
    return _parse(site.site / name)


def test_root_index_links_to_each_language(site):
    hrefs = [a.get("href") for a in links(root_document(site, "index.html"))]
    for lang in site.project.config.languages:
        assert f"{lang}/" in hrefs
        assert (site.site / lang / "index.html").is_file()
    assert f"{LANG}/" in hrefs


def test_root_404_links_to_the_english_home(site):
    hrefs = [a.get("href") for a in links(root_document(site, "404.html"))]
    assert f"{site.project.config.site_url}{LANG}/" in hrefs


def test_root_sitemap_lists_each_language_sitemap(site):
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(site.site / "sitemap.xml")
    assert tree.getroot().tag == f"{{{ns['sm']}}}sitemapindex"
    locs = [loc.text for loc in tree.getroot().findall("sm:sitemap/sm:loc", ns)]
    url = site.project.config.site_url
    assert locs == [f"{url}{lang}/sitemap.xml" for lang in site.project.config.languages]
    assert f"{url}{LANG}/sitemap.xml" in locs
    assert (site.site / LANG / "sitemap.xml").is_file()


# --------------------------------------------------------------------------
# A facility name that looks like markup stays text
# --------------------------------------------------------------------------

EVIL = "Evil <script>alert(1)</script> & Co *bold*"


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory, copy_site, built_site):
    """The English site built from a copy whose first facility is named like an attack."""
    tree = copy_site(tmp_path_factory.mktemp("evil-input"))
    first = built_site.project.facts.sites[0]
    tree.edit("content/sites.yml", f"  facility: {first.facility}\n", f"  facility: '{EVIL}'\n")
    out = tmp_path_factory.mktemp("evil-output") / "site"
    build_in_process(tree.root, out, languages=[LANG])
    return out, first.slug


def evil_pages(slug: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(page, path, elements that may show the name) for each page showing the facility."""
    return [
        (f"sites/{slug}", f"sites/{slug}/index.html", ("h1",)),
        ("families/hospitals", "families/hospitals/index.html", ("a",)),
        ("investigators/sites", "investigators/sites/index.html", ("a",)),
    ]


@pytest.mark.parametrize("n", range(3), ids=["site-page", "hospitals", "investigators-sites"])
def test_markup_in_a_fact_is_shown_as_text(evil_site, n):
    out, slug = evil_site
    _, rel, where = evil_pages(slug)[n]
    doc = parse_html((out / LANG / rel).read_text(encoding="utf-8"))
    content = doc.one("article", cls="md-content__inner")
    assert EVIL in [el.text for el in content.find_all(where=lambda e: e.tag in where)]
    assert content.find_all("script") == []
    assert [em.text for em in content.find_all("em")] == []
    assert "&lt;script&gt;" in (out / LANG / rel).read_text(encoding="utf-8")




@pytest.mark.parametrize("n", [0, 1, 2],
                         ids=["site-page", "hospitals", "investigators-sites"])
def test_markup_in_a_fact_never_reaches_the_html_unescaped(evil_site, n):
    out, slug = evil_site
    _, rel, _ = evil_pages(slug)[n]
    raw = (out / LANG / rel).read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    assert "<em>bold</em>" not in raw


def test_each_day_of_the_change_log_has_a_stable_anchor(site, facts):
    """``#change-YYYY-MM-DD``, the same in every language (a heading's own id would follow the language's date,
    and the no-break space inside it). The repository's log may be empty; the routine update
    (tests/test_registry_update.py) runs this test on a log with entries."""
    days = sorted({entry.date for entry in facts.changes}, reverse=True)
    ids = [h.get("id") for h in article(site, "changes").find_all("h2") if (h.get("id") or "").startswith("change-")]
    assert ids == [f"change-{day.isoformat()}" for day in days]
