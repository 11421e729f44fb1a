"""The trial's short name stays on one line in running text (hemismart_site/nowrap.py), and only text is touched."""

from __future__ import annotations

import re

import pytest

from hemismart_site.escape import markdown_text
from hemismart_site.nowrap import keep_names_whole
from hemismart_site.pages import all_pages
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


def test_a_name_with_markup_characters_is_found_as_the_site_writes_it():
    """Facts reach the page through escape.markdown_text (``_`` as ``&#95;``, quotes as references)."""
    for name in ("A&B-1", "HEM_iSMART-B", "O'Brien-1", "ACME-[1]"):
        written = str(markdown_text(name))
        assert keep_names_whole(f"<p>{written} study</p>", [name]) == f'<p><span class="hs-nowrap">{written}</span> study</p>'


def test_a_gt_sign_inside_an_attribute_does_not_end_the_tag():
    html = f'<p title="a > {NAME}">x</p>'
    assert keep_names_whole(html, [NAME]) == html


def test_only_the_raw_elements_own_end_tag_ends_it():
    html = f"<code>x</codex>{NAME}</code> {NAME}"
    assert keep_names_whole(html, [NAME]) == f"<code>x</codex>{NAME}</code> {WRAPPED}"


def test_a_name_without_a_hyphen_is_not_touched():
    assert keep_names_whole("<p>ACME trial</p>", ["ACME"]) == "<p>ACME trial</p>"


RAW = {"script", "style", "code", "pre", "textarea", "title", "option"}


def _unwrapped(article, name: str) -> list[str]:
    """Text nodes of an article that hold ``name`` outside a no-wrap span and outside a raw element."""
    out = []
    for node, el in article.text_nodes():
        if name not in node:
            continue
        chain, cur = [], el
        while cur is not None:
            chain.append(cur)
            cur = cur.parent
        if not any("hs-nowrap" in e.classes or e.tag in RAW for e in chain):
            out.append(node.strip()[:80])
    return out


@pytest.mark.parametrize("lang", ["en", "he"])
def test_the_built_pages_keep_the_short_name_whole(built_site, lang):
    """Every page of the language (the sample languages: left to right and right to left): wherever the short name is
    in the text, it is inside a no-wrap span; and no span is inside an attribute."""
    name = built_site.project.facts.trial.identifiers.short_name
    offenders = []
    for page in all_pages(built_site.project):
        html = (built_site.site / lang / page.url / "index.html").read_text(encoding="utf-8")
        article = parse_html(html).one("article", cls="md-content__inner")
        offenders += [f"{lang}/{page.url}: {text!r}" for text in _unwrapped(article, name)]
        if re.search(r'="[^"]*<span class="hs-nowrap">', html):
            offenders.append(f"{lang}/{page.url}: a no-wrap span inside an attribute")
    assert not offenders, "\n".join(offenders[:20])


def test_an_unwrapped_name_is_found(built_site):
    """The can-fail side of the test above: the same page with its spans taken out."""
    name = built_site.project.facts.trial.identifiers.short_name
    html = (built_site.site / "en" / "families" / "index.html").read_text(encoding="utf-8")
    html = re.sub(r'<span class="hs-nowrap">([^<]*)</span>', r"\1", html)
    assert _unwrapped(parse_html(html).one("article", cls="md-content__inner"), name)
