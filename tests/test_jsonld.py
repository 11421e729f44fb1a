"""Machine-readable facts and the master-protocol page.

* Every built page carries exactly one schema.org MedicalTrial JSON-LD block that parses and agrees
  with the facts; ``site/facts.json`` is every fact, sorted and stable.
* A facility name that tries to close the ``<script>`` element stays inside the JSON string.
* ``/{lang}/hem-ismart/`` lists every sub-protocol of content/master_protocol.yml with its link, in
  every language; a further sub-protocol is added as content alone, and wrong ones are reported.

Expected values come from the facts of the built copy (``built_site.project``), never typed here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import SOURCE
from hemismart_site.errors import ContentError
from hemismart_site.localize import load_translations
from hemismart_site.render import make_environment, render_language
from hemismart_site.validate import load_project
from htmldom import parse_html
from sitebuild import build_in_process

REPO = Path(__file__).resolve().parents[1]
LANGS = load_project(SOURCE).config.languages
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
MP = "content/master_protocol.yml"


def jsonld_blocks(path: Path) -> list[str]:
    return JSONLD.findall(path.read_text(encoding="utf-8"))


def schema_status(code: str) -> str:
    """RECRUITING → https://schema.org/Recruiting, NOT_YET_RECRUITING → …/NotYetRecruiting."""
    return "https://schema.org/" + "".join(word.capitalize() for word in code.split("_"))


# --------------------------------------------------------------------------
# JSON-LD on every page
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_one_medical_trial_block_agreeing_with_the_facts(built_site, lang):
    facts = built_site.project.facts
    trial = facts.trial
    pages = sorted((built_site.site / lang).rglob("*.html"))
    assert len(pages) > len(facts.sites)
    for path in pages:
        blocks = jsonld_blocks(path)
        assert len(blocks) == 1, path
        data = json.loads(blocks[0])
        assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalTrial", path
        assert data["inLanguage"] == lang
        assert sorted(i["value"] for i in data["identifier"]) == sorted([trial.identifiers.nct_id, trial.identifiers.eu_ct_number])
        assert data["name"] == {"@language": "en", "@value": trial.identifiers.brief_title}
        assert data["status"] == schema_status(trial.status.overall)
        assert [c["name"]["@value"] for c in data["healthCondition"]] == trial.conditions
        assert data["sponsor"]["name"] == trial.sponsors.lead.name
        # The hospitals once per language, on its home page (search engines read the home page; 33 hospitals on
        # every page would weigh on every phone).
        if path == built_site.site / lang / "index.html":
            assert [loc["containsPlace"]["name"] for loc in data["studyLocation"]] == [s.facility for s in facts.sites]
            assert [loc["name"] for loc in data["studyLocation"]] == [s.city for s in facts.sites]
        else:
            assert "studyLocation" not in data, path


@pytest.mark.parametrize("rel", ["index.html", "404.html"])
def test_root_pages_carry_the_block_in_the_source_language(built_site, rel):
    blocks = jsonld_blocks(built_site.site / rel)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "MedicalTrial"
    assert data["inLanguage"] == built_site.project.config.source_language


def test_phase_and_design_follow_the_facts(built_site):
    facts = built_site.project.facts
    l10n = built_site.l10n("en")
    data = json.loads(jsonld_blocks(built_site.site / "en" / "index.html")[0])
    for phase in facts.trial.design.phases:
        assert str(l10n.t(f"code.{phase}")) in data["phase"]
    assert ("https://schema.org/OpenTrial" in data["trialDesign"]) == (facts.trial.design.masking == "NONE")
    assert ("https://schema.org/MultiCenterTrial" in data["trialDesign"]) == (len(facts.sites) > 1)


def test_facts_json_is_every_fact_sorted_and_stable(built_site):
    text = (built_site.site / "facts.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data == built_site.project.facts.model_dump(mode="json", by_alias=True)
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert data["trial"]["identifiers"]["nct_id"] == built_site.project.facts.trial.identifiers.nct_id


EVIL = "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory, copy_site, built_site):
    """The English site built from a copy whose first facility tries to close the JSON-LD element."""
    tree = copy_site(tmp_path_factory.mktemp("jsonld-evil-input"))
    first = built_site.project.facts.sites[0]
    tree.edit("content/sites.yml", f"  facility: {first.facility}\n", f"  facility: '{first.facility} {EVIL}'\n")
    out = tmp_path_factory.mktemp("jsonld-evil-output") / "site"
    build_in_process(tree.root, out, languages=["en"])
    return out, f"{first.facility} {EVIL}"


@pytest.mark.parametrize("rel", ["index.html", "hem-ismart/index.html", "investigators/sites/index.html"])
def test_a_facility_name_cannot_leave_the_json_string(evil_site, rel):
    out, name = evil_site
    raw = (out / "en" / rel).read_text(encoding="utf-8")
    blocks = jsonld_blocks(out / "en" / rel)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0]
    data = json.loads(blocks[0])
    if rel == "index.html":  # the page whose block names the hospitals
        assert data["studyLocation"][0]["containsPlace"]["name"] == name
    assert "<script>alert" not in raw


# --------------------------------------------------------------------------
# The master-protocol page
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_hem_ismart_page_lists_every_sub_protocol_with_its_link(built_site, lang):
    mp = built_site.project.facts.master_protocol
    trial = built_site.project.facts.trial
    page = f"/{lang}/hem-ismart/"
    doc = parse_html((built_site.site / lang / "hem-ismart" / "index.html").read_text(encoding="utf-8"))
    rows = doc.one("div", cls="hs-sub-protocols").one("table").one("tbody").find_all("tr")
    assert len(rows) == len(mp.sub_protocols)
    for row, sub in zip(rows, mp.sub_protocols, strict=True):
        link = next(a for a in row.find_all("a") if a.text == sub.nct_id)
        target = urljoin(f"https://site.invalid{page}", link.get("href"))
        if sub.described_here:
            assert target == f"https://site.invalid/{lang}/"
        else:
            assert target == f"https://clinicaltrials.gov/study/{sub.nct_id}"
        title = row.one("span", lang="en")
        assert title.text == (trial.identifiers.brief_title if sub.described_here else sub.title)
    cards = doc.one("div", cls="hs-sub-protocol-cards").find_all("table")
    assert [[a.text for a in card.find_all("a")] for card in cards] == [[sub.nct_id] for sub in mp.sub_protocols]


@pytest.mark.parametrize("lang", LANGS)
def test_home_and_investigators_link_to_the_hem_ismart_page(built_site, lang):
    for rel, base in (("index.html", f"/{lang}/"), ("investigators/index.html", f"/{lang}/investigators/")):
        doc = parse_html((built_site.site / lang / rel).read_text(encoding="utf-8"))
        content = doc.one("article", cls="md-content__inner")
        targets = {urljoin(f"https://site.invalid{base}", a.get("href") or "") for a in content.find_all("a")}
        assert f"https://site.invalid/{lang}/hem-ismart/" in targets, rel


EXTRA = """- nct_id: NCT09999999
  letter: F
  described_here: false
  title: 'HEM-iSMART-F: An Example Title'
  status: null
  phases: null
  source: an example source
"""


def test_a_further_sub_protocol_is_added_as_content_alone(site_tree):
    site_tree.write(MP, site_tree.read(MP) + EXTRA)
    project = load_project(site_tree.root)
    sub = project.facts.master_protocol.sub_protocols[-1]
    assert (sub.nct_id, sub.letter, sub.status, sub.phases) == ("NCT09999999", "F", None, None)
    page = render_language(project, make_environment(site_tree.root), "en")["hem-ismart.md"]
    not_given = load_translations(site_tree.root, "en").strings["hem_ismart.not_given"]
    row = page[page.index('id="sub-protocol-f"'):].split("</tr>")[0]
    assert "https://clinicaltrials.gov/study/NCT09999999" in row
    assert row.count(not_given) == 2


def _problems(tree) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_project(tree.root)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("old,new,expected", [
    ("  letter: B\n  described_here: true", "  letter: B\n  described_here: false",
     "sub_protocols[1].described_here: must be true: it is this trial"),
    ("  letter: A\n  described_here: false", "  letter: A\n  described_here: true",
     "sub_protocols[0].described_here: must be false: only NCT05751044 (trial.yml) is described on this site"),
    ("- nct_id: NCT05658640", "- nct_id: NCT05740449", "sub_protocols[2].nct_id: NCT number 'NCT05740449' is used twice"),
    ("- nct_id: NCT05658640", "- nct_id: NCT0565864", "sub_protocols[2].nct_id: 'NCT0565864' does not have the expected form"),
    ("  letter: D", "  letter: A", "sub_protocols[2].letter: letter 'A' is used twice"),
    ("  status: RECRUITING\n", "", "sub_protocols[2]: status is missing (write null if the source does not give it)"),
    ("  source: content/trial.yml", "  source: content/trial.yml\n  status: RECRUITING",
     "sub_protocols[1].status: remove it: the study described here takes it from trial.yml"),
    ("registry_quote: HEM-iSMART is", "registry_quote: HEM-iSMART was", "registry_quote: not found in trial.yml description"),
], ids=["this-trial-not-described", "other-described", "duplicate-nct", "bad-nct", "duplicate-letter",
        "status-missing", "status-given-for-this-trial", "quote-not-found"])
def test_wrong_sub_protocols_are_reported_with_file_line_and_key(content_tree, old, new, expected):
    content_tree.edit(MP, old, new)
    problems = _problems(content_tree)
    assert any(p.startswith(f"{MP}:") and expected in p for p in problems), "\n".join(problems)
