"""Round-trip YAML for the registry import: comments, key order and quoting survive.

ruamel.yaml keeps comments and key order; its emitter wraps long plain
scalars differently from PyYAML (which wrote content/ first), so
:class:`_Emitter` restores PyYAML's wrapping rule. Unchanged files then
read and write back byte for byte.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.scalarstring import LiteralScalarString

WIDTH = 100
"""Line width of content/ files (as PyYAML wrote them)."""


class _Emitter(Emitter):
    """ruamel's emitter with PyYAML's line wrapping of plain scalars (no trailing spaces)."""

    def write_plain(self, text, split=True):  # noqa: C901 - PyYAML's algorithm, kept as is
        if self.root_context:
            self.open_ended = True
        if not text:
            return
        if not self.whitespace:
            self.column += 1
            self.stream.write(" ")
        self.whitespace = False
        self.indention = False
        spaces = breaks = False
        start = end = 0
        while end <= len(text):
            ch = text[end] if end < len(text) else None
            if spaces:
                if ch != " ":
                    if start + 1 == end and self.column > self.best_width and split:
                        self.write_indent()
                        self.whitespace = False
                        self.indention = False
                    else:
                        self._out(text[start:end])
                    start = end
            elif breaks:
                if ch not in "\n\x85\u2028\u2029":
                    if text[start] == "\n":
                        self.write_line_break()
                    for br in text[start:end]:
                        self.write_line_break() if br == "\n" else self.write_line_break(br)
                    self.write_indent()
                    self.whitespace = False
                    self.indention = False
                    start = end
            elif ch is None or ch in " \n\x85\u2028\u2029":
                self._out(text[start:end])
                start = end
            if ch is not None:
                spaces = ch == " "
                breaks = ch in "\n\x85\u2028\u2029"
            end += 1

    def _out(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data)


def _yaml() -> YAML:
    y = YAML()
    y.Emitter = _Emitter
    y.preserve_quotes = True
    y.width = WIDTH
    y.indent(mapping=2, sequence=2, offset=0)
    y.representer.add_representer(type(None), _null)
    return y


def _null(representer, _data):
    """Write None as ``null`` (as PyYAML does), not as an empty value."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def load_rt(text: str) -> object:
    """Parse YAML text into ruamel's round-trip data (comments and order kept)."""
    return _yaml().load(text)


def dump_rt(data: object) -> str:
    """Write round-trip data back as YAML text."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def block(text: str) -> object:
    """A string to be written as a literal block (``|-``) when it holds line breaks."""
    return LiteralScalarString(text) if "\n" in text else text


def write_atomic(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
