"""The claims ledger (``content/claims.yml``): what every text a family reads rests on.

Each text of the family-facing pages has a basis: fields of the registry record, curated facts in
``content/``, recorded registry discrepancies, general rules true of every clinical trial authorised in
the EU (each with its legal source), "only the hospital can say", or no claim at all (headings,
navigation). :func:`ledger_problems` fails a text used on a family-facing page without a basis, at the
text's own line in the source language's file; a translation has the basis of its English key.
``/{lang}/investigators/sources/`` shows every text with its basis (:func:`sources_rows`).
"""

from __future__ import annotations

import fnmatch
import re
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from hemismart_site.errors import Problem
from hemismart_site.model import Slug, Strict, Text

CLAIMS_FILE = "claims.yml"

RecordPath = Annotated[StrictStr, Field(pattern=r"^(protocolSection\.[A-Za-z]+Module(\.[A-Za-z]+(\[\d*\])?)*|hasResults)$")]
FactPath = Annotated[StrictStr, Field(pattern=r"^[a-z_]+(\[\])?(\.[A-Za-z0-9_-]+(\[\])?)*$")]


class Rule(Strict):
    """A statement true of every clinical trial authorised in the EU, shown to families as such."""

    source: Text
    """Where it is laid down: the article of the EU Clinical Trials Regulation, the ICH E6(R3) item, the guidance."""


class Basis(Strict):
    """What one text (or the texts a pattern matches) rests on; ``none`` alone, or at least one of the others."""

    record: list[RecordPath] = []
    """Field paths of the registry record (``protocolSection.designModule.phases``), of modules the site imports."""
    fact: list[FactPath] = []
    """Curated facts in content/ or site_config.yml (``schedule.cycles``, ``site_config.audiences``)."""
    discrepancy: list[Slug] = []
    """Ids of content/discrepancies.yml: the text tells families what the registry leaves unclear."""
    general: list[Slug] = []
    """Ids of the ledger's ``rules``: statements true of every clinical trial authorised in the EU."""
    hospital: StrictBool = False
    """True when only the hospital can say, and the text sends the family there."""
    none: Literal["heading", "navigation", "question", "label", "link"] | None = None
    """Why the text makes no claim at all (alone: no other basis with it)."""

    @model_validator(mode="after")
    def _one_kind(self) -> Basis:
        claims = bool(self.record or self.fact or self.discrepancy or self.general or self.hospital)
        if self.none is not None and claims:
            raise ValueError("'none' (no claim) cannot stand with a basis")
        if self.none is None and not claims:
            raise ValueError("give a basis (record, fact, discrepancy, general, hospital) or none: <why>")
        return self

    def kinds(self) -> list[str]:
        """The kinds of basis present, in a fixed order."""
        return [k for k in ("record", "fact", "discrepancy", "general", "hospital", "none") if getattr(self, k)]


class Claims(Strict):
    """content/claims.yml: the basis of every text families read."""

    rules_apply_in: list[Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$")]]
    """Countries (ISO 3166 codes) whose trials the general rules are true of: the EU's member states and the EEA
    (where Regulation (EU) No 536/2014 applies). A hospital elsewhere is named as following its country's rules."""
    rules: dict[Slug, Rule]
    """The general rules a text may rest on, by id; each id's words in each language are ``claims.rule.<id>``."""
    texts: dict[StrictStr, Basis]
    """Translation keys, or patterns with ``*``, and what the text rests on (an exact key wins over a pattern,
    a longer pattern over a shorter one)."""

    def basis(self, key: str) -> tuple[str, Basis] | None:
        """The entry that gives ``key`` its basis (its own, or the longest pattern that matches), or None."""
        if key in self.texts:
            return key, self.texts[key]
        matches = [p for p in self.texts if "*" in p and fnmatch.fnmatchcase(key, p)]
        if not matches:
            return None
        best = max(matches, key=lambda p: (len(p.replace("*", "")), p))
        return best, self.texts[best]


def claims_problems(project) -> list[Problem]:
    """The ledger's own references: rules, discrepancies, record modules the site imports, facts that exist."""
    claims: Claims | None = project.facts.claims
    if claims is None:
        return []
    loaded = project.sources[CLAIMS_FILE]
    known_modules = {path.split(".")[1] for src in project.facts.registry_sources.values() for path in src.from_.values()}
    known_modules.add("contactsLocationsModule")
    discrepancies = {d.id for d in project.facts.discrepancies}
    problems = []
    for key, basis in claims.texts.items():
        def at(field: str, i: int, message: str) -> Problem:
            return Problem(loaded.file, loaded.line_of(("texts", key, field, i)), f"texts.{key}.{field}[{i}]", message)

        for i, rule in enumerate(basis.general):
            if rule not in claims.rules:
                problems.append(at("general", i, f"unknown rule {rule!r}; rules: {', '.join(claims.rules)}"))
        for i, ident in enumerate(basis.discrepancy):
            if ident not in discrepancies:
                problems.append(at("discrepancy", i, f"unknown discrepancy {ident!r}"))
        for i, path in enumerate(basis.record):
            if path != "hasResults" and path.split(".")[1] not in known_modules:
                problems.append(at("record", i, f"{path.split('.')[1]} is not a module the site's facts come from"))
        for i, path in enumerate(basis.fact):
            if not _fact_exists(project, path):
                problems.append(at("fact", i, f"no fact {path!r} in content/ or site_config.yml"))
    return problems


def _fact_exists(project, path: str) -> bool:
    """Whether a fact path (``schedule.cycles``, ``sites[].status``, ``site_config.audiences``) resolves."""
    steps = [s for s in re.split(r"\.|\[\]", path) if s]
    if steps[0] == "site_config":
        node: object = project.config
        steps = steps[1:]
    else:
        node = project.facts
    for step in steps:
        if isinstance(node, list):
            if not node:
                return True
            node = node[0]
        if isinstance(node, dict):
            if step not in node:
                return False
            node = node[step]
        elif hasattr(node, step):
            node = getattr(node, step)
        else:
            return False
    return True


def ledger_problems(project, translations, usage: dict[str, list[str]], pages) -> list[Problem]:
    """Every text a family-facing page used without a basis in the ledger, at its line in ``translations``
    (the source language's texts), naming the first page that uses it."""
    claims: Claims | None = project.facts.claims
    first_page: dict[str, str] = {}
    for page in pages:
        if page.family_facing:
            for key in usage.get(page.id, []):
                first_page.setdefault(key, page.id)
    problems = []
    for key, page_id in first_page.items():
        if claims is None or claims.basis(key) is None:
            problems.append(Problem(translations.file, translations.line_near(key), f"strings.{key}",
                                    f"no basis in content/{CLAIMS_FILE} (a text families read, on {page_id}): "
                                    "give its record fields, facts, discrepancy, general rule, hospital: true, or none"))
    return problems


def sources_rows(project, usage: dict[str, list[str]], pages) -> list[tuple[object, list[str]]]:
    """For the sources page: each family-facing page with the keys it shows first (keys shown on an earlier
    page are not repeated), in navigation order; hospital pages share one entry (the first hospital)."""
    seen: set[str] = set()
    out = []
    hospital_done = False
    for page in pages:
        if not page.family_facing or page.uses_texts:
            continue
        if page.slug:
            if hospital_done:
                continue
            hospital_done = True
        keys = [k for k in dict.fromkeys(usage.get(page.id, [])) if k not in seen]
        seen.update(keys)
        if keys:
            out.append((page, keys))
    return out
