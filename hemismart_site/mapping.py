"""The one mapping from a ClinicalTrials.gov API v2 record to the facts in content/.

Each builder reads the record through a :class:`~hemismart_site.record.Reader`
(so a wrong or missing field names its JSON path) and returns the
registry-derived part of one content file as plain data, in the key order
of the schema. Curated values that live inside registry-derived sections
(intervention ids and routes, the short name, site slugs, criterion
thresholds) are taken from ``old``, the file's current data, when the item
is matched there; new items get derived values that the import reports.

:data:`FROM` says, for each registry-derived key of each file, which part
of the record it comes from; it is written into each file's ``source.from``
and :func:`hemismart_site.validate.rule_provenance` checks it.
"""

from __future__ import annotations

import re
import unicodedata

from hemismart_site.record import Reader
from hemismart_site.registry import parse_criteria, unescape_markdown

PS = "protocolSection"
AIM = f"{PS}.armsInterventionsModule"
CLM = f"{PS}.contactsLocationsModule"

FROM: dict[str, dict[str, str]] = {
    "trial.yml": {
        "registry": f"{PS}.statusModule",
        "identifiers": f"{PS}.identificationModule",
        "status": f"{PS}.statusModule",
        "design": f"{PS}.designModule",
        "oversight": f"{PS}.oversightModule",
        "description": f"{PS}.descriptionModule",
        "conditions": f"{PS}.conditionsModule.conditions",
        "keywords": f"{PS}.conditionsModule.keywords",
        "arms": f"{AIM}.armGroups",
        "interventions": f"{AIM}.interventions",
        "outcomes": f"{PS}.outcomesModule",
        "eligibility": f"{PS}.eligibilityModule",
        "sponsors": f"{PS}.sponsorCollaboratorsModule",
        "officials": f"{CLM}.overallOfficials",
        "central_contacts": f"{CLM}.centralContacts",
        "ipd_sharing": f"{PS}.ipdSharingStatementModule",
    },
    "eligibility.yml": {
        "inclusion": f"{PS}.eligibilityModule.eligibilityCriteria",
        "exclusion": f"{PS}.eligibilityModule.eligibilityCriteria",
    },
    "sites.yml": {
        "sites": f"{CLM}.locations",
    },
}
"""Each registry-derived top-level key of each content file and the record path it comes from."""

CURATED = {
    "trial.yml": ["identifiers.short_name", "interventions[].id", "interventions[].routes", "dose_levels"],
    "eligibility.yml": ["units", "inclusion[].thresholds", "exclusion[].thresholds", "family_summary"],
    "sites.yml": ["sites[].slug"],
}
"""Keys the trial office writes, inside or next to the registry-derived ones (kept by the import)."""

ROUTE_WORDS = {
    "oral": r"\boral\b",
    "intravenous": r"\bintravenous|\bintervenous|\bi\.?v\.?\b",
    "intrathecal": r"\bintrathecal|\bIT:",
    "subcutaneous": r"\bsubcutaneous|\bs\.?c\.?\b",
    "intramuscular": r"\bintramuscular|\bi\.?m\.?\b",
}
"""How each route is recognised in a new intervention's registry description (the office checks)."""


def slugify(text: str) -> str:
    """ASCII, lower case, hyphenated: ``Hôpital des Enfants`` → ``hopital-des-enfants``, ``Children's`` → ``childrens``."""
    ascii_text = unicodedata.normalize("NFKD", re.sub(r"['’]", "", text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unique_slug(base: str, taken: set[str], extra: str = "") -> str:
    """``base``, or ``base-extra``, or ``base-2``…, whichever is not taken yet."""
    candidates = [base, f"{base}-{slugify(extra)}" if extra else base]
    candidates += [f"{base}-{n}" for n in range(2, 1000)]
    return next(c for c in candidates if c and c not in taken)


def _dated(r: Reader, path: str, required: bool = True) -> dict | None:
    """A date struct: its date (a full date, or a month as the registry gives it) and its type if given."""
    if r.get(path, "mapping", required=required) is None:
        return None
    return _drop_none({"date": r.text(f"{path}.date"), "type": r.text(f"{path}.type", required=False)})


def _org(r: Reader, path: str, name_key: str = "name") -> dict:
    return _drop_none({"name": r.text(f"{path}.{name_key}"), "class": r.text(f"{path}.class", required=False)})


def _contact(r: Reader, path: str) -> dict:
    """name, role, then e-mail, phone and phone extension in the record's order (absent ones left out)."""
    out = _drop_none({"name": r.text(f"{path}.name"), "role": r.text(f"{path}.role", required=False)})
    for key, ours in (("email", "email"), ("phone", "phone"), ("phoneExt", "phone_ext")):
        if key in (r.get(path, "mapping") or {}):
            out[ours] = r.text(f"{path}.{key}")
    return out


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


# --------------------------------------------------------------------------
# content/trial.yml
# --------------------------------------------------------------------------


def trial_facts(r: Reader, old: dict) -> dict:
    """The registry-derived keys of trial.yml (and its curated extras, kept from ``old``)."""
    sm, idm = f"{PS}.statusModule", f"{PS}.identificationModule"
    nct = r.text(f"{idm}.nctId")
    interventions = _interventions(r, old.get("interventions") or [])
    out = {
        "registry": {
            "name": "ClinicalTrials.gov",
            "record_url": f"https://clinicaltrials.gov/study/{nct}",
            "last_update_posted": _dated(r, f"{sm}.lastUpdatePostDateStruct"),
            "last_update_submitted": r.text(f"{sm}.lastUpdateSubmitDate", required=False),
            "first_submitted": r.text(f"{sm}.studyFirstSubmitDate", required=False),
            "first_posted": _dated(r, f"{sm}.studyFirstPostDateStruct", required=False),
            "status_verified": r.text(f"{sm}.statusVerifiedDate", required=False),
            "has_results": r.get("hasResults", "bool", required=False) or False,
        },
        "identifiers": _identifiers(r, nct, old.get("identifiers") or {}),
        "status": _drop_none({
            "overall": r.text(f"{sm}.overallStatus"),
            "start": _dated(r, f"{sm}.startDateStruct", required=False),
            "primary_completion": _dated(r, f"{sm}.primaryCompletionDateStruct", required=False),
            "completion": _dated(r, f"{sm}.completionDateStruct", required=False),
            "has_expanded_access": r.get(f"{sm}.expandedAccessInfo.hasExpandedAccess", "bool", required=False),
        }),
        "design": _design(r),
        "oversight": _drop_none({
            "has_dmc": r.get(f"{PS}.oversightModule.oversightHasDmc", "bool", required=False),
            "fda_regulated_drug": r.get(f"{PS}.oversightModule.isFdaRegulatedDrug", "bool", required=False),
            "fda_regulated_device": r.get(f"{PS}.oversightModule.isFdaRegulatedDevice", "bool", required=False),
        }),
        "description": _drop_none({
            "brief_summary": r.text(f"{PS}.descriptionModule.briefSummary"),
            "detailed_description": r.text(f"{PS}.descriptionModule.detailedDescription", required=False),
        }),
        "conditions": r.texts(f"{PS}.conditionsModule.conditions"),
        "keywords": r.texts(f"{PS}.conditionsModule.keywords", required=False) or [],
        "arms": _arms(r, interventions, old.get("arms") or []),
        "interventions": interventions,
        "dose_levels": old.get("dose_levels", []),
        "outcomes": _outcomes(r),
        "eligibility": _age_limits(r),
        "sponsors": _sponsors(r),
        "officials": [_drop_none({"name": r.text(f"{p}.name"), "affiliation": r.text(f"{p}.affiliation", required=False),
                                  "role": r.text(f"{p}.role")})
                      for p in r.paths(f"{CLM}.overallOfficials", required=False)],
        "central_contacts": [_contact(r, p) for p in r.paths(f"{CLM}.centralContacts", required=False)],
        "ipd_sharing": _ipd_sharing(r),
    }
    return {k: v for k, v in out.items() if v is not None or k == "outcomes"}  # outcomes: null is written


def _identifiers(r: Reader, nct: str | None, old: dict) -> dict:
    idm = f"{PS}.identificationModule"
    acronym = r.text(f"{idm}.acronym", required=False)
    out = {
        "nct_id": nct,
        "eu_ct_number": _eu_ct_number(r),  # written as null for a trial without one
        "acronym": acronym,
        "short_name": old.get("short_name") or acronym or nct,
        "brief_title": r.text(f"{idm}.briefTitle"),
        "official_title": r.text(f"{idm}.officialTitle", required=False),
        "organization": _org(r, f"{idm}.organization", "fullName"),
    }
    return {k: v for k, v in out.items() if v is not None or k == "eu_ct_number"}


_EU_CT = re.compile(r"\d{4}-\d{6}-\d{2}-\d{2}")


def _eu_ct_number(r: Reader) -> str | None:
    """orgStudyIdInfo.id when it is an EU CT number, else a secondary id of type CTIS, else None."""
    org_id = r.text(f"{PS}.identificationModule.orgStudyIdInfo.id", required=False)
    if org_id is not None and _EU_CT.fullmatch(org_id):
        return org_id
    for p in r.paths(f"{PS}.identificationModule.secondaryIdInfos", required=False):
        if r.text(f"{p}.type", required=False) == "CTIS":
            return r.text(f"{p}.id")
    return None


def _design(r: Reader) -> dict:
    dm = f"{PS}.designModule"
    enrollment = None
    if r.get(f"{dm}.enrollmentInfo", "mapping", required=False) is not None:
        enrollment = _drop_none({"count": r.get(f"{dm}.enrollmentInfo.count", "integer"),
                                 "type": r.text(f"{dm}.enrollmentInfo.type", required=False)})
    return _drop_none({
        "study_type": r.text(f"{dm}.studyType"),
        "phases": r.texts(f"{dm}.phases", required=False) or [],
        "allocation": r.text(f"{dm}.designInfo.allocation", required=False),
        "intervention_model": r.text(f"{dm}.designInfo.interventionModel", required=False),
        "primary_purpose": r.text(f"{dm}.designInfo.primaryPurpose", required=False),
        "masking": r.text(f"{dm}.designInfo.maskingInfo.masking", required=False),
        "observational_model": r.text(f"{dm}.designInfo.observationalModel", required=False),
        "time_perspective": r.text(f"{dm}.designInfo.timePerspective", required=False),
        "enrollment": enrollment,
    })


def _interventions(r: Reader, old: list[dict]) -> list[dict]:
    """Interventions in registry order. One already in content/ (same name, or renamed in place:
    same count and position) keeps its id and routes; a new one gets both derived from the record."""
    old_list = [iv for iv in old if isinstance(iv, dict)]
    paths = r.paths(f"{AIM}.interventions", required=False)
    names = [r.text(f"{p}.name") for p in paths]
    taken = {iv.get("id") for iv in old_list}
    out = []
    for p, name, known in zip(paths, names, match_items(names, old_list, "name"), strict=True):
        description = r.text(f"{p}.description", required=False)
        if known is not None:
            ident, routes = known.get("id"), known.get("routes")
        else:
            ident = unique_slug(slugify(name or ""), taken)
            routes = [route for route, rx in ROUTE_WORDS.items() if re.search(rx, description or "", re.IGNORECASE)]
        taken.add(ident)
        out.append(_drop_none({"id": ident, "type": r.text(f"{p}.type"), "name": name, "registry_description": description,
                               "routes": routes}))
    return out


def match_items(keys: list, old_list: list[dict], field: str) -> list[dict | None]:
    """For each new item (by its ``field`` value), the item of content/ it is: the one with the same
    value, or, when the list kept its length, the unmatched one at the same position whose value is
    gone from the record (an item edited in place)."""
    by_key = {item.get(field): item for item in old_list}
    matches = [by_key.get(key) for key in keys]
    if len(old_list) == len(keys):
        used = {id(m) for m in matches if m is not None}
        for i, item in enumerate(old_list):
            if matches[i] is None and id(item) not in used and item.get(field) not in keys:
                matches[i] = item
    return matches


def _arms(r: Reader, interventions: list[dict], old: list[dict]) -> list[dict]:
    """The arm groups in registry order; each keeps its curated id when matched by label (or renamed in place),
    a new one gets an id from its label. interventionNames (``Drug: Dasatinib``) become intervention ids."""
    paths = r.paths(f"{AIM}.armGroups", required=False)
    labels = [r.text(f"{p}.label") for p in paths]
    old_list = [a for a in old if isinstance(a, dict)]
    taken = {a.get("id") for a in old_list}
    ids = {f"{(iv['type'] or '').replace('_', ' ').title()}: {iv['name']}": iv["id"] for iv in interventions}
    out = []
    for p, label, known in zip(paths, labels, match_items(labels, old_list, "label"), strict=True):
        ident = known.get("id") if known is not None else unique_slug(slugify(label or "") or "arm", taken)
        taken.add(ident)
        arm_ids = []
        for i, name in enumerate(r.texts(f"{p}.interventionNames", required=False) or []):
            if name not in ids:
                r.problem(f"{p}.interventionNames[{i}]", f"{name!r} names no intervention of the record")
            arm_ids.append(ids.get(name))
        out.append(_drop_none({"id": ident, "label": label, "type": r.text(f"{p}.type", required=False),
                               "description": r.text(f"{p}.description", required=False), "interventions": arm_ids}))
    return out


def _outcomes(r: Reader) -> dict | None:
    om = f"{PS}.outcomesModule"
    if r.get(om, "mapping", required=False) is None:
        return None
    out = {}
    for kind, letter in (("primary", "P"), ("secondary", "S")):
        out[kind] = [_drop_none({"id": f"{letter}{n:02d}", "measure": r.text(f"{p}.measure"),
                                 "description": r.text(f"{p}.description", required=False),
                                 "time_frame": r.text(f"{p}.timeFrame", required=False)})
                     for n, p in enumerate(r.paths(f"{om}.{kind}Outcomes", required=False), start=1)]
    return out


def _age_limits(r: Reader) -> dict:
    em = f"{PS}.eligibilityModule"
    return _drop_none({
        "minimum_age": r.text(f"{em}.minimumAge", required=False),
        "maximum_age": r.text(f"{em}.maximumAge", required=False),
        "sex": r.text(f"{em}.sex", required=False),
        "std_ages": r.texts(f"{em}.stdAges", required=False) or [],
        "healthy_volunteers": r.get(f"{em}.healthyVolunteers", "bool", required=False),
    })


def _sponsors(r: Reader) -> dict:
    sc = f"{PS}.sponsorCollaboratorsModule"
    return _drop_none({
        "responsible_party": r.text(f"{sc}.responsibleParty.type", required=False),
        "lead": _org(r, f"{sc}.leadSponsor"),
        "collaborators": [_org(r, p) for p in r.paths(f"{sc}.collaborators", required=False)],
    })


def _ipd_sharing(r: Reader) -> dict | None:
    im = f"{PS}.ipdSharingStatementModule"
    if r.get(im, "mapping", required=False) is None:
        return None
    return _drop_none({
        "sharing": r.text(f"{im}.ipdSharing"),
        "description": r.text(f"{im}.description", required=False),
        "info_types": r.texts(f"{im}.infoTypes", required=False) or [],
        "time_frame": r.text(f"{im}.timeFrame", required=False),
        "access_criteria": r.text(f"{im}.accessCriteria", required=False),
    })


# --------------------------------------------------------------------------
# content/eligibility.yml
# --------------------------------------------------------------------------

DEFAULT_UNITS = ["years", "months", "days", "hours", "percent"]
"""Units a new eligibility.yml starts with (each has a translation ``unit.<id>``)."""


def eligibility_facts(r: Reader, old: dict) -> tuple[dict, list[str]]:
    """Criteria from eligibilityCriteria, and notes on criteria whose text changed.

    A criterion keeps its thresholds when its text is unchanged, or when its text changed but the
    list has as many criteria as before and the one with its number is not found elsewhere (an
    edited criterion: the thresholds are kept for the office to check). ``family_summary`` lines
    follow their criteria to their new ids; a criterion that is gone is dropped from its line.
    """
    path = f"{PS}.eligibilityModule.eligibilityCriteria"
    text = r.text(path, required=False)
    try:
        parsed = parse_criteria(text) if text is not None else {"inclusion": [], "exclusion": []}
    except ValueError as exc:
        r.problem(path, str(exc))
        parsed = {"inclusion": [], "exclusion": []}
    out: dict = {"units": old.get("units", DEFAULT_UNITS)}
    if parsed is None:  # no inclusion/exclusion headings: the whole text, verbatim
        out.update({"unstructured": unescape_markdown(text.strip()), "inclusion": [], "exclusion": [],
                    "family_summary": old.get("family_summary") or []})
        return out, ["eligibility: the registry's text has no inclusion and exclusion headings: it is kept whole"]
    renamed: dict[str, str] = {}
    notes: list[str] = []
    for kind, prefix in (("inclusion", "IN"), ("exclusion", "EX")):
        old_list = [c for c in old.get(kind) or [] if isinstance(c, dict)]
        matches = match_items([item["text"] for item in parsed[kind]], old_list, "text")
        out[kind] = []
        for n, (item, known) in enumerate(zip(parsed[kind], matches, strict=True), start=1):
            criterion = {"id": f"{prefix}{n:02d}", "text": item["text"]}
            if item["items"]:
                criterion["items"] = [_item(i) for i in item["items"]]
            if known is not None:
                renamed[known.get("id")] = criterion["id"]
                if known.get("thresholds"):
                    criterion["thresholds"] = known["thresholds"]
                if known.get("text") != item["text"]:
                    notes.append(f"{kind} criterion {criterion['id']}: its text changed; its thresholds and its "
                                 "family_summary line were kept: check them")
            out[kind].append(criterion)
    out["family_summary"] = _family_summary(old.get("family_summary") or [], renamed)
    return out, notes


def _item(item: dict) -> dict:
    out = {"marker": item["marker"], "text": item["text"]}
    if item["items"]:
        out["items"] = [_item(i) for i in item["items"]]
    return out


def _family_summary(lines: list[dict], renamed: dict[str, str]) -> list[dict]:
    return [{**line, "criteria": [renamed[c] for c in line.get("criteria") or [] if c in renamed]} for line in lines]


# --------------------------------------------------------------------------
# content/sites.yml
# --------------------------------------------------------------------------


def site_facts(r: Reader, old: dict) -> tuple[dict, list[str]]:
    """Sites in registry order, and notes on new and renamed sites.

    A site already in content/ keeps its slug: matched by facility and city, or else (a facility
    renamed in the registry) by city, country and postcode when exactly one unmatched site has
    them. A new site gets a slug derived from its facility.
    """
    old_sites = [s for s in old.get("sites") or [] if isinstance(s, dict)]
    paths = r.paths(f"{CLM}.locations")
    places = [(r.text(f"{p}.facility"), r.text(f"{p}.city"), r.text(f"{p}.country"), r.text(f"{p}.zip", required=False))
              for p in paths]
    matches = _match_sites(places, old_sites)
    taken = {s.get("slug") for s in old_sites}
    sites, notes = [], []
    for p, (facility, city, *_), match in zip(paths, places, matches, strict=True):
        if match is None:
            slug = unique_slug(slugify(facility or "") or "site", taken, city or "")
            notes.append(f"new site {facility!r} ({city}): slug {slug!r}")
        else:
            slug = match.get("slug")
            if match.get("facility") != facility:
                notes.append(f"site {match.get('facility')!r} ({city}) is now called {facility!r}: slug {slug!r} kept")
        taken.add(slug)
        sites.append(_site(r, p, slug))
    return {"sites": sites}, notes


def _match_sites(places: list[tuple], old_sites: list[dict]) -> list[dict | None]:
    """For each (facility, city, country, zip) of the record, the site of content/ it is, if any."""
    by_name = {(s.get("facility"), s.get("city")): s for s in old_sites}
    matches = [by_name.get((facility, city)) for facility, city, _, _ in places]
    unmatched = [s for s in old_sites if not any(m is s for m in matches)]
    for i, (_, city, country, postcode) in enumerate(places):
        if matches[i] is None:
            same = [s for s in unmatched if (s.get("city"), s.get("country"), s.get("postcode")) == (city, country, postcode)]
            if len(same) == 1:
                matches[i] = same[0]
                unmatched.remove(same[0])
    return matches


def _site(r: Reader, p: str, slug: str) -> dict:
    site = {
        "slug": slug,
        "facility": r.text(f"{p}.facility"),
        "city": r.text(f"{p}.city"),
        "state": r.text(f"{p}.state", required=False),
        "postcode": r.text(f"{p}.zip", required=False),
        "country": r.text(f"{p}.country"),
        "status": r.text(f"{p}.status", required=False),
        "contacts": [_contact(r, c) for c in r.paths(f"{p}.contacts", required=False)],
    }
    if r.get(f"{p}.geoPoint", "mapping", required=False) is not None:
        site["coordinates"] = {"lat": r.get(f"{p}.geoPoint.lat", "number"), "lon": r.get(f"{p}.geoPoint.lon", "number")}
    return _drop_none(site)
