"""Escaping for each context a fact or a translated text lands in, in one place.

Facts (``content/*.yml``) and translations are untrusted text. Each output context has its function:

=====================  ===========================  ===================================================
context                function                     used by
=====================  ===========================  ===================================================
Markdown and HTML      :func:`markdown_text`        every ``{{ … }}`` of the page templates (Jinja's
text or attribute                                   ``finalize``), placeholders filled into translations
HTML text or           :func:`html_text`            values MkDocs and Material print without escaping
attribute                                           (``site_name``, navigation titles, page titles)
JSON inside            :func:`script_json`          JSON-LD in every page head, calendar data
``<script>``
a translated text as   :func:`plain_text`           attributes (``aria-label``), the theme's strings,
plain text                                          page titles
=====================  ===========================  ===================================================

The theme overrides (``templates/theme/``) run in MkDocs' Jinja environment, which does not
escape: the values we hand them (``config.extra.hs``) are plain text and every ``{{ }}`` there
applies ``| e``. Translations are Markdown, checked by :mod:`hemismart_site.textpolicy` before
use (no raw HTML, no unsafe link), so they are markup; facts never are.
"""

from __future__ import annotations

import functools
import html
import json
import re

from markupsafe import Markup

_MD_SPECIAL = {"*": "&#42;", "_": "&#95;", "`": "&#96;", "[": "&#91;", "]": "&#93;", "\\": "&#92;", "|": "&#124;",
               "{": "&#123;", "}": "&#125;"}
_MD_RE = re.compile("[" + re.escape("".join(_MD_SPECIAL)) + "]")


def markdown_text(value: object) -> Markup:
    """A fact as text in Markdown that becomes HTML: ``<script>`` shows as text, ``*`` stays a star,
    quotes cannot end an attribute, and no Markdown or attribute-list syntax (``{: …}``) takes effect.

    Markup (a rendered translation, a template's own HTML) passes unchanged."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("a template printed None")
    return Markup(_MD_RE.sub(lambda m: _MD_SPECIAL[m.group(0)], html.escape(str(value), quote=True)))


def html_text(value: object) -> str:
    """Plain text escaped for HTML text and double- or single-quoted attributes."""
    return html.escape(str(value), quote=True)


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_RE = re.compile("[<>&\u2028\u2029]")


def script_json(data: object) -> str:
    """JSON for a ``<script>`` element (JSON-LD, the calendar's data): valid JSON, keys sorted, that
    cannot end the element (``</script>``), open a comment (``<!--``) or break a line of JavaScript."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return _SCRIPT_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


_TAG_RE = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=8192)
def _inline_markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).renderInline(text)


def plain_text(markup: object) -> str:
    """A translated text (Markdown, with escaped facts) as the plain text a reader sees: emphasis and
    link syntax removed, entities decoded. Escape it again for where it goes (``| e``, :func:`html_text`)."""
    return html.unescape(_TAG_RE.sub("", _inline_markdown(str(markup))))
