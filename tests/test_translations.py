"""The translation workflow: completeness checks, strict builds, the status report."""

from __future__ import annotations

import pytest
from sitebuild import run_cli

from hemismart_site.localize import load_translations
from hemismart_site.translations import changed_words
from hemismart_site.validate import load_project


def second_language(tree) -> str:
    config = load_project(tree.root).config
    return next(lang for lang in config.languages if lang != config.source_language)


@pytest.mark.build  # a check or build in a subprocess
def test_every_language_has_every_key_and_the_same_placeholders(site_tree):
    result = run_cli("check", "--root", site_tree.root)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("change,fragment", [
    ("missing", "missing translation (English:"),
    ("obsolete", "no longer in English: remove it"),
    ("placeholder", "placeholders {age_max} differ from English {age_max}, {age_min}"),
])
@pytest.mark.build  # a check or build in a subprocess
def test_check_reports_translation_problems(site_tree, change, fragment):
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    text = site_tree.read(rel)
    key_line = next(line for line in text.splitlines() if line.strip().startswith("ages_value:"))
    if change == "missing":
        site_tree.write(rel, text.replace(key_line + "\n", ""))
        line = site_tree.read(rel).splitlines().index("strings:") + 2
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


@pytest.mark.build  # a check or build in a subprocess
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
    key_line = next(line for line in text.splitlines() if line.strip().startswith("open_title:"))
    site_tree.write(rel, text.replace(key_line + "\n", ""))
    result = run_cli("build", "--no-pdf", "--lang", lang, "--root", site_tree.root, "--site-dir", tmp_path / "s")
    assert result.returncode == 1
    assert "templates/pages/families/hospitals.md.j2:" in result.stderr
    assert "families.hospitals.open_title" in result.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.build
def test_an_english_change_makes_each_translation_out_of_date_the_same_day(site_tree, tmp_path):
    """Without git: each translation file records the English it was made from (made_from)."""
    root = site_tree.root
    config = load_project(root).config
    others = [lang for lang in config.languages if lang != config.source_language]
    old = load_translations(root, "en").strings["families.hospitals.open_title"]
    new = old.rstrip("?") + " at the moment?"
    before = run_cli("translations", "status", "--root", root)
    assert before.returncode == 0, before.stdout
    site_tree.edit("content/translations/en.yml", f'open_title: "{old}"', f'open_title: "{new}"')
    # translations status: every language, the key, the old and the new English; exit 1.
    status = run_cli("translations", "status", "--root", root)
    assert status.returncode == 1
    stale = [line for line in status.stdout.splitlines() if "strings.families.hospitals.open_title: out of date" in line]
    assert len(stale) == len(others), status.stdout
    for lang, line in zip(others, stale):
        assert line.strip().startswith(f"content/translations/{lang}.yml:")
        assert f"the English changed from {changed_words(old, new)[0]} to {changed_words(old, new)[1]}" in line
    # check lists them too (and still passes: an out-of-date text is shown, marked).
    check = run_cli("check", "--root", root)
    assert check.returncode == 0, check.stderr
    assert sum("families.hospitals.open_title" in line for line in check.stdout.splitlines()) == len(others)
    # The built pages that show it say so, in their language, with a link to the English page.
    site = tmp_path / "site"
    build = run_cli("build", "--no-pdf", "--root", root, "--site-dir", site)
    assert build.returncode == 0, build.stderr
    for lang in others:
        page = (site / lang / "families" / "hospitals" / "index.html").read_text(encoding="utf-8")
        note = load_translations(root, lang).strings["translation.stale"].split("[")[0].strip()
        assert note.split("{")[0][:30] in page, lang
        assert 'class="hs-draft hs-stale"' in page and f'href="../../../{config.source_language}/families/hospitals/"' in page
    # A translator updates the German text and records it: German is no longer out of date, the others are.
    lang = others[0]
    done = run_cli("translations", "done", lang, "families.hospitals.open_title", "--root", root)
    assert done.returncode == 0, done.stderr
    after = run_cli("translations", "status", "--root", root)
    assert sum("families.hospitals.open_title: out of date" in line for line in after.stdout.splitlines()) == len(others) - 1
    assert f"{lang}.yml" not in " ".join(line for line in after.stdout.splitlines() if "families.hospitals.open_title" in line)


def test_done_refuses_a_text_whose_placeholders_differ(site_tree):
    lang = second_language(site_tree)
    rel = f"content/translations/{lang}.yml"
    key_line = next(line for line in site_tree.read(rel).splitlines() if line.strip().startswith("ages_value:"))
    site_tree.edit(rel, key_line, key_line.replace("{age_min}", ""))
    result = run_cli("translations", "done", lang, "investigators.ages_value", "--root", site_tree.root)
    assert result.returncode == 1
    assert "investigators.ages_value: placeholders" in result.stderr and "not recorded" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_of_a_draft_says_so(site_tree):
    lang = second_language(site_tree)
    assert load_translations(site_tree.root, lang).review.status == "draft"
    result = run_cli("translations", "status", "--root", site_tree.root)
    assert f"{lang}: draft (not yet reviewed by a qualified translator" in result.stdout


def test_an_out_of_date_text_shows_the_words_that_changed():
    """In a long text, the translator is shown the changed words with a little context, not two equal beginnings."""
    start = "Your child's doctor may have told you about this study. This page explains in plain words "
    old = start + "what it is, who it is for and what taking part means."
    new = start + "what the study is, who it is for and what taking part means."
    assert changed_words(old, new) == ("'… plain words what it is, who it …'", "'… plain words what the study is, who it …'")
    assert changed_words("Ask us.", "Ask us today.") == ("'Ask us.'", "'Ask us today.'")
    assert changed_words("a  b", "a b")[1].endswith("(only the spacing changed)")
