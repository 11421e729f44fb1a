"""``hemismart-site drift``: what content/ says that a registry record no longer says.

Drift imports the record in memory (the same mapping as
``import-registry``, :mod:`hemismart_site.importer`) and compares the
result with the files, field by field: sites are matched by slug,
criteria by their text, other items by id or position. The ``source:``
blocks are bookkeeping and are not compared (``registry.last_update_posted``
in trial.yml shows a new version of the record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hemismart_site.errors import ContentError
from hemismart_site.importer import FILES, Imported, import_record
from hemismart_site.mapping import FROM


@dataclass(frozen=True)
class Change:
    """One difference between content/ and the record."""

    file: str
    key: str
    old: object
    new: object
    what: str = "changed"
    """changed, added (in the record, not in content/), removed (in content/, not in the record)
    or renumbered (criteria whose number changed, ``old`` and ``new`` the id lists)."""

    def text(self) -> str:
        """``content/sites.yml: sites[x].status: 'A' → 'B'``."""
        where = f"content/{self.file}: {self.key}"
        if not self.key:
            return f"content/{self.file}: new file, with {', '.join(self.new)} from the record"
        if self.what == "added":
            return f"{where}: new in the record: {_show(self.new)}"
        if self.what == "removed":
            return f"{where}: no longer in the record: {_show(self.old)}"
        if self.what == "renumbered":
            return f"{where}: renumbered: " + ", ".join(f"{a} → {b}" for a, b in zip(self.old, self.new, strict=True))
        return f"{where}: {_show(self.old)} → {_show(self.new)}"


def drift(record: Path, root: Path) -> list[Change]:
    """Every difference between content/ under ``root`` and ``record``, field by field: a field the record no
    longer has is a change too, never a reason to stop comparing (a field of the wrong kind is: ContentError)."""
    return changes_of(import_record(record, root, dt.date.today(), lenient=True))


@dataclass(frozen=True)
class OverrideNote:
    """A local correction (content/overrides.yml) seen against the record: in force, or flagged."""

    target: str
    value: object
    record_value: object
    since: dt.date
    flag: str | None
    """None while the correction is needed; why it should go otherwise (the registry agrees, or it is old)."""

    def text(self) -> str:
        head = f"content/overrides.yml: {self.target}: {_show(self.value)} (the record: {_show(self.record_value)}), since {self.since.isoformat()}"
        return f"{head}: {self.flag}" if self.flag else f"{head}: override in force"


def override_notes(root: Path, record: Path, today: dt.date | None = None) -> list[OverrideNote]:
    """Each local correction against the record's value for the same fact (imported in memory)."""
    from hemismart_site.load import load_yaml
    from hemismart_site.overrides import OVERRIDES_FILE, Overrides, apply_overrides
    from hemismart_site.validate import validate_against

    path = root / "content" / OVERRIDES_FILE
    if not path.exists():
        return []
    loaded = load_yaml(path, f"content/{OVERRIDES_FILE}")
    overrides, problems = validate_against(loaded, Overrides)
    if problems:
        raise ContentError(problems)
    if not overrides.overrides:
        return []
    imported = import_record(record, root, dt.date.today(), lenient=True)
    from hemismart_site.load import Loaded

    sources = {name: Loaded(f"content/{name}", imported.new_data[name], {}) for name in ("trial.yml", "sites.yml")}
    applied, _, _ = apply_overrides(overrides, loaded, sources)
    today = today or dt.date.today()
    notes = []
    for item in applied:
        flag = None
        if item.registry_value == item.value:
            flag = "the registry now agrees: remove the override"
        elif item.age_days(today) > overrides.max_age_days:
            flag = (f"older than {overrides.max_age_days} days and the registry still differs: ask the sponsor to "
                    "update the registry, or renew the override with today's date")
        notes.append(OverrideNote(item.target, item.value, item.registry_value, item.date, flag))
    return notes


def changes_of(imported: Imported) -> list[Change]:
    """Every difference between the files now and what the import makes of them."""
    changes: list[Change] = []
    for name in FILES:
        old = _without_source(imported.old_data[name])
        new = _without_source(imported.new_data[name])
        if not old:
            changes.append(Change(name, "", None, [k for k in FROM[name] if k in new], "added"))
            continue
        if name == "eligibility.yml":
            old = _renumbered_summary(old, new)
        changes += _compare(name, "", old, new)
    return changes


def _renumbered_summary(old: dict, new: dict) -> dict:
    """``old`` with its family_summary's criterion ids renumbered as the record renumbers them
    (so a line is reported only when it loses a criterion, not when its criteria move up)."""
    renamed = {c.get("id"): n.get("id") for kind in ("inclusion", "exclusion")
               for c in old.get(kind) or [] for n in new.get(kind) or [] if c.get("text") == n.get("text")}
    lines = old.get("family_summary")
    if not isinstance(lines, list):
        return old
    summary = [{**line, "criteria": [renamed.get(c, c) for c in line.get("criteria") or []]}
               if isinstance(line, dict) else line for line in lines]
    return {**old, "family_summary": summary}


def _without_source(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "source"}


def _compare(file: str, key: str, old: object, new: object) -> list[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in [*old, *(k for k in new if k not in old)]:
            sub = f"{key}.{k}" if key else str(k)
            if k not in new:
                out.append(Change(file, sub, old[k], None, "removed"))
            elif k not in old:
                out.append(Change(file, sub, None, new[k], "added"))
            else:
                out += _compare(file, sub, old[k], new[k])
        return out
    if isinstance(old, list) and isinstance(new, list):
        return _compare_lists(file, key, old, new)
    if old != new or type(old) is not type(new):
        return [Change(file, key, old, new)]
    return []


def _compare_lists(file: str, key: str, old: list, new: list) -> list[Change]:
    if old == new:
        return []
    for item_key in ("slug", "id"):
        if _keyed(old, item_key) and _keyed(new, item_key):
            if item_key == "id" and key in ("inclusion", "exclusion"):
                return _compare_criteria(file, key, old, new)
            return _compare_keyed(file, key, old, new, item_key)
    if len(old) == len(new) and any(isinstance(x, (dict, list)) for x in old + new):
        return [c for i, (a, b) in enumerate(zip(old, new, strict=True)) for c in _compare(file, f"{key}[{i}]", a, b)]
    removed = [x for x in old if x not in new]
    added = [x for x in new if x not in old]
    if not removed and not added:
        return [Change(file, key, old, new, "changed")]
    return [Change(file, key, x, None, "removed") for x in removed] + [Change(file, key, None, x, "added") for x in added]


def _keyed(items: list, item_key: str) -> bool:
    return all(isinstance(x, dict) and item_key in x for x in items)


def _compare_keyed(file: str, key: str, old: list, new: list, item_key: str) -> list[Change]:
    old_by = {x[item_key]: x for x in old}
    new_by = {x[item_key]: x for x in new}
    out = []
    for ident, item in old_by.items():
        where = f"{key}[{ident}]"
        out += [Change(file, where, item, None, "removed")] if ident not in new_by else _compare(file, where, item, new_by[ident])
    out += [Change(file, f"{key}[{ident}]", None, item, "added") for ident, item in new_by.items() if ident not in old_by]
    if not out and [x[item_key] for x in old] != [x[item_key] for x in new]:
        out.append(Change(file, key, [x[item_key] for x in old], [x[item_key] for x in new], "changed"))
    return out


def _compare_criteria(file: str, key: str, old: list, new: list) -> list[Change]:
    """Criteria matched by their text: a changed text is one removed and one added criterion."""
    new_by_text = {c.get("text"): c for c in new}
    old_by_text = {c.get("text"): c for c in old}
    out, moved = [], []
    for c in old:
        match = new_by_text.get(c.get("text"))
        if match is None:
            out.append(Change(file, f"{key}[{c['id']}]", c.get("text"), None, "removed"))
            continue
        if match["id"] != c["id"]:
            moved.append((c["id"], match["id"]))
        out += _compare(file, f"{key}[{c['id']}]", {**c, "id": None}, {**match, "id": None})
    out += [Change(file, f"{key}[{c['id']}]", None, c.get("text"), "added") for c in new if c.get("text") not in old_by_text]
    if moved:
        out.append(Change(file, key, [a for a, _ in moved], [b for _, b in moved], "renumbered"))
    return out


def _show(value: object, limit: int = 160) -> str:
    if isinstance(value, dict) and "facility" in value:
        text = f"{value['facility']} ({value.get('city')}, {value.get('country')}), status {value.get('status')}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report(changes: list[Change], record: Path, fmt: str, notes: list[OverrideNote] | None = None) -> str:
    """The changes (and the local corrections seen against the record) as plain text or as Markdown."""
    notes = notes or []
    if fmt == "markdown":
        return _markdown(changes, record) + _markdown_notes(notes)
    lines = [n.text() for n in notes]
    if not changes:
        return "\n".join([*lines, f"content/ is in sync with {record}."])
    lines += [c.text() for c in changes]
    return "\n".join([*lines, f"{len(changes)} difference(s) between content/ and {record}; "
                      f"run `hemismart-site import-registry {record}` to take them over."])


def _markdown_notes(notes: list[OverrideNote]) -> str:
    if not notes:
        return ""
    rows = [f"| `{n.target}` | {_cell(n.value)} | {_cell(n.record_value)} | {n.since.isoformat()} | {n.flag or 'in force'} |"
            for n in notes]
    return "\n".join(["", "#### Local corrections (content/overrides.yml)", "",
                      "| fact | in force | record | since | |", "|---|---|---|---|---|", *rows]) + "\n"


def _markdown(changes: list[Change], record: Path) -> str:
    head = f"### Registry drift: `{record.name}`\n\n"
    if not changes:
        return head + "content/ is in sync with the registry record.\n"
    rows = [f"| `content/{c.file}` | `{c.key}` | {c.what} | {_cell(c.old)} | {_cell(c.new)} |" for c in changes]
    return head + "\n".join([
        f"{len(changes)} difference(s); run `hemismart-site import-registry {record.name}` to take them over.", "",
        "| file | field | what | content/ | record |", "|---|---|---|---|---|", *rows]) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    return _show(value).replace("|", "\\|").replace("\n", " ")
