"""Read what a ClinicalTrials.gov API v2 record says, in the shapes content/ uses.

The registry writes the eligibility criteria as one Markdown string with
``\\>`` escapes and indented sub-lists. :func:`parse_criteria` turns it
into numbered criteria with their sub-items, keeping every word (typos
included) and the registry's own markers (``*``, ``a.``, ``ii.``, ``1.``).
The fact cross-check test and the registry import both use it.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>\*|\d+\.|[a-z]{1,4}\.)\s+(?P<text>.*)$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def unescape_markdown(text: str) -> str:
    r"""Undo the registry's Markdown backslash escapes: ``\>12`` → ``>12``."""
    return _ESCAPE.sub(r"\1", text)


_HEADING = r"^\W*(?:(?:key|main|major|principal|general)\s+)?{kind}(?:\s+criteria)?\W*$"


def split_criteria(text: str) -> dict[str, str] | None:
    """Split the eligibility Markdown into its inclusion and exclusion parts, under headings such as
    ``Inclusion Criteria:``, ``Key inclusion criteria:`` or ``INCLUSION CRITERIA``; None when the text has
    no such headings (some records give the eligibility as prose)."""
    pattern = _HEADING.format(kind="inclusion") + r"(?P<inc>.*?)" + _HEADING.format(kind="exclusion") + r"(?P<exc>.*)\Z"
    match = re.search(pattern, text, flags=re.MULTILINE | re.DOTALL | re.IGNORECASE)
    if not match:
        return None
    return {"inclusion": match["inc"], "exclusion": match["exc"]}


def parse_list(text: str) -> list[dict]:
    """Parse an indented Markdown list into ``[{marker, text, items}]`` trees.

    A line that is not a list item continues the previous item's text
    (joined by one space), as Markdown would read it.
    """
    root: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, root)]
    last: dict | None = None
    for raw in text.splitlines():
        if not raw.strip():
            continue
        match = _ITEM.match(raw)
        if not match:
            if last is None:
                raise ValueError(f"text before the first list item: {raw.strip()!r}")
            last["text"] += " " + unescape_markdown(raw.strip())
            continue
        indent = len(match["indent"])
        while stack[-1][0] >= indent:
            stack.pop()
        last = {"marker": match["marker"], "text": unescape_markdown(match["text"].strip()), "items": []}
        stack[-1][1].append(last)
        stack.append((indent, last["items"]))
    return root


def parse_criteria(text: str) -> dict[str, list[dict]] | None:
    """The criteria as ``{"inclusion": [...], "exclusion": [...]}``, each numbered as in the registry; None when
    the text has no inclusion and exclusion headings (it is then kept whole, verbatim).

    A list whose criteria are all bullets (``*``), as many records write them, is numbered by position.
    """
    parts = split_criteria(text)
    if parts is None:
        return None
    out = {}
    for kind, part in parts.items():
        items = parse_list(part)
        if items and all(item["marker"] == "*" for item in items):
            out[kind] = items
            continue
        for expected, item in enumerate(items, start=1):
            if item["marker"] != f"{expected}.":
                raise ValueError(f"{kind} criterion {expected} is numbered {item['marker']!r}")
        out[kind] = items
    return out


def flatten(items: list[dict]) -> list[tuple[int, str, str]]:
    """Every item of a tree as (depth, marker, text), depth-first."""
    out: list[tuple[int, str, str]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in nodes:
            out.append((depth, node["marker"], node["text"]))
            walk(node.get("items", []), depth + 1)

    walk(items, 0)
    return out
