"""Broken input is reported as file:line: key: message, every problem at once.

Each case edits a fresh copy of the input and expects, among the
problems of the ContentError, one with exactly the file, the line (found
from a marker in the edited file, never hard-coded), the key path, and a
message containing the given fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from hemismart_site.errors import ContentError, Problem, format_path
from hemismart_site.load import load_yaml
from hemismart_site.validate import load_project

TRIAL, SITES, ELIG, SCHED, DISC, GLOSS, CONFIG = (
    "content/trial.yml", "content/sites.yml", "content/eligibility.yml", "content/schedule.yml",
    "content/discrepancies.yml", "content/glossary.yml", "site_config.yml",
)



class At:
    """A key path looked up in the edited file: a step ``{"id": "qtcf"}`` is the index of the item with that id.

    Curated lists (thresholds, schedule rows) are edited and reordered, so
    their indexes are looked up rather than typed in.
    """

    def __init__(self, *steps):
        self.steps = steps

    def resolve(self, root, file: str) -> str:
        node, path = load_yaml(root / file).data, []
        for step in self.steps:
            if isinstance(step, dict):
                step = next(i for i, item in enumerate(node) if step.items() <= item.items())
            path.append(step)
            node = node[step] if isinstance(node, list) or step in node else None
        return format_path(tuple(path))


@dataclass
class Case:
    id: str
    file: str
    old: str | None
    """Text to replace; None deletes the file."""
    new: str | None
    key: str | At
    fragment: str
    marker: str | None = None
    """Text on the expected line of the edited file (default: the last line of ``new``)."""
    nth: int | None = None
    """Which line holding ``marker`` (None: it must be the only one)."""
    first: str | None = None
    """Marker of the first occurrence a 'used twice' message names; ``{first}`` in ``fragment`` is its line."""
    line: int | None | Literal["marker"] = "marker"
    """The expected line when it is not found from a marker (None: the problem has no line)."""


CASES = [
    Case("yaml-syntax-error", TRIAL, "  overall: RECRUITING", "  overall: RECRUITING: now",
         "", "not valid YAML: mapping values are not allowed"),
    Case("yaml-unclosed-quote", SITES, "  facility: St. Anna Kinderspital", '  facility: "St. Anna Kinderspital',
         "", "not valid YAML"),
    Case("key-written-twice", TRIAL, "  short_name: HEM-iSMART-B\n", "  short_name: HEM-iSMART-B\n  short_name: HEMiSMART\n",
         "identifiers.short_name", "key written twice (first on line {first})", marker="short_name: HEMiSMART",
         first="short_name: HEM-iSMART-B"),
    Case("unknown-key-did-you-mean", SITES, "  facility: St. Anna Kinderspital", "  facilty: St. Anna Kinderspital",
         "sites[0].facilty", "unknown key 'facilty' (did you mean 'facility'?)"),
    Case("missing-required-key", TRIAL, "    measure: 'Phase I: Maximum tolerated dose (MTD) / Recommended phase 2 dose (RP2D).'\n", "",
         "outcomes.primary[0].measure", "required key is missing", marker="- id: P01"),
    Case("site-status-not-in-enum", SITES, "  country: Austria\n  status: NOT_YET_RECRUITING", "  country: Austria\n  status: RECRUTING",
         "sites[0].status", "'RECRUTING' is not one of NOT_YET_RECRUITING, RECRUITING"),
    Case("malformed-email", SITES, "email: andishe.attarbaschi@stanna.at", "email: andishe.attarbaschi(at)stanna.at",
         "sites[0].contacts[0].email", "'andishe.attarbaschi(at)stanna.at' is not a well-formed e-mail address"),
    Case("malformed-phone", TRIAL, "phone: '+31650006270'", "phone: 'ring the office'",
         "central_contacts[0].phone", "'ring the office' is not a phone number (no digit, a line break, or longer than 60 characters)"),
    Case("impossible-date", TRIAL, "    date: '2025-10-01'", "    date: 2025-02-30",
         "status.start.date", "'2025-02-30' is not a real date"),
    Case("date-not-yyyy-mm-dd", TRIAL, "  first_submitted: '2023-02-20'", "  first_submitted: 20/02/2023",
         "registry.first_submitted", "'20/02/2023' is not a date written YYYY-MM-DD"),
    Case("date-type-not-actual-or-estimated", TRIAL, "    date: '2025-10-01'\n    type: ESTIMATED", "    date: '2025-10-01'\n    type: PLANNED",
         "status.start.type", "'PLANNED' is not one of ACTUAL, ESTIMATED"),
    Case("duplicate-site-slug", SITES, "- slug: universitair-ziekenhuis-gent", "- slug: st-anna-kinderspital",
         "sites[1].slug", "slug 'st-anna-kinderspital' is used twice (first on line {first})", nth=1,
         first="- slug: st-anna-kinderspital"),
    Case("slug-with-capitals-and-spaces", SITES, "- slug: centre-leon-berard", "- slug: Centre Leon Berard",
         "sites[6].slug", "'Centre Leon Berard' is not a slug"),
    Case("duplicate-criterion-id", ELIG, "- id: IN02", "- id: IN01",
         "inclusion[1].id", "criterion id 'IN01' is used twice (first on line {first})", nth=1, first="- id: IN01"),
    Case("misnumbered-criterion-id", ELIG, "- id: EX18", "- id: EX19",
         "exclusion[17].id", "'EX19' should be 'EX18' (criterion 18 of the exclusion list)"),
    Case("criterion-id-bad-form", ELIG, "- id: EX03", "- id: EX3",
         "exclusion[2].id", "'EX3' does not have the expected form"),
    Case("schedule-day-outside-cycle", SCHED, 'days: ["5-8", "12-15"]', 'days: ["5-8", "25-30"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cytarabine"}, "days", 1), "range '25-30' is outside the cycle (days 1-28)"),
    Case("schedule-day-zero", SCHED, 'days: ["3"]', 'days: ["0"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cyclophosphamide"}, "days", 0), "range '0' is outside the cycle (days 1-28)"),
    Case("schedule-reversed-range", SCHED, 'days: ["3"]', 'days: ["14-1"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cyclophosphamide"}, "days", 0), "range '14-1' is reversed (write 1-14)"),
    Case("schedule-overlapping-ranges", SCHED, 'days: ["3-6", "10-13"]', 'days: ["3-6", "5-13"]',
         At("cycles", {"id": "cycle-2-plus"}, "rows", {"medicine": "cytarabine"}, "days", 1), "range '5-13' overlaps '3-6' (day 5)"),
    Case("schedule-uncertain-overlaps-given", SCHED, 'uncertain_days: ["15-28"]', 'uncertain_days: ["14-28"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "dasatinib"}, "uncertain_days", 0), "range '14-28' overlaps '1-14' (day 14)"),
    Case("schedule-day-not-a-range", SCHED, 'days: ["3"]', 'days: ["day 3"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cyclophosphamide"}, "days", 0), "'day 3' does not have the expected form"),
    Case("schedule-unknown-medicine", SCHED, '      - medicine: cyclophosphamide\n        days: ["3"]',
         '      - medicine: cyclofosfamide\n        days: ["3"]',
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cyclofosfamide"}, "medicine"), "unknown medicine 'cyclofosfamide'", marker="medicine: cyclofosfamide"),
    Case("schedule-unknown-discrepancy", SCHED, "discrepancy: ventoclax-spelling", "discrepancy: ventoclax-typo",
         At("cycles", {"id": "cycle-2-plus"}, "rows", {"medicine": "venetoclax"}, "discrepancy"), "unknown discrepancy 'ventoclax-typo'"),
    Case("schedule-text-not-in-arm-description", SCHED, "registry_text: one dose of cyclophosphamide (day 3)",
         "registry_text: one dose of cyclophosphamide (day 4)",
         At("cycles", {"id": "cycle-1"}, "rows", {"medicine": "cyclophosphamide"}, "registry_text"), "not found in trial.yml arm.description"),
    Case("arm-unknown-intervention", TRIAL, "  - intrathecal-chemotherapy\ninterventions:", "  - intrathecal-chemo\ninterventions:",
         "arms[0].interventions[5]", "unknown intervention 'intrathecal-chemo'", marker="  - intrathecal-chemo"),
    Case("enrollment-count-is-text", TRIAL, "    count: 26", "    count: twenty-six",
         "design.enrollment.count", "expected a whole number, got str 'twenty-six'"),
    Case("enrollment-count-negative", TRIAL, "    count: 26", "    count: -26",
         "design.enrollment.count", "-26 must be >= 0"),
    Case("boolean-written-as-text", TRIAL, "  has_dmc: true", "  has_dmc: 'yes'",
         "oversight.has_dmc", "expected true or false, got str 'yes'"),
    Case("nct-id-bad-form", TRIAL, "  nct_id: NCT05751044", "  nct_id: NCT0575104",
         "identifiers.nct_id", "'NCT0575104' does not have the expected form"),
    Case("unknown-country", SITES, "  country: Austria", "  country: Austira",
         "sites[0].country", "'Austira' is not a country name CLDR knows (did you mean 'Austria'?)"),
    Case("latitude-out-of-range", SITES, "    lat: 48.20849", "    lat: 148.20849",
         "sites[0].coordinates.lat", "148.20849 must be <= 90"),
    Case("discrepancy-quote-not-in-facts", DISC, "discrepancies:\n",
         'discrepancies:\n  - id: invented\n    kind: typo\n    fields: [protocolSection]\n    quotes: ["words the record never says"]\n',
         "discrepancies[0].quotes[0]", "quote not found in the facts"),
    Case("discrepancy-unknown-site", DISC, "discrepancies:\n",
         "discrepancies:\n  - id: invented\n    kind: typo\n    fields: [protocolSection]\n    sites: [no-such-hospital]\n",
         "discrepancies[0].sites[0]", "unknown site slug 'no-such-hospital'"),
    Case("discrepancy-unknown-kind", DISC, "discrepancies:\n",
         "discrepancies:\n  - id: invented\n    kind: mistake\n    fields: [protocolSection]\n",
         "discrepancies[0].kind", "'mistake' is not one of contradiction, typo, inconsistency", marker="kind: mistake"),
    Case("threshold-value-not-in-text", ELIG, "    value: 450", "    value: 460",
         At("inclusion", {"id": "IN07"}, "thresholds", {"id": "qtcf"}, "value"), "460 does not appear in the text of IN07"),
    Case("threshold-value-only-inside-another-number", ELIG, "  - id: pearl_index\n    op: <\n    value: 1\n",
         "  - id: pearl_index\n    op: <\n    value: 20\n",
         At("exclusion", {"id": "EX02"}, "thresholds", {"id": "pearl_index"}, "value"), "20 does not appear in the text of EX02"),
    Case("threshold-unknown-unit", ELIG, "    unit: ms\n", "    unit: msec\n",
         At("inclusion", {"id": "IN07"}, "thresholds", {"id": "qtcf"}, "unit"), "unknown unit 'msec'", marker="unit: msec"),
    Case("threshold-unknown-operator", ELIG, "    op: <=\n    value: 450", "    op: =<\n    value: 450",
         At("inclusion", {"id": "IN07"}, "thresholds", {"id": "qtcf"}, "op"), "'=<' is not one of <, <=, >, >=, =", marker="op: =<"),
    Case("family-summary-unknown-criterion", ELIG, "family_summary:\n", "family_summary:\n- id: invented\n  criteria: [EX19]\n",
         "family_summary[0].criteria[0]", "unknown criterion 'EX19'", marker="criteria: [EX19]"),
    Case("primary-completion-before-start", TRIAL, "  primary_completion:\n    date: '2032-02-01'",
         "  primary_completion:\n    date: '2024-02-01'",
         "status.primary_completion.date", "is before the start date", marker="date: '2024-02-01'"),
    Case("completion-before-primary-completion", TRIAL, "  completion:\n    date: '2032-02-01'",
         "  completion:\n    date: '2031-02-01'",
         "status.completion.date", "is before the primary completion date", marker="date: '2031-02-01'"),
    Case("language-without-translations", CONFIG, "languages:\n  - en\n", "languages:\n  - en\n  - pt\n",
         "languages[1]", "no translations file content/translations/pt.yml", marker="  - pt"),
    Case("language-code-unknown", CONFIG, "languages:\n  - en\n", "languages:\n  - en\n  - xx-nonsense\n",
         "languages[1]", "'xx-nonsense' is not a language code that CLDR knows", marker="  - xx-nonsense"),
    Case("site-url-without-final-slash", CONFIG, "site_url: https://hem-ismart-b.example.org/", "site_url: https://hem-ismart-b.example.org",
         "site_url", "must end with '/'"),
    Case("top-level-list-not-mapping", GLOSS, "terms:\n", "",
         "", "expected a mapping of keys at the top of the file", line=1),
    Case("missing-content-file", GLOSS, None, None, "", "file not found", line=None),
    Case("missing-site-config", CONFIG, None, None, "", "file not found", line=None),
]


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id)
    for c in CASES
])
def test_bad_input_is_reported_with_file_line_and_key(content_tree, case):
    if case.old is None:
        (content_tree.root / case.file).unlink()
    else:
        content_tree.edit(case.file, case.old, case.new)
    if case.line == "marker":
        marker = case.marker or case.new.rstrip("\n").splitlines()[-1]
        line = content_tree.line(case.file, marker, case.nth)
    else:
        line = case.line
    key = case.key.resolve(content_tree.root, case.file) if isinstance(case.key, At) else case.key
    fragment = case.fragment.format(first=content_tree.line(case.file, case.first, 0)) if case.first else case.fragment
    assert_reported(problems_of(content_tree), case.file, line, key, fragment)


def problems_of(tree) -> list[Problem]:
    with pytest.raises(ContentError) as info:
        load_project(tree.root)
    problems = info.value.problems
    assert problems and str(info.value) == "\n".join(str(p) for p in problems)
    return problems


def assert_reported(problems: list[Problem], file: str, line: int | None, key: str, fragment: str) -> None:
    listing = "\n".join(str(p) for p in problems)
    matches = [p for p in problems if (p.file, p.line, p.key) == (file, line, key) and fragment in p.message]
    assert matches, f"expected {file}:{line}: {key}: …{fragment}… among:\n{listing}"
    where = f"{file}:{line}" if line is not None else file
    assert str(matches[0]) == (f"{where}: {key}: {matches[0].message}" if key else f"{where}: {matches[0].message}")


def test_the_unedited_input_is_valid(content_tree):
    project = load_project(content_tree.root)
    sites = load_yaml(content_tree.root / SITES).data["sites"]
    assert [s.slug for s in project.facts.sites] == [s["slug"] for s in sites]


def test_not_utf8(content_tree):
    """Reported at the line where the byte is, naming the byte."""
    (content_tree.root / GLOSS).write_bytes("terms:\n  - relapse\n  - caf\xe9\n".encode("latin-1"))
    assert_reported(problems_of(content_tree), GLOSS, 3, "", "not UTF-8 text: byte 0xe9")


def test_a_wrong_number_is_one_problem(content_tree):
    content_tree.edit(SITES, "    lat: 48.20849", "    lat: 48.2N")
    problems = problems_of(content_tree)
    assert_reported(problems, SITES, content_tree.line(SITES, "lat: 48.2N"), "sites[0].coordinates.lat", "expected a number")
    assert len(problems) == 1, "\n".join(map(str, problems))


def test_several_schema_problems_in_one_file_are_all_reported(content_tree):
    t = content_tree
    t.edit(SITES, "  country: Austria\n  status: NOT_YET_RECRUITING", "  country: Austria\n  status: RECRUTING")
    t.edit(SITES, "email: Barbara.DeMoerloose@uzgent.be", "email: Barbara.DeMoerloose")
    t.edit(SITES, "    lat: 55.67594", "    lat: 95.67594")
    t.edit(SITES, "  facility: Oslo University Hospital", "  facilty: Oslo University Hospital")
    problems = problems_of(t)
    assert_reported(problems, SITES, t.line(SITES, "status: RECRUTING"), "sites[0].status", "is not one of")
    assert_reported(problems, SITES, t.line(SITES, "email: Barbara.DeMoerloose"), "sites[1].contacts[0].email", "not a well-formed")
    assert_reported(problems, SITES, t.line(SITES, "lat: 95.67594"), "sites[2].coordinates.lat", "must be <= 90")
    assert_reported(problems, SITES, t.line(SITES, "facilty: Oslo"), "sites[24].facilty", "unknown key 'facilty'")
    assert_reported(problems, SITES, t.line(SITES, "- slug: oslo-university-hospital"), "sites[24].facility", "required key is missing")
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_several_cross_field_problems_are_all_reported(content_tree):
    t = content_tree
    t.edit(SITES, "- slug: universitair-ziekenhuis-gent", "- slug: st-anna-kinderspital")
    t.edit(SITES, "  country: Austria", "  country: Austira")
    t.edit(SCHED, 'days: ["3-6", "10-13"]', 'days: ["3-6", "5-13"]')
    t.edit(ELIG, "    value: 450", "    value: 460")
    t.edit(TRIAL, "  primary_completion:\n    date: '2032-02-01'", "  primary_completion:\n    date: '2024-02-01'")
    problems = problems_of(t)
    assert_reported(problems, SITES, t.line(SITES, "- slug: st-anna-kinderspital", -1), "sites[1].slug", "used twice")
    assert_reported(problems, SITES, t.line(SITES, "country: Austira"), "sites[0].country", "not a country name")
    overlap = At("cycles", {"id": "cycle-2-plus"}, "rows", {"medicine": "cytarabine"}, "days", 1).resolve(t.root, SCHED)
    assert_reported(problems, SCHED, t.line(SCHED, '"5-13"'), overlap, "overlaps")
    value = At("inclusion", {"id": "IN07"}, "thresholds", {"id": "qtcf"}, "value").resolve(t.root, ELIG)
    assert_reported(problems, ELIG, t.line(ELIG, "value: 460"), value, "does not appear")
    assert_reported(problems, TRIAL, t.line(TRIAL, "date: '2024-02-01'"), "status.primary_completion.date", "before the start")
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_problems_in_two_files_are_both_reported(content_tree):
    t = content_tree
    t.edit(TRIAL, "    count: 26", "    count: twenty-six")
    t.edit(SITES, "email: andishe.attarbaschi@stanna.at", "email: andishe.attarbaschi(at)stanna.at")
    t.edit(GLOSS, "  - relapse\n", "  - Relapse\n")
    problems = problems_of(t)
    assert_reported(problems, TRIAL, t.line(TRIAL, "count: twenty-six"), "design.enrollment.count", "whole number")
    assert_reported(problems, SITES, t.line(SITES, "(at)stanna"), "sites[0].contacts[0].email", "e-mail")
    assert_reported(problems, GLOSS, t.line(GLOSS, "- Relapse"), "terms[2]", "is not a slug")
    assert {p.file for p in problems} == {TRIAL, SITES, GLOSS}


def test_a_yaml_error_in_one_file_does_not_hide_problems_in_another(content_tree):
    t = content_tree
    t.edit(TRIAL, "  overall: RECRUITING", "  overall: [RECRUITING")
    t.edit(SITES, "  country: Austria\n  status: NOT_YET_RECRUITING", "  country: Austria\n  status: RECRUTING")
    problems = problems_of(t)
    assert any(p.file == TRIAL and "not valid YAML" in p.message for p in problems), problems
    assert_reported(problems, SITES, t.line(SITES, "status: RECRUTING"), "sites[0].status", "'RECRUTING' is not one of")
