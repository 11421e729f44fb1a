"""The trial's short name stays on one line in running text (hemismart_site/nowrap.py), and only text is touched."""

from __future__ import annotations

import re

import pytest

from hemismart_site.nowrap import keep_names_whole
from htmldom import parse_html

NAME = "HEM-iSMART-B"
WRAPPED = f'<span class="hs-nowrap">{NAME}</span>'


def test_the_name_in_text_is_wrapped():
    assert keep_names_whole(f"<p>About {NAME}, a trial.</p>", [NAME]) == f"<p>About {WRAPPED}, a trial.</p>"


@pytest.mark.parametrize("html", [
    f'<a href="/{NAME}/" title="{NAME}">link</a>',
    f"<code>{NAME}</code>",
    f'<pre><code class="x">{NAME}\n</code></pre>',
    f'<script type="application/json">{{"name": "{NAME}"}}</script>',
    f"<select><option>{NAME}</option></select>",
    f"<!-- {NAME} -->",
])
def test_attributes_and_raw_elements_are_left_alone(html):
    assert keep_names_whole(html, [NAME]) == html


def test_text_after_a_raw_element_is_wrapped_again():
    out = keep_names_whole(f"<code>{NAME}</code> and {NAME}", [NAME])
    assert out == f"<code>{NAME}</code> and {WRAPPED}"


def test_a_name_with_markup_characters_is_found_as_escaped_text():
    name = "A&B-1"
    assert keep_names_whole("<p>A&amp;B-1 study</p>", [name]) == '<p><span class="hs-nowrap">A&amp;B-1</span> study</p>'


def test_a_name_without_a_hyphen_is_not_touched():
    assert keep_names_whole("<p>ACME trial</p>", ["ACME"]) == "<p>ACME trial</p>"


def test_the_built_pages_keep_the_short_name_whole(built_site):
    """In every language, every place the short name is in a page's text, it is in a no-wrap span; never in an attribute."""
    name = built_site.project.facts.trial.identifiers.short_name
    offenders = []
    for lang in built_site.project.config.languages:
        html = (built_site.site / lang / "families" / "index.html").read_text(encoding="utf-8")
        article = parse_html(html).one("article", cls="md-content__inner")
        spans = [el for el in article.iter() if "hs-nowrap" in el.classes]
        if not spans or any(el.text != name for el in spans):
            offenders.append(f"{lang}: {len(spans)} no-wrap span(s): {[el.text for el in spans][:3]}")
        if re.search(r'="[^"]*<span class="hs-nowrap">', html):
            offenders.append(f"{lang}: a no-wrap span inside an attribute")
    assert not offenders, "\n".join(offenders)
