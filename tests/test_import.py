"""hemismart-site import-registry: the shared record against content/, edited and malformed records.

The command runs in-process (``main``) on private copies of the input.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from hemismart_site.cli import main
from hemismart_site.errors import ContentError
from hemismart_site.load import load_yaml
from hemismart_site.mapping import FROM, slugify
from hemismart_site.validate import load_project
from recordedit import NEW_SITE, OTHER_TRIAL, RECORD_PATH, changed_record, locations, record, write

REGISTRY_FILES = ("trial.yml", "eligibility.yml", "sites.yml")
CHECKED = "2031-01-02"
REPO_CONTENT = Path(__file__).resolve().parents[1] / "content"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under content/, as bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()}


def run_import(root: Path, rec: Path, *extra: str) -> int:
    return main(["import-registry", str(rec), "--root", str(root), "--checked", CHECKED, *extra])


def data(root: Path, name: str) -> dict:
    return load_yaml(root / "content" / name).data


# --------------------------------------------------------------------------
# The shared record
# --------------------------------------------------------------------------


def test_reimporting_the_shared_record_changes_no_byte(content_tree, capsys):
    before = snapshot(content_tree.root)
    assert run_import(content_tree.root, RECORD_PATH) == 0
    assert snapshot(content_tree.root) == before
    assert "0 change(s)" in capsys.readouterr().out


def without(node: dict, curated: list[str]) -> dict:
    """``node`` without the curated keys (``a.b``, ``list[].key``) and the source block."""
    node = json.loads(json.dumps(node))
    node.pop("source", None)
    for path in curated:
        _drop(node, path.split("."))
    return node


def _drop(node: object, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        for item in node.get(head[:-2]) or []:
            _drop(item, rest)
    elif not rest:
        node.pop(head, None)
    elif isinstance(node.get(head), dict):
        _drop(node[head], rest)


CURATED = {
    "trial.yml": ["identifiers.short_name", "dose_levels"],
    "eligibility.yml": ["units", "family_summary", "inclusion[].thresholds", "exclusion[].thresholds"],
    "sites.yml": ["sites[].slug"],
}


def test_import_into_empty_content_gives_the_curated_facts(content_tree, capsys):
    root = content_tree.root
    curated = {name: data(root, name) for name in REGISTRY_FILES}
    for name in REGISTRY_FILES:
        (root / "content" / name).unlink()
    assert run_import(root, RECORD_PATH) == 1  # the curated parts (the family summary) are missing
    err = capsys.readouterr().err
    criteria = [c for kind in ("inclusion", "exclusion") for c in curated["eligibility.yml"][kind]]
    for c in criteria:  # every criterion is named as one families would not read, at its line
        assert re.search(rf"content/eligibility\.yml:\d+: \w+\[\d+\]\.id: {c['id']} is in no family_summary line", err), c["id"]
    for name in REGISTRY_FILES:
        imported = data(root, name)
        assert without(imported, CURATED[name]) == without(curated[name], CURATED[name]), name
        assert imported["source"]["from"] == FROM[name]
        assert imported["source"]["checked"] == CHECKED
    # Intervention ids and routes derived from the registry are the curated ones.
    assert data(root, "trial.yml")["interventions"] == curated["trial.yml"]["interventions"]
    # Derived slugs match the curated ones but for one the trial office shortened.
    derived = [s["slug"] for s in data(root, "sites.yml")["sites"]]
    published = [s["slug"] for s in curated["sites.yml"]["sites"]]
    assert [(a, b) for a, b in zip(published, derived, strict=True) if a != b] == [("la-fe-valencia", "la-fe")]


# --------------------------------------------------------------------------
# An edited record
# --------------------------------------------------------------------------


def test_an_edited_record_updates_only_what_changed(content_tree, tmp_path, capsys):
    root = content_tree.root
    before = {name: data(root, name) for name in REGISTRY_FILES}
    rec = changed_record()
    lille = locations(rec).pop(5)
    assert run_import(root, write(rec, tmp_path / "changed.json")) == 1  # discrepancies.yml still names the removed site
    out, err = capsys.readouterr()
    sites = data(root, "sites.yml")["sites"]
    by_slug = {s["slug"]: s for s in sites}
    old_by_slug = {s["slug"]: s for s in before["sites.yml"]["sites"]}
    # Existing sites keep their slug (and everything curated); statuses follow the record.
    assert by_slug["st-anna-kinderspital"]["status"] == "RECRUITING"
    assert by_slug["rigshospitalet-copenhagen"]["status"] == "ACTIVE_NOT_RECRUITING"
    assert [s["slug"] for s in sites[:-1]] == [s["slug"] for s in before["sites.yml"]["sites"] if s["facility"] != lille["facility"]]
    # The new site gets a derived slug and is reported; the removed one is gone and reported.
    assert sites[-1]["slug"] == "hopital-universitaire-des-enfants-reine-fabiola"
    assert sites[-1]["facility"] == NEW_SITE["facility"] and sites[-1]["postcode"] == "1020"
    assert "chru-lille-hopital-jeanne-de-flandre" not in by_slug and "chru-lille-hopital-jeanne-de-flandre" in old_by_slug
    assert "new site 'Hôpital Universitaire des Enfants Reine Fabiola' (Brussels): slug 'hopital-universitaire-des-enfants-reine-fabiola'" in out
    assert "site removed (no longer in the record): 'CHRU Lille - Hôpital Jeanne de Flandre'" in out
    assert "unknown site slug 'chru-lille-hopital-jeanne-de-flandre'" in err
    # The removed criterion is gone; the later ones move up with their thresholds; the family summary follows.
    exclusion = data(root, "eligibility.yml")["exclusion"]
    assert [c["id"] for c in exclusion] == [f"EX{n:02d}" for n in range(1, 18)]
    assert [c["text"] for c in exclusion] == [c["text"] for c in before["eligibility.yml"]["exclusion"] if c["id"] != "EX03"]
    old_ex = before["eligibility.yml"]["exclusion"]
    assert [c.get("thresholds") for c in exclusion] == [c.get("thresholds") for c in old_ex if c["id"] != "EX03"]
    # The family summary follows: EX03 is gone from its line, the ids after it are one lower.
    renumbered = {f"EX{n:02d}": f"EX{n - 1:02d}" for n in range(4, 19)}
    summary = {line["id"]: line["criteria"] for line in data(root, "eligibility.yml")["family_summary"]}
    expected = {line["id"]: [renumbered.get(c, c) for c in line["criteria"] if c != "EX03"]
                for line in before["eligibility.yml"]["family_summary"]}
    assert summary == {k: v for k, v in expected.items() if v}
    # Provenance moves with the record.
    for name in REGISTRY_FILES:
        assert data(root, name)["source"]["last_update_posted"] == "2025-10-01"
        assert data(root, name)["source"]["checked"] == CHECKED
    assert data(root, "trial.yml")["central_contacts"][0]["email"] == "office@example.org"


def test_comments_key_order_and_curated_keys_survive_an_update(content_tree, tmp_path):
    root = content_tree.root
    texts = {name: (root / "content" / name).read_text(encoding="utf-8") for name in REGISTRY_FILES}
    old_checked = data(root, "sites.yml")["source"]["checked"]
    rec = record()
    locations(rec)[0]["status"] = "RECRUITING"
    assert run_import(root, write(rec, tmp_path / "r.json")) == 0
    for name in REGISTRY_FILES:
        new = (root / "content" / name).read_text(encoding="utf-8")
        old_comments = [line for line in texts[name].splitlines() if line.lstrip().startswith("#")]
        assert [line for line in new.splitlines() if line.lstrip().startswith("#")] == old_comments, name
    old_lines, new_lines = texts["sites.yml"].splitlines(), (root / "content" / "sites.yml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [(f"  checked: '{old_checked}'", f"  checked: '{CHECKED}'"),
                       ("  status: NOT_YET_RECRUITING", "  status: RECRUITING")]
    load_project(root)  # still valid


def test_importing_an_edited_record_twice_changes_nothing_the_second_time(content_tree, tmp_path):
    root = content_tree.root
    rec = write(changed_record(), tmp_path / "changed.json")
    run_import(root, rec)
    after_first = snapshot(root)
    main(["import-registry", str(rec), "--root", str(root), "--checked", "2040-01-01"])
    assert snapshot(root) == after_first


def test_a_new_site_with_a_taken_slug_gets_its_city(content_tree, tmp_path, capsys):
    rec = record()
    twin = {**locations(rec)[0], "city": "Graz", "zip": "8036"}
    locations(rec).append(twin)
    run_import(content_tree.root, write(rec, tmp_path / "r.json"))
    sites = data(content_tree.root, "sites.yml")["sites"]
    assert [s["slug"] for s in sites[:1] + sites[-1:]] == ["st-anna-kinderspital", "st-anna-kinderspital-graz"]


def test_a_renamed_facility_keeps_its_slug(content_tree, tmp_path, capsys):
    rec = record()
    locations(rec)[0]["facility"] = "St. Anna Children's Hospital"
    assert run_import(content_tree.root, write(rec, tmp_path / "r.json")) == 0
    site = data(content_tree.root, "sites.yml")["sites"][0]
    assert (site["slug"], site["facility"]) == ("st-anna-kinderspital", "St. Anna Children's Hospital")
    assert ("note: site 'St. Anna Kinderspital' (Vienna) is now called \"St. Anna Children's Hospital\": "
            "slug 'st-anna-kinderspital' kept") in capsys.readouterr().out


def test_bulleted_criteria_are_numbered_by_position():
    from hemismart_site.registry import parse_criteria

    parsed = parse_criteria("Inclusion Criteria:\n\n* Age 2 to 21 years\n* Signed consent\n\nExclusion Criteria:\n\n* Pregnancy\n")
    assert [[i["text"] for i in parsed[k]] for k in ("inclusion", "exclusion")] == [["Age 2 to 21 years", "Signed consent"], ["Pregnancy"]]


def test_an_edited_criterion_keeps_its_thresholds_and_summary_line(content_tree, tmp_path, capsys):
    rec = record()
    module = rec["protocolSection"]["eligibilityModule"]
    old = "Children between 1 year (≥ 12 months) and 18 years of age at the time of first diagnosis"
    assert module["eligibilityCriteria"].count(old) == 1
    module["eligibilityCriteria"] = module["eligibilityCriteria"].replace(old, old.replace("Children", "Patients"))
    before = data(content_tree.root, "eligibility.yml")
    assert run_import(content_tree.root, write(rec, tmp_path / "r.json")) == 0
    after = data(content_tree.root, "eligibility.yml")
    assert after["inclusion"][0]["text"].startswith("Patients between 1 year")
    assert after["inclusion"][0]["thresholds"] == before["inclusion"][0]["thresholds"]
    assert after["family_summary"] == before["family_summary"]
    assert ("note: inclusion criterion IN01: its text changed; its thresholds and its family_summary line were kept: "
            "check them") in capsys.readouterr().out


def test_an_intervention_described_anew_keeps_its_id_and_routes(content_tree, tmp_path, capsys):
    rec = record()
    interventions = rec["protocolSection"]["armsInterventionsModule"]["interventions"]
    interventions[1]["description"] = "oral tablets"
    assert run_import(content_tree.root, write(rec, tmp_path / "r.json")) == 0
    iv = data(content_tree.root, "trial.yml")["interventions"][1]
    assert (iv["id"], iv["routes"], iv["registry_description"]) == ("venetoclax", ["oral"], "oral tablets")
    assert "note: intervention 'venetoclax' is now 'Venetoclax', 'oral tablets': id and routes ['oral'] kept (check them)" \
        in capsys.readouterr().out


@pytest.mark.parametrize(("text", "slug"), [
    ("Hôpital des Enfants GH Pellegrin - CHU de Bordeaux", "hopital-des-enfants-gh-pellegrin-chu-de-bordeaux"),
    ("Schneider's Children's Medical Center", "schneiders-childrens-medical-center"),
    ("Universitätsklinikum Düsseldorf", "universitatsklinikum-dusseldorf"),
    ("  St. Jude — Memphis  ", "st-jude-memphis"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


# --------------------------------------------------------------------------
# Malformed records: the JSON path named, exit 1, content/ untouched
# --------------------------------------------------------------------------


def _set(path: str, value: object):
    def edit(rec: dict) -> dict:
        node = rec
        *parents, last = path.replace("]", "").replace("[", ".").split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
        return rec
    return edit


MALFORMED = {
    "facility-number": (_set("protocolSection.contactsLocationsModule.locations.3.facility", 42),
                        "protocolSection.contactsLocationsModule.locations[3].facility: expected text, got a number"),
    "no-protocol-section": (_set("protocolSection", KeyError), "protocolSection: required field is missing"),
    "status-module-list": (_set("protocolSection.statusModule", []),
                           "protocolSection.statusModule: expected a mapping, got a list"),
    "count-as-text": (_set("protocolSection.designModule.enrollmentInfo.count", "26"),
                      "protocolSection.designModule.enrollmentInfo.count: expected a whole number, got text"),
    "no-nct-id": (_set("protocolSection.identificationModule.nctId", KeyError),
                  "protocolSection.identificationModule.nctId: required field is missing"),
    "dmc-as-text": (_set("protocolSection.oversightModule.oversightHasDmc", "yes"),
                    "protocolSection.oversightModule.oversightHasDmc: expected true or false, got text"),
    "contact-null": (_set("protocolSection.contactsLocationsModule.locations.0.contacts.0.name", None),
                     "protocolSection.contactsLocationsModule.locations[0].contacts[0].name: expected text, got null"),
    # Criteria without the usual headings and several arms are not malformed: other trials' records have them
    # (tests/test_real_records.py). An arm naming an intervention the record does not have is.
    "arm-names-no-intervention": (_set("protocolSection.armsInterventionsModule.armGroups.0.interventionNames.0", "Drug: Nothing"),
                                  "protocolSection.armsInterventionsModule.armGroups[0].interventionNames[0]: 'Drug: Nothing' names no intervention of the record"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_record_is_rejected_with_its_path(content_tree, tmp_path, capsys, case):
    edit, message = MALFORMED[case]
    path = write(edit(record()), tmp_path / "bad.json")
    before = snapshot(content_tree.root)
    assert run_import(content_tree.root, path) == 1
    err = capsys.readouterr().err
    assert f"{path}: {message}" in err
    assert "nothing was written" in err and "Traceback" not in err
    assert snapshot(content_tree.root) == before


def test_a_record_of_another_trial_is_refused(content_tree, capsys):
    before = snapshot(content_tree.root)
    assert run_import(content_tree.root, OTHER_TRIAL) == 1
    assert (f"{OTHER_TRIAL}: protocolSection.identificationModule.nctId: is NCT09990001, but content/ holds NCT05751044"
            in capsys.readouterr().err)
    assert snapshot(content_tree.root) == before


@pytest.mark.parametrize(("text", "message"), [
    ("{\"protocolSection\": ", "not JSON: Expecting value"),
    ("[1, 2]", "(top level): expected a mapping, got a list"),
    ("{}", "protocolSection: required field is missing"),
])
def test_a_file_that_is_not_a_record_is_rejected(content_tree, tmp_path, capsys, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = snapshot(content_tree.root)
    assert run_import(content_tree.root, path) == 1
    assert message in capsys.readouterr().err
    assert snapshot(content_tree.root) == before


def test_every_problem_of_a_record_is_reported_at_once(content_tree, tmp_path, capsys):
    rec = record()
    locations(rec)[3]["facility"] = 42
    locations(rec)[7]["status"] = None
    rec["protocolSection"]["statusModule"]["overallStatus"] = ["RECRUITING"]
    assert run_import(content_tree.root, write(rec, tmp_path / "bad.json")) == 1
    err = capsys.readouterr().err
    assert "3 problem(s) found; nothing was written." in err


# --------------------------------------------------------------------------
# Provenance: every registry-derived key has a source
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "key"), [(file, key) for file, keys in FROM.items() for key in keys])
def test_every_registry_derived_key_has_its_record_path(project, file, key):
    source = project.facts.registry_sources[file]
    assert source.from_[key] == FROM[file][key]
    assert source.record == project.facts.trial.identifiers.nct_id
    assert source.last_update_posted == project.facts.trial.registry.last_update_posted.date


def test_check_fails_on_a_registry_derived_key_without_a_source(content_tree):
    content_tree.edit("content/sites.yml", "    sites: protocolSection.contactsLocationsModule.locations\n", "")
    content_tree.edit("content/sites.yml", "  from:\n", "  from: {}\n")
    with pytest.raises(ContentError) as exc:
        load_project(content_tree.root)
    line = content_tree.line("content/sites.yml", "sites:", nth=-1)
    assert [str(p) for p in exc.value.problems] == [
        f"content/sites.yml:{line}: sites: registry-derived, but source.from does not say where it comes from "
        "(protocolSection.contactsLocationsModule.locations)"]


def test_check_fails_on_a_wrong_source_path(content_tree):
    content_tree.edit("content/trial.yml", "    keywords: protocolSection.conditionsModule.keywords",
                      "    keywords: protocolSection.conditionsModule.conditions")
    with pytest.raises(ContentError) as exc:
        load_project(content_tree.root)
    line = content_tree.line("content/trial.yml", "    keywords: protocolSection")
    assert [str(p) for p in exc.value.problems] == [
        f"content/trial.yml:{line}: source.from.keywords: is 'protocolSection.conditionsModule.conditions'; "
        "the import maps it from 'protocolSection.conditionsModule.keywords'"]


def test_check_fails_on_a_file_without_a_source_block(content_tree):
    text = content_tree.read("content/eligibility.yml")
    content_tree.write("content/eligibility.yml", text[:text.index("source:\n")] + text[text.index("units:"):])
    with pytest.raises(ContentError) as exc:
        load_project(content_tree.root)
    line = content_tree.line("content/eligibility.yml", "units:")  # the mapping's first key
    assert [str(p) for p in exc.value.problems] == [f"content/eligibility.yml:{line}: source: required key is missing"]


def test_check_fails_when_the_files_name_different_versions(content_tree):
    content_tree.edit("content/sites.yml", "  last_update_posted: '2025-09-16'", "  last_update_posted: '2025-09-17'")
    with pytest.raises(ContentError) as exc:
        load_project(content_tree.root)
    line = content_tree.line("content/sites.yml", "last_update_posted:")
    assert [str(p) for p in exc.value.problems] == [
        f"content/sites.yml:{line}: source.last_update_posted: differs from trial.yml source.last_update_posted"]


# --------------------------------------------------------------------------
# Another trial: an INDUSTRY sponsor, US sites with states, bulleted criteria
# without sub-items, no outcomes, data-sharing or collaborators, no EU CT number
# --------------------------------------------------------------------------

OTHER_CURATED = {
    # What the trial office writes after importing a new trial (README: "Another trial").
    "content/schedule.yml": """\
cycle_length_days: 21
cycle_length_text: Each cycle lasts 21 days.
ramp_up:
  medicine: examplinib
  days: 3
  text: A 3-day examplinib ramp-up is used in cycle 1.
intrathecal_text: No intrathecal therapy is given in this study.
cycles:
- id: every-cycle
  first_cycle: 1
  repeats: true
  rows:
  - medicine: examplinib
    days: ["1-21"]
    registry_text: Examplinib once a day (days 1-21)
  - medicine: irinotecan
    days: ["1-5"]
    registry_text: irinotecan (days 1-5)
""",
    "content/discrepancies.yml": "discrepancies: []\n",
}


def rewrite_texts(tree, relpath: str, texts: dict[str, str]) -> None:
    """Replace texts of a translation file by their dotted keys, keeping the rest of the file (round trip)."""
    from ruamel.yaml import YAML

    yaml_rt = YAML()
    yaml_rt.preserve_quotes = True  # "TRUE", "NO": keys that must stay text
    yaml_rt.width = 4096
    path = tree.root / relpath
    data = yaml_rt.load(path.read_text(encoding="utf-8"))
    for key, text in texts.items():
        node = data["strings"]
        *parents, leaf = key.split(".")
        for part in parents:
            node = node[part]
        assert leaf in node, key
        node[leaf] = text
    with path.open("w", encoding="utf-8") as out:
        yaml_rt.dump(data, out)


@pytest.mark.build
def test_another_trial_imports_into_an_empty_content_and_builds(site_tree, tmp_path):
    from sitebuild import run_cli

    root = site_tree.root
    for name in REGISTRY_FILES:
        (root / "content" / name).unlink()
    result = run_cli("import-registry", OTHER_TRIAL, "--root", root, "--checked", "2025-06-13")
    assert result.returncode == 1, result.stderr  # written, but the curated parts are still missing
    assert "Traceback" not in result.stderr
    assert "note: new site \"Northfield Children's Hospital\" (Denver): slug 'northfield-childrens-hospital-denver'" in result.stdout
    assert "note: new intervention 'Examplinib': id 'examplinib', routes ['oral']" in result.stdout
    # Every piece of curated work still to do, in one pass, each at its file and line: the family summary
    # (no line reads the new criteria yet), and the old trial's schedule and discrepancies (not in this record).
    problems = result.stderr.splitlines()[:-1]
    assert all(re.match(r"content/[a-z_]+\.yml:\d+: \S+: ", line) for line in problems), problems
    assert {line.split(":", 1)[0] for line in problems} == {"content/eligibility.yml", "content/schedule.yml",
                                                           "content/discrepancies.yml", "content/master_protocol.yml"}
    for ident in ("IN01", "IN02", "IN03", "EX01", "EX02"):
        assert any(f"{ident} is in no family_summary line" in line for line in problems), ident

    trial = data(root, "trial.yml")
    assert trial["identifiers"]["eu_ct_number"] is None
    assert trial["sponsors"] == {"responsible_party": "SPONSOR", "lead": {"name": "Acme Oncology, Inc.", "class": "INDUSTRY"},
                                 "collaborators": []}
    assert trial["outcomes"] is None and "ipd_sharing" not in trial
    sites = data(root, "sites.yml")["sites"]
    assert [(s["slug"], s["state"]) for s in sites[:2]] == [("northfield-childrens-hospital", "Massachusetts"),
                                                         ("northfield-childrens-hospital-denver", "Colorado")]
    assert "contacts" in sites[3] and sites[3]["contacts"] == [] and "coordinates" not in sites[3]
    criteria = data(root, "eligibility.yml")
    assert [c["id"] for c in criteria["inclusion"] + criteria["exclusion"]] == ["IN01", "IN02", "IN03", "EX01", "EX02"]

    # The trial office writes what the registry does not hold ...
    site_tree.edit("content/eligibility.yml", "family_summary: []\n",
                   "family_summary:\n- id: consent\n  criteria: [IN01, IN02, IN03]\n- id: pregnancy\n  criteria: [EX01, EX02]\n")
    for path, text in OTHER_CURATED.items():
        site_tree.write(path, text)
    site_tree.edit("content/translations/en.yml", "  medicine:\n", "  medicine:\n"
                   "    examplinib:\n      name: \"Examplinib\"\n      what: \"Examplinib is the medicine this study is about.\"\n"
                   "    irinotecan:\n      name: \"Irinotecan\"\n      what: \"Irinotecan is a chemotherapy medicine.\"\n")
    # ... and rewrites the texts that name an EU CT number this trial does not have. This trial is
    # not part of a master protocol: without content/master_protocol.yml it has no such page.
    site_tree.edit("content/translations/en.yml", " · EU CT {eu_ct_number}.", ".")
    site_tree.edit("content/translations/en.yml", " · EU CT {eu_ct_number} (the registry gives it as the sponsor's study ID).", ".")
    (root / "content" / "master_protocol.yml").unlink()
    # The claims ledger names HEM-iSMART-B's discrepancies and master protocol, which this trial does not have:
    # they go, and a text that rested on them alone goes with them.
    claims = yaml.safe_load(site_tree.read("content/claims.yml"))
    for key, basis in list(claims["texts"].items()):
        basis.pop("discrepancy", None)
        basis["fact"] = [f for f in basis.get("fact", []) if not f.startswith("master_protocol")] or None
        basis = {k: v for k, v in basis.items() if v}
        claims["texts"][key] = basis
        if not basis or key.startswith("hem_ismart."):
            del claims["texts"][key]
    for medicine in ("examplinib", "irinotecan"):  # the office's new texts, with what they rest on
        claims["texts"][f"medicine.{medicine}.what"] = {"record": ["protocolSection.armsInterventionsModule.interventions"]}
    site_tree.write("content/claims.yml", yaml.safe_dump(claims, allow_unicode=True, sort_keys=False))
    # Texts written for HEM-iSMART-B's criteria and outcomes name facts this trial does not have: the build says
    # which (file, line, key, placeholder); the office rewrites them for this trial.
    rewrite_texts(site_tree, "content/translations/en.yml", {
        "who.item.pregnancy": "A girl or young woman who is pregnant or breastfeeding cannot take part.",
        "families.who_text": "Children and young people whose solid tumour has come back or has not gone away.",
        "families.treatment.after_text": "The registry does not say how long patients are followed.",
        "families.taking-part.asked_text": "To come to the hospital for the treatment and for the tests the study needs.",
        "young-people.sex_a": "You cannot take part if you are pregnant or breastfeeding.",
        "young-adults.sex_a": "You cannot take part if you are pregnant or breastfeeding.",
        "families.taking-part.pregnancy_text": "The study does not take anyone who is pregnant or breastfeeding.",
        "young-adults.intro": "This page is for young adults.",
    })

    site = tmp_path / "site"
    result = run_cli("build", "--no-pdf", "--lang", "en", "--site-dir", site, "--root", root)
    assert result.returncode == 0, result.stderr
    page = (site / "en" / "sites" / "northfield-childrens-hospital" / "index.html").read_text(encoding="utf-8")
    assert "Massachusetts" in page and "Boston" in page and "alex.smith@northfield.example" in page
    investigators = (site / "en" / "investigators" / "index.html").read_text(encoding="utf-8")
    assert "Acme Oncology, Inc." in investigators and "EU CT" not in investigators
    assert "last checked against the registry record on 13\u00a0June 2025" in investigators  # en_GB (site_config formats)
    assert (site / "en" / "sites" / "northfield-childrens-hospital-denver" / "index.html").is_file()
    assert not (site / "en" / "hem-ismart").exists() and "hem-ismart/" not in investigators
    # Importing the same record again changes nothing, curated parts included.
    before = snapshot(root)
    assert run_cli("import-registry", OTHER_TRIAL, "--root", root, "--checked", "2030-01-01").returncode == 0
    assert snapshot(root) == before


# --------------------------------------------------------------------------
# Every key is either registry-derived (with its record path) or curated;
# every registry-derived value is the record's own
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", REGISTRY_FILES)
def test_every_key_is_registry_derived_or_curated(name):
    from hemismart_site.mapping import CURATED

    keys = set(load_yaml(REPO_CONTENT / name).data)
    curated_top = {path.split(".")[0].split("[")[0] for path in CURATED[name] if "." not in path and "[" not in path}
    assert keys == {"source"} | set(FROM[name]) | curated_top


GENERATED = {
    # Keys the import writes that are not copied from the record, and why.
    "registry.name": "the registry's name",
    "registry.record_url": "built from nctId",
    "arms[].id": "a slug of the arm's label, kept once published (like a site's slug)",
    "arms[].interventions[]": "intervention ids for interventionNames",
    "outcomes.primary[].id": "numbered by position",
    "outcomes.secondary[].id": "numbered by position",
    "inclusion[].id": "numbered as in the registry",
    "exclusion[].id": "numbered as in the registry",
    "inclusion[].items[].marker": "the registry's marker, read from the criteria text",
    "exclusion[].items[].marker": "the registry's marker, read from the criteria text",
    "inclusion[].items[].items[].marker": "the registry's marker, read from the criteria text",
    "exclusion[].items[].items[].marker": "the registry's marker, read from the criteria text",
}


def _leaves(node: object, path: str = ""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v, f"{path}[]")
    else:
        yield path, node


def _record_values(node: object) -> set[str]:
    from hemismart_site.registry import flatten, parse_criteria

    values = {json.dumps(v) for _, v in _leaves(node)}
    criteria = parse_criteria(node["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])
    values |= {json.dumps(text) for kind in criteria.values() for _, _, text in flatten(kind)}
    return values


@pytest.mark.parametrize("name", REGISTRY_FILES)
def test_every_registry_derived_value_is_the_records_own(name):
    """No value in a registry-derived key is made up: each is a value of the record (criteria: of its parsed text)."""
    from hemismart_site.mapping import CURATED

    record_values = _record_values(record())
    curated = [path.replace("[]", "") for path in CURATED[name]]
    found = 0
    for path, value in _leaves(load_yaml(REPO_CONTENT / name).data):
        plain_path = path.replace("[]", "")
        if path.startswith("source.") or path in GENERATED or any(plain_path == c or plain_path.startswith(c + ".") for c in curated):
            continue
        assert json.dumps(value) in record_values, f"{name}: {path} = {value!r} is not a value of the record"
        found += 1
    assert found > 20


def test_a_broken_content_file_is_reported_and_nothing_is_written(content_tree, capsys):
    content_tree.edit("content/sites.yml", "  city: Vienna\n", "  city: 'Vienna\n")
    before = snapshot(content_tree.root)
    assert run_import(content_tree.root, RECORD_PATH) == 1
    err = capsys.readouterr().err
    assert err.startswith("content/sites.yml:") and "not valid YAML" in err and "Traceback" not in err
    assert snapshot(content_tree.root) == before


def test_outcomes_and_eu_ct_number_are_still_required_keys(content_tree):
    """Another trial may have none (null), but the keys cannot be left out of trial.yml."""
    text = content_tree.read("content/trial.yml")
    start, end = text.index("outcomes:\n"), text.index("eligibility:\n  minimum_age")
    content_tree.write("content/trial.yml", text[:start] + text[end:])
    content_tree.edit("content/trial.yml", "  eu_ct_number: 2022-501866-22-00\n", "")
    with pytest.raises(ContentError) as exc:
        load_project(content_tree.root)
    assert sorted(p.key for p in exc.value.problems) == ["identifiers.eu_ct_number", "outcomes"]
    assert {p.message for p in exc.value.problems} == {"required key is missing"}
