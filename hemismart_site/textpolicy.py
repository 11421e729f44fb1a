"""What a translated text may contain: Markdown, placeholders, and nothing that runs or loads.

Translations come from outside translators and are treated as untrusted. A text may use Markdown
(emphasis, lists, links) and ``{placeholders}`` for facts. Refused, with the file, line and key:

* raw HTML of any kind (``<b>``, ``<script>``, ``<!-- -->``, ``<https://…>``): write Markdown;
* anything that looks like an event-handler attribute (``onclick=``);
* a link whose target is not ``http(s):``, ``mailto:``, ``tel:`` or a path of the site itself
  (``javascript:``, ``data:``, ``vbscript:``, ``file:``… are refused, however they are disguised
  with entities, percent-encoding or spaces);
* images (they would load from wherever they point);
* braces other than ``{name}`` placeholders: an unbalanced ``{`` or ``}``, ``{{`` (which would
  reach Markdown's attribute lists), format specs (``{name:>9}``) and attribute access (``{name.x}``).

The Content-Security-Policy of every page stays as a second line of defence, not as the fix.
"""

from __future__ import annotations

import functools
import re
import string
import urllib.parse

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Link targets a translation may use besides the site's own paths (relative, absolute or #anchors)."""

_PLACEHOLDER = re.compile(r"[a-z_][a-z0-9_]*")
_RAW_HTML = re.compile(r"<\s*[A-Za-z!/?]")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00a0\u200b-\u200f\u2028\u2029\ufeff]")


class BadText(ValueError):
    """A text breaks the policy; the message says how."""


@functools.lru_cache(maxsize=16384)
def text_problems(text: str) -> tuple[str, ...]:
    """Every way ``text`` breaks the policy (empty when it is fine)."""
    problems: list[str] = []
    try:
        parse_placeholders(text)
    except BadText as exc:
        problems.append(str(exc))
    if _RAW_HTML.search(text):
        problems.append("raw HTML is not allowed in a translation (write Markdown: **bold**, [text](https://…))")
    if _HANDLER.search(text):
        problems.append("an event-handler attribute (on…=) is not allowed in a translation")
    for kind, target in _targets(text):
        if kind == "image":
            problems.append("images are not allowed in a translation")
        elif not _safe_target(target):
            problems.append(f"link target {target!r} is not allowed (only http(s), mailto, tel and the site's own paths)")
    return tuple(dict.fromkeys(problems))


@functools.lru_cache(maxsize=16384)
def parse_placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a text uses; BadText if its braces are not all plain placeholders."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise BadText(f"unbalanced brace: {exc} (write {{name}} for a fact; other braces are not allowed)") from None
    names = set()
    for literal, name, spec, conversion in parts:
        if "{" in literal or "}" in literal:
            raise BadText("'{{' and '}}' are not allowed in a translation: braces are only for {placeholders}")
        if name is None:
            continue
        if not _PLACEHOLDER.fullmatch(name):
            raise BadText(f"{{{name}}} is not a placeholder: write a name of lower-case letters, digits and _")
        if spec or conversion:
            raise BadText(f"placeholder {{{name}}} may not have a format or conversion")
        names.add(name)
    return frozenset(names)


def _targets(text: str) -> list[tuple[str, str]]:
    """Every link and image target in ``text`` as a Markdown parser sees it (entities decoded),
    with nothing refused on the way (markdown-it would otherwise drop a ``javascript:`` link silently)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True
    env: dict = {}
    out: list[tuple[str, str]] = []
    for token in md.parse(text, env):
        for child in token.children or []:
            if child.type == "link_open":
                out.append(("link", str(child.attrs.get("href", ""))))
            elif child.type == "image":
                out.append(("image", str(child.attrs.get("src", ""))))
    out += [("link", ref["href"]) for ref in env.get("references", {}).values()]
    # Python-Markdown (which MkDocs uses) also reads [text](target) where CommonMark does not,
    # e.g. with spaces in the target: every "](…)" and "]: …" is checked too.
    out += [("link", m.group(1)) for m in re.finditer(r"\]\(\s*<?([^)>]*)", text)]
    out += [("link", m.group(1)) for m in re.finditer(r"^\s*\[[^\]]+\]:\s*<?(\S*)", text, re.MULTILINE)]
    return out


def _safe_target(target: str) -> bool:
    """Whether a link target is a path of the site or uses an allowed scheme."""
    decoded = _INVISIBLE.sub("", urllib.parse.unquote(target))
    match = _SCHEME.match(decoded)
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES
