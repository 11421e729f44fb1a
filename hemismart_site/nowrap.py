"""Names kept on one line: the trial's short name never splits at its hyphens ("HEM-" and "iSMART-B" apart).

A browser may break a line after any hyphen; on a phone, "HEM-iSMART-B" in running text then reads as two
words. This MkDocs plugin (``hemismart-nowrap``, registered in pyproject.toml; the build lists the names from
the facts, hemismart_site/build.py) wraps each occurrence of a name in the text of a page's content in
``<span class="hs-nowrap">`` (``white-space: nowrap`` in hemismart.css). The text itself is unchanged (the
same hyphens: found by search, copied as written); only text between tags is touched, never an attribute,
nor the inside of ``<script>``, ``<style>``, ``<code>``, ``<pre>``, ``<textarea>``, ``<title>`` or ``<option>``.
The header's copy of the name uses non-breaking hyphens instead (Material prints it as text).
"""

from __future__ import annotations

import re
from html import escape

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin

from hemismart_site.escape import markdown_text

_TAG = re.compile(r"""(<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>)""", re.DOTALL)
"""A comment or a tag; a ``>`` inside a quoted attribute value does not end the tag."""
_RAW = ("script", "style", "code", "pre", "textarea", "title", "option")
"""Elements whose text is left exactly as it is."""


def keep_names_whole(html: str, names: list[str]) -> str:
    """``html`` with each of ``names`` wrapped in a no-wrap span, where it appears in text as the site writes a
    fact (:func:`hemismart_site.escape.markdown_text`: ``_`` as ``&#95;``…) or as plain HTML-escaped text."""
    wanted = {form for n in names if n and "-" in n for form in (str(markdown_text(n)), escape(n, quote=False))}
    if not wanted:
        return html
    pattern = re.compile("|".join(re.escape(n) for n in sorted(wanted, key=lambda w: (-len(w), w))))
    out = []
    raw: str | None = None  # inside a raw element: its name
    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)", part)
            closing, name = (tag.group(1) == "/", tag.group(2).lower()) if tag else (False, "")
            if raw is None and name in _RAW and not closing:
                raw = name
            elif raw is not None and closing and name == raw:
                raw = None
            out.append(part)
        elif raw is None and part:
            out.append(pattern.sub(lambda m: f'<span class="hs-nowrap">{m.group(0)}</span>', part))
        else:
            out.append(part)
    return "".join(out)


class NoWrapConfig(base.Config):
    """The plugin's settings (``plugins: [hemismart-nowrap: {names: […]}]``)."""

    names = c.ListOfItems(c.Type(str), default=[])
    """Names to keep on one line wherever they appear in a page's text (the trial's short name)."""


class NoWrapPlugin(BasePlugin[NoWrapConfig]):
    """MkDocs plugin: keep the configured names on one line in every page's content."""

    def on_page_content(self, html: str, page, config, files, **kwargs) -> str:
        return keep_names_whole(html, self.config.names)
