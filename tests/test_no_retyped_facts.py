"""Facts live once, in content/: templates and translations never retype a number, date or day.

Templates may hold ids that contain digits inside quoted strings (``"phase-1-2"``),
but no digit in their literal text and no number literal in an expression.
Translations may hold no digit at all: every number comes from a {placeholder}.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from hemismart_site.localize import load_translations
from hemismart_site.render import make_environment

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.j2"))

TRANSLATION_DIGITS_ALLOWED = {
    # A unit symbol, not a trial fact: creatinine clearance is normalised to 1.73 m² body surface.
    "unit.ml-min-173m2",
}


def numbers_in_template(path: Path, base: Path = ROOT) -> list[str]:
    """Digits in the text a reader sees, and number literals in expressions, with their lines.

    Markup is not a fact: digits inside HTML/XML tags (``<h4>``, ``tabindex="0"``,
    ``<?xml version="1.0"?>``) are ignored; the text between tags is checked.
    """
    env = make_environment(ROOT)
    found = []
    text = ""
    for line, kind, value in env.lex(path.read_text(encoding="utf-8")):
        if kind == "data":
            text += value
        else:
            text += "\n" * str(value).count("\n") + ("\x00" if kind not in ("whitespace",) else str(value))
        if kind in ("integer", "float"):
            found.append(f"{path.relative_to(base)}:{line}: number literal {value}")
    visible = re.sub(r"<[^<>]*>", lambda m: "\n" * m.group(0).count("\n"), text)
    for number, line_text in enumerate(visible.splitlines(), start=1):
        if re.search(r"\d", line_text):
            found.append(f"{path.relative_to(base)}:{number}: text {line_text.strip()[:60]!r}")
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_holds_no_number(path):
    assert numbers_in_template(path) == []


def test_the_template_check_can_fail(tmp_path):
    bad = tmp_path / "bad.md.j2"
    bad.write_text('<td class="x">Each cycle lasts 28 days.</td>\n{{ t("x", n=3) }}\n', encoding="utf-8")
    assert numbers_in_template(bad, tmp_path) == [
        "bad.md.j2:2: number literal 3",
        "bad.md.j2:1: text 'Each cycle lasts 28 days.'",
    ]


def test_every_template_is_checked():
    names = {p.relative_to(ROOT / "templates").as_posix() for p in TEMPLATES}
    assert {"pages/_base.md.j2", "pages/families/schedule.md.j2", "partials/schedule.md.j2", "root/index.html.j2"} <= names


@pytest.mark.parametrize("lang", ["en"])
def test_translations_hold_no_digit(lang):
    strings = load_translations(ROOT, lang).strings
    offenders = {k: v for k, v in strings.items() if re.search(r"\d", v) and k not in TRANSLATION_DIGITS_ALLOWED}
    assert offenders == {}


def test_the_translation_allowlist_is_still_needed():
    strings = load_translations(ROOT, "en").strings
    for key in TRANSLATION_DIGITS_ALLOWED:
        assert re.search(r"\d", strings[key]), f"{key} no longer holds a digit: drop it from the allowlist"


def test_jinja_lexer_token_names_are_as_expected():
    # Guards the check above against a Jinja upgrade renaming its token types.
    tokens = {kind for _, kind, _ in jinja2.Environment().lex("a {{ 1 + 2.5 }}")}
    assert {"data", "integer", "float"} <= tokens
