"""Running builds from the tests: in this process, or through the real command line."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from hemismart_site.build import build_site


def build_in_process(root: Path, site_dir: Path, *, strict: bool = True, languages: list[str] | None = None,
                     pdf: bool = False):
    """``build_site`` as the command line would run it, with SOURCE_DATE_EPOCH unset; without the calendar PDFs
    unless ``pdf`` (printing them needs Chromium: only the tests marked ``browser`` ask for them).

    ``build_site`` pins SOURCE_DATE_EPOCH in ``os.environ`` when it is unset; the variable is put
    back as it was, so later builds in this process or its subprocesses are not affected.
    """
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        return build_site(root, strict=strict, site_dir=site_dir, languages=languages, pdf=pdf)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m hemismart_site ARGS`` in a subprocess; output captured as text."""
    return subprocess.run([sys.executable, "-m", "hemismart_site", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path → bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(files: dict[str, bytes]) -> dict[str, str]:
    """The same, with a hash instead of the bytes (short assertion messages)."""
    return {k: hashlib.sha256(v).hexdigest()[:16] for k, v in files.items()}
