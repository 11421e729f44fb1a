"""No script from any fact or translation, tried as an attacker would.

* Every text of every kind in a translation that breaks the policy (raw HTML, event handlers, unsafe
  link targets however disguised, images, stray braces) is refused by ``check`` and ``build`` at its
  file, line and key, and the previous site stays as it was.
* One build where a payload is appended to every free-text fact (whatever the schema accepts) and an
  attribute-breaking quote to every translation: the built HTML, read element by element, holds no
  executable script, no event handler, no unsafe URL and no attribute the payloads tried to add, while
  the payloads themselves are shown as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from hemismart_site import cli
from hemismart_site.errors import ContentError, format_path
from hemismart_site.escape import script_json
from hemismart_site.load import load_yaml
from hemismart_site.textpolicy import text_problems
from hemismart_site.validate import load_project
from htmldom import parse_html
from sitebuild import build_in_process, snapshot

EN = "content/translations/en.yml"
DE = "content/translations/de.yml"

REFUSED = {
    "script tag": ("<script>alert(1)</script>", "raw HTML"),
    "image with onerror": ('<img src=x onerror="alert(1)">', "raw HTML"),
    "html comment": ("<!-- hidden -->", "raw HTML"),
    "closing tag": ("</div>", "raw HTML"),
    "autolink javascript": ("<javascript:alert(1)>", "raw HTML"),
    "svg onload": ("<svg/onload=alert(1)>", "raw HTML"),
    "handler without a tag": ("onmouseover=alert(1)", "event-handler"),
    "javascript link": ("[click](javascript:alert(1))", "link target"),
    "javascript link, upper case and spaces": ("[click]( JaVaScRiPt:alert(1))", "link target"),
    "javascript link, entity": ("[click](&#106;avascript:alert(1))", "link target"),
    "javascript link, percent": ("[click](%6Aavascript:alert(1))", "link target"),
    "javascript link, tab inside": ("[click](java\tscript:alert(1))", "link target"),
    "data link": ("[click](data:text/html;base64,PHNjcmlwdD4=)", "link target"),
    "vbscript link": ("[click](vbscript:msgbox)", "link target"),
    "reference link": ("[click][x]\n\n[x]: javascript:alert(1)", "link target"),
    "image": ("![pic](https://example.org/pixel.png)", "images"),
    "attribute list": ("text {{: onclick=alert(1) }}", "'{{' and '}}'"),
    "unbalanced open brace": ("text { more", "unbalanced brace"),
    "unbalanced close brace": ("text } more", "unbalanced brace"),
    "format spec": ("{short_name:>40}", "format or conversion"),
    "attribute access": ("{short_name.__class__}", "not a placeholder"),
}

ALLOWED = [
    "**Bold**, *italic* and a [link](https://clinicaltrials.gov/) or [mail](mailto:office@example.org).",
    "[Phone](tel:+31650006270), [a page](../glossary/#relapse), [this page](#top) and [root](/en/).",
    "Age {age_min} to {age_max}: children < 3 years, a & b, \"quoted\" and 'single'.",
    "Lists:\n\n- one\n- two",
]


@pytest.mark.parametrize("payload", ALLOWED)
def test_the_policy_allows_markdown_placeholders_and_safe_links(payload):
    assert text_problems(payload) == ()


@pytest.mark.parametrize("name", REFUSED)
def test_the_policy_refuses(name):
    payload, fragment = REFUSED[name]
    problems = text_problems(payload)
    assert any(fragment in p for p in problems), problems


def _set_text(tree, file: str, key: str, text: str) -> int:
    """Put ``text`` (written as a YAML double-quoted scalar) at ``strings.<key>``; return its line."""
    marker = f"  {key}: "
    original = next(line for line in tree.read(file).splitlines() if line.startswith(marker))
    tree.edit(file, original + "\n", f"{marker}{json.dumps(text, ensure_ascii=False)}\n")
    return tree.line(file, f"{marker}{json.dumps(text, ensure_ascii=False)}")


@pytest.mark.build  # check, then a build
@pytest.mark.parametrize("file", [EN, DE])
@pytest.mark.parametrize("name", ["script tag", "javascript link, entity", "image", "unbalanced open brace",
                                  "handler without a tag", "attribute list"])
def test_check_and_build_refuse_a_bad_translation_at_its_line(site_tree, capsys, file, name):
    """Through the command line in this process: exit 1, file:line: key: message, site/ untouched."""
    payload, fragment = REFUSED[name]
    line = _set_text(site_tree, file, "site_name", "{short_name} " + payload)
    site = site_tree.root / "site"
    site.mkdir()
    (site / "marker.html").write_text("previous site", encoding="utf-8")
    before = snapshot(site)
    for command in (["check"], ["build", "--no-pdf", "--lang", "en", "--lang", "de"]):
        code = cli.main([*command, "--root", str(site_tree.root)])
        err = capsys.readouterr().err
        assert code == 1, err
        assert f"{file}:{line}: strings.site_name: " in err and fragment in err, err
        assert "Traceback" not in err
        assert snapshot(site) == before


# --------------------------------------------------------------------------
# One hostile build: payloads in every fact and every translation
# --------------------------------------------------------------------------

MARK = "PWN"
FACT_PAYLOAD = (f' {MARK}<script>alert(1)</script><img src=x onerror=alert(2)>"\'><svg onload=alert(3)>'
                '</title></textarea></script>{: onclick="alert(4)" }[x](javascript:alert(5))*_`|\\ &amp; &#60;b&#62;')
TEXT_PAYLOAD = """ " data-pwned="yes" ' data-pwned-single='yes' &quot; data-pwned-entity=&quot;yes"""
"""No digits: a number typed in a translation is refused before any escaping is needed (localize.DIGITS_ALLOWED)."""
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def _leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, path + (i,))
    elif isinstance(data, str):
        yield path, data


def _put(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def poison_facts(root: Path) -> int:
    """Append the payload to every text in content/*.yml the schema still accepts with it; return how many."""
    files = {p: load_yaml(p, str(p.relative_to(root))).data for p in sorted((root / "content").glob("*.yml"))}
    # Not the outcomes' time frames: the longest ("7 years") is read as a duration for a text's {max_time_frame},
    # and a time frame that is no duration leaves that text without its fact (a located error, not a page).
    poisoned = {p: {path: text for path, text in _leaves(data) if path[-1:] != ("time_frame",)} for p, data in files.items()}
    for _ in range(6):
        for p, data in files.items():
            for path, text in poisoned[p].items():
                _put(data, path, text + FACT_PAYLOAD)
            p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            load_project(root)
            return sum(len(v) for v in poisoned.values())
        except ContentError as exc:
            refused = {(pr.file, pr.key) for pr in exc.problems}
        changed = False
        for p, data in files.items():
            rel = str(p.relative_to(root))
            for path in list(poisoned[p]):
                if any(f == rel and (k == format_path(path) or k.startswith(format_path(path) + ".")
                                     or format_path(path).startswith(k + "[") or format_path(path).startswith(k + "."))
                       for f, k in refused):
                    _put(data, path, poisoned[p].pop(path))
                    changed = True
        if not changed:  # a rule that does not name the key (e.g. a quote that must be found in the facts)
            raise AssertionError("could not poison the facts:\n" + "\n".join(sorted(map(str, refused))))
    raise AssertionError("the facts did not settle")


def poison_translations(root: Path, langs: list[str]) -> None:
    for lang in langs:
        path = root / "content" / "translations" / f"{lang}.yml"
        data = load_yaml(path).data
        for p, text in list(_leaves(data["strings"], ("strings",))):
            _put(data, p, text + TEXT_PAYLOAD)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, copy_site):
    tree = copy_site(tmp_path_factory.mktemp("hostile") / "project")
    langs = ["en", "he"]
    config = yaml.safe_load(tree.read("site_config.yml"))
    config["languages"] = langs
    config["readability"] = {}
    tree.write("site_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    count = poison_facts(tree.root)
    poison_translations(tree.root, langs)
    site = tree.root / "site"
    build_in_process(tree.root, site, strict=False, languages=None)
    return site, count


def _unsafe_url(value: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20]", "", value)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match is not None and match.group(1).lower() not in ALLOWED_SCHEMES


@pytest.mark.build
def test_hostile_facts_reach_many_places(hostile_site):
    site, count = hostile_site
    assert count > 300, f"only {count} fact texts took the payload"


@pytest.mark.build
def test_no_script_handler_or_unsafe_url_in_any_built_page(hostile_site):
    site, _ = hostile_site
    offenders = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 80
    for path in pages:
        rel = path.relative_to(site).as_posix()
        doc = parse_html(path.read_text(encoding="utf-8"))
        for el in doc.iter():
            for name, value in el.attrs.items():
                if name.startswith("on"):
                    offenders.append(f"{rel}: <{el.tag} {name}=…>")
                if name.startswith("data-pwned"):
                    offenders.append(f"{rel}: <{el.tag} {name}> (a translation broke out of an attribute)")
                if name in URL_ATTRS and _unsafe_url(value):
                    offenders.append(f"{rel}: <{el.tag} {name}={value[:40]!r}>")
            if el.tag in {"iframe", "object", "embed", "img", "textarea"}:
                offenders.append(f"{rel}: <{el.tag}> element")
            if el.tag == "title" and el.elements:
                offenders.append(f"{rel}: <title> holds elements")
            if el.tag == "script":
                src, kind = el.get("src"), el.get("type", "")
                if src is not None:
                    if _unsafe_url(src) or src.startswith("//") or re.match(r"https?:", src):
                        offenders.append(f"{rel}: <script src={src!r}>")
                elif kind in DATA_SCRIPT_TYPES:
                    body = "".join(c for c in el.children if isinstance(c, str))
                    json.loads(body)  # a data block that is not valid JSON was cut short by a payload
                else:
                    offenders.append(f"{rel}: inline <script type={kind!r}>")
    assert not offenders, "\n".join(offenders[:40])


@pytest.mark.build
def test_the_payloads_are_shown_as_text(hostile_site):
    """The escaped payload is visible text on the pages (so the test above looked at real payloads)."""
    site, _ = hostile_site
    doc = parse_html((site / "en" / "investigators" / "index.html").read_text(encoding="utf-8"))
    text = doc.text
    assert f"{MARK}<script>alert(1)</script><img src=x onerror=alert(2)>" in text
    assert "[x](javascript:alert(5))" in text
    assert 'data-pwned="yes"' in text  # the translations' payload, as text


def test_json_in_script_cannot_end_the_element():
    data = {"a": "</script><script>alert(1)</script>", "b": "<!-- x", "c": "a\u2028b & c"}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data
