"""Registry records for the import and drift tests: the shared one, and edited copies of it."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECORD_PATH = Path(os.environ.get(
    "HEMISMART_REGISTRY", REPO.parent / "shared" / "registry" / "NCT05751044.ctgov-v2.json"))
assert RECORD_PATH.is_file(), f"registry record not found at {RECORD_PATH} (set HEMISMART_REGISTRY)"
RECORD = json.loads(RECORD_PATH.read_text(encoding="utf-8"))
OTHER_TRIAL = REPO / "tests" / "data" / "NCT09990001-us-industry.ctgov-v2.json"

NEW_SITE = {
    "facility": "Hôpital Universitaire des Enfants Reine Fabiola",
    "status": "NOT_YET_RECRUITING",
    "city": "Brussels",
    "zip": "1020",
    "country": "Belgium",
    "contacts": [{"name": "Jane Doe", "role": "CONTACT", "email": "jane.doe@example.org"}],
}


def record() -> dict:
    """A fresh deep copy of the shared record."""
    return copy.deepcopy(RECORD)


def write(record: dict, path: Path) -> Path:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def locations(rec: dict) -> list[dict]:
    return rec["protocolSection"]["contactsLocationsModule"]["locations"]


def remove_criterion(rec: dict, kind: str, number: int) -> str:
    """Remove criterion ``number`` of ``kind`` (inclusion/exclusion) and renumber the rest; return its text."""
    module = rec["protocolSection"]["eligibilityModule"]
    text = module["eligibilityCriteria"]
    head, _, tail = text.partition("Exclusion Criteria:")
    part = head if kind == "inclusion" else tail
    out, removed, skipping, n = [], None, False, 0
    for line in part.split("\n"):
        match = re.match(r"^(\d+)\. (.*)", line)
        if match:
            skipping = int(match[1]) == number
            if skipping:
                removed = match[2]
                continue
            n += 1
            line = f"{n}. {match[2]}"
        elif skipping and line.strip():
            continue
        out.append(line)
    assert removed is not None, f"{kind} criterion {number} not found"
    part = "\n".join(out)
    module["eligibilityCriteria"] = part + "Exclusion Criteria:" + tail if kind == "inclusion" else head + "Exclusion Criteria:" + part
    return removed


def changed_record() -> dict:
    """The shared record with two site statuses changed, a new site, a removed exclusion criterion,
    a changed central e-mail and a new last-update date."""
    rec = record()
    locs = locations(rec)
    locs[0]["status"] = "RECRUITING"
    locs[2]["status"] = "ACTIVE_NOT_RECRUITING"
    locs.append(copy.deepcopy(NEW_SITE))
    remove_criterion(rec, "exclusion", 3)
    rec["protocolSection"]["contactsLocationsModule"]["centralContacts"][0]["email"] = "office@example.org"
    rec["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2025-10-01"
    return rec
