"""One guarded writer: every output path once, into a fresh folder.

Pages are rendered into memory first; :func:`write_tree` refuses two
pages with the same path (two slugs that map to one file would silently
overwrite each other otherwise) and writes nothing outside its folder.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hemismart_site.errors import ContentError, Problem


def write_tree(folder: Path, files: dict[str, str]) -> None:
    """Write ``{relative path: text}`` under ``folder`` (which must not exist yet)."""
    folder.mkdir(parents=True, exist_ok=False)
    seen: dict[str, str] = {}
    problems = []
    for rel in files:
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            problems.append(Problem(rel, None, "", "output path leaves the output folder"))
        key = rel.casefold()
        if key in seen:
            problems.append(Problem(rel, None, "", f"two pages would be written to one file (also {seen[key]})"))
        seen[key] = rel
    if problems:
        raise ContentError(problems)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
