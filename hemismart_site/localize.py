"""Translations and locale formatting: every word a reader sees passes through here.

* ``content/translations/<lang>.yml`` holds the prose, keyed (``families.home.intro``),
  and a ``review`` block saying whether a qualified translator has checked it.
* :class:`Localizer` gives templates ``t(key, **params)``: the text for a key
  in the page's language with ``{placeholders}`` filled from the facts. A key
  missing in a language is an error, never English shown under another ``lang``.
* Dates, numbers, country and language names come from CLDR (Babel).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup
from pydantic import StrictStr

from hemismart_site.errors import ContentError, Problem
from hemismart_site.escape import markdown_text
from hemismart_site.load import Loaded, load_yaml
from hemismart_site.model import Date, DatedFact, Facts, Strict
from hemismart_site.textpolicy import parse_placeholders, text_problems
from hemismart_site.validate import Project, validate_against

TRANSLATIONS_DIR = Path("content") / "translations"


class Review(Strict):
    """Who has checked a language's translations."""

    status: Literal["source", "draft", "reviewed"]
    """source (the language the prose is written in), draft (not yet checked by a qualified translator) or reviewed."""
    reviewer: StrictStr | None = None
    """Name of the qualified translator who reviewed it (required when reviewed)."""
    date: Date | None = None
    """The day of that review, YYYY-MM-DD (required when reviewed)."""


class TranslationFile(Strict):
    """content/translations/<lang>.yml."""

    review: Review
    """The translation's review status."""
    strings: dict[StrictStr, object]
    """The texts, as nested mappings of keys; each leaf is one text."""


@dataclass
class Translations:
    """One language's texts, flattened to dotted keys, with their lines."""

    lang: str
    file: str
    review: Review
    strings: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)
    loaded: Loaded | None = None

    def line_near(self, key: str) -> int:
        """The line of ``key``, or of its nearest parent mapping in the file (where a missing text belongs)."""
        if key in self.lines:
            return self.lines[key]
        if self.loaded is None:
            return 1
        return self.loaded.line_of(("strings", *key.split("."))) or 1


def load_translations(root: Path, lang: str) -> Translations:
    """Read and check one language's file; ContentError lists every problem."""
    rel = TRANSLATIONS_DIR / f"{lang}.yml"
    loaded = load_yaml(root / rel, str(rel))
    model, problems = validate_against(loaded, TranslationFile)
    if problems:
        raise ContentError(problems)
    strings: dict[str, str] = {}
    lines: dict[str, int] = {}
    _flatten(loaded, ("strings",), model.strings, strings, lines, problems)
    for key, text in strings.items():
        problems += [Problem(loaded.file, lines[key], f"strings.{key}", message) for message in text_problems(text)]
    if model.review.status == "reviewed" and not (model.review.reviewer and model.review.date):
        problems.append(Problem(loaded.file, loaded.line_of(("review",)), "review", "a reviewed translation names its reviewer and date"))
    if problems:
        raise ContentError(problems)
    return Translations(lang, loaded.file, model.review, strings, lines, loaded)


def _flatten(loaded: Loaded, path: tuple, node: object, out: dict, lines: dict, problems: list) -> None:
    for key, value in node.items():
        child = path + (key,)
        dotted = ".".join(str(p) for p in child[1:])
        if isinstance(value, dict):
            _flatten(loaded, child, value, out, lines, problems)
        elif isinstance(value, str) and value.strip():
            out[dotted] = value.strip("\n")
            lines[dotted] = loaded.line_of(child)
        else:
            problems.append(Problem(loaded.file, loaded.line_of(child), f"strings.{dotted}", "expected a text or a mapping of texts"))


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a text uses (remembered: every page asks for the same texts).

    Every text was checked on loading (:mod:`hemismart_site.textpolicy`), so its braces parse."""
    return parse_placeholders(text)


class MissingText(ContentError):
    """A key the language does not have, or a text using a placeholder no fact or template fills.

    ``problem`` locates it in the translations file; ``in_file`` is True for a placeholder (the text's
    own line is the place to fix it), False for a missing key (asked for by a template, whose line is
    the better place when a template asked)."""

    def __init__(self, message: str, problem: Problem, in_file: bool = False):
        super().__init__([problem])
        self.message = message
        self.problem = problem
        self.in_file = in_file

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.message, self.problem, self.in_file))


escape_text = markdown_text
"""Jinja's ``finalize`` and the placeholders' escaping (:func:`hemismart_site.escape.markdown_text`)."""


class Localizer:
    """What a template uses to speak the page's language."""

    def __init__(self, translations: Translations, facts: Facts, project: Project):
        self.lang = translations.lang
        self.locale = Locale.parse(self.lang)
        self.translations = translations
        self.facts = facts
        self.project = project
        self.direction = self.locale.text_direction
        self.params = self._fact_params()
        self.params["overall_status"] = self.status(facts.trial.status.overall)

    # -- texts -------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether the language has a text for ``key``."""
        return key in self.translations.strings

    def t(self, key: str, **params: object) -> Markup:
        """The text for ``key`` with placeholders filled (fact values escaped)."""
        try:
            text = self.translations.strings[key]
        except KeyError:
            tr = self.translations
            problem = Problem(tr.file, tr.line_near(key), f"strings.{key}", "missing text: the site asks for it here")
            raise MissingText(f"no text for {key!r} in {tr.file}", problem) from None
        names = placeholders(text)
        if not names:
            return Markup(text.format())
        values = {**self.params, **params}
        missing = names - values.keys()
        if missing:
            problem = Problem(self.translations.file, self.translations.lines[key], f"strings.{key}",
                              f"unknown placeholder(s) {_braces(missing)}: no fact or page fills them here")
            raise MissingText(str(problem), problem, in_file=True)
        return Markup(text.format(**{k: escape_text(values[k]) for k in names}))

    # -- CLDR formatting ---------------------------------------------------

    def date(self, value: _dt.date) -> str:
        """A date in the language's long form: 1 October 2025, 1. Oktober 2025."""
        return format_date(value, "long", locale=self.locale)

    def dated(self, fact: DatedFact) -> str:
        """A registry date with (estimated) or (actual) in the language."""
        return str(self.t(f"date_type.{fact.type}", date=self.date(fact.date)))

    def month(self, text: str) -> str:
        """A YYYY-MM month: September 2025."""
        year, month = (int(p) for p in text.split("-"))
        return format_date(_dt.date(year, month, 1), "LLLL y", locale=self.locale)

    def number(self, value: float) -> str:
        """A number with the language's decimal sign: 1.5, 1,5."""
        return format_decimal(value, locale=self.locale)

    def country(self, english_name: str) -> str:
        """A country named in the registry's English, in the page's language."""
        code = {v: k for k, v in Locale("en").territories.items()}[english_name]
        return self.locale.territories[code]

    def language_name(self, code: str) -> str:
        """A language's name in that language itself (for the chooser)."""
        name = Locale.parse(code).get_display_name(code)
        return name[:1].upper() + name[1:]

    def status(self, code: str) -> Markup:
        """A recruitment status in words."""
        return self.t(f"status.{code}")

    # -- the fact values every text may use --------------------------------

    def _fact_params(self) -> dict[str, str]:
        f, n = self.facts, self.number
        t = f.trial
        countries = {s.country for s in f.sites}
        params = {
            "nct_id": t.identifiers.nct_id,
            "short_name": t.identifiers.short_name,
            "acronym": t.identifiers.acronym,
            "registry_name": t.registry.name,
            "age_min": n(t.eligibility.min_years),
            "age_max": n(t.eligibility.max_years),
            "enrollment": n(t.design.enrollment.count),
            "cycle_length": n(f.schedule.cycle_length_days),
            "ramp_up_days": n(f.schedule.venetoclax_ramp_up_days),
            **({"master_protocol": f.master_protocol.name} if f.master_protocol else {}),
            "n_sites": n(len(f.sites)),
            "n_countries": n(len(countries)),
            "n_sites_recruiting": n(sum(s.status == "RECRUITING" for s in f.sites)),
            "n_sites_not_yet": n(sum(s.status == "NOT_YET_RECRUITING" for s in f.sites)),
            "n_medicines": n(len(t.interventions)),
            "n_inclusion": n(len(f.eligibility.inclusion)),
            "n_exclusion": n(len(f.eligibility.exclusion)),
            "last_update": self.date(t.registry.last_update_posted.date),
            "start_date": self.date(t.status.start.date),
            "completion_date": self.date(t.status.completion.date),
            "registry_checked": self.date(t.source.checked),
        }
        if t.identifiers.eu_ct_number is not None:  # a text naming it is an error for a trial without one
            params["eu_ct_number"] = t.identifiers.eu_ct_number
        for band, ages in self.project.config.audiences.items():
            key = band.replace("-", "_")
            params[f"{key}_min_age"] = n(ages.min_age)
            if ages.max_age is not None:
                params[f"{key}_max_age"] = n(ages.max_age)
        for criterion in f.eligibility.criteria:
            for th in criterion.thresholds:
                params[th.id] = n(th.value)
        return params


def localizer(project: Project, lang: str) -> Localizer:
    """The one Localizer of ``lang`` for this project: its file is read and checked once, and every page,
    the navigation, the theme's texts and the machine-readable facts of the language share it."""
    if lang not in project.localizers:
        project.localizers[lang] = Localizer(load_translations(project.root, lang), project.facts, project)
    return project.localizers[lang]


def compare_with_source(source: Translations, other: Translations) -> list[Problem]:
    """Keys missing from ``other``, keys English no longer has, and placeholders that differ."""
    return key_problems(source, other) + placeholder_problems(source, other)


def key_problems(source: Translations, other: Translations) -> list[Problem]:
    """Keys missing from ``other`` and keys English no longer has (fatal under ``build --strict``)."""
    problems = []
    top = other.lines.get(next(iter(other.lines), ""), 1) if other.lines else 1
    for key in sorted(source.strings.keys() - other.strings.keys()):
        problems.append(Problem(other.file, top, f"strings.{key}",
                                f"missing translation (English: {source.strings[key][:60]!r})"))
    for key in sorted(other.strings.keys() - source.strings.keys()):
        problems.append(Problem(other.file, other.lines[key], f"strings.{key}", "no longer in English: remove it"))
    return problems


def placeholder_problems(source: Translations, other: Translations) -> list[Problem]:
    """Texts whose placeholders differ from English's (always fatal: a fact would go missing or be unknown)."""
    problems = []
    for key in sorted(source.strings.keys() & other.strings.keys()):
        want, have = placeholders(source.strings[key]), placeholders(other.strings[key])
        if want != have:
            problems.append(Problem(other.file, other.lines[key], f"strings.{key}",
                                    f"placeholders {_braces(have)} differ from English {_braces(want)}"))
    return problems


def _braces(names: set[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names)) or "none"


def translation_problems(root: Path, source_language: str, languages: list[str],
                         compare=compare_with_source) -> list[Problem]:
    """``compare`` (:func:`compare_with_source`) for every language but the source; every language's
    file is read, so the problems of all of them are reported together."""
    problems: list[Problem] = []
    try:
        source = load_translations(root, source_language)
    except ContentError as exc:
        source, problems = None, list(exc.problems)
    for lang in languages:
        if lang == source_language:
            continue
        try:
            other = load_translations(root, lang)
        except ContentError as exc:
            problems += exc.problems
            continue
        if source is not None:
            problems += compare(source, other)
    return problems
