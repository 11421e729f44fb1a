"""A small HTML tree for the page tests, on the standard library's ``html.parser``.

Enough to ask what a reader sees: elements with their attributes and
children, text with entities decoded, ``find``/``find_all`` by tag and
attributes, and the language an element is marked with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
INVISIBLE = {"script", "style", "template"}


def squash(text: str) -> str:
    """Whitespace runs to one space, trimmed: how a browser shows text."""
    return " ".join(text.split())


class Element:
    """One element: ``tag``, ``attrs`` (decoded), ``children`` (elements and strings), ``parent``."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        attrs = "".join(f' {k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def elements(self) -> list[Element]:
        """The child elements (no text)."""
        return [c for c in self.children if isinstance(c, Element)]

    def iter(self) -> Iterator[Element]:
        """This element and every element under it, in document order."""
        yield self
        for child in self.elements:
            yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None,
                 where: Callable[[Element], bool] | None = None, **attrs: str) -> list[Element]:
        """Elements under this one (not itself) with this tag, class and attributes (``id_`` for ``id``)."""
        attrs = {k.rstrip("_"): v for k, v in attrs.items()}
        out = []
        for el in self.iter():
            if el is self:
                continue
            if tag is not None and el.tag != tag:
                continue
            if cls is not None and cls not in el.classes:
                continue
            if any(el.attrs.get(k) != v for k, v in attrs.items()):
                continue
            if where is not None and not where(el):
                continue
            out.append(el)
        return out

    def find(self, tag: str | None = None, **kwargs) -> Element | None:
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def one(self, tag: str | None = None, **kwargs) -> Element:
        """The only element matching; fails with what was asked for otherwise."""
        found = self.find_all(tag, **kwargs)
        assert len(found) == 1, f"expected exactly one <{tag}> {kwargs} under {self!r}, found {len(found)}"
        return found[0]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def raw_text(self) -> str:
        """All visible text under this element, as written (scripts and styles left out)."""
        parts: list[str] = []

        def walk(el: Element) -> None:
            if el.tag in INVISIBLE:
                return
            for child in el.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    if child.tag == "br":
                        parts.append("\n")
                    walk(child)

        walk(self)
        return "".join(parts)

    @property
    def text(self) -> str:
        """The visible text, whitespace squashed."""
        return squash(self.raw_text())

    @property
    def own_text(self) -> str:
        """Only the text directly in this element (not in child elements), whitespace squashed."""
        return squash("".join(c for c in self.children if isinstance(c, str)))

    def text_nodes(self) -> Iterator[tuple[str, Element]]:
        """Every visible text node under this element with the element holding it."""
        if self.tag in INVISIBLE:
            return
        for child in self.children:
            if isinstance(child, str):
                yield child, self
            else:
                yield from child.text_nodes()

    def marked_lang(self) -> str | None:
        """The ``lang`` of the nearest element marked with one, this element included, below ``<html>``."""
        for el in (self, *self.ancestors()):
            if el.tag == "html":
                return None
            if "lang" in el.attrs:
                return el.attrs["lang"]
        return None

    def next_elements(self) -> Iterator[Element]:
        """The following sibling elements."""
        if self.parent is None:
            return
        siblings = self.parent.elements
        yield from siblings[siblings.index(self) + 1:]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        # a stray end tag: ignored, as browsers do

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    """The document as an element tree (root tag ``#document``)."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def contains_words(haystack: str, needle: str) -> bool:
    """Whether ``needle`` is in ``haystack`` and not glued to letters or digits on either side."""
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None
