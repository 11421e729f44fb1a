"""Our copies of Material's templates differ from Material's only by the documented changes.

Anything else differing means Material changed under us (an upgrade): look at the copy again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

MATERIAL_COPIES = {
    # our file: (Material's file, [(Material's text, ours)])
    "base.html": ("base.html", [
        ("<html lang=\"{{ lang.t('language') }}\" class=\"no-js\">",
         "<html lang=\"{{ lang.t('language') }}\" dir=\"{{ config.theme.direction or lang.t('direction') }}\" class=\"no-js\">"),
        ('id="__drawer" autocomplete="off">', 'id="__drawer">'),
        ('id="__search" autocomplete="off">', 'id="__search">'),
    ]),
    "partials/nav-item.html": ("partials/nav-item.html", [
        ('tabindex="{{ tabindex }}"', '{% if tabindex %}tabindex="{{ tabindex }}"{% endif %}'),
    ]),
    "partials/toc.html": ("partials/toc.html", [
        ('<label class="md-nav__title" for="__toc">', '<label class="md-nav__title"{% if page in nav.pages %} for="__toc"{% endif %}>'),
    ]),
}


def expected_copy(ours: str) -> str:
    """Material's file with our documented changes applied."""
    import material

    theirs, changes = MATERIAL_COPIES[ours]
    original = (Path(material.__file__).parent / "templates" / theirs).read_text(encoding="utf-8")
    original = re.sub(r"^\{#-\n  This file was automatically generated - do not edit\n-#\}\n", "", original)
    for old, new in changes:
        assert old in original, f"Material's {theirs} changed: {old!r} is gone; update templates/theme/{ours}"
        original = original.replace(old, new)
    return original


def our_copy(text: str) -> str:
    """Our file without its leading hemismart comment."""
    return re.sub(r"^\{#- hemismart:.*?-#\}\n", "", text, flags=re.S)


@pytest.mark.parametrize("ours", sorted(MATERIAL_COPIES))
def test_material_copies_differ_only_as_documented(ours):
    copy = (REPO / "templates" / "theme" / ours).read_text(encoding="utf-8")
    assert our_copy(copy) == expected_copy(ours), f"templates/theme/{ours} differs from Material's beyond the documented changes"


def test_an_undocumented_change_is_caught():
    copy = (REPO / "templates" / "theme" / "partials" / "toc.html").read_text(encoding="utf-8")
    assert our_copy(copy.replace("md-nav__title", "md-nav__title x", 1)) != expected_copy("partials/toc.html")
