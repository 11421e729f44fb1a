#!/usr/bin/env python3
"""Measure the build and the weight of a first visit; write the figures into benchmarks/README.md.

    .venv/bin/python benchmarks/run.py [--runs N] [--lang CODE] [--no-write]

Not a test: the figures depend on the machine. Each build runs the real command line
(``python -m hemismart_site build --strict``) on a fresh copy of the project's input into a fresh
folder (a clean build: no earlier output, no work folder), ``--runs`` times; the median wall time is
reported, and the peak memory of the whole process tree (the build, its MkDocs worker processes and
the Chromium that prints the PDFs: the sum of their proportional set sizes), sampled every 20 ms.

The page weight is what Chromium (Debian's, through Playwright) fetches on a first visit (empty cache)
to ``/<lang>/families/`` of the full build, served locally, plus that language's search index if the
page did not fetch it by itself: bytes as stored, and gzip-compressed (level 6, text types only:
what a static host such as GitHub Pages sends).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
README = Path(__file__).resolve().parent / "README.md"
INPUTS = ("content", "templates", "site_config.yml", "mkdocs.yml")
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


def copy_inputs(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in INPUTS:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    return dest


def _tree_memory(root_pid: int) -> int:
    """Memory of ``root_pid`` and all its descendants, in bytes: the sum of their PSS (proportional set
    size, Linux /proc/<pid>/smaps_rollup), so pages shared between processes (Chromium's, the forked
    MkDocs workers') are counted once."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed_build(args: list[str]) -> tuple[float, int, str]:
    """Run one clean build; (wall seconds, peak tree RSS bytes, last line of output)."""
    with tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
        root = copy_inputs(Path(tmp) / "project")
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env.setdefault("NO_MKDOCS_2_WARNING", "1")
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "hemismart_site", "build", "--strict", "--root", str(root),
                                 "--site-dir", str(Path(tmp) / "site"), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_memory(proc.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - started
        output = proc.stdout.read()
        if proc.returncode != 0:
            raise SystemExit(f"build failed ({' '.join(args)}):\n{output}")
        return wall, peak, output.strip().splitlines()[-1]


def build_site_for_weight(dest: Path) -> Path:
    root = copy_inputs(dest / "project")
    subprocess.run([sys.executable, "-m", "hemismart_site", "build", "--strict", "--root", str(root),
                    "--site-dir", str(dest / "site")], check=True, capture_output=True)
    return dest / "site"


def first_visit(site: Path, lang: str) -> list[tuple[str, int, int]]:
    """(path, bytes, gzip bytes) of every file Chromium fetched for a first visit to /<lang>/families/."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from hemismart_site.pdf import CHROMIUM_ARGS, chromium_path

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    fetched: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            context = browser.new_context()
            context.on("requestfinished", lambda r: fetched.append(r.url))
            page = context.new_page()
            page.goto(f"{origin}/{lang}/families/", wait_until="networkidle")
            page.wait_for_timeout(1000)
            browser.close()
    finally:
        httpd.shutdown()
    paths = []
    for url in fetched:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        rel = unquote(parts.path).lstrip("/")
        target = site / rel
        if target.is_dir():
            target = target / "index.html"
        if target.is_file() and target not in paths:
            paths.append(target)
    index = site / lang / "search" / "search_index.json"
    if index not in paths:
        paths.append(index)
    out = []
    for path in paths:
        data = path.read_bytes()
        packed = len(gzip.compress(data, 6)) if path.suffix in TEXT_TYPES else len(data)
        out.append((path.relative_to(site).as_posix(), len(data), packed))
    return out


def kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind (median reported; default 3)")
    parser.add_argument("--lang", default=None, help="language of the one-language build and the page weight "
                                                     "(default: the source language)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/README.md alone")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from hemismart_site.pages import all_pages
    from hemismart_site.validate import load_project

    project = load_project(REPO)
    langs = project.config.languages
    lang = args.lang or project.config.source_language

    rows = []
    for label, extra in ((f"full build, {len(langs)} languages", []), (f"one language ({lang})", ["--lang", lang]),
                         (f"full build without PDFs, {len(langs)} languages", ["--no-pdf"])):
        runs = [timed_build(extra) for _ in range(args.runs)]
        walls = [w for w, _, _ in runs]
        peak = max(p for _, p, _ in runs)
        rows.append((label, statistics.median(walls), min(walls), max(walls), peak))
        print(f"{label}: median {statistics.median(walls):.1f} s (min {min(walls):.1f}, max {max(walls):.1f}), "
              f"peak memory {peak / 2**20:.0f} MiB — {runs[-1][2]}", flush=True)

    with tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
        site = build_site_for_weight(Path(tmp))
        files = first_visit(site, lang)
    total, total_gz = sum(f[1] for f in files), sum(f[2] for f in files)
    print(f"first visit to /{lang}/families/: {len(files)} files, {kib(total)} ({kib(total_gz)} gzip)")

    cpu = f"{os.cpu_count()} CPU(s)"
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine()) if Path("/proc/cpuinfo").exists() else platform.machine()
    load = os.getloadavg()[0]
    lines = [
        f"Measured {dt.date.today().isoformat()} on {model}, {cpu}, Python {platform.python_version()} "
        f"(load average {load:.1f} at the end: other work on the machine slows the builds down), "
        f"{len(langs)} languages × {len(all_pages(project.facts))} pages; median of {args.runs} clean builds each.",
        "",
        "| build | wall time (median) | min – max | peak memory (process tree, PSS) |",
        "|---|---|---|---|",
    ]
    lines += [f"| {label} | {median:.1f} s | {lo:.1f} – {hi:.1f} s | {peak / 2**20:.0f} MiB |" for label, median, lo, hi, peak in rows]
    lines += [
        "",
        f"First visit to `/{lang}/families/` (empty cache; everything the page fetched, plus the search index):",
        "",
        "| file | bytes | gzip |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{path}` | {raw:,} | {gz:,} |" for path, raw, gz in sorted(files, key=lambda f: -f[1])]
    lines += [f"| **total ({len(files)} files)** | **{total:,}** ({kib(total)}) | **{total_gz:,}** ({kib(total_gz)}) |"]
    block = "\n".join(lines)
    print()
    print(block)
    if not args.no_write:
        text = README.read_text(encoding="utf-8")
        new, found = re.subn(r"(<!-- results:start -->\n).*?(\n<!-- results:end -->)",
                             lambda m: m.group(1) + block + m.group(2), text, flags=re.S)
        if not found:
            raise SystemExit(f"{README}: no <!-- results:start --> … <!-- results:end --> block")
        README.write_text(new, encoding="utf-8")
        print(f"\nwrote {README.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
