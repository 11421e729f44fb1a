"""Machine-readable facts: schema.org ``MedicalTrial`` JSON-LD per language, and ``facts.json``.

Both are built from the validated facts, never retyped. The JSON-LD goes into the head of every
page of a language (``templates/theme/main.html``, block ``extrahead``) as a data block, which a
browser does not execute (so the Content-Security-Policy's ``script-src`` does not concern it).
Inside ``<script>`` the JSON escapes ``<``, ``>`` and ``&`` as ``\\u003c``, ``\\u003e``, ``\\u0026``:
no text in the facts can close the element (``</script>``) or open a comment.

Properties, from schema.org's MedicalTrial and MedicalStudy: ``identifier`` (the NCT and EU CT
numbers), ``name``, ``alternateName``, ``phase``, ``trialDesign``, ``status`` (a MedicalStudyStatus),
``healthCondition``, ``sponsor``, ``studyLocation`` (one AdministrativeArea per hospital, the city,
containing the hospital), ``inLanguage`` and ``sameAs`` (the registry record). Registry wording kept
in English (the title, the conditions) is a value tagged ``"@language": "en"``, as the pages mark it.
"""

from __future__ import annotations

import json


from hemismart_site.escape import plain_text
from hemismart_site.localize import Localizer, country_code
from hemismart_site.model import Facts, Site

FACTS_FILE = "facts.json"
"""Where the build writes every fact as JSON, at the top of site/."""

STUDY_STATUS = {
    "NOT_YET_RECRUITING": "https://schema.org/NotYetRecruiting",
    "RECRUITING": "https://schema.org/Recruiting",
    "ENROLLING_BY_INVITATION": "https://schema.org/EnrollingByInvitation",
    "ACTIVE_NOT_RECRUITING": "https://schema.org/ActiveNotRecruiting",
    "SUSPENDED": "https://schema.org/Suspended",
    "TERMINATED": "https://schema.org/Terminated",
    "COMPLETED": "https://schema.org/Completed",
    "WITHDRAWN": "https://schema.org/Withdrawn",
    "UNKNOWN": "UNKNOWN",
}
"""Each registry status as schema.org's MedicalStudyStatus; UNKNOWN has no member and stays the registry's text."""


def medical_trial(l10n: Localizer, locations: bool = True) -> dict:
    """The trial as a schema.org MedicalTrial, with texts in the Localizer's language; with ``locations``, one
    ``studyLocation`` per hospital (the home page and facts.json: other pages leave them out, so that a page's
    size does not grow with the number of hospitals)."""
    t = l10n.facts.trial
    phases = [plain_text(l10n.t(f"code.{p}")) for p in t.design.phases]
    return {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "inLanguage": l10n.lang,
        "identifier": _identifiers(t),
        "name": _english(t.identifiers.brief_title),
        "alternateName": t.identifiers.short_name,
        "sameAs": t.registry.record_url,
        "phase": plain_text(l10n.t("list.and")).join(phases),
        "trialDesign": _trial_design(l10n.facts),
        "status": STUDY_STATUS[t.status.overall],
        "healthCondition": [{"@type": "MedicalCondition", "name": _english(c)} for c in t.conditions],
        "sponsor": {"@type": "Organization", "name": t.sponsors.lead.name},
        **({"studyLocation": [_location(site) for site in l10n.facts.sites]} if locations else {}),
    }


def _identifiers(t) -> list[dict]:
    """The registry number, and the EU CT number when the trial has one (a trial outside the EU has none)."""
    ids = [{"@type": "PropertyValue", "propertyID": "NCT", "name": t.registry.name, "value": t.identifiers.nct_id}]
    if t.identifiers.eu_ct_number is not None:
        ids.append({"@type": "PropertyValue", "propertyID": "EU CT", "name": "EU CT", "value": t.identifiers.eu_ct_number})
    return ids


def _english(text: str) -> dict:
    """Registry wording kept in English, tagged as English whatever the page's language."""
    return {"@language": "en", "@value": text}


def _trial_design(facts: Facts) -> list[str]:
    """schema.org MedicalTrialDesign members that the registry's design fields state."""
    design, out = facts.trial.design, []
    if design.masking == "NONE":
        out.append("https://schema.org/OpenTrial")
    if design.allocation == "RANDOMIZED":
        out.append("https://schema.org/RandomizedTrial")
    if len(facts.sites) > 1:
        out.append("https://schema.org/MultiCenterTrial")
    if len({s.country for s in facts.sites}) > 1:
        out.append("https://schema.org/InternationalTrial")
    return out


def _location(site: Site) -> dict:
    """One hospital: the city it is in (schema.org's studyLocation is an AdministrativeArea), containing the hospital."""
    address = {"@type": "PostalAddress", "addressLocality": site.city, "addressCountry": country_code(site.country)}
    if site.postcode:
        address["postalCode"] = site.postcode
    if site.state:
        address["addressRegion"] = site.state
    return {
        "@type": "AdministrativeArea",
        "name": site.city,
        "containsPlace": {"@type": "Hospital", "name": site.facility, "address": address},
    }


def facts_json(facts: Facts) -> str:
    """Every validated fact as one JSON document: keys sorted, stable bytes, ending in a newline."""
    return json.dumps(facts.model_dump(mode="json", by_alias=True), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
