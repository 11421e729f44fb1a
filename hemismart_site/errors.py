"""Errors an editor can act on: a file, a line, a key and what is wrong.

A :class:`Problem` is one finding; a :class:`ContentError` carries every
problem found in one pass, so an editor fixes them all at once instead of
one per run. The command line prints them one per line and exits 1,
never with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, with where it is."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class ContentError(Exception):
    """The content, the configuration or a template is wrong; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.key, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Rebuilt from its problems when it crosses a process boundary (parallel builds).
        return (type(self), (self.problems,))


class UsageError(Exception):
    """A command was asked for something it cannot do (an unknown language, a number out of range): exit code 2."""


class BuildError(Exception):
    """MkDocs failed (or warned under --strict); the previous site is untouched."""


def format_path(path: tuple) -> str:
    """Render a key path like ``sites[12].status`` from ``("sites", 12, "status")``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
