"""The facts in content/ against the ClinicalTrials.gov record, field by field.

Every leaf of the record's ``protocolSection`` is either compared here or
listed in NOT_KEPT with the reason, so a field the registry adds (or one a
future edit drops) cannot go unnoticed. Registry wording is compared
verbatim; the curated extras (slugs, schedule, thresholds, discrepancies)
are checked for consistency with the record.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from hemismart_site.load import load_yaml
from hemismart_site.model import parse_range
from hemismart_site.registry import flatten, parse_criteria, split_criteria, unescape_markdown

REPO = Path(__file__).resolve().parents[1]
ROOT = Path(os.environ.get("HEMISMART_ROOT", REPO))
"""The content checked: the repository's, or (HEMISMART_ROOT) a copy a test imported a changed record into."""
_NCT = load_yaml(ROOT / "content" / "trial.yml").data["identifiers"]["nct_id"]
REGISTRY_PATH = Path(os.environ.get("HEMISMART_REGISTRY", ROOT / "content" / "record" / f"{_NCT}.json"))
"""The record content/ was imported from (import-registry keeps it in content/record/), unless HEMISMART_REGISTRY
names another: the facts are checked against the version they came from, so a newer record in the registry does
not break these tests (``hemismart-site drift`` reports it)."""
# The registry record is the source of every fact: without it this check cannot run, and that is a failure.
assert REGISTRY_PATH.is_file(), f"registry record not found at {REGISTRY_PATH} (set HEMISMART_REGISTRY)"

RECORD = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
PS = RECORD["protocolSection"]
LOCATIONS = PS["contactsLocationsModule"]["locations"]
CRITERIA = parse_criteria(PS["eligibilityModule"]["eligibilityCriteria"])
ARM = PS["armsInterventionsModule"]["armGroups"][0]


@pytest.fixture(scope="module")
def facts(project):
    return project.facts


def dig(node: object, path: str) -> object:
    """Follow ``a.b[0].c`` through dicts, lists and model attributes."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            node = node[int(part[1:-1])]
        elif isinstance(node, dict):
            node = node[part]
        else:
            node = getattr(node, part)
    return node


def plain(value: object) -> object:
    """Content values in the registry's JSON shapes (dates as text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


# --------------------------------------------------------------------------
# Scalars and plain lists: registry path -> content path
# --------------------------------------------------------------------------

SCALARS = {
    "identificationModule.nctId": "trial.identifiers.nct_id",
    "identificationModule.orgStudyIdInfo.id": "trial.identifiers.eu_ct_number",
    "identificationModule.acronym": "trial.identifiers.acronym",
    "identificationModule.briefTitle": "trial.identifiers.brief_title",
    "identificationModule.officialTitle": "trial.identifiers.official_title",
    "identificationModule.organization.fullName": "trial.identifiers.organization.name",
    "identificationModule.organization.class": "trial.identifiers.organization.org_class",
    "statusModule.statusVerifiedDate": "trial.registry.status_verified",
    "statusModule.overallStatus": "trial.status.overall",
    "statusModule.expandedAccessInfo.hasExpandedAccess": "trial.status.has_expanded_access",
    "statusModule.startDateStruct.date": "trial.status.start.date",
    "statusModule.startDateStruct.type": "trial.status.start.type",
    "statusModule.primaryCompletionDateStruct.date": "trial.status.primary_completion.date",
    "statusModule.primaryCompletionDateStruct.type": "trial.status.primary_completion.type",
    "statusModule.completionDateStruct.date": "trial.status.completion.date",
    "statusModule.completionDateStruct.type": "trial.status.completion.type",
    "statusModule.studyFirstSubmitDate": "trial.registry.first_submitted",
    "statusModule.studyFirstPostDateStruct.date": "trial.registry.first_posted.date",
    "statusModule.studyFirstPostDateStruct.type": "trial.registry.first_posted.type",
    "statusModule.lastUpdateSubmitDate": "trial.registry.last_update_submitted",
    "statusModule.lastUpdatePostDateStruct.date": "trial.registry.last_update_posted.date",
    "statusModule.lastUpdatePostDateStruct.type": "trial.registry.last_update_posted.type",
    "sponsorCollaboratorsModule.responsibleParty.type": "trial.sponsors.responsible_party",
    "sponsorCollaboratorsModule.leadSponsor.name": "trial.sponsors.lead.name",
    "sponsorCollaboratorsModule.leadSponsor.class": "trial.sponsors.lead.org_class",
    "oversightModule.oversightHasDmc": "trial.oversight.has_dmc",
    "oversightModule.isFdaRegulatedDrug": "trial.oversight.fda_regulated_drug",
    "oversightModule.isFdaRegulatedDevice": "trial.oversight.fda_regulated_device",
    "descriptionModule.briefSummary": "trial.description.brief_summary",
    "descriptionModule.detailedDescription": "trial.description.detailed_description",
    "conditionsModule.conditions": "trial.conditions",
    "conditionsModule.keywords": "trial.keywords",
    "designModule.studyType": "trial.design.study_type",
    "designModule.phases": "trial.design.phases",
    "designModule.designInfo.allocation": "trial.design.allocation",
    "designModule.designInfo.interventionModel": "trial.design.intervention_model",
    "designModule.designInfo.primaryPurpose": "trial.design.primary_purpose",
    "designModule.designInfo.maskingInfo.masking": "trial.design.masking",
    "designModule.enrollmentInfo.count": "trial.design.enrollment.count",
    "designModule.enrollmentInfo.type": "trial.design.enrollment.type",
    "armsInterventionsModule.armGroups[0].label": "trial.arm.label",
    "armsInterventionsModule.armGroups[0].type": "trial.arm.type",
    "armsInterventionsModule.armGroups[0].description": "trial.arm.description",
    "eligibilityModule.minimumAge": "trial.eligibility.minimum_age",
    "eligibilityModule.maximumAge": "trial.eligibility.maximum_age",
    "eligibilityModule.sex": "trial.eligibility.sex",
    "eligibilityModule.stdAges": "trial.eligibility.std_ages",
    "eligibilityModule.healthyVolunteers": "trial.eligibility.healthy_volunteers",
    "ipdSharingStatementModule.ipdSharing": "trial.ipd_sharing.sharing",
    "ipdSharingStatementModule.description": "trial.ipd_sharing.description",
    "ipdSharingStatementModule.infoTypes": "trial.ipd_sharing.info_types",
    "ipdSharingStatementModule.timeFrame": "trial.ipd_sharing.time_frame",
    "ipdSharingStatementModule.accessCriteria": "trial.ipd_sharing.access_criteria",
}

# Leaves compared by the record-by-record tests below.
LISTS_CHECKED = {
    "armsInterventionsModule.armGroups[].interventionNames",
    *(f"armsInterventionsModule.interventions[].{k}" for k in ("type", "name", "description", "armGroupLabels")),
    *(f"outcomesModule.{kind}Outcomes[].{k}" for kind in ("primary", "secondary") for k in ("measure", "description", "timeFrame")),
    "sponsorCollaboratorsModule.collaborators[].name",
    "sponsorCollaboratorsModule.collaborators[].class",
    *(f"contactsLocationsModule.overallOfficials[].{k}" for k in ("name", "affiliation", "role")),
    *(f"contactsLocationsModule.centralContacts[].{k}" for k in ("name", "role", "email", "phone")),
    *(f"contactsLocationsModule.locations[].{k}" for k in ("facility", "city", "state", "zip", "country", "status", "geoPoint.lat", "geoPoint.lon")),
    *(f"contactsLocationsModule.locations[].contacts[].{k}" for k in ("name", "role", "email", "phone")),
    "eligibilityModule.eligibilityCriteria",
}

NOT_KEPT = {
    "statusModule.studyFirstSubmitQcDate": "the QC date is registry bookkeeping; the schema has no field for it",
}


def leaves(node: object, path: str = "") -> set[str]:
    """Every leaf path of a JSON tree, list indexes written ``[]`` (lists of scalars are leaves)."""
    if isinstance(node, dict):
        return {leaf for key, value in node.items() for leaf in leaves(value, f"{path}.{key}" if path else key)}
    if isinstance(node, list) and node and all(isinstance(x, (dict, list)) for x in node):
        return {leaf for item in node for leaf in leaves(item, f"{path}[]")}
    return {path}


def test_every_registry_field_is_checked_or_knowingly_not_kept():
    checked = {re.sub(r"\[\d+\]", "[]", p) for p in SCALARS} | LISTS_CHECKED | set(NOT_KEPT)
    assert leaves(PS) - checked == set(), "registry fields that no test compares with content/"


@pytest.mark.parametrize(("registry_path", "content_path"), SCALARS.items(), ids=list(SCALARS))
def test_scalar_field(facts, registry_path, content_path):
    want = dig(PS, registry_path)
    got = plain(dig(facts, content_path))
    assert (type(got), got) == (type(want), want), f"{content_path} differs from {registry_path}"


# --------------------------------------------------------------------------
# Arm, interventions, outcomes, sponsors, people
# --------------------------------------------------------------------------


def test_exactly_one_arm():
    assert len(PS["armsInterventionsModule"]["armGroups"]) == 1


def test_interventions_verbatim_and_in_order(facts):
    registry = PS["armsInterventionsModule"]["interventions"]
    content = facts.trial.interventions
    assert len(content) == len(registry) == 6
    for mine, theirs in zip(content, registry, strict=True):
        assert (mine.type, mine.name, mine.registry_description) == (theirs["type"], theirs["name"], theirs["description"])
        assert theirs["armGroupLabels"] == [ARM["label"]], "an intervention of another arm"


def test_arm_interventions_are_the_registry_intervention_names(facts):
    ids = {f"{iv['type'].replace('_', ' ').title()}: {iv['name']}": facts.trial.interventions[i].id
           for i, iv in enumerate(PS["armsInterventionsModule"]["interventions"])}
    assert facts.trial.arm.interventions == [ids[name] for name in ARM["interventionNames"]]


def test_intervention_routes_are_read_from_the_registry_description(facts):
    for iv in facts.trial.interventions:
        description = iv.registry_description.lower().replace("intervenous", "intravenous").replace("it:", "intrathecal")
        for route in iv.routes:
            assert route in description, f"{iv.id}: route {route!r} not in {iv.registry_description!r}"


@pytest.mark.parametrize("kind", ["primary", "secondary"])
def test_outcomes_verbatim_and_in_order(facts, kind):
    registry = PS["outcomesModule"][f"{kind}Outcomes"]
    content = getattr(facts.trial.outcomes, kind)
    assert [o.id for o in content] == [f"{kind[0].upper()}{n:02d}" for n in range(1, len(registry) + 1)]
    assert [(o.measure, o.description, o.time_frame) for o in content] == \
        [(o["measure"], o["description"], o["timeFrame"]) for o in registry]


def test_collaborators_in_order(facts):
    got = [c.model_dump(by_alias=True) for c in facts.trial.sponsors.collaborators]
    assert got == PS["sponsorCollaboratorsModule"]["collaborators"]


def test_overall_officials(facts):
    assert [o.model_dump() for o in facts.trial.officials] == PS["contactsLocationsModule"]["overallOfficials"]


def contact(c: dict) -> dict:
    """A registry contact in the content's shape (absent role, e-mail, phone and extension are None)."""
    assert set(c) <= {"name", "role", "email", "phone", "phoneExt"}, f"contact field not kept: {set(c)}"
    return {"name": c["name"], "role": c.get("role"), "email": c.get("email"), "phone": c.get("phone"),
            "phone_ext": c.get("phoneExt")}


def test_central_contacts(facts):
    assert [c.model_dump() for c in facts.trial.central_contacts] == \
        [contact(c) for c in PS["contactsLocationsModule"]["centralContacts"]]


# --------------------------------------------------------------------------
# Locations, one by one
# --------------------------------------------------------------------------


def test_all_sites_in_registry_order(facts):
    assert LOCATIONS, "the record lists no site"
    assert [s.facility for s in facts.sites] == [loc["facility"] for loc in LOCATIONS]


def ascii_id(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@pytest.mark.parametrize("i", range(len(LOCATIONS)),
                         ids=[f"{i + 1:02d}-{ascii_id(loc['facility'])}" for i, loc in enumerate(LOCATIONS)])
def test_site(facts, i):
    loc, site = LOCATIONS[i], facts.sites[i]
    assert set(loc) <= {"facility", "status", "city", "state", "zip", "country", "contacts", "geoPoint"}
    assert site.facility == loc["facility"]
    assert site.city == loc["city"]
    assert site.state == loc.get("state")
    assert site.postcode == loc.get("zip")
    assert site.country == loc["country"]
    assert site.status == loc["status"]
    assert [c.model_dump() for c in site.contacts] == [contact(c) for c in loc.get("contacts", [])]
    if "geoPoint" in loc:
        assert (site.coordinates.lat, site.coordinates.lon) == (loc["geoPoint"]["lat"], loc["geoPoint"]["lon"])
    else:
        assert site.coordinates is None


# --------------------------------------------------------------------------
# Eligibility criteria
# --------------------------------------------------------------------------

CRITERION_PARAMS = [(kind, i) for kind in ("inclusion", "exclusion") for i in range(len(CRITERIA[kind]))]


def test_criteria_counts(facts):
    assert (len(CRITERIA["inclusion"]), len(CRITERIA["exclusion"])) == (7, 18)
    assert (len(facts.eligibility.inclusion), len(facts.eligibility.exclusion)) == (7, 18)


@pytest.mark.parametrize(("kind", "i"), CRITERION_PARAMS,
                         ids=[f"{kind[:2].upper()}{i + 1:02d}" for kind, i in CRITERION_PARAMS])
def test_criterion(facts, kind, i):
    theirs = CRITERIA[kind][i]
    mine = getattr(facts.eligibility, kind)[i]
    assert theirs["marker"] == f"{i + 1}."
    assert mine.id == f"{kind[:2].upper()}{i + 1:02d}"
    assert mine.text == theirs["text"]
    assert [item.model_dump() for item in mine.items] == theirs["items"], "sub-items differ (marker, text or nesting)"


def criterion_text(criterion) -> str:
    return " ".join([criterion.text, *(text for _, _, text in flatten([i.model_dump() for i in criterion.items]))])


def test_every_threshold_value_is_a_number_in_its_criterion_text(facts):
    checked = 0
    for criterion in facts.eligibility.criteria:
        text = criterion_text(criterion)
        numbers = {float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?", text)}
        for th in criterion.thresholds:
            assert str(th.value) in text, f"{criterion.id}.{th.id}: {th.value!r} not written as such in the text"
            assert float(th.value) in numbers, f"{criterion.id}.{th.id}: {th.value!r} is only part of a larger number"
            assert th.unit is None or th.unit in facts.eligibility.units, f"{th.id}: unknown unit {th.unit!r}"
            checked += 1
    assert checked >= 30


def test_registry_text_has_no_unexpected_escapes_left(facts):
    for criterion in facts.eligibility.criteria:
        assert "\\" not in criterion_text(criterion), criterion.id


# --------------------------------------------------------------------------
# parse_criteria itself
# --------------------------------------------------------------------------


def test_parse_criteria_loses_no_word():
    text = PS["eligibilityModule"]["eligibilityCriteria"]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert [line for line in lines if line.endswith("Criteria:")] == ["Inclusion Criteria:", "Exclusion Criteria:"]
    expected_markers, expected_texts = [], []
    for line in lines:
        if line.endswith("Criteria:"):
            continue
        match = re.match(r"(\*|\d+\.|[ivx]+\.|[a-z]\.)\s+(.*)", line)
        expected_markers.append(match[1])
        expected_texts.append(re.sub(r"\\(.)", r"\1", match[2]))
    items = [item for kind in ("inclusion", "exclusion") for item in flatten(CRITERIA[kind])]
    assert [marker for _, marker, _ in items] == expected_markers
    assert " ".join(t for _, _, t in items) == " ".join(expected_texts)
    assert " ".join(t for _, _, t in items).split() == re.sub(r"\\(.)", r"\1", " ".join(expected_texts)).split()


def test_parse_criteria_nesting_continuations_and_escapes():
    text = (
        "Inclusion Criteria:\n\n"
        "1. Age \\>12 years\n"
        "   * renal:\n\n"
        "     * creatinine \\< 1.5\n"
        "   continued on a line of its own\n"
        "2. Second\n\n"
        "Exclusion Criteria:\n\n"
        "1. Only one\n"
        "   a. first\n"
        "   ii. second\n"
    )
    assert parse_criteria(text) == {
        "inclusion": [
            {"marker": "1.", "text": "Age >12 years", "items": [
                {"marker": "*", "text": "renal:", "items": [
                    {"marker": "*", "text": "creatinine < 1.5 continued on a line of its own", "items": []}]}]},
            {"marker": "2.", "text": "Second", "items": []},
        ],
        "exclusion": [
            {"marker": "1.", "text": "Only one", "items": [
                {"marker": "a.", "text": "first", "items": []},
                {"marker": "ii.", "text": "second", "items": []}]},
        ],
    }


def test_parse_criteria_rejects_misnumbering_and_missing_headings():
    with pytest.raises(ValueError, match="criterion 2 is numbered '3.'"):
        parse_criteria("Inclusion Criteria:\n1. a\n3. b\nExclusion Criteria:\n1. c\n")
    assert split_criteria("1. a\n2. b\n") is None  # no headings: the text is kept whole
    assert parse_criteria("Eligible persons are adults.") is None
    assert set(split_criteria("Key inclusion criteria:\n* a\n\nKEY EXCLUSION CRITERIA\n* b\n")) == {"inclusion", "exclusion"}


def test_unescape_markdown():
    assert unescape_markdown(r"\>450 msec, \<3 years, \\ and a\-b") == r">450 msec, <3 years, \ and a-b"
    assert unescape_markdown(r"no escape: C:\dir") == r"no escape: C:\dir"


# --------------------------------------------------------------------------
# Curated extras, consistent with the record
# --------------------------------------------------------------------------


def test_ids_and_slugs_unique(facts):
    for name, values in {
        "site slugs": [s.slug for s in facts.sites],
        "intervention ids": facts.trial.intervention_ids,
        "discrepancy ids": [d.id for d in facts.discrepancies],
        "criterion ids": [c.id for c in facts.eligibility.criteria],
        "threshold ids": [t.id for c in facts.eligibility.criteria for t in c.thresholds],
        "glossary terms": facts.glossary,
        "cycle ids": [c.id for c in facts.schedule.cycles],
    }.items():
        repeated = [v for v, n in Counter(values).items() if n > 1]
        assert not repeated, f"{name} used twice: {repeated}"


def test_schedule_quotes_the_registry_arm_description(facts):
    s = facts.schedule
    for sentence in (s.cycle_length_text, s.ramp_up.text, s.intrathecal_text):
        assert sentence in ARM["description"]
    assert f"{s.cycle_length_days} days" in s.cycle_length_text
    assert f"{s.ramp_up.days}-day {s.ramp_up.medicine}" in s.ramp_up.text
    for cycle in s.cycles:
        for row in cycle.rows:
            assert row.registry_text in ARM["description"], f"{cycle.id}/{row.medicine}"
            assert row.medicine in facts.trial.intervention_ids
            name = facts.trial.intervention(row.medicine).name.lower()
            assert name in row.registry_text.lower().replace("ventoclax", "venetoclax"), f"{cycle.id}/{row.medicine}"
            numbers = set(re.findall(r"\d+", row.registry_text))
            for day_range in row.days:
                first, last = parse_range(day_range)
                assert {str(first), str(last)} <= numbers, f"{cycle.id}/{row.medicine}: {day_range!r} not in {row.registry_text!r}"


def test_dose_levels_are_those_the_registry_names(facts):
    """Each dose level quotes its sentence; the levels are exactly those the arm description names (none invented)."""
    named = sorted(int(n) for n in re.findall(r"dose level (-?\d+)", ARM["description"]))
    assert sorted(level.level for level in facts.trial.dose_levels) == named
    for level in facts.trial.dose_levels:
        assert level.registry_text in ARM["description"]
        assert f"dose level {level.level}" in level.registry_text
        assert f"{level.change} dose of {level.medicine}" in level.registry_text


def test_dasatinib_cycle_1_contradiction_is_recorded(facts):
    match = re.search(r"(\d+) days of (?:of )?dasatinib \(days (\d+)-(\d+)\)", ARM["description"])
    stated, first, last = (int(g) for g in match.groups())
    assert stated != last - first + 1, "the registry no longer contradicts itself: update the schedule"
    quoting = [d for d in facts.discrepancies if match[0] in d.quotes]
    assert [d.kind for d in quoting] == ["contradiction"]
    row = next(r for r in facts.schedule.cycles[0].rows if r.medicine == "dasatinib")
    assert row.discrepancy == quoting[0].id
    assert row.day_set() == set(range(first, last + 1))
    assert row.day_set("uncertain_days") == set(range(last + 1, stated + 1))


def test_overall_status_vs_site_statuses_is_recorded_while_it_holds(facts):
    """The study marked recruiting while most sites are not yet: recorded as a discrepancy exactly while the record
    says so (the numbers come from the record, whatever they are today)."""
    registry = Counter(loc.get("status") for loc in LOCATIONS)
    assert Counter(s.status for s in facts.sites) == registry
    holds = PS["statusModule"]["overallStatus"] == "RECRUITING" and registry["NOT_YET_RECRUITING"] > registry["RECRUITING"]
    recorded = [d for d in facts.discrepancies if d.id == "overall-status-vs-sites"]
    assert bool(recorded) == holds, "update content/discrepancies.yml: overall-status-vs-sites no longer holds"
    if recorded:
        assert {"protocolSection.statusModule.overallStatus",
                "protocolSection.contactsLocationsModule.locations[].status"} <= set(recorded[0].fields)


def test_estimated_start_while_recruiting_is_recorded_while_it_holds(facts):
    status = PS["statusModule"]
    holds = (status["overallStatus"], status.get("startDateStruct", {}).get("type")) == ("RECRUITING", "ESTIMATED")
    recorded = [d for d in facts.discrepancies if d.id == "start-date-estimated-while-recruiting"]
    assert bool(recorded) == holds
    if recorded:
        assert "protocolSection.statusModule.startDateStruct" in recorded[0].fields


def registry_strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node, unescape_markdown(node)]
    if isinstance(node, dict):
        return [s for v in node.values() for s in registry_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in registry_strings(v)]
    return []


def resolve(node: object, path: str) -> list:
    """All values at a field path such as ``a.locations[].contacts[].name`` or ``a.b[1].c``."""
    nodes = [node]
    for part in path.split("."):
        name, *indexes = re.split(r"(?=\[)", part)
        nodes = [n[name] for n in nodes if isinstance(n, dict) and name in n]
        for index in indexes:
            nodes = [x for n in nodes for x in n] if index == "[]" else [n[int(index[1:-1])] for n in nodes]
    return nodes


DISCREPANCY_IDS = [d["id"] for d in load_yaml(REPO / "content" / "discrepancies.yml").data["discrepancies"]]


@pytest.mark.parametrize("ident", DISCREPANCY_IDS)
def test_discrepancy_points_at_the_registry(facts, ident):
    d = facts.discrepancy(ident)
    corpus = "\n".join(registry_strings(PS))
    for field in d.fields:
        assert resolve(RECORD, field), f"{field} is not a field of the record"
    for quote in d.quotes:
        assert quote in corpus, f"{quote!r} is not in the registry record"
    if d.sites and d.quotes:
        site_text = "\n".join(s for slug in d.sites for s in registry_strings(facts.site(slug).model_dump()))
        for quote in d.quotes:
            assert quote in site_text, f"{quote!r} is not at any of {d.sites}"
