"""``hemismart-site translations status | done``: what each language's translator has to look at.

Each translated text records the English text it was made from (``made_from:`` in the language's file,
as gettext keeps a message's source). ``status`` lists, for every language, its review status, keys
missing or no longer in the source language, placeholders that differ, and every text whose English has
changed since it was translated, with the old and the new English; it exits 1 when anything is listed.
This needs no git history and sees a change made the same day. ``done`` records, after a translator has
updated texts, that they were made from the English as it is now.
"""

from __future__ import annotations

from pathlib import Path

import json
import re

from hemismart_site.errors import ContentError, Problem, UsageError
from hemismart_site.localize import (TRANSLATIONS_DIR, compare_with_source, load_translations, placeholders,
                                     stale_texts)
from hemismart_site.yamlrt import write_atomic
from hemismart_site.validate import load_project


def status_report(root: Path, languages: list[str] | None = None) -> tuple[str, bool]:
    """A readable report, one block per language, and whether anything needs a translator's work."""
    config = load_project(root).config
    source = load_translations(root, config.source_language)
    lines: list[str] = []
    work = False
    for lang in languages or config.languages:
        if lang == config.source_language:
            continue
        other = load_translations(root, lang)
        review = other.review
        stale = stale_texts(source, other)
        head = f"{lang}: {review.status}"
        if review.status == "reviewed":
            head += f" by {review.reviewer} on {review.date.isoformat()}"
            if stale:
                head += f"; {len(stale)} text(s) changed in English since: they need translating and review again"
        elif review.status == "draft":
            head += " (not yet reviewed by a qualified translator; its pages say so)"
        lines.append(head)
        problems = compare_with_source(source, other)
        lines += [f"  {p}" for p in problems]
        for item in stale:
            if item.old is None:
                change = f"made from: none recorded; English now: {_short(item.new)}"
            else:
                was, now = changed_words(item.old, item.new)
                change = f"the English changed from {was} to {now}"
            lines.append(f"  {other.file}:{item.line}: strings.{item.key}: out of date: {change}")
        work = work or bool(problems or stale)
    return ("\n".join(lines) or "Only the source language is configured."), work


def _short(text: str, width: int = 90) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def changed_words(old: str, new: str, context: int = 3) -> tuple[str, str]:
    """The part of an English text that changed, old and new, with ``context`` words either side and "…" where
    words are left out: a translator sees at once what to change, even in a long text."""
    a, b = old.split(), new.split()
    if a == b:
        return repr(old), repr(new) + " (only the spacing changed)"
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    lo = max(start - context, 0)

    def part(words: list[str]) -> str:
        hi = min(len(words) - end + context, len(words))
        return repr(("… " if lo else "") + " ".join(words[lo:hi]) + (" …" if hi < len(words) else ""))

    return part(a), part(b)


MADE_FROM = re.compile(r"^made_from:[^\n]*\n(?:(?:[ \t][^\n]*|)\n)*", re.MULTILINE)


def record_done(root: Path, lang: str, keys: list[str] | None) -> int:
    """Record that the texts ``keys`` (all texts if None) of ``lang`` were made from the English as it is now;
    rewrite only the file's ``made_from:`` block. Returns how many texts were recorded."""
    project = load_project(root)
    config = project.config
    if lang == config.source_language or lang not in config.languages:
        raise UsageError(f"{lang}: not a translated language of site_config.yml")
    source = load_translations(root, config.source_language)
    other = load_translations(root, lang)
    chosen = sorted(source.strings.keys() & other.strings.keys()) if keys is None else keys
    unknown = [k for k in chosen if k not in source.strings or k not in other.strings]
    if unknown:
        raise UsageError(f"not a text of both {config.source_language} and {lang}: {', '.join(unknown)}")
    differ = [Problem(other.file, other.lines[k], f"strings.{k}",
                      f"placeholders {sorted(placeholders(other.strings[k]))} differ from English "
                      f"{sorted(placeholders(source.strings[k]))}: not recorded as translated from it")
              for k in chosen if placeholders(other.strings[k]) != placeholders(source.strings[k])]
    if differ:
        raise ContentError(differ)
    made = {k: v for k, v in other.made_from.items() if k in source.strings}
    made.update({k: source.strings[k] for k in chosen})
    path = root / TRANSLATIONS_DIR / f"{lang}.yml"
    text = path.read_text(encoding="utf-8")
    block = "made_from:\n" + "".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(made[k], ensure_ascii=False)}\n"
                                      for k in sorted(made))
    if MADE_FROM.search(text):
        text = MADE_FROM.sub(lambda _m: block, text, count=1)
    else:
        text = re.sub(r"^strings:", lambda m: block + "\n" + m.group(0), text, count=1, flags=re.MULTILINE)
    write_atomic(path, text)
    load_translations(root, lang)  # still valid
    return len(chosen)
