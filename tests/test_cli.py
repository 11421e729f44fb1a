"""The command line as an editor runs it: ``python -m hemismart_site …`` in a subprocess.

Each test works on its own copy of the project (fixture ``site_tree``) passed
with ``--root``. A failing command exits 1 with ``file:line: key: message``
lines and no traceback, and leaves a site built before it byte for byte as
it was. Builds that must get as far as MkDocs build the source language only
(``--lang``), which is what the behaviour under test needs and keeps the run short.
"""

from __future__ import annotations

import argparse

import importlib.metadata
import sys
from pathlib import Path

import pytest

import hemismart_site
from hemismart_site import cli
from hemismart_site.pages import all_pages
from hemismart_site.validate import load_project
from sitebuild import run_cli, snapshot

SITES = "content/sites.yml"
FAMILIES_TEMPLATE = "templates/pages/families/index.md.j2"


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def source_language(tree) -> str:
    return load_project(tree.root).config.source_language


def build_good(tree) -> dict[str, bytes]:
    """Build the unedited copy (source language, --strict) and return every byte of site/."""
    result = run_cli("build", "--strict", "--lang", source_language(tree), "--root", tree.root)
    assert result.returncode == 0, result.stderr
    assert "Built " in result.stdout
    return snapshot(tree.root / "site")


def assert_nothing_written(tree, before: dict[str, bytes]) -> None:
    """site/ is byte for byte as before, and no half-built or old site is left behind."""
    assert snapshot(tree.root / "site") == before
    leftovers = [p.name for p in tree.root.iterdir() if p.name.startswith("site.")]
    assert leftovers == []
    work = tree.root / ".build"
    assert not work.exists() or list(work.iterdir()) == []


def insert_in_block(tree, template: str, text: str) -> None:
    """Add a line just before the template's closing ``{% endblock %}`` (inside the page's content)."""
    tree.edit(template, "{% endblock %}", f"{text}\n{{% endblock %}}")


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------


@pytest.mark.build  # a check or build in a subprocess
def test_check_on_good_input_prints_the_summary_and_writes_nothing(site_tree, tmp_path):
    before = snapshot(site_tree.root)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run_cli("check", "--root", site_tree.root, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    project = load_project(site_tree.root)
    f = project.facts
    line = result.stdout.splitlines()[0]
    assert line.startswith("OK: ")
    for part in (f"{len(f.sites)} sites", f"{len(f.eligibility.inclusion)} inclusion",
                 f"{len(f.eligibility.exclusion)} exclusion", f"{len(f.discrepancies)} recorded discrepancies",
                 f"{len(all_pages(project)) * len(project.config.languages)} pages"):
        assert part in line
    assert snapshot(site_tree.root) == before
    assert list(cwd.iterdir()) == []


# --------------------------------------------------------------------------
# Bad content: located problems, exit 1, site/ untouched
# --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["build"], ["build", "--strict"]], ids=" ".join)
@pytest.mark.build  # a check or build in a subprocess
def test_bad_content_is_reported_with_file_and_line_and_leaves_site_alone(site_tree, command):
    before = build_good(site_tree)
    site_tree.edit(SITES, "  country: Austria\n  status: NOT_YET_RECRUITING", "  country: Austria\n  status: RECRUTING")
    line = site_tree.line(SITES, "status: RECRUTING")

    result = run_cli(*command, "--root", site_tree.root)

    assert result.returncode == 1
    assert_no_traceback(result)
    expected = f"{SITES}:{line}: sites[0].status: 'RECRUTING' is not one of "
    assert [ln for ln in result.stderr.splitlines() if ln.startswith(expected)], result.stderr
    assert "problem(s) found; nothing was written." in result.stderr
    assert "Built " not in result.stdout
    assert_nothing_written(site_tree, before)


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.build  # a check or build in a subprocess
def test_template_error_names_the_template_file_and_line(site_tree, command):
    before = build_good(site_tree) if command == "build" else None
    site_tree.edit(FAMILIES_TEMPLATE, '## {{ t(".who_title") }}', '{{ t("no.such.key") }}\n## {{ t(".who_title") }}')
    line = site_tree.line(FAMILIES_TEMPLATE, "no.such.key")

    result = run_cli(command, "--root", site_tree.root)

    assert result.returncode == 1
    assert_no_traceback(result)
    located = [ln for ln in result.stderr.splitlines() if ln.startswith(f"{FAMILIES_TEMPLATE}:{line}: en/families: ")]
    assert located, result.stderr
    assert "'no.such.key'" in located[0]
    if before is not None:
        assert_nothing_written(site_tree, before)


# --------------------------------------------------------------------------
# MkDocs warnings
# --------------------------------------------------------------------------

BROKEN_ANCHOR = "[x](../glossary.md#no-such-anchor)"


@pytest.mark.build  # a check or build in a subprocess
def test_strict_build_fails_on_a_link_to_a_missing_anchor(site_tree):
    before = build_good(site_tree)
    insert_in_block(site_tree, FAMILIES_TEMPLATE, BROKEN_ANCHOR)

    result = run_cli("build", "--strict", "--lang", source_language(site_tree), "--root", site_tree.root)

    assert result.returncode == 1
    assert_no_traceback(result)
    assert "'../glossary.md#no-such-anchor'" in result.stderr
    assert "does not contain an anchor '#no-such-anchor'" in result.stderr
    assert "build failed" in result.stderr
    assert_nothing_written(site_tree, before)


@pytest.mark.build  # a check or build in a subprocess
def test_build_without_strict_still_shows_the_warning(site_tree):
    insert_in_block(site_tree, FAMILIES_TEMPLATE, BROKEN_ANCHOR)
    result = run_cli("build", "--lang", source_language(site_tree), "--root", site_tree.root)
    assert result.returncode == 0, result.stderr
    assert "no-such-anchor" in result.stderr


# --------------------------------------------------------------------------
# Options, help and version
# --------------------------------------------------------------------------

OPTIONS = {  # at least these; every option the parser has is checked too
    "": ["--help", "--version", "build", "serve", "check"],
    "build": ["--help", "--root", "--strict", "--site-dir", "--lang"],
    "serve": ["--help", "--root", "--lang", "--dev-addr"],
    "check": ["--help", "--root"],
}


def parser_options(command: str) -> set[str]:
    """The long options the parser really has, so an option added later is checked as well."""
    parser = cli._parser()
    if command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    return {opt for action in parser._actions for opt in action.option_strings if opt.startswith("--")}


@pytest.mark.parametrize("command", list(OPTIONS), ids=lambda c: c or "main")
def test_help_mentions_every_option(command):
    result = run_cli(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: hemismart-site")
    for option in sorted({*OPTIONS[command], *parser_options(command)}):
        assert option in result.stdout, f"{option} missing from the help of {command or 'hemismart-site'}"


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"hemismart-site {hemismart_site.__version__}"
    assert hemismart_site.__version__ == importlib.metadata.version("hemismart-site")


def test_installed_console_script_runs():
    script = Path(sys.executable).with_name("hemismart-site")
    if not script.exists():
        pytest.skip(f"no console script next to {sys.executable}")
    import subprocess

    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, f"hemismart-site {hemismart_site.__version__}")


def test_no_command_prints_help_and_exits_2():
    result = run_cli()
    assert result.returncode == 2
    assert "usage: hemismart-site" in result.stdout


def test_unknown_language_is_an_error_not_a_traceback(site_tree):
    result = run_cli("build", "--lang", "xx", "--root", site_tree.root)
    assert result.returncode == 2  # a usage error, as argparse's own
    assert_no_traceback(result)
    languages = ", ".join(load_project(site_tree.root).config.languages)
    assert f"--lang xx: not a language of site_config.yml ({languages})" in result.stderr
    assert not (site_tree.root / "site").exists()
