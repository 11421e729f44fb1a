"""The search index (hemismart_site/search.py): which parts of a page are indexed, and how."""

from __future__ import annotations

import json

from hemismart_site.search import index_document, index_entry, page_sections

PAGE = """<html><body><nav>Navigation text</nav>
<article class="md-content__inner md-typeset">
<h1 id="title">Page &amp; title</h1>
<div class="hs-draft" role="note"><p>Draft note</p></div>
<div class="hs-notice" role="note"><p>Not medical advice</p></div>
<p>Opening words.</p>
<h2 id="first">First <em>heading</em></h2>
<p>Text under the first heading.<br>More text.</p>
<div class="hs-grid-wrap"><table class="hs-grid"><tr><td>● ● ●</td></tr></table></div>
<p>After the grid.</p>
<h3 id="sub">Sub heading</h3>
<ul><li>One</li><li>Two</li></ul>
<div hidden><p>Hidden text</p></div>
<h2>No id</h2>
<p>Under a heading without id.</p>
<script>var x = "script text";</script>
<footer class="hs-trial"><p>Trial footer</p></footer>
<nav class="hs-languages"><a>Deutsch</a></nav>
</article>
<footer>Material footer</footer></body></html>"""


def test_sections_of_a_page():
    sections = [s.as_list() for s in page_sections(PAGE)]
    assert sections == [
        ["", "Page & title", "Opening words."],
        ["first", "First heading", "Text under the first heading. More text. After the grid."],
        ["sub", "Sub heading", "One Two No id Under a heading without id."],
    ]


def test_repeated_hidden_and_outside_text_is_not_indexed():
    text = json.dumps([s.as_list() for s in page_sections(PAGE)])
    for left_out in ("Navigation text", "Draft note", "Not medical advice", "●", "Hidden text", "script text",
                     "Trial footer", "Deutsch", "Material footer"):
        assert left_out not in text


def test_a_page_without_article_has_no_sections():
    assert page_sections("<html><body><p>No article</p></body></html>") == []


def test_index_document_is_deterministic_json():
    pages = [index_entry("", page_sections(PAGE)),
             index_entry("glossary/", page_sections(PAGE.replace("Page &amp; title", "Glossary")))]
    text = index_document(pages)
    assert text == index_document(pages)
    doc = json.loads(text)
    assert [p["url"] for p in doc["pages"]] == ["", "glossary/"]
    assert doc["pages"][1]["title"] == "Glossary"
    assert doc["pages"][0]["sections"][1] == ["first", "First heading", "Text under the first heading. More text. After the grid."]


class _Page:
    def __init__(self, url):
        self.url = url


class _Nav:
    def __init__(self, urls):
        self.pages = [_Page(u) for u in urls]


def _build(plugin, site_dir, nav_urls, built: dict[str, str]):
    """What MkDocs calls on the plugin during one build."""
    config = {"site_dir": str(site_dir)}
    plugin.on_pre_build(config)
    plugin.on_nav(_Nav(nav_urls), config, None)
    for url, html in built.items():
        content = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
        plugin.on_page_content(content, _Page(url), config, None)
    plugin.on_post_build(config)
    return json.loads((site_dir / "search" / "index.json").read_text(encoding="utf-8"))


def test_plugin_writes_pages_in_navigation_order_without_hospital_or_search_pages(tmp_path):
    from hemismart_site.search import SearchIndexPlugin

    plugin = SearchIndexPlugin()
    errors, warnings = plugin.load_config({"exclude": ["search/", "sites/x/"]})  # as the build configures it
    assert errors == [] and warnings == []
    plugin.on_startup(command="build", dirty=False)
    doc = _build(plugin, tmp_path, ["", "glossary/", "search/"],
                 {"glossary/": PAGE, "": PAGE, "search/": PAGE, "sites/x/": PAGE})
    assert [p["url"] for p in doc["pages"]] == ["", "glossary/"]


def test_a_dirty_rebuild_keeps_the_pages_it_did_not_render(tmp_path):
    """The live preview rebuilds only the pages that changed; the index still covers every page."""
    from hemismart_site.search import SearchIndexPlugin

    plugin = SearchIndexPlugin()
    plugin.load_config({})
    plugin.on_startup(command="serve", dirty=True)
    _build(plugin, tmp_path, ["", "glossary/", "children/"], {"": PAGE, "glossary/": PAGE, "children/": PAGE})
    edited = PAGE.replace("Opening words.", "Edited words.")
    doc = _build(plugin, tmp_path, ["", "glossary/"], {"glossary/": edited})  # children/ left the navigation
    assert [p["url"] for p in doc["pages"]] == ["", "glossary/"]
    assert doc["pages"][0]["sections"][0][2] == "Opening words."
    assert doc["pages"][1]["sections"][0][2] == "Edited words."
