"""The family pages as patient information: true to the registry, in every language.

Each test is one rule checked on every page or language it concerns, listing every offender. Expected
values come from the facts (content/ of the built copy) and from each language's own translations,
never from the repository's pages. Misleading sentences found in an audit are asserted not to come
back (English wording; the other languages share the English text's placeholders, checked here on the
built pages through the numbers they must show).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date

from hemismart_site.escape import plain_text
from hemismart_site.pages import all_pages
from htmldom import Element, parse_html, squash
from sitebuild import build_in_process

OPEN = ("RECRUITING", "ENROLLING_BY_INVITATION")
SOON = ("NOT_YET_RECRUITING",)


@cache
def _doc(path: Path) -> Element:
    return parse_html(path.read_text(encoding="utf-8"))


def doc(site: Path, lang: str, url: str) -> Element:
    return _doc(site / lang / url / "index.html")


def article(site: Path, lang: str, url: str) -> Element:
    return doc(site, lang, url).one("article", cls="md-content__inner")


def text_of(l10n, key: str, **params) -> str:
    return squash(plain_text(l10n.t(key, **params)))


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


def langs(site) -> list[str]:
    return site.project.config.languages


# --------------------------------------------------------------------------
# One notice per page, addressed to its reader
# --------------------------------------------------------------------------


def test_one_notice_per_page_addressed_to_its_reader(site):
    offenders = []
    for lang in langs(site):
        for page in all_pages(site.project):
            art = article(site.site, lang, page.url)
            notices = art.find_all(cls="hs-notice")
            classes = [n.classes for n in notices]
            if page.audience == "children":
                if len(notices) != 2 or "hs-notice--child" not in classes[0] or "hs-notice--adult" not in classes[1]:
                    offenders.append(f"{lang}/{page.url}: children's page notices {classes}")
                first_h2 = art.find("h2")
                order = [el for el in art.iter() if el is notices[0] or el is first_h2]
                if order and order[0] is not notices[0]:
                    offenders.append(f"{lang}/{page.url}: the child's notice is not before the first section")
            elif len(notices) != 1:
                offenders.append(f"{lang}/{page.url}: {len(notices)} notices")
            elif page.audience == "investigators" and "hs-notice--pro" not in classes[0]:
                offenders.append(f"{lang}/{page.url}: investigators' page without the professionals' notice")
            footer = doc(site.site, lang, page.url).find(cls="md-copyright")
            notice_text = text_of(site.l10n(lang), "notice.families.text")
            if footer is not None and notice_text in footer.text:
                offenders.append(f"{lang}/{page.url}: the footer repeats the notice")
    assert not offenders, "\n".join(offenders[:30])


def test_the_language_chooser_has_one_notice(site):
    root = _doc(site.site / "index.html")
    assert len(root.find_all("p", cls="notice")) == 1


# --------------------------------------------------------------------------
# Hospitals, honestly
# --------------------------------------------------------------------------


def test_key_facts_list_the_hospitals_taking_patients(site):
    facts = site.project.facts
    open_sites = [s for s in facts.sites if s.status in OPEN]
    offenders = []
    for lang in langs(site):
        l10n = site.l10n(lang)
        card = article(site.site, lang, "families/").one("section", cls="hs-keyfacts")
        listed = {a.text for ul in card.find_all("ul", cls="hs-summary__list") for a in ul.find_all("a")}
        want = {l10n.city(s.city) for s in open_sites}
        if listed != want:
            offenders.append(f"{lang}: key facts list {sorted(listed)}, the facts say {sorted(want)}")
        if open_sites and l10n.number(len(open_sites)) not in card.text:
            offenders.append(f"{lang}: the number of hospitals taking patients is not on the card")
    assert open_sites, "the facts have no recruiting hospital: this test needs one"
    assert not offenders, "\n".join(offenders)


def test_the_hospitals_page_offers_open_and_starting_hospitals_only(site):
    facts = site.project.facts
    offered = {s.facility for s in facts.sites if s.status in OPEN + SOON}
    offenders = []
    for lang in langs(site):
        art = article(site.site, lang, "families/hospitals/")
        names = {a.text for a in art.find_all("a", cls="hs-site-card__name")}
        if names != offered:
            offenders.append(f"{lang}: {sorted(names ^ offered)}")
        date = site.l10n(lang).date(facts.trial.registry.last_update_posted.date)
        if squash(date) not in art.text:
            offenders.append(f"{lang}: the registry record's date is not given")
        # The day's number and the month stay on one line (a no-break space between them), in every language.
        raw = (site.site / lang / "families" / "hospitals" / "index.html").read_text(encoding="utf-8")
        locale = site.project.config.formats.get(lang, lang)
        month = format_date(facts.trial.registry.last_update_posted.date, "MMMM", locale=locale)
        if month not in date or " " in date[:date.index(month)] or date not in raw.replace("&nbsp;", "\u00a0"):
            offenders.append(f"{lang}: the date {date!r} can break between its day and its month")
    assert not offenders, "\n".join(offenders)


AFTER_Z = {"da": "æøå", "nb": "æøå", "sv": "åäö", "fi": "åäö"}
"""Letters these languages' alphabets put after z (the Danish and Norwegian alphabets end … z æ ø å, the
Swedish and Finnish … z å ä ö): a country whose name starts with one comes after the others."""


def test_countries_follow_each_languages_alphabet(site):
    offenders = []
    for lang in langs(site):
        art = article(site.site, lang, "families/hospitals/")
        groups: list[list[str]] = []
        for el in art.elements:
            if el.tag == "h2":
                groups.append([])
            elif el.tag == "h3" and groups:
                groups[-1].append(el.text)
        last = AFTER_Z.get(lang, "")
        for names in groups:
            late = [n for n in names if n[:1].casefold() in last]
            if late and names[-len(late):] != late:
                offenders.append(f"{lang}: {names} (names starting with {last} come last)")
            plain = [n for n in names if n[:1].isascii()]
            if plain != sorted(plain, key=str.casefold):
                offenders.append(f"{lang}: {plain} not in alphabetical order")
    assert not offenders, "\n".join(offenders)


@pytest.fixture(scope="module")
def closed_site(tmp_path_factory, copy_site):
    """A build (en, he) where the study is active, not recruiting, and one recruiting hospital withdrew."""
    tree = copy_site(tmp_path_factory.mktemp("closed") / "project")
    config = yaml.safe_load(tree.read("site_config.yml"))
    config["languages"] = ["en", "he"]
    config["readability"] = {}
    tree.write("site_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    sites = yaml.safe_load(tree.read("content/sites.yml"))
    gone = next(s for s in sites["sites"] if s["status"] == "RECRUITING")
    gone["status"] = "WITHDRAWN"
    tree.write("content/sites.yml", yaml.safe_dump(sites, allow_unicode=True, sort_keys=False))
    tree.edit("content/trial.yml", "  overall: RECRUITING", "  overall: ACTIVE_NOT_RECRUITING")
    site = tree.root / "site"
    build_in_process(tree.root, site, strict=False)
    return site, gone


@pytest.mark.build
def test_a_withdrawn_hospital_leaves_the_family_pages_and_stays_for_investigators(closed_site):
    site, gone = closed_site
    for lang in ("en", "he"):
        hospitals = article(site, lang, "families/hospitals/")
        assert gone["facility"] not in {a.text for a in hospitals.find_all("a", cls="hs-site-card__name")}
        card = article(site, lang, "families/").one("section", cls="hs-keyfacts")
        assert gone["facility"] not in card.text
        own = article(site, lang, f"sites/{gone['slug']}/")
        assert own.find(cls="hs-callout--warning") is not None
        assert not [a for a in own.find_all("a") if (a.get("href") or "").startswith("mailto:")
                    and a.get("href")[7:] in {c.get("email") for c in gone["contacts"]}]
        investigators = article(site, lang, "investigators/sites/")
        assert gone["facility"] in investigators.text


@pytest.mark.build
def test_a_study_no_longer_recruiting_says_so_first_on_family_pages(closed_site):
    site, _ = closed_site
    for lang in ("en", "he"):
        for url in ("families/", "families/hospitals/", "children/", "young-people/", "young-adults/"):
            art = article(site, lang, url)
            blocks = [el for el in art.elements if el.tag in ("div", "p", "section", "h2", "ul")]
            first = [el for el in blocks if "hs-callout--warning" in el.classes or el.tag in ("h2", "section")]
            assert first and "hs-callout--warning" in first[0].classes, f"{lang}/{url}: the status does not come first"
        assert article(site, lang, "investigators/").find(cls="hs-callout--warning") is None


# --------------------------------------------------------------------------
# The rules, as the registry gives them, in every language
# --------------------------------------------------------------------------


def _items(art: Element, kind: str) -> list[str]:
    return [li.text for li in art.one("ul", cls=f"hs-criteria-plain--{kind}").find_all("li")]


def test_who_can_take_part_keeps_the_registry_numbers_in_every_language(site):
    facts = site.project.facts
    thresholds = {th.id: th.value for c in facts.eligibility.criteria for th in c.thresholds}
    must = {
        "age": ("age_min_months", "age_max_at_diagnosis", "age_max_at_inclusion"),
        "contraception": ("pearl_index", "contraception_after_therapy"),
        "pregnancy": ("pregnancy_test_window",),
        "fitness": ("performance_score", "lansky_age_limit"),
        "food-and-medicines": ("grapefruit_window",),
    }
    offenders = []
    for lang in langs(site):
        l10n = site.l10n(lang)
        art = article(site.site, lang, "families/who-can-take-part/")
        lines = {item.id: text_of(l10n, f"who.item.{item.id}") for item in facts.eligibility.family_summary}
        shown = _items(art, "inclusion") + _items(art, "exclusion")
        for ident, ids in must.items():
            line = next((s for s in shown if s.startswith(lines[ident][:30])), None)
            if line is None:
                offenders.append(f"{lang}: summary line {ident!r} not shown")
                continue
            for th in ids:
                if l10n.number(thresholds[th]) not in line:
                    offenders.append(f"{lang}: {ident!r} does not give {th} = {l10n.number(thresholds[th])}")
        exclusion_ids = [i.id for i in facts.eligibility.family_summary if i.kind == "exclusion"]
        if len(_items(art, "exclusion")) != len(exclusion_ids):
            offenders.append(f"{lang}: exclusion lines differ from the facts")
    assert not offenders, "\n".join(offenders)


def test_dose_levels_are_only_those_the_registry_names(site):
    facts = site.project.facts
    offenders = []
    for lang in langs(site):
        l10n = site.l10n(lang)
        art = article(site.site, lang, "families/treatment/")
        want = [text_of(l10n, f"families.treatment.dose_{d.change}", level=l10n.number(d.level)) for d in facts.trial.dose_levels]
        shown = [li.text for li in art.find_all("li") if any(li.text == w for w in want)]
        if shown != want:
            offenders.append(f"{lang}: dose levels {shown}, want {want}")
    assert not offenders, "\n".join(offenders)
    assert [d.level for d in facts.trial.dose_levels] == [-1, 2]


def test_a_negative_dose_level_keeps_its_minus_in_front_in_hebrew(site):
    if "he" not in langs(site):
        pytest.skip("no Hebrew")
    text = article(site.site, "he", "families/treatment/").raw_text()
    assert "\u2066-1\u2069" in text
    assert "1-" not in re.sub(r"\u2066-1\u2069", "", text).replace("1-1", "")


MISLEADING = [
    # (page url, words that must not come back, why)
    ("families/", "from 1 to 21", "the rule is 1-18 at diagnosis and under 21 at inclusion"),
    ("families/treatment/", "step by step", "the registry says only that a short ramp-up is proposed"),
    ("families/treatment/", "reference dose", "the registry names no reference dose level"),
    ("families/treatment/", "differ only in", "the registry does not say that only venetoclax differs"),
    ("families/who-can-take-part/", "What means a child cannot", "the exclusion heading read as its opposite"),
    ("families/who-can-take-part/", "Not be pregnant", "an exclusion written as a requirement"),
    ("families/who-can-take-part/", "Parents agree in writing", "the patient consents too"),
    ("families/who-can-take-part/", "well enough for everyday life", "a score of 50 does not mean that"),
    ("families/who-can-take-part/", "such as hepatitis, HIV", "any known HIV infection or active viral hepatitis excludes"),
    ("families/who-can-take-part/", "reliable contraception", "highly effective, Pearl index below 1"),
    ("families/schedule/", "The doctor decides the days", "the registry gives no days"),
    ("families/schedule/", "misspells venetoclax in this sentence", "a footnote about a sentence it does not show"),
    ("families/hospitals/", "means the hospital can take new patients now", "the record is a year old"),
    ("children/", "which medicines help best", "one group, no comparison"),
    ("children/", "One goes into your back", "up to three medicines go into the back"),
    ("children/", "with a drip", "not every medicine into a vein is a drip"),
]


@pytest.mark.parametrize("url,words,why", MISLEADING, ids=[m[1] for m in MISLEADING])
def test_a_misleading_sentence_does_not_come_back(site, url, words, why):
    assert words.lower() not in article(site.site, "en", url).text.lower(), why


def test_the_english_says_what_the_registry_says(site):
    art = article(site.site, "en", "families/who-can-take-part/")
    text = art.text
    for words in ("written consent", "patient", "assent", "highly effective", "Pearl index",
                  "HIV", "viral hepatitis", "tuberculosis", "very sensitive to dasatinib", "worse than grade",
                  "unclear whether grade"):
        assert words in text, words
    treatment = article(site.site, "en", "families/treatment/").text
    assert "ramp-up of venetoclax is proposed" in treatment and "does not give the steps" in treatment
    assert "does not say how many cycles" in treatment
    taking_part = article(site.site, "en", "families/taking-part/")
    # Who consents, as the registry names them (the criteria page links here for it).
    assert "the parents (or the legal representative) and the patient" in taking_part.text
    assert len(taking_part.find_all(cls="hs-general")) >= 8  # each general statement is marked as such


# --------------------------------------------------------------------------
# The children's page: words for the child, pictures with text alternatives
# --------------------------------------------------------------------------


def test_the_childrens_pictures_have_text_alternatives_in_every_language(site):
    offenders = []
    for lang in langs(site):
        l10n = site.l10n(lang)
        art = article(site.site, lang, "children/")
        pictures = art.find_all("svg", cls="hs-pic")
        labels = [squash(p.get("aria-label")) for p in pictures]
        want = [text_of(l10n, f"children.picture.{name}") for name in ("mouth", "vein", "back", "calendar", "team", "questions")]
        if labels != want or any(p.get("role") != "img" for p in pictures):
            offenders.append(f"{lang}: {labels}")
        titles = [squash(p.one("title").text) for p in pictures]
        if titles != want:
            offenders.append(f"{lang}: titles {titles}")
    assert not offenders, "\n".join(offenders)


# --------------------------------------------------------------------------
# The claims ledger
# --------------------------------------------------------------------------


def test_the_sources_page_shows_every_family_text_with_its_basis(site):
    from hemismart_site.claims import sources_rows
    from hemismart_site.render import make_environment, render_language

    usage: dict[str, list[str]] = {}
    render_language(site.project, make_environment(site.tree.root), "en", usage)
    rows = sources_rows(site.project, usage, all_pages(site.project))
    keys = [k for _, ks in rows for k in ks]
    art = article(site.site, "en", "investigators/sources/")
    rows_shown = [tr.elements for table in art.find_all("table", cls="hs-sources") for tr in table.one("tbody").elements]
    shown = [cells[0].one("code").text for cells in rows_shown]
    assert shown == keys
    assert len(keys) > 300
    basis_cells = [tr.elements[2] for table in art.find_all("table", cls="hs-sources") for tr in table.one("tbody").elements]
    assert all(cell.find(cls="hs-basis") is not None for cell in basis_cells)


@pytest.mark.build  # a check or build in a subprocess
def test_check_fails_on_a_family_text_without_a_basis(site_tree):
    """The ledger is a gate: take one text's basis away and check names the text, at its line in en.yml."""
    from sitebuild import run_cli

    key = "families.treatment.ramp_text"
    ledger = site_tree.read("content/claims.yml")
    entry = next(line for line in ledger.splitlines() if line.strip().startswith(f'"{key}":'))
    site_tree.edit("content/claims.yml", entry + "\n", "")
    result = run_cli("check", "--root", site_tree.root)
    assert result.returncode == 1
    line = site_tree.line("content/translations/en.yml", "ramp_text:")
    assert f"content/translations/en.yml:{line}: strings.{key}: no basis in content/claims.yml" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
