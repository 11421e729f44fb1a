"""The translation workflow: completeness checks, strict builds, the status report."""

from __future__ import annotations

import subprocess

import pytest
from sitebuild import run_cli

from hemismart_site.localize import load_translations
from hemismart_site.validate import load_project


def second_language(tree) -> str:
    config = load_project(tree.root).config
    return next(lang for lang in config.languages if lang != config.source_language)


def test_every_language_has_every_key_and_the_same_placeholders(site_tree):
    result = run_cli("check", "--root", site_tree.root)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("change,fragment", [
    ("missing", "missing translation (English:"),
    ("obsolete", "no longer in English: remove it"),
    ("placeholder", "placeholders {age_max} differ from English {age_max}, {age_min}"),
])
def test_check_reports_translation_problems(site_tree, change, fragment):
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    text = site_tree.read(rel)
    key_line = next(line for line in text.splitlines() if line.strip().startswith("ages_value:"))
    if change == "missing":
        site_tree.write(rel, text.replace(key_line + "\n", ""))
        line = site_tree.line(rel, "strings:") + 1
        key = "strings.investigators.ages_value"
    elif change == "obsolete":
        site_tree.write(rel, text.replace(key_line, key_line + "\n    no_such_key: \"x\""))
        line = site_tree.line(rel, "no_such_key:")
        key = "strings.investigators.no_such_key"
    else:
        value = key_line.split(":", 1)[1]
        assert "{age_min}" in value
        site_tree.write(rel, text.replace(key_line, key_line.replace("{age_min}", "")))
        line = site_tree.line(rel, key_line.replace("{age_min}", "").strip())
        key = "strings.investigators.ages_value"
    result = run_cli("check", "--root", site_tree.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{rel}:" in result.stderr and key in result.stderr and fragment in result.stderr, result.stderr
    if change != "missing":
        assert f"{rel}:{line}: {key}:" in result.stderr, result.stderr


def test_strict_build_fails_and_plain_build_warns_on_an_obsolete_key(site_tree, tmp_path):
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    site_tree.edit(rel, "strings:\n", "strings:\n  no_such_key: \"x\"\n")
    strict = run_cli("build", "--strict", "--no-pdf", "--lang", lang, "--root", site_tree.root,
                     "--site-dir", tmp_path / "strict")
    assert strict.returncode == 1 and "no longer in English" in strict.stderr
    assert not (tmp_path / "strict").exists()
    plain = run_cli("build", "--no-pdf", "--lang", lang, "--root", site_tree.root, "--site-dir", tmp_path / "plain")
    assert plain.returncode == 0, plain.stderr
    assert "warning:" in plain.stderr and "no longer in English" in plain.stderr


def test_a_missing_text_is_never_replaced_by_english(site_tree, tmp_path):
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    text = site_tree.read(rel)
    key_line = next(line for line in text.splitlines() if line.strip().startswith("by_country_title:"))
    site_tree.write(rel, text.replace(key_line + "\n", ""))
    result = run_cli("build", "--no-pdf", "--lang", lang, "--root", site_tree.root, "--site-dir", tmp_path / "s")
    assert result.returncode == 1
    assert "templates/pages/families/hospitals.md.j2:" in result.stderr
    assert "families.hospitals.by_country_title" in result.stderr
    assert not (tmp_path / "s").exists()


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin",
                        "GIT_COMMITTER_DATE": "2026-01-01T12:00:00Z", "GIT_AUTHOR_DATE": "2026-01-01T12:00:00Z"})


def test_status_lists_english_texts_changed_since_the_review(site_tree):
    root = site_tree.root
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    site_tree.edit(rel, "review:\n  status: draft\n", "review:\n  status: reviewed\n  reviewer: A. Translator\n  date: 2026-02-01\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "reviewed")
    unchanged = run_cli("translations", "status", lang, "--root", root)
    assert unchanged.returncode == 0, unchanged.stderr
    assert f"{lang}: reviewed by A. Translator on 2026-02-01" in unchanged.stdout
    assert "changed in en since the review" not in unchanged.stdout
    # The English text of one key changes (uncommitted: counts as changed today, after the review).
    site_tree.edit("content/translations/en.yml", 'nav: "Hospitals"', 'nav: "Hospitals and contacts"')
    changed = run_cli("translations", "status", lang, "--root", root)
    assert "changed in en since the review: families.hospitals.nav" in changed.stdout
    assert changed.stdout.count("changed in en since the review") == 1


def test_status_of_a_draft_says_so(site_tree):
    lang = second_language(site_tree)
    assert load_translations(site_tree.root, lang).review.status == "draft"
    result = run_cli("translations", "status", "--root", site_tree.root)
    assert f"{lang}: draft (not yet reviewed by a qualified translator" in result.stdout
