"""``hemismart-site translations status``: what each language's translator has to look at.

For every language: its review status, keys missing or no longer in the source
language, placeholders that differ, and — for a reviewed language — the source
texts changed after the review date. The change dates come from ``git blame``
of the source file (each key's lines, uncommitted edits counting as changed today).
"""

from __future__ import annotations

import datetime as _dt
import subprocess
from pathlib import Path

from hemismart_site.localize import TRANSLATIONS_DIR, Translations, compare_with_source, load_translations
from hemismart_site.validate import load_project


def line_dates(root: Path, rel: Path) -> dict[int, _dt.date] | None:
    """The date each line of a file last changed (git blame), or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "blame", "--line-porcelain", "--", str(rel)], cwd=root,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    dates: dict[int, _dt.date] = {}
    line = 0
    for row in out.splitlines():
        parts = row.split()
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit() and parts[2].isdigit():
            line = int(parts[2])
        elif row.startswith("committer-time "):
            dates[line] = _dt.datetime.fromtimestamp(int(parts[1]), _dt.UTC).date()
    return dates


def changed_since(source: Translations, dates: dict[int, _dt.date], since: _dt.date) -> list[str]:
    """Keys of the source whose lines (from the key to the next key) changed after ``since``."""
    starts = sorted((line, key) for key, line in source.lines.items())
    keys = []
    for i, (start, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else max(dates, default=start) + 1
        if any(dates.get(n, _dt.date.min) > since for n in range(start, end)):
            keys.append(key)
    return keys


def status_report(root: Path, languages: list[str] | None = None) -> str:
    """A readable report, one block per language."""
    config = load_project(root).config
    source = load_translations(root, config.source_language)
    dates = line_dates(root, TRANSLATIONS_DIR / f"{config.source_language}.yml")
    lines = []
    for lang in languages or config.languages:
        if lang == config.source_language:
            continue
        other = load_translations(root, lang)
        review = other.review
        head = f"{lang}: {review.status}"
        if review.status == "reviewed":
            head += f" by {review.reviewer} on {review.date.isoformat()}"
        elif review.status == "draft":
            head += " (not yet reviewed by a qualified translator; its pages say so)"
        lines.append(head)
        lines += [f"  {p}" for p in compare_with_source(source, other)]
        if review.status == "reviewed":
            if dates is None:
                lines.append("  cannot tell which English texts changed since the review: not a git checkout")
            else:
                changed = changed_since(source, dates, review.date)
                lines += [f"  changed in {config.source_language} since the review: {key}" for key in changed]
    return "\n".join(lines) or "Only the source language is configured."
