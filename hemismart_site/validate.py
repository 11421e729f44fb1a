"""Validate content/ and site_config.yml; collect every problem, then stop once.

Two passes, both complete before anything is reported:

1. each file against its schema (:data:`hemismart_site.model.FILES`);
2. cross-field rules (:data:`RULES`): unique ids and slugs, references
   that must exist, days inside the cycle, registry quotes that must be
   found in the facts, dates in order.

Each problem reads ``content/sites.yml:41: sites[12].status: 'RECRUTING'
is not one of …`` and the command line exits 1 with the whole list.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from babel import Locale
from pydantic import BaseModel, ValidationError

from hemismart_site.changes import CHANGES_FILE, Changes
from hemismart_site.claims import CLAIMS_FILE, Claims, claims_problems
from hemismart_site.config import SiteConfig, config_path
from hemismart_site.errors import ContentError, Problem, format_path
from hemismart_site.load import Loaded, load_yaml
from hemismart_site.model import FILES, OPTIONAL_FILES, Facts, SubProtocol, parse_range
from hemismart_site.overrides import (
    OVERRIDES_FILE,
    Overrides,
    apply_overrides,
    relocate,
)

CONTENT_DIR = "content"


@dataclass
class Project:
    """Validated input: the site configuration, the facts, and where each came from."""

    root: Path
    config: SiteConfig
    facts: Facts
    sources: dict[str, Loaded]
    localizers: dict = dataclass_field(default_factory=dict, repr=False, compare=False)
    """Each language's Localizer, made once (hemismart_site.localize.localizer)."""


def load_project(root: Path) -> Project:
    """Load and validate everything under ``root``; raise ContentError listing every problem."""
    problems: list[Problem] = []
    sources: dict[str, Loaded] = {}
    models: dict[str, BaseModel] = {}
    files = {"site_config.yml": (config_path(root), SiteConfig)}
    files.update({name: (root / CONTENT_DIR / name, model) for name, model in FILES.items()})
    files[CLAIMS_FILE] = (root / CONTENT_DIR / CLAIMS_FILE, Claims)
    files[OVERRIDES_FILE] = (root / CONTENT_DIR / OVERRIDES_FILE, Overrides)
    files[CHANGES_FILE] = (root / CONTENT_DIR / CHANGES_FILE, Changes)
    loaded_files: dict[str, tuple[Loaded, type[BaseModel]]] = {}
    for name, (path, model) in files.items():
        display = str(path.relative_to(root))
        if (name in OPTIONAL_FILES or name in (CLAIMS_FILE, OVERRIDES_FILE, CHANGES_FILE)) and not path.exists():
            continue
        try:
            loaded_files[name] = (load_yaml(path, display), model)
        except ContentError as exc:
            problems.extend(exc.problems)
    applied, covered = [], {}
    if OVERRIDES_FILE in loaded_files:  # local corrections replace registry facts before these are validated
        overrides_src = loaded_files.pop(OVERRIDES_FILE)[0]
        sources[OVERRIDES_FILE] = overrides_src
        overrides, found = validate_against(overrides_src, Overrides)
        problems.extend(found)
        if overrides is not None:
            raw = {name: src for name, (src, _) in loaded_files.items() if name in ("trial.yml", "sites.yml")}
            applied, covered, found = apply_overrides(overrides, overrides_src, raw)
            problems.extend(found)
            for name, src in raw.items():
                loaded_files[name] = (src, loaded_files[name][1])
    for name, (loaded, model) in loaded_files.items():
        sources[name] = loaded
        obj, found = validate_against(loaded, model)
        problems.extend(relocate(found, covered, sources[OVERRIDES_FILE].file) if covered else found)
        if obj is not None:
            models[name] = obj
    if problems:
        raise ContentError(_name_sites(problems, sources))
    facts = Facts(
        trial=models["trial.yml"],
        eligibility=models["eligibility.yml"],
        schedule=models["schedule.yml"],
        sites=models["sites.yml"].sites,
        registry_sources={name: models[name].source for name in ("trial.yml", "eligibility.yml", "sites.yml")},
        discrepancies=models["discrepancies.yml"].discrepancies,
        glossary=models["glossary.yml"].terms,
        master_protocol=models.get("master_protocol.yml"),
        claims=models.get(CLAIMS_FILE),
        overrides=applied,
        changes=models[CHANGES_FILE].changes if CHANGES_FILE in models else [],
    )
    project = Project(root, models["site_config.yml"], facts, sources)
    problems = [p for rule in RULES for p in rule(project)]
    if problems:
        raise ContentError(_name_sites(problems, sources))
    return project


# --------------------------------------------------------------------------
# Schema errors → problems
# --------------------------------------------------------------------------


def _name_sites(problems: list[Problem], sources: dict[str, Loaded]) -> list[Problem]:
    """A problem in ``sites[i]`` also names the site by its slug (as drift and import do), when it has one."""
    loaded = sources.get("sites.yml")
    if loaded is None or not isinstance(loaded.data, dict) or not isinstance(loaded.data.get("sites"), list):
        return problems
    sites = loaded.data["sites"]
    out = []
    for p in problems:
        match = re.match(r"^sites\[(\d+)\]", p.key) if p.file == loaded.file else None
        index = int(match.group(1)) if match else None
        slug = sites[index].get("slug") if index is not None and index < len(sites) and isinstance(sites[index], dict) else None
        if isinstance(slug, str) and slug not in p.message:
            p = Problem(p.file, p.line, p.key, f"{p.message} (site {slug})")
        out.append(p)
    return out


def validate_against(loaded: Loaded, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    """Validate one file's data; return the model or the problems, each with its line."""
    if not isinstance(loaded.data, dict):
        return None, [Problem(loaded.file, 1, "", "expected a mapping of keys at the top of the file")]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        return None, [_problem(loaded, model, err) for err in exc.errors(include_url=False)]


def _problem(loaded: Loaded, model: type[BaseModel], err: dict) -> Problem:
    path = _data_path(loaded.data, err["loc"], keep_last=err["type"] in ("missing", "extra_forbidden"))
    return Problem(loaded.file, loaded.line_of(path), format_path(path), _message(model, path, err))


def _data_path(data: object, loc: tuple, keep_last: bool) -> tuple:
    """Drop pydantic's union-member tags from ``loc``, keeping the keys the YAML has."""
    path: list = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif keep_last and i == len(loc) - 1:
            pass
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(model: type[BaseModel], path: tuple, err: dict) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(model, path)
    if kind == "literal_error":
        expected = ctx["expected"].replace("'", "").replace(" or ", ", ")
        return f"{value!r} is not one of {expected}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form ({ctx['pattern']})"
    if kind.endswith("_type") or kind in ("model_attributes_type", "dict_type", "list_type"):
        return f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        limit = next(iter(ctx.values()))
        return f"{value!r} must be {sign} {limit}"
    if kind == "too_short":
        return f"must have at least {ctx['min_length']} item(s)"
    return err["msg"]


_KIND_NAMES = {
    "int_type": "a whole number", "float_type": "a number", "string_type": "text",
    "bool_type": "true or false", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping",
}


def _kind_name(kind: str) -> str:
    return _KIND_NAMES.get(kind, kind.removesuffix("_type"))


def _unknown_key(model: type[BaseModel], path: tuple) -> str:
    """'unknown key', with the keys allowed there and the closest one."""
    owner = _model_at(model, path[:-1])
    key = path[-1]
    if owner is None:
        return f"unknown key {key!r}"
    allowed = [f.alias or name for name, f in owner.model_fields.items()]
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; allowed here: {', '.join(allowed)}"


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The model class that reads the mapping at ``path``."""
    current: object = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: object) -> object:
    """Strip Annotated[...] and Optional[...] down to the type that holds the value."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


# --------------------------------------------------------------------------
# Cross-field rules
# --------------------------------------------------------------------------


def _at(project: Project, file: str, path: tuple, message: str) -> Problem:
    loaded = project.sources[file]
    return Problem(loaded.file, loaded.line_of(path), format_path(path), message)


def _duplicates(project: Project, file: str, items: Iterable[tuple[tuple, str]], what: str) -> Iterator[Problem]:
    """A problem for every repeat of a value, pointing at the repeat."""
    seen: dict[str, tuple] = {}
    for path, value in items:
        if value in seen:
            first = project.sources[file].line_of(seen[value])
            yield _at(project, file, path, f"{what} {value!r} is used twice (first on line {first})")
        else:
            seen[value] = path


def rule_unique_ids(project: Project) -> Iterator[Problem]:
    """Ids, slugs and levels are unique within their list."""
    f = project.facts
    t = f.trial
    yield from _duplicates(project, "trial.yml", ((("interventions", i, "id"), x.id) for i, x in enumerate(t.interventions)), "intervention id")
    yield from _duplicates(project, "trial.yml", ((("dose_levels", i, "level"), str(x.level)) for i, x in enumerate(t.dose_levels)), "dose level")
    outcomes = [(("outcomes", kind, i, "id"), o.id) for kind in ("primary", "secondary")
                for i, o in enumerate(getattr(t.outcomes, kind) if t.outcomes else [])]
    yield from _duplicates(project, "trial.yml", outcomes, "outcome id")
    yield from _duplicates(project, "sites.yml", ((("sites", i, "slug"), s.slug) for i, s in enumerate(f.sites)), "slug")
    yield from _duplicates(project, "discrepancies.yml", ((("discrepancies", i, "id"), d.id) for i, d in enumerate(f.discrepancies)), "discrepancy id")
    yield from _duplicates(project, "glossary.yml", ((("terms", i), term) for i, term in enumerate(f.glossary)), "term")
    e = f.eligibility
    criteria = [((kind, i, "id"), c.id) for kind in ("inclusion", "exclusion") for i, c in enumerate(getattr(e, kind))]
    yield from _duplicates(project, "eligibility.yml", criteria, "criterion id")
    thresholds = [((kind, i, "thresholds", j, "id"), th.id) for kind in ("inclusion", "exclusion")
                  for i, c in enumerate(getattr(e, kind)) for j, th in enumerate(c.thresholds)]
    yield from _duplicates(project, "eligibility.yml", thresholds, "threshold id")
    yield from _duplicates(project, "eligibility.yml", ((("family_summary", i, "id"), s.id) for i, s in enumerate(e.family_summary)), "summary id")
    yield from _duplicates(project, "schedule.yml", ((("cycles", i, "id"), c.id) for i, c in enumerate(f.schedule.cycles)), "cycle id")
    for i, cycle in enumerate(f.schedule.cycles):
        rows = ((("cycles", i, "rows", j, "medicine"), r.medicine) for j, r in enumerate(cycle.rows))
        yield from _duplicates(project, "schedule.yml", rows, "medicine")


def rule_criteria_numbering(project: Project) -> Iterator[Problem]:
    """IN01, IN02, … and EX01, EX02, … in registry order, so ids match the registry's numbers."""
    for kind, prefix in (("inclusion", "IN"), ("exclusion", "EX")):
        for i, criterion in enumerate(getattr(project.facts.eligibility, kind)):
            expected = f"{prefix}{i + 1:02d}"
            if criterion.id != expected:
                yield _at(project, "eligibility.yml", (kind, i, "id"),
                          f"{criterion.id!r} should be {expected!r} (criterion {i + 1} of the {kind} list)")


def rule_thresholds(project: Project) -> Iterator[Problem]:
    """Each threshold has a known unit and its value appears in its criterion's text."""
    e = project.facts.eligibility
    for kind in ("inclusion", "exclusion"):
        for i, criterion in enumerate(getattr(e, kind)):
            text = _criterion_text(criterion)
            for j, th in enumerate(criterion.thresholds):
                path = (kind, i, "thresholds", j)
                if th.unit is not None and th.unit not in e.units:
                    yield _at(project, "eligibility.yml", path + ("unit",),
                              f"unknown unit {th.unit!r}; known: {', '.join(e.units)}")
                if not _states_number(text, th.value):
                    yield _at(project, "eligibility.yml", path + ("value",),
                              f"{th.value!r} does not appear in the text of {criterion.id}")


def _criterion_text(criterion) -> str:
    parts = [criterion.text]
    stack = list(criterion.items)
    while stack:
        item = stack.pop()
        parts.append(item.text)
        stack.extend(item.items)
    return " ".join(parts)


def _states_number(text: str, value: float) -> bool:
    """Whether ``text`` states ``value`` as a whole number (20 is not found in 2020, 1.5 not in 11.5)."""
    return re.search(rf"(?<![\d.]){re.escape(str(value))}(?![\d]|\.\d)", text) is not None


def rule_references(project: Project) -> Iterator[Problem]:
    """Every id a fact refers to exists: interventions, criteria, discrepancies, sites."""
    f = project.facts
    ids = set(f.trial.intervention_ids)
    for a, arm in enumerate(f.trial.arms):
        for i, ident in enumerate(arm.interventions):
            if ident not in ids:
                yield _at(project, "trial.yml", ("arms", a, "interventions", i),
                          f"unknown intervention {ident!r}; known: {', '.join(sorted(ids))}")
    criteria = {c.id for c in f.eligibility.criteria}
    for i, item in enumerate(f.eligibility.family_summary):
        for j, ident in enumerate(item.criteria):
            if ident not in criteria:
                yield _at(project, "eligibility.yml", ("family_summary", i, "criteria", j), f"unknown criterion {ident!r}")
            elif ident[:2] != item.criteria[0][:2]:
                yield _at(project, "eligibility.yml", ("family_summary", i, "criteria", j),
                          f"{ident!r} mixes inclusion and exclusion criteria in one summary line")
    discrepancies = {d.id for d in f.discrepancies}
    slugs = {s.slug for s in f.sites}
    summarised = {c for item in f.eligibility.family_summary for c in item.criteria}
    for kind, criteria_list in (("inclusion", f.eligibility.inclusion), ("exclusion", f.eligibility.exclusion)):
        for i, criterion in enumerate(criteria_list):
            if criterion.id not in summarised:
                yield _at(project, "eligibility.yml", (kind, i, "id"),
                          f"{criterion.id} is in no family_summary line: families would not read it")
            for j, th in enumerate(criterion.thresholds):
                if th.discrepancy and th.discrepancy not in discrepancies:
                    yield _at(project, "eligibility.yml", (kind, i, "thresholds", j, "discrepancy"),
                              f"unknown discrepancy {th.discrepancy!r}")
    for i, cycle in enumerate(f.schedule.cycles):
        for j, row in enumerate(cycle.rows):
            path = ("cycles", i, "rows", j)
            arm_ids = f.trial.arm.interventions if f.trial.arm else []
            if row.medicine not in arm_ids:
                yield _at(project, "schedule.yml", path + ("medicine",),
                          f"unknown medicine {row.medicine!r}; the first arm has: {', '.join(arm_ids) or 'none'}")
            if row.discrepancy and row.discrepancy not in discrepancies:
                yield _at(project, "schedule.yml", path + ("discrepancy",), f"unknown discrepancy {row.discrepancy!r}")
    for i, d in enumerate(f.discrepancies):
        for j, slug in enumerate(d.sites):
            if slug not in slugs:
                yield _at(project, "discrepancies.yml", ("discrepancies", i, "sites", j), f"unknown site slug {slug!r}")


def rule_schedule_days(project: Project) -> Iterator[Problem]:
    """Days inside the cycle, ranges not reversed, no day given twice in a row."""
    schedule = project.facts.schedule
    length = schedule.cycle_length_days
    for i, cycle in enumerate(schedule.cycles):
        for j, row in enumerate(cycle.rows):
            seen: dict[int, str] = {}
            for field in ("days", "uncertain_days"):
                for k, text in enumerate(getattr(row, field)):
                    path = ("cycles", i, "rows", j, field, k)
                    first, last = parse_range(text)
                    if first > last:
                        yield _at(project, "schedule.yml", path, f"range {text!r} is reversed (write {last}-{first})")
                        continue
                    if first < 1 or last > length:
                        yield _at(project, "schedule.yml", path, f"range {text!r} is outside the cycle (days 1-{length})")
                        continue
                    overlap = sorted(d for d in range(first, last + 1) if d in seen)
                    if overlap:
                        yield _at(project, "schedule.yml", path,
                                  f"range {text!r} overlaps {seen[overlap[0]]!r} (day {overlap[0]})")
                    seen.update({d: text for d in range(first, last + 1)})
            if row.as_decided_by_doctor == bool(row.days):
                yield _at(project, "schedule.yml", ("cycles", i, "rows", j),
                          "give either days or as_decided_by_doctor: true, not both and not neither")


def rule_schedule_cycles(project: Project) -> Iterator[Problem]:
    """Timelines start at cycle 1, go up, and only the last one repeats."""
    cycles = project.facts.schedule.cycles
    expected = 1
    for i, cycle in enumerate(cycles):
        if cycle.first_cycle != expected:
            yield _at(project, "schedule.yml", ("cycles", i, "first_cycle"),
                      f"expected {expected} (the cycle after the previous timeline)")
        if cycle.repeats != (i == len(cycles) - 1):
            yield _at(project, "schedule.yml", ("cycles", i, "repeats"),
                      "only the last timeline repeats, and it must")
        expected = cycle.first_cycle + 1


def rule_registry_quotes(project: Project) -> Iterator[Problem]:
    """Words said to be the registry's are found in the registry-derived facts."""
    f = project.facts
    arm = (f.trial.arm.description if f.trial.arm else None) or ""
    for key in ("cycle_length_text", "intrathecal_text"):
        if getattr(f.schedule, key) not in arm:
            yield _at(project, "schedule.yml", (key,), "not found in trial.yml arm.description")
    if str(f.schedule.cycle_length_days) not in f.schedule.cycle_length_text:
        yield _at(project, "schedule.yml", ("cycle_length_days",), "the number does not appear in cycle_length_text")
    ramp = f.schedule.ramp_up
    if ramp is not None:
        if ramp.text not in arm:
            yield _at(project, "schedule.yml", ("ramp_up", "text"), "not found in trial.yml arm.description")
        if str(ramp.days) not in ramp.text:
            yield _at(project, "schedule.yml", ("ramp_up", "days"), "the number does not appear in ramp_up.text")
        if ramp.medicine not in {i.id for i in f.trial.interventions}:
            yield _at(project, "schedule.yml", ("ramp_up", "medicine"), f"unknown intervention {ramp.medicine!r}")
    for i, level in enumerate(f.trial.dose_levels):
        if level.registry_text not in arm:
            yield _at(project, "trial.yml", ("dose_levels", i, "registry_text"), "not found in arm.description")
        if level.medicine not in {iv.id for iv in f.trial.interventions}:
            yield _at(project, "trial.yml", ("dose_levels", i, "medicine"), f"unknown intervention {level.medicine!r}")
        if str(level.level) not in level.registry_text or level.change not in level.registry_text:
            yield _at(project, "trial.yml", ("dose_levels", i), "the level number and its change must appear in registry_text")
    for i, cycle in enumerate(f.schedule.cycles):
        for j, row in enumerate(cycle.rows):
            if row.registry_text not in arm:
                yield _at(project, "schedule.yml", ("cycles", i, "rows", j, "registry_text"),
                          "not found in trial.yml arm.description")
    corpus = _all_text([f.trial, f.eligibility, f.sites, f.schedule])
    for i, d in enumerate(f.discrepancies):
        for j, quote in enumerate(d.quotes):
            if quote not in corpus:
                yield _at(project, "discrepancies.yml", ("discrepancies", i, "quotes", j), "quote not found in the facts")


def _all_text(model: object) -> str:
    """Every string in the facts, joined (for finding quotes)."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(model)
    return "\n".join(out)


def rule_dates(project: Project) -> Iterator[Problem]:
    """Study dates in order: start ≤ primary completion ≤ completion; first posted after first submitted. A date
    the registry does not give is not compared; a month counts from its first day."""
    s = project.facts.trial.status

    def before(later, earlier) -> bool:
        return later is not None and earlier is not None and later.first_day < earlier.first_day

    if before(s.primary_completion, s.start):
        yield _at(project, "trial.yml", ("status", "primary_completion", "date"), "is before the start date")
    if before(s.completion, s.primary_completion):
        yield _at(project, "trial.yml", ("status", "completion", "date"), "is before the primary completion date")
    r = project.facts.trial.registry
    if r.first_posted is not None and r.first_submitted is not None and r.first_posted.first_day < r.first_submitted:
        yield _at(project, "trial.yml", ("registry", "first_posted", "date"), "is before first_submitted")
    if before(r.last_update_posted, r.first_posted):
        yield _at(project, "trial.yml", ("registry", "last_update_posted", "date"), "is before first_posted")


def rule_countries(project: Project) -> Iterator[Problem]:
    """Site countries are CLDR English country names, so every language can name them."""
    names = set(Locale("en").territories.values())
    for i, site in enumerate(project.facts.sites):
        if site.country not in names:
            english = _country_in_any_language(site.country)
            if english:
                hint = f" (it is {english!r} in another language: write the registry's English, {english!r})"
            else:
                close = difflib.get_close_matches(site.country, sorted(names), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
            yield _at(project, "sites.yml", ("sites", i, "country"),
                      f"{site.country!r} is not a country name CLDR knows{hint}")


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every language's name of every country (CLDR), case-folded, to its English name: Norge → Norway."""
    from babel import localedata

    english = Locale("en").territories
    out: dict[str, str] = {}
    for ident in localedata.locale_identifiers():
        if "_" in ident:
            continue
        try:
            territories = Locale.parse(ident).territories
        except Exception:  # a CLDR locale Babel cannot load: its names are simply not offered
            continue
        for code, name in territories.items():
            if code in english and len(code) == 2:
                out.setdefault(name.casefold(), english[code])
    return out


def _country_in_any_language(name: str) -> str | None:
    """The English name of a country written in another language, or None."""
    return _country_names().get(name.strip().casefold())


def rule_contacts(project: Project) -> Iterator[Problem]:
    """A central contact can be reached: it has an e-mail address or a phone number."""
    for i, contact in enumerate(project.facts.trial.central_contacts):
        if not (contact.email or contact.phone):
            yield _at(project, "trial.yml", ("central_contacts", i), "a central contact needs an email or a phone")


def rule_languages(project: Project) -> Iterator[Problem]:
    """Each published language once, the source language among them, and a translations file for each."""
    config = project.config
    counts = Counter(config.languages)
    for i, code in enumerate(config.languages):
        if counts[code] > 1:
            yield _at(project, "site_config.yml", ("languages", i), f"language {code!r} is listed twice")
        if not (project.root / CONTENT_DIR / "translations" / f"{code}.yml").is_file():
            yield _at(project, "site_config.yml", ("languages", i), f"no translations file content/translations/{code}.yml")
    if config.source_language not in config.languages:
        yield _at(project, "site_config.yml", ("source_language",), f"{config.source_language!r} is not in languages")
    from hemismart_site.readability import FORMULAS

    measured = ["families", *config.audiences]
    for code, targets in config.readability.items():
        if code not in FORMULAS:
            yield _at(project, "site_config.yml", ("readability", code),
                      f"no readability formula for {code!r} (formulas exist for {', '.join(FORMULAS)})")
        for audience in targets:
            if audience not in measured:
                yield _at(project, "site_config.yml", ("readability", code, audience),
                          f"{audience!r} is not an audience (families, or one of audiences: {', '.join(config.audiences)})")
    for name, band in config.audiences.items():
        if band.max_age is not None and band.min_age > band.max_age:
            yield _at(project, "site_config.yml", ("audiences", name, "min_age"), "is above max_age")
        if name in ("families", "investigators", "sites", "search", "glossary", "hem-ismart"):
            yield _at(project, "site_config.yml", ("audiences", name), f"{name!r} is already a section of the site")
    cal = config.calendar
    if cal.min_cycles > cal.max_cycles:
        yield _at(project, "site_config.yml", ("calendar", "min_cycles"),
                  f"{cal.min_cycles} is above max_cycles ({cal.max_cycles})")
    if not cal.min_cycles <= cal.default_cycles <= cal.max_cycles:
        yield _at(project, "site_config.yml", ("calendar", "default_cycles"),
                  f"{cal.default_cycles} is outside min_cycles to max_cycles ({cal.min_cycles} to {cal.max_cycles})")


def rule_master_protocol(project: Project) -> Iterator[Problem]:
    """Sub-protocols: unique numbers and letters in letter order; exactly this trial is described here."""
    mp, trial = project.facts.master_protocol, project.facts.trial
    if mp is None:
        return
    file, subs = "master_protocol.yml", mp.sub_protocols
    yield from _duplicates(project, file, ((("sub_protocols", i, "nct_id"), s.nct_id) for i, s in enumerate(subs)), "NCT number")
    yield from _duplicates(project, file, ((("sub_protocols", i, "letter"), s.letter) for i, s in enumerate(subs)), "letter")
    for i, sub in enumerate(subs):
        if i and sub.letter < subs[i - 1].letter:
            yield _at(project, file, ("sub_protocols", i, "letter"), f"{sub.letter!r} comes after {subs[i - 1].letter!r}: keep letter order")
        yield from _sub_protocol_fields(project, i, sub, trial.identifiers.nct_id)
    if not any(s.nct_id == trial.identifiers.nct_id for s in subs):
        yield _at(project, file, ("sub_protocols",), f"{trial.identifiers.nct_id} (trial.yml identifiers.nct_id) is not listed")
    if mp.registry_quote not in _all_text(trial.description):
        yield _at(project, file, ("registry_quote",), "not found in trial.yml description")
    if mp.name not in mp.registry_quote:
        yield _at(project, file, ("name",), f"{mp.name!r} does not appear in registry_quote")
    if mp.url_of(trial.identifiers.nct_id) != trial.registry.record_url:
        yield _at(project, file, ("study_url",), f"does not give trial.yml registry.record_url ({trial.registry.record_url}) for {trial.identifiers.nct_id}")


def _sub_protocol_fields(project: Project, i: int, sub: SubProtocol, trial_nct: str) -> Iterator[Problem]:
    """This trial: described here, its facts from trial.yml. Any other study: linked only, its facts written out."""
    path = ("sub_protocols", i)
    if sub.described_here != (sub.nct_id == trial_nct):
        why = "it is this trial" if sub.nct_id == trial_nct else f"only {trial_nct} (trial.yml) is described on this site"
        yield _at(project, "master_protocol.yml", path + ("described_here",), f"must be {str(not sub.described_here).lower()}: {why}")
    for key in ("title", "status", "phases"):
        given = key in sub.model_fields_set
        if sub.described_here and given:
            yield _at(project, "master_protocol.yml", path + (key,), "remove it: the study described here takes it from trial.yml")
        elif not sub.described_here and not given:
            yield _at(project, "master_protocol.yml", path, f"{key} is missing (write null if the source does not give it)")
    if not sub.described_here and "title" in sub.model_fields_set and sub.title is None:
        yield _at(project, "master_protocol.yml", path + ("title",), "a study the site links to needs its title")


def rule_provenance(project: Project) -> Iterator[Problem]:
    """Every registry-derived key has a source: ``source.from`` gives the record path the import
    maps it from (hemismart_site/mapping.py), and every file names the same record and version."""
    from hemismart_site.mapping import FROM

    trial = project.facts.trial
    for file, expected in FROM.items():
        source = project.facts.registry_sources[file]
        data = project.sources[file].data
        for key, path in expected.items():
            if key not in data:
                continue
            if key not in source.from_:
                yield _at(project, file, (key,), f"registry-derived, but source.from does not say where it comes from ({path})")
            elif source.from_[key] != path:
                yield _at(project, file, ("source", "from", key), f"is {source.from_[key]!r}; the import maps it from {path!r}")
        for key in set(source.from_) - set(expected):
            yield _at(project, file, ("source", "from", key), "not a registry-derived key of this file")
        if source.record != trial.identifiers.nct_id:
            yield _at(project, file, ("source", "record"), f"{source.record!r} is not this trial ({trial.identifiers.nct_id})")
        for key in ("last_update_posted", "checked"):
            if getattr(source, key) != getattr(trial.source, key):
                yield _at(project, file, ("source", key), f"differs from trial.yml source.{key}")
    if trial.source.last_update_posted != trial.registry.last_update_posted.date:
        yield _at(project, "trial.yml", ("source", "last_update_posted"), "differs from registry.last_update_posted.date")


RULES: list[Callable[[Project], Iterable[Problem]]] = [
    rule_unique_ids,
    rule_criteria_numbering,
    rule_thresholds,
    rule_references,
    rule_schedule_days,
    rule_schedule_cycles,
    rule_registry_quotes,
    rule_dates,
    rule_countries,
    rule_contacts,
    rule_languages,
    rule_master_protocol,
    rule_provenance,
    claims_problems,
]
"""Every cross-field rule, run in this order; all of them run even when one finds problems."""
