"""hemismart-site drift: content/ against the shared record (in sync) and an edited one (each change reported)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hemismart_site.cli import main
from recordedit import NEW_SITE, RECORD_PATH, changed_record, locations, record, write


def run_drift(root: Path, rec: Path, *extra: str) -> int:
    return main(["drift", str(rec), "--root", str(root), *extra])


def test_the_shared_record_is_in_sync_with_content(content_tree, capsys):
    assert run_drift(content_tree.root, RECORD_PATH) == 0
    assert capsys.readouterr().out.strip() == f"content/ is in sync with {RECORD_PATH}."
    assert run_drift(content_tree.root, RECORD_PATH, "--format", "markdown") == 0
    assert "content/ is in sync with the registry record." in capsys.readouterr().out


def test_the_real_content_is_in_sync_with_the_shared_record(capsys):
    """The repository's own content/ (read only)."""
    assert run_drift(Path(__file__).resolve().parents[1], RECORD_PATH) == 0


@pytest.fixture
def changed(tmp_path) -> Path:
    return write(changed_record(), tmp_path / "changed.json")


EXPECTED = [
    "content/trial.yml: registry.last_update_posted.date: '2025-09-16' → '2025-10-01'",
    "content/trial.yml: central_contacts[0].email: 'hem-ismart@prinsesmaximacentrum.nl' → 'office@example.org'",
    "content/eligibility.yml: exclusion[EX03]: no longer in the record: 'Breast feeding.'",
    "content/eligibility.yml: exclusion: renumbered: EX04 → EX03, EX05 → EX04",
    "content/eligibility.yml: family_summary[pregnancy].criteria: no longer in the record: 'EX03'",
    "content/sites.yml: sites[st-anna-kinderspital].status: 'NOT_YET_RECRUITING' → 'RECRUITING'",
    "content/sites.yml: sites[rigshospitalet-copenhagen].status: 'RECRUITING' → 'ACTIVE_NOT_RECRUITING'",
    "content/sites.yml: sites[hopital-universitaire-des-enfants-reine-fabiola]: new in the record: "
    "Hôpital Universitaire des Enfants Reine Fabiola (Brussels, Belgium), status NOT_YET_RECRUITING",
]


def test_drift_reports_each_change_and_exits_1(content_tree, changed, capsys):
    assert run_drift(content_tree.root, changed) == 1
    lines = capsys.readouterr().out.splitlines()
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), expected
    assert len(lines) == len(EXPECTED) + 1  # one line per change, then the count
    assert lines[-1].startswith(f"{len(EXPECTED)} difference(s) between content/ and {changed}")


def test_drift_as_markdown(content_tree, changed, capsys):
    assert run_drift(content_tree.root, changed, "--format", "markdown") == 1
    out = capsys.readouterr().out
    assert out.startswith("### Registry drift: `changed.json`\n")
    assert "| file | field | what | content/ | record |" in out
    assert "| `content/sites.yml` | `sites[st-anna-kinderspital].status` | changed | 'NOT_YET_RECRUITING' | 'RECRUITING' |" in out
    assert "| `content/eligibility.yml` | `exclusion[EX03]` | removed | 'Breast feeding.' |  |" in out
    assert len([line for line in out.splitlines() if line.startswith("| `content/")]) == len(EXPECTED)


def test_a_removed_site_and_a_changed_site_contact(content_tree, tmp_path, capsys):
    rec = record()
    gone = locations(rec).pop(5)
    locations(rec)[0]["contacts"][0]["email"] = "someone.else@stanna.at"
    assert run_drift(content_tree.root, write(rec, tmp_path / "r.json")) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "content/sites.yml: sites[st-anna-kinderspital].contacts[0].email: 'andishe.attarbaschi@stanna.at' → 'someone.else@stanna.at'" in lines
    assert (f"content/sites.yml: sites[chru-lille-hopital-jeanne-de-flandre]: no longer in the record: "
            f"{gone['facility']} (Lille, France), status NOT_YET_RECRUITING") in lines


def test_a_changed_criterion_text_is_one_removed_and_one_added(content_tree, tmp_path, capsys):
    rec = record()
    module = rec["protocolSection"]["eligibilityModule"]
    assert module["eligibilityCriteria"].count("Breast feeding.") == 1
    module["eligibilityCriteria"] = module["eligibilityCriteria"].replace("Breast feeding.", "Breastfeeding.")
    assert run_drift(content_tree.root, write(rec, tmp_path / "r.json")) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["content/eligibility.yml: exclusion[EX03]: no longer in the record: 'Breast feeding.'",
                         "content/eligibility.yml: exclusion[EX03]: new in the record: 'Breastfeeding.'"]


def test_drift_writes_nothing(content_tree, changed):
    before = {p: p.read_bytes() for p in (content_tree.root / "content").rglob("*.yml")}
    run_drift(content_tree.root, changed)
    assert {p: p.read_bytes() for p in (content_tree.root / "content").rglob("*.yml")} == before


def test_a_malformed_record_exits_2_with_its_path(content_tree, tmp_path, capsys):
    rec = record()
    locations(rec)[3]["facility"] = 42
    path = write(rec, tmp_path / "bad.json")
    assert run_drift(content_tree.root, path) == 2
    err = capsys.readouterr().err
    assert f"{path}: protocolSection.contactsLocationsModule.locations[3].facility: expected text, got a number" in err
    assert "cannot compare" in err and "Traceback" not in err


def test_the_new_site_fixture_is_not_in_the_shared_record():
    assert NEW_SITE["facility"] not in {loc["facility"] for loc in copy.deepcopy(locations(record()))}
