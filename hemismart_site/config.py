"""site_config.yml: the languages, the public address and the audiences.

Read like every content file (line numbers kept, every problem reported);
see :class:`SiteConfig` for what each key means.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, Field, StrictFloat, StrictInt, StrictStr

from hemismart_site.model import Strict, Url


def _check_language(code: str) -> str:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"{code!r} is not a language code that CLDR knows") from None
    return code


def _check_site_url(url: str) -> str:
    if not url.endswith("/"):
        raise ValueError(f"{url!r} must end with '/'")
    return url


LanguageCode = Annotated[StrictStr, AfterValidator(_check_language)]


class AgeBand(Strict):
    """An audience of readers of an age band, with its own page (``/{lang}/<id>/``)."""

    min_age: Annotated[StrictInt, Field(ge=0)]
    """Youngest reader, in years (``{<id>_min_age}`` in a text, the id's hyphens written ``_``)."""
    max_age: Annotated[StrictInt, Field(ge=0)] | None = None
    """Oldest reader, in years (``{<id>_max_age}``); none for an open band (young adults)."""


class CalendarSettings(Strict):
    """The personal calendar form on the schedule page."""

    default_cycles: Annotated[StrictInt, Field(ge=1)]
    """How many cycles the form offers at first (cycle 1 and the cycles after it)."""
    min_cycles: Annotated[StrictInt, Field(ge=1)]
    """The fewest cycles a family can ask for."""
    max_cycles: Annotated[StrictInt, Field(ge=1)]
    """The most cycles a family can ask for."""
    reminder_times: list[Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]] = []
    """Times of day (HH:MM) a family can choose for a reminder on each treatment day; none: no reminder offered."""


class SiteConfig(Strict):
    """site_config.yml: the published languages, the public address and the audiences."""

    site_url: Annotated[Url, AfterValidator(_check_site_url)]
    """The public address of the site, ending with '/': used for hreflang, the sitemap and QR codes."""
    source_language: LanguageCode
    """The language the prose is written in first; other languages translate its keys."""
    languages: Annotated[list[LanguageCode], Field(min_length=1)]
    """Published languages, in the order of the language chooser. Each needs content/translations/<code>.yml."""
    audiences: dict[Annotated[StrictStr, Field(pattern=r"^[a-z]+(-[a-z]+)*$")], AgeBand]
    """The readers of an age band, each with a page at ``/{lang}/<id>/`` from ``templates/pages/<id>/index.md.j2``
    and texts under ``<id>.`` (``young-people``, ``young-adults``, ``children``), in navigation order."""
    formats: dict[LanguageCode, LanguageCode] = {}
    """For a language whose pages follow another CLDR locale's conventions for dates and numbers than the language's
    default (``en: en_GB``: the English pages are written in British English, so their dates read 1 October 2025)."""
    calendar: CalendarSettings
    """Settings of the personal calendar (schedule page) and of ``hemismart-site calendar``."""
    readability: dict[LanguageCode, dict[StrictStr, StrictInt | StrictFloat]] = {}
    """Readability targets per language and audience (``families`` or an id of ``audiences``), in that language's
    formula (see hemismart_site/readability.py): a minimum for Flesch-type scores and Gulpease, a maximum for LIX."""


def language_direction(code: str) -> str:
    """``ltr`` or ``rtl`` for a language, from CLDR."""
    return Locale.parse(code).text_direction


def config_path(root: Path) -> Path:
    """Where site_config.yml lives."""
    return root / "site_config.yml"
