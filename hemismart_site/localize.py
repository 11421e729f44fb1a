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
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit
from decimal import Decimal
from markupsafe import Markup
from pydantic import StrictStr

from hemismart_site.errors import ContentError, Problem
from hemismart_site.escape import markdown_text
from hemismart_site.load import Loaded, load_yaml
from hemismart_site.model import Date, DatedFact, Facts, Strict
from hemismart_site.textpolicy import parse_placeholders, text_problems
from hemismart_site.validate import Project, validate_against

TRANSLATIONS_DIR = Path("content") / "translations"


_DIGIT = re.compile(r"\d")
DIGITS_ALLOWED = ("unit.", "city.")
"""Texts that may hold digits: unit symbols (mL/min/1.73 m²) and city names; no other text retypes a fact."""


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
    made_from: dict[StrictStr, StrictStr] = {}
    """For each text (its dotted key), the English text it was translated from, as gettext keeps a message's
    source: written by ``hemismart-site translations done``. A text whose English has changed since is out
    of date: ``check`` and ``translations status`` list it, and its pages say so."""
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
    made_from: dict[str, str] = field(default_factory=dict)
    """For each text, the English it was made from (``made_from:`` in the file)."""

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
        if _DIGIT.search(text) and not key.startswith(DIGITS_ALLOWED):
            problems.append(Problem(loaded.file, lines[key], f"strings.{key}",
                                    "a number typed in a text: numbers, dates and days come from the facts through "
                                    "{placeholders} (a text that needs a new one: ask for it in the facts)"))
    if model.review.status == "reviewed" and not (model.review.reviewer and model.review.date):
        problems.append(Problem(loaded.file, loaded.line_of(("review",)), "review", "a reviewed translation names its reviewer and date"))
    if problems:
        raise ContentError(problems)
    return Translations(lang, loaded.file, model.review, strings, lines, loaded, dict(model.made_from))


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


_AFTER_Z = {"da": "æøå", "nb": "æøå", "nn": "æøå", "no": "æøå", "sv": "åäö", "fi": "åäö"}
"""Letters the language's alphabet puts after z, in order (CLDR collation tailorings of these languages)."""
_SAME_AS = {"da": {"ä": "æ", "ö": "ø"}, "nb": {"ä": "æ", "ö": "ø"}, "nn": {"ä": "æ", "ö": "ø"}, "no": {"ä": "æ", "ö": "ø"},
            "sv": {"æ": "ä", "ø": "ö"}, "fi": {"æ": "ä", "ø": "ö"}}
"""Letters sorted as another letter of the same alphabet (Danish sorts ä with æ, Swedish ø with ö)."""


def collation_key(text: str, lang: str) -> str:
    """A key that sorts names in the language's alphabetical order: case and accents ignored (é with e, ü with u),
    except the letters the language's alphabet puts after z (Danish and Norwegian æ ø å, Swedish and Finnish
    å ä ö), which sort there, in their order. Other scripts (Hebrew) sort by their letters' order in Unicode.
    Python has no collation of its own and PyICU has no wheels, so these CLDR tailorings are written out here."""
    lang = lang.split("_")[0].split("-")[0]
    after, same = _AFTER_Z.get(lang, ""), _SAME_AS.get(lang, {})
    out = []
    for ch in text.casefold():
        ch = same.get(ch, ch)
        if ch in after:
            out.append(chr(0x7B + after.index(ch)))  # "{", "|", "}": right after "z"
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe"}.get(base, base))
    return "".join(out)


@functools.lru_cache(maxsize=512)
def country_code(english_name: str) -> str:
    """The ISO 3166 code of a country named in CLDR's English (validation has checked that it is one)."""
    return {name: code for code, name in Locale("en").territories.items()}[english_name]


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


_DAY_THEN_WORD = re.compile(r"\b(\d{1,2}\.?) (?:(de|del) )?(?=[^\W\d])")
"""A day's number (with its dot in German, Danish…), the spaces up to the month's name ("16 de septiembre")."""


class Localizer:
    """What a template uses to speak the page's language."""

    def __init__(self, translations: Translations, facts: Facts, project: Project):
        self.lang = translations.lang
        self.locale = Locale.parse(project.config.formats.get(self.lang, self.lang))
        self.translations = translations
        self.facts = facts
        self.project = project
        self.direction = self.locale.text_direction
        self.params: dict[str, object] = {}  # the fact values use texts that take no fact (date_type.*)
        self._numbers: dict[tuple[type, float], str] = {}
        with_sources = self._params_with_sources()  # once: the facts do not change while the Localizer lives
        self._sources = {name: source for name, (source, _) in with_sources.items()}
        self.params = {name: value for name, (_, value) in with_sources.items()}
        self.params["overall_status"] = self.status(facts.trial.status.overall)

    # -- texts -------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether the language has a text for ``key``."""
        return key in self.translations.strings

    stale: frozenset[str] = frozenset()
    """Keys whose text was made from an English text that has changed since (a page using one says so)."""
    used: list[str] | None = None
    """When a list, every key asked for is appended to it (which texts a page uses: the claims ledger)."""

    def t(self, key: str, **params: object) -> Markup:
        """The text for ``key`` with placeholders filled (fact values escaped)."""
        if self.used is not None:
            self.used.append(key)
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
        """A date in the language's long form: 1 October 2025, 1. Oktober 2025. The day's number is held to
        the word after it by a no-break space, so a narrow screen never shows "16." and "September" apart."""
        return _DAY_THEN_WORD.sub(lambda m: "\u00a0".join(filter(None, (m.group(1), m.group(2)))) + "\u00a0",
                                  format_date(value, "long", locale=self.locale))

    def day(self, value: _dt.date | str) -> str:
        """A registry date as the registry gives it: a full date (1 October 2025) or a month (October 2025)."""
        return self.date(value) if isinstance(value, _dt.date) else self.month(value)

    def dated(self, fact: DatedFact | None) -> str:
        """A registry date with (estimated) or (actual) in the language; "not given" when the registry has none."""
        if fact is None:
            return str(self.t("common.not_given"))
        if fact.type is None:
            return self.day(fact.date)
        return str(self.t(f"date_type.{fact.type}", date=self.day(fact.date)))

    def time(self, text: str) -> str:
        """A time of day written HH:MM in the language's short form: 08:00, 8:00 AM."""
        from babel.dates import format_time

        hour, minute = (int(p) for p in text.split(":"))
        return format_time(_dt.time(hour, minute), "short", locale=self.locale)

    def month(self, text: str) -> str:
        """A YYYY-MM month: September 2025."""
        year, month = (int(p) for p in text.split("-"))
        return format_date(_dt.date(year, month, 1), "LLLL y", locale=self.locale)

    def number(self, value: float) -> str:
        """A number with the language's decimal sign: 1.5, 1,5. A negative number in a right-to-left language is
        isolated left to right, so that its minus stays in front (dose level -1, not 1-)."""
        key = (type(value), value)
        if key not in self._numbers:  # the grids ask for the same day numbers thousands of times
            text = format_decimal(value, locale=self.locale)
            self._numbers[key] = f"\u2066{text}\u2069" if value < 0 and self.direction == "rtl" else text
        return self._numbers[key]

    def quantity(self, value: float, unit: str | None) -> str:
        """A threshold's value with its unit: a percentage the language's way (CLDR: 29%, 29 %, %29), any other
        unit as the number and the unit's text (``unit.<id>``) after a space; the bare number without a unit."""
        if unit == "percent":
            from babel.numbers import format_percent

            return format_percent(Decimal(str(value)) / 100, locale=self.locale)
        if unit is None:
            return self.number(value)
        return f"{self.number(value)} {self.t(f'unit.{unit}')}"

    def sort_key(self, text: str) -> str:
        """The key that sorts ``text`` in this language's alphabetical order (:func:`collation_key`)."""
        return collation_key(text, self.lang)

    def country(self, english_name: str) -> str:
        """A country named in the registry's English, in the page's language."""
        return self.locale.territories[country_code(english_name)]

    def phone(self, number: str, country: str | None = None) -> tuple[str, str | None]:
        """A phone number as the registry writes it, formatted for reading and as a ``tel:`` URI by the
        phonenumbers library (the hospital's country as the default region); as written, with no URI, when it
        cannot be parsed as a valid number."""
        import phonenumbers

        region = country_code(country) if country else None
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            return number, None
        if not phonenumbers.is_valid_number(parsed):
            return number, None
        return (phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.RFC3966))

    def city(self, name: str) -> str:
        """A city named as the registry writes it, by its name in this language where the translations give one
        (``city.Vienna: Wien``); as written otherwise."""
        return self.translations.strings.get(f"{CITY_PREFIX}{name}", name)

    def language_name(self, code: str) -> str:
        """A language's name in that language itself (for the chooser)."""
        name = Locale.parse(code).get_display_name(code)
        return name[:1].upper() + name[1:]

    def status(self, code: str | None) -> Markup:
        """A recruitment status in words ("Status not given" when the registry gives none)."""
        return self.t(f"status.{code or 'NONE'}")

    # -- the fact values every text may use --------------------------------

    def _params_with_sources(self) -> dict[str, tuple[str, object]]:
        """``{name: (where the fact lives in content/ or site_config.yml, its value in this language)}``."""
        f, n = self.facts, self.number
        t = f.trial
        countries = {s.country for s in f.sites}
        out: dict[str, tuple[str, object]] = {
            "nct_id": ("trial.identifiers.nct_id", t.identifiers.nct_id),
            "short_name": ("trial.identifiers.short_name", t.identifiers.short_name),
            "acronym": ("trial.identifiers.acronym", t.identifiers.acronym),
            "registry_name": ("trial.registry.name", t.registry.name),
            "n_sites_open": ("sites[].status", n(sum(s.status in ("RECRUITING", "ENROLLING_BY_INVITATION") for s in f.sites))),
            "cycle_length": ("schedule.cycle_length_days", n(f.schedule.cycle_length_days)),
            "n_sites": ("sites", n(len(f.sites))),
            "n_countries": ("sites[].country", n(len(countries))),
            "n_sites_recruiting": ("sites[].status", n(sum(s.status == "RECRUITING" for s in f.sites))),
            "n_sites_not_yet": ("sites[].status", n(sum(s.status == "NOT_YET_RECRUITING" for s in f.sites))),
            "n_medicines": ("trial.interventions", n(len(t.interventions))),
            "n_inclusion": ("eligibility.inclusion", n(len(f.eligibility.inclusion))),
            "n_exclusion": ("eligibility.exclusion", n(len(f.eligibility.exclusion))),
            "last_update": ("trial.registry.last_update_posted", self.day(t.registry.last_update_posted.date)),
            "registry_checked": ("trial.source.checked", self.date(t.source.checked)),
            "lead_sponsor": ("trial.sponsors.lead.name", t.sponsors.lead.name),
            "collaborators": ("trial.sponsors.collaborators", self.list([c.name for c in t.sponsors.collaborators])),
        }
        ages = t.eligibility
        if ages.min_years is not None:
            out["age_min"] = ("trial.eligibility.minimum_age", n(ages.min_years))
        if ages.max_years is not None:
            out["age_max"] = ("trial.eligibility.maximum_age", n(ages.max_years))
            out["maximum_age"] = ("trial.eligibility.maximum_age", self.duration(ages.maximum_age))
        if t.design.enrollment is not None:
            out["enrollment"] = ("trial.design.enrollment.count", n(t.design.enrollment.count))
        if t.status.start is not None:
            out["start_date"] = ("trial.status.start", self.day(t.status.start.date))
            out["start_dated"] = ("trial.status.start", self.dated(t.status.start))
        if t.status.completion is not None:
            out["completion_date"] = ("trial.status.completion", self.day(t.status.completion.date))
            out["completion_dated"] = ("trial.status.completion", self.dated(t.status.completion))
        if t.status.start is not None and t.status.completion is not None:
            years = (t.status.completion.first_day - t.status.start.first_day).days / 365.25
            out["study_years"] = ("trial.status", n(round(years, 1)))
        if t.registry.has_results:
            out["results_url"] = ("trial.registry.has_results", f"{t.registry.record_url}?tab=results")
        if f.master_protocol:
            out["master_protocol"] = ("master_protocol.name", f.master_protocol.name)
        if f.schedule.ramp_up is not None:
            out["ramp_up_days"] = ("schedule.ramp_up.days", n(f.schedule.ramp_up.days))
            out["ramp_up_duration"] = ("schedule.ramp_up.days", self.duration(f"{f.schedule.ramp_up.days} days"))
        frames = [o.time_frame for o in t.outcomes.all if o.time_frame] if t.outcomes else []
        longest = max((d for d in map(self._years, frames) if d is not None), default=None)
        if longest is not None:
            out["max_time_frame"] = ("trial.outcomes[].time_frame", self.duration(f"{longest:g} years"))
        for level in t.dose_levels:
            out[f"dose_level_{level.change}"] = ("trial.dose_levels[].level", n(level.level))
        if t.identifiers.eu_ct_number is not None:  # a text naming it is an error for a trial without one
            out["eu_ct_number"] = ("trial.identifiers.eu_ct_number", t.identifiers.eu_ct_number)
        for band, ages in self.project.config.audiences.items():
            key = band.replace("-", "_")
            out[f"{key}_min_age"] = (f"site_config.audiences.{band}.min_age", n(ages.min_age))
            if ages.max_age is not None:
                out[f"{key}_max_age"] = (f"site_config.audiences.{band}.max_age", n(ages.max_age))
        for criterion in f.eligibility.criteria:
            for th in criterion.thresholds:
                out[th.id] = (f"eligibility.{criterion.id}.thresholds.{th.id}", n(th.value))
        return out

    def param_sources(self) -> dict[str, str]:
        """Where the fact behind each placeholder lives (``{enrollment}`` → ``trial.design.enrollment.count``)."""
        return dict(self._sources)

    _DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day)s?\s*$", re.IGNORECASE)

    @classmethod
    def _years(cls, text: str) -> float | None:
        match = cls._DURATION.match(text or "")
        if not match:
            return None
        per_year = {"year": 1, "month": 12, "week": 52.1775, "day": 365.25}[match.group(2).lower()]
        return float(match.group(1)) / per_year

    def duration(self, text: str) -> str:
        """A registry duration (``7 years``, ``21 Years``, ``6 Months``) in the language; as written if it is not one."""
        match = self._DURATION.match(text or "")
        if not match:
            return text
        value = float(match.group(1))
        return format_unit(int(value) if value.is_integer() else value, f"duration-{match.group(2).lower()}",
                           length="long", locale=self.locale)

    def list(self, items: list[str]) -> str:
        """Items joined the language's way: a, b and c; a, b und c; a, b וג. In Hebrew the prefix "and" (ו) is
        joined to a name in Latin letters with a hyphen, as Hebrew style writes it (ו-IBFM)."""
        if not items:
            return ""
        text = format_list([str(i) for i in items], locale=self.locale)
        if self.locale.language == "he":
            text = re.sub(r"(?<![\u0590-\u05FF])ו(?=[A-Za-z0-9])", "ו-", text)
        return text


def localizer(project: Project, lang: str) -> Localizer:
    """The one Localizer of ``lang`` for this project: its file is read and checked once, and every page,
    the navigation, the theme's texts and the machine-readable facts of the language share it."""
    if lang not in project.localizers:
        l10n = Localizer(load_translations(project.root, lang), project.facts, project)
        source = project.config.source_language
        if lang != source:
            l10n.stale = frozenset(s.key for s in stale_texts(localizer(project, source).translations, l10n.translations))
        project.localizers[lang] = l10n
    return project.localizers[lang]


@dataclass(frozen=True)
class Stale:
    """A translated text whose English has changed since it was translated (or was never recorded)."""

    lang: str
    key: str
    line: int
    old: str | None
    """The English it was made from (``made_from``), or None when none is recorded."""
    new: str
    """The English now."""


def stale_texts(source: Translations, other: Translations) -> list[Stale]:
    """The texts of ``other`` made from another English text than the source's current one, in key order."""
    return [Stale(other.lang, key, other.lines[key], other.made_from.get(key), source.strings[key])
            for key in sorted(source.strings.keys() & other.strings.keys())
            if other.made_from.get(key) != source.strings[key]]


def compare_with_source(source: Translations, other: Translations) -> list[Problem]:
    """Keys missing from ``other``, keys English no longer has, and placeholders that differ."""
    return key_problems(source, other) + placeholder_problems(source, other)


CITY_PREFIX = "city."
"""Texts under ``city.`` name a registry city in a language that has its own name for it (``city.Vienna: Wien``):
a language's own words, with no English text to translate."""


def key_problems(source: Translations, other: Translations) -> list[Problem]:
    """Keys missing from ``other`` and keys English no longer has (fatal under ``build --strict``); a city's
    name in the language (``city.<registry name>``) needs no English text."""
    problems = []
    top = other.lines.get(next(iter(other.lines), ""), 1) if other.lines else 1
    for key in sorted(source.strings.keys() - other.strings.keys()):
        problems.append(Problem(other.file, top, f"strings.{key}",
                                f"missing translation (English: {source.strings[key][:60]!r})"))
    for key in sorted(other.strings.keys() - source.strings.keys()):
        if key.startswith(CITY_PREFIX):
            continue
        problems.append(Problem(other.file, other.lines[key], f"strings.{key}", "no longer in English: remove it"))
    return problems


def placeholder_problems(source: Translations, other: Translations) -> list[Problem]:
    """Texts recorded as made from the current English whose placeholders differ from it (always fatal: a fact
    would go missing or be unknown). A text made from an older English is out of date instead (stale_texts):
    listed by check and translations status, and marked on its pages, until a translator updates it."""
    problems = []
    for key in sorted(source.strings.keys() & other.strings.keys()):
        if other.made_from.get(key) != source.strings[key]:
            continue
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
