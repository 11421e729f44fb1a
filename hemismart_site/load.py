"""Load YAML and remember the line of every key and item.

`load_yaml` returns a :class:`Loaded`: the plain data (dicts, lists,
strings, numbers, booleans) and a map from each key path such as
``("sites", 12, "status")`` to its 1-based line in the file, so that a
problem found later can say ``content/sites.yml:41: sites[12].status``.

Dates are kept as strings here (YAML's own timestamp parsing would turn
``2025-02-30`` into a crash); the schema parses and checks them. A key
written twice in one mapping is an error, not a silent overwrite.
"""

from __future__ import annotations

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
        raise ContentError([Problem(name, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Loaded:
    """Parse YAML text (see :func:`load_yaml`)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_syntax_problem(name, exc)]) from None
    finally:
        loader.dispose()
    if node is None:
        return Loaded(name, None, {(): 1})
    problems: list[Problem] = []
    lines: dict[tuple, int] = {}
    data = _convert(node, (), loader, lines, problems, name)
    if problems:
        raise ContentError(problems)
    return Loaded(name, data, lines)


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Where the broken construct starts (an unclosed quote's line), and where YAML gave up."""
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark else None
    if exc.context_mark is not None and exc.context_mark.line + 1 != problem_line:
        line = exc.context_mark.line + 1
        return Problem(name, line, "", f"not valid YAML: {exc.context}: {exc.problem} (on line {problem_line})")
    context = f"{exc.context}: " if exc.context else ""
    return Problem(name, problem_line, "", f"not valid YAML: {context}{exc.problem}")


def _convert(node, path, loader, lines, problems, name):
    """Turn a YAML node into plain data, recording lines and duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
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
    return loader.construct_object(node, deep=True)
