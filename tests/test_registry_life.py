"""The registry over the trial's whole life, and records of other trials.

- Realistic changes to NCT05751044's record (an arm added, a site that loses its status, a dropped acronym or
  maximum age, a phone in local format, results posted, the study no longer recruiting, a withdrawn site):
  ``drift`` reports each (exit 1, one line naming the field), ``import-registry`` takes it over, and the site
  still builds.
- The six real records of other trials (../shared/registry/real/): each imports into an empty root without a
  traceback; ``import-registry`` then lists every piece of curated work, each at its file, line and key; the
  imported facts are the record's; ``drift`` says in sync and a second import changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import REGISTRY_RECORD, copy_inputs, copy_site_inputs
from recordedit import locations, record, write
from sitebuild import run_cli, snapshot

REAL = REGISTRY_RECORD.parent / "real"
REAL_RECORDS = sorted(REAL.glob("*.ctgov-v2.json"))
REGISTRY_FILES = ("trial.yml", "eligibility.yml", "sites.yml")
LOCATED = re.compile(r"^content/[a-z_]+\.yml:\d+: \S.*: .+")


def _ps(rec: dict) -> dict:
    return rec["protocolSection"]


def add_arm(rec):
    arms = _ps(rec)["armsInterventionsModule"]["armGroups"]
    arms.append({**arms[0], "label": "Phase II expansion", "description": "Expansion cohort at the recommended dose."})
    return "arms"


def site_without_status(rec):
    del locations(rec)[1]["status"]
    return "status"


def no_acronym(rec):
    del _ps(rec)["identificationModule"]["acronym"]
    return "acronym"


def no_maximum_age(rec):
    del _ps(rec)["eligibilityModule"]["maximumAge"]
    return "maximum_age"


def local_phone(rec):
    _ps(rec)["contactsLocationsModule"]["centralContacts"][0]["phone"] = "617-355-0097"
    return "phone"


def results_posted(rec):
    rec["hasResults"] = True
    return "has_results"


def not_recruiting(rec):
    _ps(rec)["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    return "overall"


def withdrawn_site(rec):
    site = next(loc for loc in locations(rec) if loc.get("status") == "RECRUITING")
    site["status"] = "WITHDRAWN"
    return "status"


CHANGES = [add_arm, site_without_status, no_acronym, no_maximum_age, local_phone, results_posted, not_recruiting,
           withdrawn_site]


@pytest.mark.build
@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_a_realistic_change_is_reported_imported_and_built(tmp_path, change):
    tree = copy_site_inputs(tmp_path / "root")
    root = tree.root
    rec = record()
    field = change(rec)
    path = write(rec, tmp_path / "changed.json")
    drift = run_cli("drift", path, "--root", root)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    lines = [line for line in drift.stdout.splitlines() if line.startswith("content/")]
    assert lines and any(field in line for line in lines), drift.stdout
    assert "Traceback" not in drift.stderr
    imported = run_cli("import-registry", path, "--root", root, "--checked", "2026-01-02")
    assert "Traceback" not in imported.stderr, imported.stderr
    if change is no_maximum_age:
        # The recorded discrepancy quotes the maximum age the record no longer gives: curated work, named.
        assert imported.returncode == 1
        problems = imported.stderr.splitlines()[:-1]
        assert problems and all(LOCATED.match(line) for line in problems), imported.stderr
        assert all(line.startswith("content/discrepancies.yml:") for line in problems), problems
        return
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert run_cli("drift", path, "--root", root).returncode == 0
    site = tmp_path / "site"
    build = run_cli("build", "--no-pdf", "--lang", "en", "--root", root, "--site-dir", site)
    assert build.returncode == 0, build.stderr
    if change is results_posted:
        for page in ("families/index.html", "investigators/index.html"):
            assert "?tab=results" in (site / "en" / page).read_text(encoding="utf-8"), page
    if change is withdrawn_site:
        sites = yaml.safe_load((root / "content" / "sites.yml").read_text(encoding="utf-8"))["sites"]
        gone = next(s for s in sites if s.get("status") == "WITHDRAWN")
        hospitals = (site / "en" / "families" / "hospitals" / "index.html").read_text(encoding="utf-8")
        assert gone["slug"] not in hospitals
        assert gone["slug"] in (site / "en" / "investigators" / "sites" / "index.html").read_text(encoding="utf-8")
    if change is not_recruiting:
        families = (site / "en" / "families" / "index.html").read_text(encoding="utf-8")
        assert "hs-callout--warning" in families


@pytest.mark.parametrize("path", REAL_RECORDS, ids=[p.name.split(".")[0] for p in REAL_RECORDS])
def test_a_real_record_of_another_trial_imports_into_an_empty_root(tmp_path, path):
    tree = copy_inputs(tmp_path)
    root = tree.root
    for name in REGISTRY_FILES:
        (root / "content" / name).unlink()
    rec = json.loads(path.read_text(encoding="utf-8"))
    result = run_cli("import-registry", path, "--root", root, "--checked", "2026-01-01")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr  # HEM-iSMART-B's curated files do not fit it
    problems = result.stderr.splitlines()[:-1]
    assert problems and all(LOCATED.match(line) for line in problems), [p for p in problems if not LOCATED.match(p)][:5]
    assert result.stderr.splitlines()[-1].startswith(f"{len(problems)} problem(s)")
    # The facts are the record's own.
    trial = yaml.safe_load((root / "content" / "trial.yml").read_text(encoding="utf-8"))
    sites = yaml.safe_load((root / "content" / "sites.yml").read_text(encoding="utf-8"))["sites"]
    ps = _ps(rec)
    assert trial["identifiers"]["nct_id"] == ps["identificationModule"]["nctId"]
    assert len(sites) == len(ps.get("contactsLocationsModule", {}).get("locations", []))
    assert len(trial.get("arms") or []) == len(ps.get("armsInterventionsModule", {}).get("armGroups", []))
    assert len({s["slug"] for s in sites}) == len(sites)
    # In sync afterwards, and a second import changes nothing.
    assert run_cli("drift", path, "--root", root).returncode == 0
    before = snapshot(root)
    again = run_cli("import-registry", path, "--root", root, "--checked", "2026-06-01")
    assert again.returncode == 1 and snapshot(root) == before


def test_every_real_record_is_used():
    assert len(REAL_RECORDS) == 6, f"expected the six records of {REAL}"
    assert Path(REAL / "README.md").is_file()
