"""Adding a page and adding an audience, as the README says: one entry, one template and its texts.

A tiny root (the repository's input, English only) gets one more audience (``site_config.yml``'s ``audiences``,
``templates/pages/<id>/index.md.j2``, texts under ``<id>.`` and their basis in the claims ledger) and one more
fixed page (one :class:`~hemismart_site.pages.Page` in ``SHARED_PAGES``, one template, its texts). The build
must then show each of them everywhere the site lists pages (home cards, navigation, search index, sitemap,
readability report) without any other change. The build is in this process: its workers are forked, so they
see the page added to ``SHARED_PAGES``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import copy_site_inputs
from htmldom import parse_html, squash
from sitebuild import build_in_process, run_cli

from hemismart_site import pages as pages_module
from hemismart_site.check import check_content
from hemismart_site.pages import Page
from hemismart_site.search import INDEX_FILE
from hemismart_site.validate import load_project

pytestmark = pytest.mark.build

AUDIENCE = "siblings"
PAGE = Page("ask-us", "ask-us.md.j2", None)

AUDIENCE_TEMPLATE = """\
{% extends "pages/_base.md.j2" %}
{% block content %}
{{ t(".intro") }}

{{ m.qa(t(".stop_q"), t(".stop_a"), general=True) }}
{% endblock %}
"""
PAGE_TEMPLATE = """\
{% extends "pages/_base.md.j2" %}
{% block content %}
{{ t(".intro") }}

{{ m.central_contact() }}
{% endblock %}
"""
AUDIENCE_TEXTS = {
    "title": "For brothers and sisters",
    "nav": "For brothers and sisters",
    "card": "For brothers and sisters aged {siblings_min_age} to {siblings_max_age}.",
    "intro": "This page is for you if your brother or sister has been told about this study.",
    "stop_q": "Can my brother or sister stop?",
    "stop_a": "Yes, at any time, without giving a reason.",
}
PAGE_TEXTS = {
    "title": "Whom to contact",
    "nav": "Contact",
    "intro": "Your hospital's study team answers your questions first. The trial office can be reached too.",
}
CLAIMS = f"""
  "{AUDIENCE}.intro": {{fact: [site_config.audiences]}}
  "{AUDIENCE}.stop_a": {{general: [withdraw]}}
  "{PAGE.id}.intro": {{hospital: true}}
"""


def _insert_texts(en_yml: str, key: str, texts: dict[str, str]) -> str:
    """``en.yml`` with a block of texts under ``strings.<key>`` (the file's own layout: two-space indent)."""
    block = f"\n  {key}:\n" + "".join(f"    {k}: {json.dumps(v)}\n" for k, v in texts.items())
    return en_yml.rstrip("\n") + "\n" + block


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory):
    """The tiny root with one more audience and one more page, built; the page list patched for the build."""
    root = tmp_path_factory.mktemp("extended")
    tree = copy_site_inputs(root)
    config = tree.read("site_config.yml")
    config = re.sub(r"(?ms)^languages:\n(  - \w+\n)+", "languages:\n  - en\n", config)
    config = config.replace("audiences:\n", f"audiences:\n  {AUDIENCE}:\n    min_age: 6\n    max_age: 17\n", 1)
    config = re.sub(r"(?m)^(  en: \{families: \d+)", rf"\1, {AUDIENCE}: 70", config)
    tree.write("site_config.yml", config)
    (root / "templates" / "pages" / AUDIENCE).mkdir()
    (root / "templates" / "pages" / AUDIENCE / "index.md.j2").write_text(AUDIENCE_TEMPLATE, encoding="utf-8")
    (root / "templates" / "pages" / PAGE.template).write_text(PAGE_TEMPLATE, encoding="utf-8")
    en = tree.read("content/translations/en.yml")
    en = _insert_texts(_insert_texts(en, AUDIENCE, AUDIENCE_TEXTS), PAGE.id, PAGE_TEXTS)
    tree.write("content/translations/en.yml", en)
    claims = tree.read("content/claims.yml")
    tree.write("content/claims.yml", claims.replace("\ntexts:\n", "\ntexts:" + CLAIMS, 1))

    patch = pytest.MonkeyPatch()
    patch.setattr(pages_module, "SHARED_PAGES", [*pages_module.SHARED_PAGES, PAGE])
    try:
        project = load_project(root)
        report = check_content(root)
        build_in_process(root, root / "site")
        yield root, project, report
    finally:
        patch.undo()


def _html(root: Path, path: str):
    return parse_html((root / "site" / path / "index.html").read_text(encoding="utf-8"))


def test_the_texts_basis_went_into_the_claims_ledger(extended):
    root, _, _ = extended
    assert CLAIMS.strip() in (root / "content" / "claims.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("page_id, texts", [(AUDIENCE, AUDIENCE_TEXTS), (PAGE.id, PAGE_TEXTS)])
def test_the_new_page_is_built_with_its_title_and_notice(extended, page_id, texts):
    root, _, _ = extended
    doc = _html(root, f"en/{page_id}")
    assert squash(doc.find_all("h1")[0].text) == texts["title"]
    assert texts["intro"] in squash(doc.text)
    assert doc.find_all(cls="hs-notice"), f"{page_id}: no notice for its reader"


@pytest.mark.parametrize("page_id, texts", [(AUDIENCE, AUDIENCE_TEXTS), (PAGE.id, PAGE_TEXTS)])
def test_the_new_page_is_in_the_navigation(extended, page_id, texts):
    root, _, _ = extended
    nav = _html(root, "en/glossary").find_all("nav")
    labels = {squash(a.text) for n in nav for a in n.find_all("a")}
    assert texts["nav"] in labels or texts["title"] in labels, f"{page_id} not in the navigation: {sorted(labels)}"


@pytest.mark.parametrize("page_id", [AUDIENCE, PAGE.id])
def test_the_new_page_is_searched_and_in_the_sitemap(extended, page_id):
    root, _, _ = extended
    index = json.loads((root / "site" / "en" / INDEX_FILE).read_text(encoding="utf-8"))
    urls = {entry["url"] for entry in index["pages"]}
    assert f"{page_id}/" in urls, sorted(urls)
    sitemap = (root / "site" / "en" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/en/{page_id}/</loc>" in sitemap


def test_the_audience_has_its_card_on_the_home_page_with_its_ages(extended):
    root, project, _ = extended
    band = project.config.audiences[AUDIENCE]
    home = _html(root, "en")
    cards = [squash(li.text) for li in home.find_all("li", cls=f"hs-card--{AUDIENCE}")]
    expected = AUDIENCE_TEXTS["card"].format(siblings_min_age=band.min_age, siblings_max_age=band.max_age)
    assert cards and expected in cards[0], cards


def test_the_audience_page_is_measured_against_its_target(extended):
    _, project, report = extended
    target = project.config.readability["en"][AUDIENCE]
    assert re.search(rf"^en {AUDIENCE}: Flesch reading ease \d+ — (meets|BELOW) the target >= {target:g}$", report, re.MULTILINE), report


def test_without_its_texts_the_audience_is_refused(extended, tmp_path):
    """The can-fail side: an audience in site_config.yml with no texts is a located error, not a blank card."""
    root, _, _ = extended
    broken = tmp_path / "broken"
    tree = copy_site_inputs(broken)
    tree.write("site_config.yml", (root / "site_config.yml").read_text(encoding="utf-8"))
    (broken / "templates" / "pages" / AUDIENCE).mkdir()
    (broken / "templates" / "pages" / AUDIENCE / "index.md.j2").write_text(AUDIENCE_TEMPLATE, encoding="utf-8")
    result = run_cli("check", "--root", broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"en\.yml:\d+: .*{AUDIENCE}\.", result.stderr + result.stdout), result.stderr
