"""Local corrections (``content/overrides.yml``): a registry fact the registry has not caught up with yet.

Registry-derived facts have one owner, the registry: ``trial.yml`` and ``sites.yml`` are written by
``import-registry`` and compared by ``drift``. A correction the trial office knows of before the registry
shows it (a new contact person, a hospital that opened last week) is not typed into those files: it is
recorded here, with the value, a reason, a date and who made it. When the project is loaded the
correction replaces the registry's value (and is validated like it); the investigators' pages list every
correction in force beside the registry's value; ``import-registry`` leaves this file alone; ``drift``
reports each correction as "override in force" (not as drift) and flags it once the registry agrees or
when it is older than ``max_age_days``.

A target names the fact: ``sites[<slug>].<field>`` (``sites[rigshospitalet-copenhagen].status``,
``sites[st-anna-kinderspital].contacts``) or a path in trial.yml (``trial.central_contacts``,
``trial.status.overall``); ``[n]`` indexes a list.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from hemismart_site.errors import Problem, format_path
from hemismart_site.load import Loaded
from hemismart_site.model import Date, Strict, Text

OVERRIDES_FILE = "overrides.yml"

_TARGET = re.compile(r"^(?:sites\[(?P<slug>[a-z0-9-]+)\]|trial)(?P<rest>(?:\.[a-z_]+|\[\d+\])*)$")


class Override(Strict):
    """One local correction."""

    target: Annotated[StrictStr, Field(pattern=_TARGET.pattern)]
    """The fact corrected: ``sites[<slug>].<field>`` or ``trial.<path>`` (``[n]`` indexes a list)."""
    value: Any
    """The value in force instead of the registry's, written as the fact is written in sites.yml or trial.yml."""
    reason: Text
    """Why: what the office knows that the registry does not show yet, and from whom."""
    date: Date
    """When the correction was made, YYYY-MM-DD."""
    by: Text
    """Who made it (a name or a role)."""


class Overrides(Strict):
    """content/overrides.yml: local corrections of registry-derived facts."""

    max_age_days: Annotated[StrictInt, Field(ge=1)] = 90
    """After this many days a correction is flagged by drift and check: the registry should have caught up."""
    overrides: list[Override] = []
    """The corrections in force, oldest first."""


@dataclass(frozen=True)
class Applied:
    """A correction as applied: what the registry said and what is shown instead."""

    target: str
    registry_value: object
    value: object
    reason: str
    date: _dt.date
    by: str
    line: int | None

    def age_days(self, today: _dt.date) -> int:
        return (today - self.date).days


def apply_overrides(overrides: Overrides, overrides_src: Loaded, sources: dict[str, Loaded]
                    ) -> tuple[list[Applied], dict[tuple[str, str], int], list[Problem]]:
    """Replace the targeted facts in ``sources`` (trial.yml, sites.yml: their data is copied first) and return the
    corrections applied, the key paths they cover (file, key → the correction's line: a validation problem
    there belongs to overrides.yml) and the targets that cannot be found."""
    applied: list[Applied] = []
    covered: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    copied: set[str] = set()
    for i, item in enumerate(overrides.overrides):
        line = overrides_src.line_of(("overrides", i, "target"))
        match = _TARGET.match(item.target)
        name = "trial.yml" if item.target.startswith("trial") else "sites.yml"
        loaded = sources.get(name)
        if match is None or loaded is None:
            continue
        if name not in copied:
            sources[name] = Loaded(loaded.file, copy.deepcopy(loaded.data), loaded.lines)
            copied.add(name)
            loaded = sources[name]
        path: list[object] = []
        if match["slug"]:
            sites = loaded.data.get("sites") if isinstance(loaded.data, dict) else None
            index = next((j for j, s in enumerate(sites or []) if isinstance(s, dict) and s.get("slug") == match["slug"]), None)
            if index is None:
                problems.append(Problem(overrides_src.file, line, f"overrides[{i}].target",
                                        f"no site with slug {match['slug']!r} in sites.yml"))
                continue
            path = ["sites", index]
        steps = re.findall(r"\.([a-z_]+)|\[(\d+)\]", match["rest"])
        path += [key if key else int(idx) for key, idx in steps]
        parent, last = _parent(loaded.data, path)
        if parent is None:
            problems.append(Problem(overrides_src.file, line, f"overrides[{i}].target",
                                    f"{item.target!r}: no such fact in {loaded.file}"))
            continue
        registry_value = copy.deepcopy(parent[last]) if _has(parent, last) else None
        parent[last] = copy.deepcopy(item.value)
        applied.append(Applied(item.target, registry_value, item.value, item.reason, item.date, item.by, line))
        covered[(loaded.file, format_path(tuple(path)))] = overrides_src.line_of(("overrides", i, "value")) or line
    return applied, covered, problems


def _parent(data: object, path: list[object]) -> tuple[object | None, object]:
    node = data
    for step in path[:-1]:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None, None
    last = path[-1] if path else None
    if isinstance(node, dict) and isinstance(last, str):
        return node, last
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        return node, last
    return None, None


def _has(parent: object, key: object) -> bool:
    return (isinstance(parent, dict) and key in parent) or (isinstance(parent, list) and isinstance(key, int) and key < len(parent))


def relocate(problems: list[Problem], covered: dict[tuple[str, str], int], overrides_file: str) -> list[Problem]:
    """A problem inside a corrected fact is the correction's: report it at overrides.yml."""
    out = []
    for p in problems:
        line = next((ln for (file, key), ln in covered.items() if p.file == file and (p.key == key or p.key.startswith(key + ".")
                                                                                     or p.key.startswith(key + "["))), None)
        out.append(Problem(overrides_file, line, p.key, f"{p.message} (a local correction)") if line is not None else p)
    return out
