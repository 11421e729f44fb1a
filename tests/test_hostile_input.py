"""Bad and hostile input, as a careless or malicious editor would write it.

Each case gives, in both ``check`` and ``build``: ``file:line: key: message``, exit code 1, no
traceback, and ``site/`` as it was. The fuzzer at the end mutates the real content files and
templates at random (Hypothesis) and holds every run to the same promise: 30 examples per run of the
suite (a few seconds), more with ``HEMISMART_FUZZ_EXAMPLES=500``.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hemismart_site import cli
from sitebuild import snapshot

pytestmark = [pytest.mark.build]  # a check and a build per hostile input

TRIAL, SITES, GLOSS, CONFIG = "content/trial.yml", "content/sites.yml", "content/glossary.yml", "site_config.yml"
EN, DE = "content/translations/en.yml", "content/translations/de.yml"
COPYRIGHT = "templates/theme/partials/copyright.html"
FAMILIES = "templates/pages/families/index.md.j2"

LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+): (?:(?P<key>[^\s:][^:]*): )?\S")
"""A problem line: file, line, the key when there is one, then the message."""


@dataclass
class Case:
    id: str
    file: str
    old: str
    new: str
    marker: str
    """Text on the line the problem must be reported at."""
    key: str | None
    fragment: str


CASES = [
    Case("tag on a scalar", TRIAL, "  short_name: HEM-iSMART-B", "  short_name: !custom HEM-iSMART-B",
         "short_name: !custom", "identifiers.short_name", "YAML tag !custom is not allowed"),
    Case("python tag", TRIAL, "  short_name: HEM-iSMART-B", "  short_name: !!python/object/apply:os.system [echo]",
         "!!python/object", "identifiers.short_name", "YAML tag !!python/object/apply:os.system"),
    Case("tag on a mapping", SITES, "- slug: st-anna-kinderspital", "- !site\n  slug: st-anna-kinderspital",
         "- !site", "sites[0]", "YAML tag !site"),
    Case("tag on a list", GLOSS, "terms:", "terms: !!set", "terms: !!set", "terms", "YAML tag !!set"),
    Case("binary", TRIAL, "  short_name: HEM-iSMART-B", "  short_name: !!binary SEVNLWlTTUFSVC1C",
         "!!binary", "identifiers.short_name", "YAML tag !!binary"),
    Case("anchor and alias", TRIAL, "  short_name: HEM-iSMART-B", "  short_name: &n HEM-iSMART-B\n  acronymx: *n",
         "acronymx: *n", None, "YAML alias *n is not allowed"),
    Case("unbalanced brace in a translation", DE, 'site_name: "', 'site_name: "{ ', 'site_name: "{ ',
         "strings.site_name", "unbalanced brace"),
    Case("closing brace alone", EN, '  site_name: "{short_name}', '  site_name: "}{short_name}', 'site_name: "}',
         "strings.site_name", "unbalanced brace"),
    Case("unknown placeholder in English", EN, '  site_name: "{short_name}', '  site_name: "{bogus} {short_name}',
         "site_name: \"{bogus}", "strings.site_name", "unknown placeholder(s) {bogus}"),
    Case("placeholder differs from English", DE, 'site_name: "', 'site_name: "{nct_id} ', 'site_name: "{nct_id}',
         "strings.site_name", "differ from English"),
    Case("raw HTML in a translation", DE, 'site_name: "', 'site_name: "<b>x</b> ', 'site_name: "<b>',
         "strings.site_name", "raw HTML"),
    Case("theme template syntax", COPYRIGHT, "</div>\n</div>", "</div>\n{% if x %}\n</div>", "{% if x %}",
         None, "template syntax"),
    Case("page template syntax", FAMILIES, "{% block content %}", "{% block content %}\n{{ t('.intro' }}",
         "{{ t('.intro' }}", None, "template syntax"),
    Case("yaml syntax: the problem's line", SITES, "  city: Vienna", "  city: Vienna\n   zip: 1",
         "   zip: 1", None, "not valid YAML"),
    Case("yaml syntax: a missing closing quote", SITES, "  facility: St. Anna Kinderspital",
         '  facility: "St. Anna Kinderspital', 'facility: "St. Anna', None, "closing quote"),
    Case("default above its maximum", CONFIG, "  default_cycles: 2", "  default_cycles: 40",
         "default_cycles: 40", "calendar.default_cycles", "outside min_cycles to max_cycles"),
    Case("minimum above maximum", CONFIG, "  min_cycles: 1", "  min_cycles: 13",
         "min_cycles: 13", "calendar.min_cycles", "is above max_cycles"),
]


def run(tree, *args: str, capsys) -> tuple[int, str]:
    code = cli.main([*args, "--root", str(tree.root)])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def with_previous_site(tree) -> dict[str, bytes]:
    site = tree.root / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    return snapshot(site)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reported_at_file_line_key_in_check_and_build(site_tree, capsys, case):
    if case.file == COPYRIGHT and not (site_tree.root / COPYRIGHT).exists():
        pytest.skip("no such theme file")
    site_tree.edit(case.file, case.old, case.new)
    line = site_tree.line(case.file, case.marker)
    before = with_previous_site(site_tree)
    where = f"{case.file}:{line}: " + (f"{case.key}: " if case.key else "")
    for command in (["check"], ["build", "--no-pdf", "--lang", "en", "--lang", "de"]):
        code, out = run(site_tree, *command, capsys=capsys)
        assert code == 1, out
        assert "Traceback" not in out
        hits = [row for row in out.splitlines() if row.startswith(where) and case.fragment in row]
        assert hits, f"{command[0]}: expected {where}…{case.fragment}… in:\n{out}"
        assert snapshot(site_tree.root / "site") == before


def test_an_alias_bomb_is_refused_at_once(site_tree, capsys):
    """Nine levels of nine aliases would expand to 387 million items; refused before anything is built."""
    levels = ["  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    site_tree.edit(GLOSS, "terms:", "bomb:\n" + "\n".join(levels) + "\nterms:")
    code, out = run(site_tree, "check", capsys=capsys)
    assert code == 1
    assert f"{GLOSS}:{site_tree.line(GLOSS, 'l1: &l1')}: YAML alias *l0 is not allowed" in out, out


def test_not_utf8_in_a_translation_and_a_template(site_tree, capsys):
    path = site_tree.root / DE
    lines = path.read_bytes().split(b"\n")
    lines[9] += b" \xff"
    path.write_bytes(b"\n".join(lines))
    (site_tree.root / FAMILIES).write_bytes(b"{% extends 'pages/_base.md.j2' %}\n\xc3(\n")
    code, out = run(site_tree, "check", capsys=capsys)
    assert code == 1
    assert f"{DE}:10: not UTF-8 text: byte 0xff" in out, out
    assert f"{FAMILIES}:2: not UTF-8 text" in out, out


# --------------------------------------------------------------------------
# The fuzzer
# --------------------------------------------------------------------------

FUZZ_FILES = [TRIAL, SITES, "content/eligibility.yml", "content/schedule.yml", "content/discrepancies.yml", GLOSS,
              CONFIG, EN, "content/translations/he.yml", FAMILIES, "templates/pages/_base.md.j2",
              "templates/partials/schedule.md.j2", "templates/theme/main.html", COPYRIGHT]
NOISE = [":", "{", "}", "[", "]", '"', "'", "&a ", "*a", "!x ", "!!python/name:os.system ", "%", "|", ">", "#",
         "-", "\t", "  ", "{{", "}}", "{%", "%}", "{{ x.y.z }}", "{short_name", "<script>", "](javascript:x)",
         "\\", "\u2028", "0", "-1", "null", "~", "yes"]


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory, copy_site):
    """A pristine two-language copy (English and the right-to-left Hebrew) the fuzzer starts from each time."""
    tree = copy_site(tmp_path_factory.mktemp("fuzz") / "pristine")
    config = yaml.safe_load(tree.read(CONFIG))
    config["languages"] = ["en", "he"]
    config["readability"] = {}
    tree.write(CONFIG, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return tree.root


@st.composite
def mutations(draw):
    file = draw(st.sampled_from(FUZZ_FILES))
    kind = draw(st.sampled_from(["insert", "delete-line", "duplicate-line", "swap-lines", "truncate", "bytes",
                                 "indent", "replace-line"]))
    return file, kind, draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6)), draw(st.sampled_from(NOISE))


def mutate(data: bytes, kind: str, a: int, b: int, noise: str) -> bytes:
    lines = data.split(b"\n")
    i, j = a % len(lines), b % len(lines)
    if kind == "insert":
        pos = a % (len(data) + 1)
        return data[:pos] + noise.encode() + data[pos:]
    if kind == "delete-line":
        del lines[i]
    elif kind == "duplicate-line":
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        return data[: a % (len(data) + 1)]
    elif kind == "bytes":
        pos = a % (len(data) + 1)
        return data[:pos] + bytes([0x80 + b % 0x80]) + data[pos:]
    elif kind == "indent":
        lines[i] = b" " * (1 + b % 3) + lines[i]
    elif kind == "replace-line":
        lines[i] = noise.encode()
    return b"\n".join(lines)


@settings(max_examples=int(os.environ.get("HEMISMART_FUZZ_EXAMPLES", "30")), deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(change=st.lists(mutations(), min_size=1, max_size=3))
def test_fuzz_no_traceback_a_located_message_and_site_untouched(fuzz_root, tmp_path_factory, capsys, change):
    """Up to three random edits of the real files; each run explores new ones (no shrinking: a failing
    example is printed as it was found, with the seed to reproduce it)."""
    root = tmp_path_factory.mktemp("mutant")
    shutil.copytree(fuzz_root, root, dirs_exist_ok=True)
    for file, kind, a, b, noise in change:
        path = root / file
        path.write_bytes(mutate(path.read_bytes(), kind, a, b, noise))
    site = root / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("the previous site", encoding="utf-8")
    before = snapshot(site)
    code = cli.main(["check", "--root", str(root)])  # any exception here fails the test: that is the promise
    out = capsys.readouterr().err
    assert code in (0, 1), out
    if code == 0:
        return
    _assert_located(out, root)
    code = cli.main(["build", "--strict", "--no-pdf", "--root", str(root)])  # as strict as check
    out = capsys.readouterr().err
    assert code == 1, out
    assert snapshot(site) == before
    _assert_located(out, root)


def _assert_located(out: str, root: Path) -> None:
    rows = [row for row in out.splitlines() if row.strip()]
    assert rows and rows[-1].endswith("nothing was written."), out
    problems = rows[:-1]
    assert problems, out
    for row in problems:
        if row.startswith(" ") or row.startswith("warning:"):
            continue
        match = LOCATED.match(row)
        assert match, f"not file:line: message: {row!r}\n{out}"
        assert (root / match["file"]).exists(), f"{match['file']} is not a file of the project: {row!r}"
