"""What changed in the registry record over the trial's life: ``content/changes.yml``, a page and Atom feeds.

``hemismart-site import-registry`` appends each change it takes over that a family or a hospital would want
to follow (a hospital opens or closes, joins or leaves, the study's status moves, results are posted, a
contact changes) with the record's last-update date. The site publishes them, newest first, on
``/{lang}/changes/`` and as Atom feeds: ``/{lang}/changes.xml`` for everything and
``/{lang}/changes/<country code>.xml`` for one country (a family waiting for a hospital in their country
to open subscribes to it). Entry texts are translations (``changes.kind.<kind>``) filled from the entry
and the facts, like every other text; feed and entry ids are stable (``tag:`` URIs from the trial's number,
the date, the kind and the site).
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal
from xml.sax.saxutils import escape as xml_escape

from pydantic import StrictStr

from hemismart_site.escape import plain_text
from hemismart_site.model import Date, Slug, Strict

CHANGES_FILE = "changes.yml"

Kind = Literal["site-status", "site-added", "site-removed", "overall-status", "results-posted", "site-contacts",
               "central-contacts"]


class Entry(Strict):
    """One change taken over from the registry."""

    date: Date
    """The record's last-update date (lastUpdatePostDateStruct) of the version that brought the change."""
    kind: Kind
    """site-status, site-added, site-removed, overall-status, results-posted, site-contacts or central-contacts."""
    site: Slug | None = None
    """The hospital's slug, for a change of one hospital."""
    facility: StrictStr | None = None
    """The hospital's name as the registry wrote it then (it may since have left the record)."""
    city: StrictStr | None = None
    """Its city, as the registry wrote it then."""
    country: StrictStr | None = None
    """Its country, in the registry's English (CLDR), for the country feeds."""
    old: StrictStr | None = None
    """The status before (a registry code), for a change of status."""
    new: StrictStr | None = None
    """The status after (a registry code), for a change of status."""


class Changes(Strict):
    """content/changes.yml: the registry changes taken over, newest first (written by import-registry)."""

    changes: list[Entry] = []
    """The changes, newest first."""


def entries_from(changes: list, old_sites: dict, new_sites: dict, date: _dt.date) -> list[dict]:
    """The change-log entries of one import (``changes``: drift's Change list; the sites before and after)."""
    def place(site: dict) -> dict:
        return {k: site.get(k) for k in ("facility", "city", "country")}

    before = {s.get("slug"): s for s in old_sites.get("sites") or [] if isinstance(s, dict)}
    after = {s.get("slug"): s for s in new_sites.get("sites") or [] if isinstance(s, dict)}
    out: list[dict] = []
    seen_contacts: set[str] = set()
    for c in changes:
        if c.file == "sites.yml" and c.key.startswith("sites["):
            slug = c.key[len("sites["):].split("]", 1)[0]
            rest = c.key.split("]", 1)[1]
            site = after.get(slug) or before.get(slug) or {}
            if c.what == "added" and rest == "":
                out.append({"date": date, "kind": "site-added", "site": slug, **place(site), "new": site.get("status")})
            elif c.what == "removed" and rest == "":
                out.append({"date": date, "kind": "site-removed", "site": slug, **place(site)})
            elif rest == ".status":
                out.append({"date": date, "kind": "site-status", "site": slug, **place(site), "old": c.old, "new": c.new})
            elif rest.startswith(".contacts") and slug not in seen_contacts:
                seen_contacts.add(slug)
                out.append({"date": date, "kind": "site-contacts", "site": slug, **place(site)})
        elif c.file == "trial.yml" and c.key == "status.overall":
            out.append({"date": date, "kind": "overall-status", "old": c.old, "new": c.new})
        elif c.file == "trial.yml" and c.key == "registry.has_results" and c.new is True:
            out.append({"date": date, "kind": "results-posted"})
        elif c.file == "trial.yml" and c.key.startswith("central_contacts") and "central" not in seen_contacts:
            seen_contacts.add("central")
            out.append({"date": date, "kind": "central-contacts"})
    return [{k: v for k, v in e.items() if v is not None} for e in out]


def entry_id(nct: str, entry: Entry) -> str:
    """A stable id for an entry: the same entry has the same id in every build and every language."""
    return f"tag:clinicaltrials.gov,{entry.date.isoformat()}:{nct}/{entry.kind}/{entry.site or 'trial'}"


def entry_text(l10n, entry: Entry) -> str:
    """The entry in words, in the Localizer's language (a translation filled from the entry)."""
    params = {"date": l10n.date(entry.date)}
    if entry.facility:
        params.update(facility=entry.facility, city=l10n.city(entry.city or ""), country=l10n.country(entry.country)
                      if entry.country else "")
    if entry.kind in ("site-status", "overall-status"):  # a status the registry no longer gives reads "not given"
        params.update(old=l10n.status(entry.old), new=l10n.status(entry.new))
    elif entry.kind == "site-added":
        params["new"] = l10n.status(entry.new)
    return str(l10n.t(f"changes.kind.{entry.kind}", **params))


def atom_feed(l10n, entries: list[Entry], self_url: str, page_url: str, title: str) -> str:
    """An Atom 1.0 feed (RFC 4287) of ``entries`` in the Localizer's language; deterministic bytes."""
    facts = l10n.facts
    nct = facts.trial.identifiers.nct_id
    newest = max((e.date for e in entries), default=facts.trial.registry.last_update_posted.first_day)
    lang = l10n.lang

    def stamp(day: _dt.date) -> str:
        return f"{day.isoformat()}T00:00:00Z"

    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_escape(lang)}">',
             f"<id>{xml_escape(self_url)}</id>",
             f"<title>{xml_escape(title)}</title>",
             f"<updated>{stamp(newest)}</updated>",
             f"<author><name>{xml_escape(facts.trial.sponsors.lead.name)}</name></author>",
             f'<link rel="self" type="application/atom+xml" href="{xml_escape(self_url)}"/>',
             f'<link rel="alternate" type="text/html" href="{xml_escape(page_url)}"/>']
    for entry in entries:
        text = plain_text(entry_text(l10n, entry))
        lines += ["<entry>",
                  f"<id>{xml_escape(entry_id(nct, entry))}</id>",
                  f"<title>{xml_escape(text)}</title>",
                  f"<updated>{stamp(entry.date)}</updated>",
                  f'<link rel="alternate" type="text/html" href="{xml_escape(page_url)}"/>',
                  f'<content type="text">{xml_escape(text)}</content>',
                  "</entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
