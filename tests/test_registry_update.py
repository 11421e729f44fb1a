"""A routine registry update keeps the suite green: the tests follow the facts, not today's record.

The record gets what the registry brings every few weeks (a hospital opens, another stops recruiting, a
hospital is added, a new last-update date); the trial office takes it over with ``import-registry`` exactly as
the guide says; then the fact, page and family-content tests run on the updated copy (``HEMISMART_ROOT``,
``HEMISMART_REGISTRY``) in a separate pytest, and pass. No test hard-codes how many hospitals there are,
which are open, or the record's date.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, copy_site_inputs
from recordedit import NEW_SITE, locations, record, write
from sitebuild import run_cli

pytestmark = pytest.mark.build

SUITES = ["tests/test_facts_registry.py", "tests/test_pages.py", "tests/test_family_content.py",
          "tests/test_calendar.py"]
"""The tests whose expected values come from the facts (and the registry record): run on the updated copy."""


def routine_update() -> dict:
    rec = record()
    locs = locations(rec)
    opening = next(loc for loc in locs if loc.get("status") == "NOT_YET_RECRUITING")
    opening["status"] = "RECRUITING"
    stopping = next(loc for loc in locs if loc.get("status") == "RECRUITING" and loc is not opening)
    stopping["status"] = "ACTIVE_NOT_RECRUITING"
    locs.append(copy.deepcopy(NEW_SITE))
    rec["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2025-10-01"
    return rec


def test_a_routine_registry_update_keeps_the_fact_and_page_tests_green(tmp_path):
    root = copy_site_inputs(tmp_path / "root").root
    rec = write(routine_update(), tmp_path / "update.json")
    imported = run_cli("import-registry", rec, "--root", root, "--checked", "2025-10-02")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "new site" in imported.stdout
    sites = yaml.safe_load((root / "content" / "sites.yml").read_text(encoding="utf-8"))["sites"]
    assert len(sites) == len(locations(record())) + 1
    # The change log took the update over (site-status, site-added), for the "What changed" page and feeds.
    changes = yaml.safe_load((root / "content" / "changes.yml").read_text(encoding="utf-8"))["changes"]
    assert {c["kind"] for c in changes} >= {"site-status", "site-added"}
    env = {**os.environ, "HEMISMART_ROOT": str(root), "HEMISMART_REGISTRY": str(rec), "HEMISMART_FUZZ_EXAMPLES": "5"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *SUITES],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
