"""The field reference of the editor's guide, generated from the schema's docstrings.

``python -m hemismart_site.guide`` rewrites the part of README.md between
the ``<!-- fields:start -->`` and ``<!-- fields:end -->`` markers; a test
fails when the README and the schema disagree.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from hemismart_site.config import SiteConfig
from hemismart_site.localize import TranslationFile
from hemismart_site.model import FILES

START, END = "<!-- fields:start -->", "<!-- fields:end -->"


def field_reference() -> str:
    """Markdown: one table per file, one row per key (nested keys dotted)."""
    sections = [("site_config.yml", SiteConfig)]
    sections += [(f"content/{name}", model) for name, model in FILES.items()]
    sections.append(("content/translations/<lang>.yml", TranslationFile))
    out = []
    for file, model in sections:
        out.append(f"#### `{file}`\n\n{_first_line(model.__doc__)}\n\n| key | meaning |\n|---|---|")
        out += [f"| `{key}` | {doc} |" for key, doc in _rows(model, "")]
        out.append("")
    return "\n".join(out)


def _rows(model: type[BaseModel], prefix: str, seen: tuple = ()) -> list[tuple[str, str]]:
    rows = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        rows.append((key, (info.description or "").replace("\n", " ").replace("|", "\\|")))
        inner = _model_inside(info.annotation)
        if inner is not None and inner not in seen:
            suffix = "[]." if _is_list(info.annotation) else ".<name>." if _is_dict(info.annotation) else "."
            rows += _rows(inner, key + suffix, seen + (model,))
    return rows


def _model_inside(tp: object) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _model_inside(arg)
        if found is not None:
            return found
    return None


def _is_list(tp: object) -> bool:
    if typing.get_origin(tp) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(tp))


def _is_dict(tp: object) -> bool:
    if typing.get_origin(tp) is dict:
        return True
    return any(_is_dict(arg) for arg in typing.get_args(tp))


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""


def update_readme(readme: Path) -> bool:
    """Rewrite the generated part of the README; True if it changed."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{field_reference()}\n{END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = update_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("README.md updated" if changed else "README.md already up to date")
