"""Read a ClinicalTrials.gov API v2 record with errors that name the JSON path.

:class:`Reader` looks values up by path (``protocolSection.statusModule.
overallStatus``, ``…locations[3].facility``), checks their JSON type, and
collects every problem as ``RECORD.json: <path>: expected text, got a
number``. Nothing is guessed: a required field that is missing is a
problem, an optional one is None.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hemismart_site.errors import ContentError, Problem

_KINDS: dict[str, tuple[type, ...]] = {
    "text": (str,), "number": (int, float), "integer": (int,), "bool": (bool,), "list": (list,), "mapping": (dict,),
}
_NAMES = {"text": "text", "number": "a number", "integer": "a whole number", "bool": "true or false",
          "list": "a list", "mapping": "a mapping"}


def json_kind(value: object) -> str:
    """How a JSON value would be described to an editor."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    for kind, types in _KINDS.items():
        if isinstance(value, types) and kind != "integer":
            return _NAMES[kind]
    return type(value).__name__


def load_record(path: Path, lenient: bool = False) -> Reader:
    """Read the JSON file at ``path``; raise ContentError if it cannot be read, is not JSON, or is not a
    ClinicalTrials.gov study record (no protocolSection with an NCT number)."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([Problem(name, None, "", "file not found")]) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise ContentError([Problem(name, None, "", f"cannot be read ({exc})")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError([Problem(name, exc.lineno, "", f"not JSON: {exc.msg} (column {exc.colno})")]) from None
    reader = Reader(data, name)
    reader.get("protocolSection", "mapping")
    reader.get("protocolSection.identificationModule.nctId", "text")
    reader.raise_problems()
    reader.lenient = lenient
    return reader


class Reader:
    """Typed look-ups in one record; problems are collected, then raised together."""

    def __init__(self, data: object, name: str, lenient: bool = False):
        self.data = data
        self.name = name
        self.problems: list[Problem] = []
        self.lenient = lenient
        """Comparing (drift): a field the record no longer has reads as absent, noted, and is then a change to
        report. A field of the wrong kind (a number where text belongs) is a malformed record: it stops the
        comparison with its path, as it stops an import."""
        self.notes: list[Problem] = []

    def problem(self, path: str, message: str, missing: bool = False) -> None:
        """Record a problem at ``path`` (a missing field is a note only, when lenient)."""
        (self.notes if self.lenient and missing else self.problems).append(Problem(self.name, None, path, message))

    def raise_problems(self) -> None:
        """Raise ContentError if any look-up failed."""
        if self.problems:
            raise ContentError(self.problems)

    def get(self, path: str, kind: str, required: bool = True) -> object:
        """The value at ``path`` if it has JSON type ``kind``; None (and a problem if required) otherwise."""
        node: object = self.data
        walked = ""
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            if part.startswith("["):
                index = int(part[1:-1])
                if not isinstance(node, list):
                    self.problem(walked, f"expected a list, got {json_kind(node)}")
                    return None
                if index >= len(node):
                    return self._missing(f"{walked}{part}", required)
                node, walked = node[index], f"{walked}{part}"
            else:
                if not isinstance(node, dict):
                    self.problem(walked or "(top level)", f"expected a mapping, got {json_kind(node)}")
                    return None
                walked = f"{walked}.{part}" if walked else part
                if part not in node:
                    return self._missing(walked, required)
                node = node[part]
        if kind != "any" and (not isinstance(node, _KINDS[kind]) or isinstance(node, bool) and kind != "bool"):
            self.problem(path, f"expected {_NAMES[kind]}, got {json_kind(node)}")
            return None
        return node

    def _missing(self, path: str, required: bool) -> None:
        if required:
            self.problem(path, "required field is missing", missing=True)
        return None

    def text(self, path: str, required: bool = True) -> str | None:
        """Text at ``path``."""
        return self.get(path, "text", required)

    def texts(self, path: str, required: bool = True) -> list[str] | None:
        """A list of texts at ``path`` (None if absent and not required)."""
        values = self.get(path, "list", required)
        if values is None:
            return None
        return [self.text(f"{path}[{i}]") for i in range(len(values))]

    def paths(self, path: str, required: bool = True) -> list[str]:
        """The path of each item of the list at ``path`` (none if absent and not required)."""
        values = self.get(path, "list", required)
        return [f"{path}[{i}]" for i in range(len(values or []))]
