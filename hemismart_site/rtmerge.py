"""Merge new plain data into round-trip YAML data, touching only what changed.

A value equal to the one in the file is left as it is (its quoting, its
comments); a changed value is replaced; a new key is inserted where the
new data puts it; a key the new data lacks is removed. Lists of mappings
with a stable key (``slug``) are matched by that key, other lists by
position.
"""

from __future__ import annotations

import json

import yaml

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from hemismart_site.load import _Loader
from hemismart_site.yamlrt import block


def plain(node: object) -> object:
    """Round-trip data as plain dicts, lists, str, numbers, booleans and None."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def same(a: object, b: object) -> bool:
    """Equal values of equal JSON types (True is not 1, 1.0 is not 1); key order ignored."""
    return json.dumps(plain(a), sort_keys=True) == json.dumps(plain(b), sort_keys=True)


def to_rt(value: object) -> object:
    """Plain data as round-trip nodes: multi-line text as ``|-`` blocks, ambiguous text quoted."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = to_rt(v)
        return out
    if isinstance(value, list):
        return CommentedSeq(to_rt(v) for v in value)
    if isinstance(value, str):
        if "\n" in value:
            return block(value)
        if _Loader.resolve(_Loader, yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
            return SingleQuotedScalarString(value)
    return value


def merge(old: object, new: object, keyed: dict[str, str] | None = None, key: str = "") -> object:
    """``old`` updated in place to equal ``new`` where it can be; otherwise a new node.

    ``keyed`` maps a key whose value is a list of mappings to the item key
    that identifies an item (``{"sites": "slug"}``).
    """
    keyed = keyed or {}
    if same(old, new) and type(plain(old)) is type(new):
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new, keyed)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        if key in keyed:
            _merge_keyed(old, new, keyed[key], keyed)
        else:
            _merge_seq(old, new, keyed)
        return old
    return to_rt(new)


def _merge_map(old: CommentedMap, new: dict, keyed: dict[str, str]) -> None:
    for k in [k for k in old if k not in new]:
        del old[k]
    previous = -1
    for k, v in new.items():
        if k in old:
            merged = merge(old[k], v, keyed, k)
            if merged is not old[k]:
                old[k] = merged
            previous = list(old).index(k)
        else:
            previous += 1
            old.insert(previous, k, to_rt(v))


def _merge_seq(old: CommentedSeq, new: list, keyed: dict[str, str]) -> None:
    for i, v in enumerate(new):
        if i < len(old):
            merged = merge(old[i], v, keyed)
            if merged is not old[i]:
                old[i] = merged
        else:
            old.append(to_rt(v))
    del old[len(new):]


def _merge_keyed(old: CommentedSeq, new: list, item_key: str, keyed: dict[str, str]) -> None:
    by_key = {item.get(item_key): item for item in old if isinstance(item, CommentedMap)}
    nodes = []
    for v in new:
        node = by_key.get(v.get(item_key))
        nodes.append(merge(node, v, keyed) if node is not None else to_rt(v))
    if [id(n) for n in nodes] != [id(n) for n in old]:
        del old[:]
        old.extend(nodes)
