"""Load YAML and remember the line of every key and item.

`load_yaml` returns a :class:`Loaded`: the plain data (dicts, lists,
strings, numbers, booleans) and a map from each key path such as
``("sites", 12, "status")`` to its 1-based line in the file, so that a
problem found later can say ``content/sites.yml:41: sites[12].status``.

Dates are kept as strings here (YAML's own timestamp parsing would turn
``2025-02-30`` into a crash); the schema parses and checks them. A key
written twice in one mapping is an error, not a silent overwrite.

Content is plain data: tags (``!custom``, ``!!python/object``, ``!!binary``) are refused wherever
they stand, and so are anchors and aliases (``&name``, ``*name``), so that no file can make the
loader build objects or expand an "alias bomb". Text that is not UTF-8 and broken YAML are
reported at the line where the problem is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hemismart_site.errors import ContentError, Problem, format_path


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader without implicit timestamps: dates stay strings until validated.

    libyaml's parser (CSafeLoader) when PyYAML has it, several times faster than the pure-Python one;
    both report the same lines."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Loaded:
    """The data of one YAML file and the line of each key path in it."""

    file: str
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, path: tuple) -> int | None:
        """The line of ``path``, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def load_yaml(path: Path, display_name: str | None = None) -> Loaded:
    """Read ``path``; raise ContentError with file and line if it is not valid YAML."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([Problem(name, None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise ContentError([Problem(name, line, "", f"not UTF-8 text: byte {exc.object[exc.start]:#04x} "
                                                    f"({exc.reason}); save the file as UTF-8")]) from None
    return parse_yaml(text, name)


PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "map", "seq"))
"""The only node types content may hold: text, numbers, true/false, null, mappings and lists."""

_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:?-])[&*][^\s,\]}]")


def parse_yaml(text: str, name: str) -> Loaded:
    """Parse YAML text (see :func:`load_yaml`)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_syntax_problem(name, text, exc)]) from None
    finally:
        loader.dispose()
    if node is None:
        return Loaded(name, None, {(): 1})
    if _MAYBE_ANCHOR.search(text):
        anchors = _anchors_and_aliases(text, name)
        if anchors:
            raise ContentError(anchors)
    problems: list[Problem] = []
    lines: dict[tuple, int] = {}
    data = _convert(node, (), loader, lines, problems, name)
    if problems:
        raise ContentError(problems)
    return Loaded(name, data, lines)


def _anchors_and_aliases(text: str, name: str) -> list[Problem]:
    """Every anchor (``&a``) and alias (``*a``) in the text, at its line (content is written out in full)."""
    problems = []
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(name, line, "", f"YAML alias *{event.anchor} is not allowed in content: write the value out"))
        elif getattr(event, "anchor", None):
            problems.append(Problem(name, line, "", f"YAML anchor &{event.anchor} is not allowed in content: write the value out"))
    return problems


def _syntax_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Where the problem is: an unclosed quote's own line, otherwise the line where YAML found the problem
    (not the start of the block it was reading)."""
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark else None
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        return Problem(name, exc.context_mark.line + 1, "",
                       f"not valid YAML: the quote opened on this line has no closing quote ({exc.problem} on line {problem_line})")
    quoted = _last_multiline_quote(text, exc.problem_mark)
    if quoted is not None:
        return Problem(name, quoted, "", f"not valid YAML: {exc.problem} on line {problem_line}; the quoted text that "
                                         f"starts on this line runs on to that line: is its closing quote missing?")
    return Problem(name, problem_line, "", f"not valid YAML: {exc.problem}")


def _last_multiline_quote(text: str, mark) -> int | None:
    """The line of the last quoted scalar before ``mark`` if it spans lines up to ``mark`` (a missing closing
    quote swallows the next line's opening quote), else None."""
    if mark is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.MarkedYAMLError:
        pass
    if (last is not None and last.style in ("'", '"') and last.start_mark.line != last.end_mark.line
            and last.end_mark.line >= mark.line - 1):
        return last.start_mark.line + 1
    return None


def _convert(node, path, loader, lines, problems, name):
    """Turn a YAML node into plain data, recording lines and duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in PLAIN_TAGS:
        problems.append(Problem(name, node.start_mark.line + 1, format_path(path),
                                f"YAML tag {_tag_name(node.tag)} is not allowed in content: write a plain value"))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag not in PLAIN_TAGS:
                problems.append(Problem(name, key_node.start_mark.line + 1, format_path(path),
                                        f"YAML tag {_tag_name(key_node.tag)} is not allowed in content: write a plain key"))
                continue
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                problems.append(Problem(name, key_node.start_mark.line + 1, format_path(path), "a key must be a plain word"))
                continue
            child = path + (key,)
            if key in out:
                problems.append(Problem(name, key_node.start_mark.line + 1, format_path(child),
                                        f"key written twice (first on line {lines[child]})"))
                continue
            lines[child] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, child, loader, lines, problems, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), loader, lines, problems, name) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        problems.append(Problem(name, node.start_mark.line + 1, format_path(path), f"not valid YAML: {exc.problem}"))
        return None


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
