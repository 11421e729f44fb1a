"""``hemismart-site import-registry``: update the registry-derived facts in content/ from a record.

The record is read and checked completely first (:mod:`hemismart_site.record`),
mapped to the facts (:mod:`hemismart_site.mapping`), merged into the current
files keeping their comments, key order and curated keys
(:mod:`hemismart_site.rtmerge`), and only then written, each file atomically.
A record that cannot be read leaves content/ untouched.

Each written file starts with a ``source:`` block: the record, its last
update date, the date content/ was last brought in line with it
(``checked``; it changes only when the facts change, so importing the same
record twice changes nothing) and ``from:``, the record path of each
registry-derived key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from hemismart_site.errors import ContentError, Problem
from hemismart_site.load import parse_yaml
from hemismart_site.mapping import FROM, PS, eligibility_facts, site_facts, trial_facts
from hemismart_site.record import Reader, load_record
from hemismart_site.rtmerge import merge, plain, same, to_rt
from hemismart_site.yamlrt import dump_rt, load_rt, write_atomic

FILES = ("trial.yml", "eligibility.yml", "sites.yml")
"""The content files that hold registry-derived facts."""

HEADER = ("{file}: imported from the ClinicalTrials.gov record {nct} by `hemismart-site import-registry`.\n"
          "Registry wording is kept verbatim; `source.from` says where each key comes from.")


@dataclass
class Imported:
    """The files an import would write, next to what content/ holds now."""

    old_text: dict[str, str | None]
    new_text: dict[str, str]
    old_data: dict[str, dict]
    new_data: dict[str, dict]
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        """The files whose bytes would change."""
        return [name for name in FILES if self.old_text[name] != self.new_text[name]]


def import_record(record: Path, root: Path, checked: dt.date, lenient: bool = False) -> Imported:
    """Map ``record`` onto content/ under ``root`` in memory; raise ContentError if the record is wrong.
    ``lenient`` (drift): fields the record does not have read as absent (listed in ``notes``) instead."""
    reader = load_record(record, lenient)
    content = root / "content"
    old_text = {name: _read(content / name) for name in FILES}
    old_data = {name: _plain_data(f"content/{name}", old_text[name]) for name in FILES}
    _same_trial(reader, old_data["trial.yml"])
    sites, notes = site_facts(reader, old_data["sites.yml"])
    eligibility, criteria_notes = eligibility_facts(reader, old_data["eligibility.yml"])
    facts = {"trial.yml": trial_facts(reader, old_data["trial.yml"]), "eligibility.yml": eligibility, "sites.yml": sites}
    notes += criteria_notes
    reader.raise_problems()
    notes += _removed_sites(old_data["sites.yml"], sites) + _intervention_notes(old_data["trial.yml"], facts["trial.yml"])
    new_data = _with_sources(reader, old_data, facts, checked)
    notes += [f"the record: {p.key}: {p.message}" for p in reader.notes]
    if lenient:  # a comparison: the files are not written, so not rendered either
        return Imported(old_text, dict(old_text), old_data, new_data, notes)
    new_text = {}
    for name in FILES:
        new_text[name] = _render(name, old_text[name], new_data[name], reader)
    return Imported(old_text, new_text, old_data, new_data, notes)


def _same_trial(reader: Reader, old_trial: dict) -> None:
    """Refuse a record of another trial than the one content/ holds (nothing is written)."""
    path = f"{PS}.identificationModule.nctId"
    nct = reader.get(path, "text", required=False)
    held = (old_trial.get("identifiers") or {}).get("nct_id") if isinstance(old_trial.get("identifiers"), dict) else None
    if nct is not None and held is not None and nct != held:
        reader.problem(path, f"is {nct}, but content/ holds {held}; a new trial starts from a content/ "
                             "without trial.yml, eligibility.yml and sites.yml")
        reader.raise_problems()


def write_import(imported: Imported, root: Path) -> None:
    """Write the changed files, each atomically."""
    for name in imported.changed:
        write_atomic(root / "content" / name, imported.new_text[name])


CHANGES_HEADER = """# What changed in the registry record, newest first: written by `hemismart-site import-registry`
# (each change a family or a hospital would want to follow, dated with the record's last update). The
# "What changed" page and the Atom feeds are built from it. Do not edit entries by hand: correct a
# registry fact with content/overrides.yml instead.
"""


RECORD_DIR = Path("content") / "record"
"""Where the import keeps the record content/ was taken from (``<NCT>.json``): the tests compare the facts with
it, so that a newer record in the registry never breaks the published site's tests (drift reports it)."""


def keep_record(record: Path, root: Path) -> Path:
    """Keep a copy of the imported record under content/record/ (byte for byte)."""
    import json

    data = json.loads(record.read_text(encoding="utf-8"))
    nct = data["protocolSection"]["identificationModule"]["nctId"]
    target = root / RECORD_DIR / f"{nct}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != record.read_bytes():
        write_atomic(target, record.read_text(encoding="utf-8"))
    return target


def log_changes(imported: Imported, changes: list, root: Path) -> int:
    """Prepend the change-log entries of this import to content/changes.yml; return how many."""
    import json

    from hemismart_site.changes import entries_from

    date = dt.date.fromisoformat(imported.new_data["trial.yml"]["registry"]["last_update_posted"]["date"])
    if not imported.old_data["sites.yml"]:  # a first import: the facts are new, not changes
        return 0
    entries = entries_from(changes, imported.old_data["sites.yml"], imported.new_data["sites.yml"], date)
    if not entries:
        return 0
    path = root / "content" / "changes.yml"
    old = _read(path)
    current = (_plain_data("content/changes.yml", old).get("changes") or []) if old else []
    def line(entry: dict) -> str:
        fields = ", ".join(f"{k}: {json.dumps(v.isoformat() if isinstance(v, dt.date) else v, ensure_ascii=False)}"
                           for k, v in entry.items())
        return f"- {{{fields}}}\n"
    text = CHANGES_HEADER + "changes:\n" + "".join(line(e) for e in entries) + "".join(line(e) for e in current)
    write_atomic(path, text)
    return len(entries)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _plain_data(name: str, text: str | None) -> dict:
    """The file's data as the site reads it ({} for no file or an empty one)."""
    data = parse_yaml(text, name).data if text is not None else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError([Problem(name, 1, "", "expected a mapping of keys at the top of the file")])
    return data


def _with_sources(reader: Reader, old_data: dict, facts: dict, checked: dt.date) -> dict:
    """Each file's facts under a ``source:`` block; ``checked`` moves only when some fact changed."""
    idm, sm = f"{PS}.identificationModule", f"{PS}.statusModule"
    record = {"record": reader.text(f"{idm}.nctId"), "last_update_posted": reader.text(f"{sm}.lastUpdatePostDateStruct.date")}
    old_sources = [old_data[name].get("source") for name in FILES]
    old_checked = {s.get("checked") if isinstance(s, dict) else None for s in old_sources}
    data = {name: {"source": {**record, "checked": None, "from": FROM[name]}, **facts[name]} for name in FILES}
    unchanged = len(old_checked) == 1 and None not in old_checked and all(
        same(_without_checked(old_data[name]), _without_checked(data[name])) for name in FILES)
    when = old_checked.pop() if unchanged else checked.isoformat()
    for name in FILES:
        data[name]["source"]["checked"] = when
    return data


def _without_checked(data: dict) -> dict:
    source = {k: v for k, v in (data.get("source") or {}).items() if k != "checked"}
    return {**data, "source": source}


def _render(name: str, old_text: str | None, new: dict, reader: Reader) -> str:
    """The file's new text: ``new`` merged into the old file, or a new file with a header."""
    node = load_rt(old_text) if old_text is not None else None
    if node is None:  # no file, or one without data
        node = to_rt(new)
        nct = reader.text(f"{PS}.identificationModule.nctId")
        node.yaml_set_start_comment(HEADER.format(file=name, nct=nct))
    else:
        if "source" not in node:
            node.insert(0, "source", to_rt(new["source"]))
        node = merge(node, new, keyed={"sites": "slug"})
    text = dump_rt(node)
    if plain(parse_yaml(text, name).data) != plain(new):  # a safeguard: never write what would read differently
        raise ContentError([Problem(f"content/{name}", None, "", "the merged YAML would not read back as the imported "
                                    "facts (a bug in the import: please report it); nothing was written")])
    return text


def _removed_sites(old: dict, new: dict) -> list[str]:
    kept = {s["slug"] for s in new["sites"]}
    return [f"site removed (no longer in the record): {s.get('facility')!r} ({s.get('city')}), slug {s.get('slug')!r}"
            for s in old.get("sites") or [] if isinstance(s, dict) and s.get("slug") not in kept]


def _intervention_notes(old: dict, new: dict) -> list[str]:
    """New interventions, and known ones whose name or description changed (check the curated routes)."""
    known = {iv.get("id"): iv for iv in old.get("interventions") or [] if isinstance(iv, dict)}
    notes = []
    for iv in new["interventions"]:
        before = known.get(iv["id"])
        if before is None:
            notes.append(f"new intervention {iv['name']!r}: id {iv['id']!r}, routes {iv['routes']} read from "
                         f"{iv['registry_description']!r} (check them)")
        elif (before.get("name"), before.get("registry_description")) != (iv["name"], iv["registry_description"]):
            notes.append(f"intervention {iv['id']!r} is now {iv['name']!r}, {iv['registry_description']!r}: "
                         f"id and routes {iv['routes']} kept (check them)")
    return notes
