#!/usr/bin/env python3
"""Measure the build, the live preview, the common route (mkdocs-static-i18n) and the pages; write the figures.

    .venv/bin/python benchmarks/run.py [--runs N] [--quick] [--only PARTS] [--json FILE] [--no-write]

Not a test: the figures depend on the machine and on what else runs on it. Parts (``--only``):

build
    Clean builds through the real command line (``python -m hemismart_site build --strict``) on a
    fresh copy of the project's input into a fresh folder (no earlier output, no work folder):
    the whole site with the calendar PDFs, and one language (``--lang``) with its PDF. Wall time,
    CPU time of the whole process tree (user + system, from ``wait4``; divided by wall time and
    cores it says how busy the cores were), peak memory of the process tree (the sum of the
    processes' PSS, sampled every 50 ms), HTML pages written per second.
i18n
    The same pages built by the common route, side by side, runs interleaved: our Markdown of every
    language (the render step of ``hemismart_site.build``, run once, timed apart) laid out as
    mkdocs-static-i18n's folder structure (``docs/<lang>/…``, ``docs_structure: folder``) with the
    same mkdocs.yml (INHERIT), theme overrides, navigation, site names and ``extra`` per language;
    ``mkdocs build`` timed against our ``build --strict --no-pdf`` (neither prints PDFs).
scale
    Our ``build --strict --no-pdf`` with 1, 4 and 11 languages, and with the 33 hospitals of
    content/sites.yml against 330 (each hospital copied 9 times with a unique slug and facility name;
    the originals stay, so discrepancies.yml's slugs and quotes still resolve, and the build's own
    validation has to pass).
serve
    ``hemismart-site serve`` on a copy of the project: a facility name in content/sites.yml is
    changed, and the time from the moment the file is written until the page served at the dev
    address (``/<lang>/families/hospitals/``) has the new name is measured (polled every 10 ms);
    the preview's own log lines say how much of it was re-rendering and how much MkDocs' rebuild.
weight
    What Chromium (Debian's, through Playwright) fetches on a first visit (empty cache) to
    ``/<lang>/families/`` of the full build (``en`` and ``he``), served locally; and the same plus
    that language's search index and search script (``search/index.json``, ``assets/search.js``),
    which only the search page loads: bytes as built and gzip-compressed (level 6, text types only:
    what a static host such as GitHub Pages sends), by file.
lighthouse
    Lighthouse (``benchmarks/node_modules``, mobile preset, Debian's Chromium) on the same family
    pages and on the children's page (``/<lang>/children/``), served with gzip and ``Cache-Control: max-age=600`` as GitHub Pages does; the four
    category scores and every audit that fails in a category below 100.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gzip
import http.server
import json
import mimetypes
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = HERE / "README.md"
INPUTS = ("content", "templates", "site_config.yml", "mkdocs.yml")
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
PARTS = ("build", "i18n", "scale", "serve", "weight", "lighthouse")
WEIGHT_LANGS = ("en", "he")
SITES_FACTOR = 10
TARGETS = {"serve": 0.5, "i18n_ratio": 2.0, "weight_gz": 80_000, "many_sites_wall": 60.0}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
ENV = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"NO_MKDOCS_2_WARNING": "1"}


# -- running and measuring ---------------------------------------------------------------------------


def copy_inputs(dest: Path, sites_factor: int = 1) -> Path:
    """A fresh copy of the project's input; with ``sites_factor`` > 1, that many times the hospitals."""
    dest.mkdir(parents=True)
    for name in INPUTS:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)
    if sites_factor > 1:
        path = dest / "content" / "sites.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        originals = data["sites"]
        # Deep copies: shared objects would be written as YAML anchors and aliases, which content refuses.
        copies = [dict(copy.deepcopy(site), slug=f"{site['slug']}-{k}", facility=f"{site['facility']} {k}")
                  for k in range(2, sites_factor + 1) for site in originals]
        data["sites"] = originals + copies
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def _tree_sample(root_pid: int) -> tuple[int, int]:
    """(memory, runnable) of ``root_pid`` and all its descendants. Memory in bytes: the sum of their PSS
    (proportional set size, Linux /proc/<pid>/smaps_rollup), so pages shared between processes
    (Chromium's, the forked MkDocs workers') are counted once. Runnable: how many of them are running
    or waiting for a core (state R) — how many cores the build could use, whatever else the machine runs."""
    parents: dict[int, int] = {}
    running: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            if fields[0] == b"R":
                running.add(int(entry))
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
    return total, len(tree & running)


def measure(cmd: list[str], what: str) -> dict:
    """Run ``cmd``; its wall time, CPU time (the whole tree's, as reaped), peak PSS and output."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=ENV)
        peak, runnable = 0, []
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            memory, running = _tree_sample(proc.pid)
            peak = max(peak, memory)
            runnable.append(running)
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{output[-5000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": peak, "output": output,
            "runnable": statistics.mean(runnable) if runnable else 0.0}


def html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def ours(args: list[str], *, sites_factor: int = 1, keep: Path | None = None) -> dict:
    """One clean build of ours: ``hemismart-site build --strict ARGS`` on a fresh copy."""
    with tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
        root = copy_inputs(Path(tmp) / "project", sites_factor)
        site = Path(tmp) / "site"
        run = measure([sys.executable, "-m", "hemismart_site", "build", "--strict", "--root", str(root),
                       "--site-dir", str(site), *args], f"build {' '.join(args)}")
        run["pages"] = html_pages(site)
        families = site / "en" / "families" / "treatment" / "index.html"  # no hospital list of its own
        run["family_page"] = families.stat().st_size if families.exists() else None
        run["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(site), str(keep))
    return run


def summary(runs: list[dict], label: str, route: str) -> dict:
    walls = [r["wall"] for r in runs]
    wall = statistics.median(walls)
    cpu = statistics.median(r["cpu"] for r in runs)
    row = {"label": label, "route": route, "runs": len(runs), "wall": wall, "min": min(walls), "max": max(walls),
           "cpu": cpu, "cores_busy": cpu / wall, "runnable": statistics.median(r["runnable"] for r in runs), "peak": max(r["peak"] for r in runs),
           "pages": runs[-1]["pages"], "pages_per_s": runs[-1]["pages"] / wall,
           "family_page": runs[-1].get("family_page"), "site_bytes": runs[-1].get("site_bytes")}
    print(f"  {label}: median {wall:.1f} s (min {min(walls):.1f}, max {max(walls):.1f}), CPU {cpu:.1f} s "
          f"({cpu / wall:.2f} cores busy, {row['runnable']:.2f} runnable on average), {row['pages']} pages, {row['pages_per_s']:.0f} pages/s, "
          f"peak {row['peak'] / 2**20:.0f} MiB", flush=True)
    return row


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- the common route: mkdocs-static-i18n ------------------------------------------------------------


def prepare_i18n(root: Path, work: Path) -> None:
    """Render every language's Markdown as our build does and lay it out for mkdocs-static-i18n.

    Run in its own process (``run.py --prepare-i18n ROOT WORK``) so that it can be timed apart."""
    sys.path.insert(0, str(REPO))
    from hemismart_site.build import THEME_DIR, nav_for, theme_extra
    from hemismart_site.localize import Localizer, load_translations
    from hemismart_site.render import make_environment, render_language
    from hemismart_site.validate import load_project
    from hemismart_site.write import write_tree

    project = load_project(root)
    env = make_environment(root)
    languages = []
    for lang in project.config.languages:
        write_tree(work / "docs" / lang, render_language(project, env, lang))
        l10n = Localizer(load_translations(root, lang), project.facts, project)
        languages.append({"locale": lang, "name": l10n.language_name(lang), "build": True,
                          "default": lang == project.config.source_language, "site_name": str(l10n.t("site_name")),
                          "nav": nav_for(project, lang), "extra": theme_extra(project, l10n)})
    config = {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "site_url": project.config.site_url,
        "docs_dir": str((work / "docs").resolve()),
        "site_dir": str((work / "site").resolve()),
        "theme": {"language": project.config.source_language, "custom_dir": str((root / THEME_DIR).resolve())},
        "not_in_nav": "/sites/\n/*/sites/",
        "plugins": {"search": {}, "i18n": {"docs_structure": "folder", "languages": languages}},
    }
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def i18n_build(work: Path) -> dict:
    shutil.rmtree(work / "site", ignore_errors=True)
    run = measure([sys.executable, "-m", "mkdocs", "build", "-f", str(work / "mkdocs.yml")], "mkdocs-static-i18n build")
    run["pages"] = html_pages(work / "site")
    run["warnings"] = [line for line in run["output"].splitlines() if line.startswith("WARNING")]
    index = work / "site" / "search" / "search_index.json"
    data = index.read_bytes() if index.is_file() else b""
    run["search_index"] = {"bytes": len(data), "gzip": len(gzip.compress(data, 6)),
                           "docs": len(json.loads(data)["docs"]) if data else 0}
    return run


# -- live preview ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 2.0) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def serve_latency(edits: int, lang: str) -> dict:
    """Edit a facility name under ``hemismart-site serve``; seconds until the served page shows it."""
    with tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
        root = copy_inputs(Path(tmp) / "project")
        sites = root / "content" / "sites.yml"
        original = sites.read_text(encoding="utf-8")
        facility = re.search(r"^  facility: (.+)$", original, re.M).group(1)
        port = free_port()
        url = f"http://127.0.0.1:{port}/{lang}/families/hospitals/"
        command = [sys.executable, "-m", "hemismart_site", "serve", "--root", str(root), "--lang", lang,
                   "--dev-addr", f"127.0.0.1:{port}"]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=ENV)
        lines: list[tuple[float, str]] = []
        reader = threading.Thread(target=lambda: [lines.append((time.perf_counter(), line.rstrip()))
                                                  for line in proc.stdout], daemon=True)
        reader.start()
        try:
            started = time.perf_counter()
            while not (fetch(url) or "").count(facility):
                if proc.poll() is not None or time.perf_counter() - started > 180:
                    raise SystemExit("serve did not come up:\n" + "\n".join(line for _, line in lines))
                time.sleep(0.2)
            startup = time.perf_counter() - started
            results = []
            for i in range(edits):
                time.sleep(2.0)  # let the watcher and MkDocs settle
                marker = f"{facility} Bench{i}{os.getpid()}"
                seen = len(lines)
                written = time.perf_counter()
                sites.write_text(original.replace(f"facility: {facility}\n", f"facility: {marker}\n", 1), encoding="utf-8")
                written = time.perf_counter()
                while marker not in (fetch(url) or ""):
                    if time.perf_counter() - written > 60:
                        raise SystemExit("the preview did not update within 60 s:\n" + "\n".join(line for _, line in lines))
                    time.sleep(0.01)
                served = time.perf_counter() - written
                time.sleep(0.3)
                log = lines[seen:]
                rendered = next((t - written for t, line in log if line.startswith("Re-rendered") and " 0 page(s)" not in line), None)
                renders = sum(1 for _, line in log if line.startswith("Re-rendered"))
                built = next((float(m.group(1)) for _, line in log
                              if (m := re.search(r"Documentation built in ([\d.]+) seconds", line))), None)
                results.append({"served": served, "rendered": rendered, "mkdocs_build": built, "renders": renders})
                print(f"  edit {i + 1}: served after {served:.2f} s "
                      f"(changed pages re-rendered at {rendered or 0:.2f} s, MkDocs rebuild {built or 0:.2f} s, "
                      f"{renders} re-render(s) logged in {served + 0.3:.1f} s)", flush=True)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    med = lambda key: statistics.median(r[key] for r in results if r[key] is not None) if any(r[key] is not None for r in results) else None  # noqa: E731
    return {"edits": results, "startup": startup, "renders": statistics.median(r["renders"] for r in results), "served": med("served"), "min": min(r["served"] for r in results),
            "max": max(r["served"] for r in results), "rendered": med("rendered"), "mkdocs_build": med("mkdocs_build"),
            "page": f"/{lang}/families/hospitals/", "edit": f"content/sites.yml: facility of {facility!r}"}


# -- serving the built site --------------------------------------------------------------------------


class StaticHost(http.server.BaseHTTPRequestHandler):
    """Serves a folder as GitHub Pages does: index.html for folders, 404.html, gzip for text, max-age=600."""

    site: Path

    def log_message(self, *a):
        pass

    def do_GET(self):  # noqa: N802
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        target = (self.site / rel).resolve()
        status = 200
        if self.site.resolve() not in (target, *target.parents):
            target = self.site / "__nothing__"
        if target.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                self.send_response(301)
                self.send_header("Location", self.path + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.is_file():
            status, target = 404, self.site / "404.html"
        data = target.read_bytes() if target.is_file() else b"not found"
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if target.suffix in TEXT_TYPES else ""))
        self.send_header("Cache-Control", "max-age=600")
        if target.suffix in TEXT_TYPES and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, 6)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Host:
    def __init__(self, site: Path):
        handler = type("Handler", (StaticHost,), {"site": site})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.origin

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# -- page weight and Lighthouse ----------------------------------------------------------------------


def first_visit(site: Path, lang: str) -> dict:
    """Every file Chromium fetched for a first visit to /<lang>/families/; totals without and with the
    language's search index and search script (which only the search page loads)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from hemismart_site.pdf import CHROMIUM_ARGS, chromium_path

    fetched: list[str] = []
    with Host(site) as origin, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.on("requestfinished", lambda r: fetched.append(r.url))
        page = context.new_page()
        page.goto(f"{origin}/{lang}/families/", wait_until="networkidle")
        page.wait_for_timeout(1500)
        browser.close()
    paths: list[Path] = []
    for url in fetched:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        target = site / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if target.is_file() and target not in paths:
            paths.append(target)
    index = site / lang / "search" / "index.json"
    index_fetched = index in paths
    fetched_paths = list(paths)
    for extra in (index, site / lang / "assets" / "search.js"):
        if extra not in paths:
            paths.append(extra)
    files = []
    for path in paths:
        data = path.read_bytes()
        packed = len(gzip.compress(data, 6)) if path.suffix in TEXT_TYPES else len(data)
        files.append({"file": path.relative_to(site).as_posix(), "bytes": len(data), "gzip": packed})
    files.sort(key=lambda f: -f["gzip"])
    total, total_gz = sum(f["bytes"] for f in files), sum(f["gzip"] for f in files)
    page_files = [f for f in files if site / f["file"] in fetched_paths]
    page, page_gz = sum(f["bytes"] for f in page_files), sum(f["gzip"] for f in page_files)
    print(f"  /{lang}/families/: {len(page_files)} files fetched, {page:,} bytes, {page_gz:,} gzip; with the search "
          f"index and script: {total:,} bytes, {total_gz:,} gzip (index fetched by the page itself: {index_fetched})", flush=True)
    return {"lang": lang, "files": files, "bytes": total, "gzip": total_gz, "index_fetched": index_fetched,
            "page_bytes": page, "page_gzip": page_gz, "fetched": [f["file"] for f in page_files]}


LIGHTHOUSE_PAGES = ("families/", "children/")
"""The pages Lighthouse measures in each language: the families' home and the children's page."""


def lighthouse(site: Path, lang: str, runs: int, page: str = "families/") -> dict:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise SystemExit("Lighthouse is not installed: cd benchmarks && PUPPETEER_SKIP_DOWNLOAD=true npm ci --ignore-scripts")
    reports = []
    with Host(site) as origin, tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
        for i in range(runs):
            out = Path(tmp) / f"{lang}-{i}.json"
            subprocess.run([str(binary), f"{origin}/{lang}/{page}", "--output=json", f"--output-path={out}",
                            f"--chrome-flags={CHROME_FLAGS}", "--quiet"],
                           env=ENV | {"CHROME_PATH": "/usr/bin/chromium"}, check=False, capture_output=True)
            if not out.exists():
                raise SystemExit(f"Lighthouse wrote no report for {lang}")
            reports.append(json.loads(out.read_text(encoding="utf-8")))
    categories = ("performance", "accessibility", "best-practices", "seo")
    scores = {c: statistics.median((r["categories"][c]["score"] or 0) * 100 for r in reports) for c in categories}
    failing: dict[str, dict] = {}
    for report in reports:
        for c in categories:
            if report["categories"][c]["score"] == 1:
                continue
            for ref in report["categories"][c]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if audit["score"] is None or audit["score"] >= 1 or audit["scoreDisplayMode"] in ("informative", "manual", "notApplicable"):
                    continue
                entry = failing.setdefault(f"{c}/{ref['id']}", {"category": c, "id": ref["id"], "title": audit["title"],
                                                                 "weight": ref.get("weight", 0), "runs": 0, "values": []})
                entry["runs"] += 1
                entry["values"].append(audit.get("displayValue") or f"score {audit['score']:.2f}")
                items = (audit.get("details") or {}).get("items") or []
                if items and "detail" not in entry and audit["scoreDisplayMode"] == "binary":
                    first = items[0]
                    text = first.get("description") or first.get("issueType") or first.get("url") or ""
                    entry["detail"] = f"{len(items)} item(s), e.g. {text[:160]}"
    print(f"  Lighthouse {reports[0]['lighthouseVersion']} /{lang}/{page}: "
          + ", ".join(f"{c} {s:.0f}" for c, s in scores.items()), flush=True)
    for f in failing.values():
        print(f"    {f['category']}: {f['id']} — {f['title']} ({'; '.join(f['values'])})")
    return {"lang": lang, "page": page, "version": reports[0]["lighthouseVersion"], "runs": runs, "scores": scores,
            "failing": list(failing.values()), "warnings": reports[0].get("runWarnings", [])}


# -- the report --------------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("pass" if ok else "**fail**")


def report(results: dict) -> str:
    m = results["machine"]
    lines = [f"Measured {results['date']} on {m['cpu']}, nproc {m['nproc']}, {m['ram_gib']:.0f} GiB RAM, Python "
             f"{m['python']}; load average (1, 5, 15 min) {results['load_before']} before, {results['load_after']} "
             f"after (the machine was shared: other work slows the builds). Medians of {results['runs']} run(s); "
             f"`python benchmarks/run.py --runs {results['runs']}`.", "",
             "| figure | target | measured | verdict |", "|---|---|---|---|"]
    builds = {row["label"]: row for row in results.get("build", [])}
    for row in results.get("build", []):
        lines.append(f"| {row['label']}: wall time | — | {row['wall']:.1f} s ({row['pages_per_s']:.0f} pages/s, "
                     f"peak {row['peak'] / 2**20:.0f} MiB) | — |")
    i18n = results.get("i18n")
    if i18n:
        o, t = i18n["ours"], i18n["theirs"]
        idle = (t["cpu"] / max(t["runnable"], 1.0)) / (o["cpu"] / max(o["runnable"], 1.0))
        lines.append(f"| speed-up of our build over mkdocs-static-i18n (`mkdocs build` only), 11 languages, no PDFs "
                     f"| ≥ {TARGETS['i18n_ratio']:.0f}×, both cores used | measured wall {o['wall']:.1f} s vs {t['wall']:.1f} s: "
                     f"{i18n['ratio']:.2f}× (load-dependent); CPU {o['cpu']:.1f} s vs {t['cpu']:.1f} s; processes running "
                     f"or waiting for a core, on average, {o['runnable']:.2f} vs {t['runnable']:.2f}; estimated on an idle "
                     f"machine (CPU / runnable): **{idle:.2f}×** | {verdict(idle >= TARGETS['i18n_ratio'] and o['runnable'] >= 1.5)} |")
    scale = {row["label"]: row for row in results.get("scale", [])}
    many = next((row for label, row in scale.items() if "hospitals (synthetic)" in label), None)
    base = next((row for label, row in scale.items() if label.endswith("languages, no PDFs")), None)
    if many and base:
        lines.append(f"| {many['label']}: wall time | ≤ {TARGETS['many_sites_wall']:.0f} s | {many['wall']:.1f} s "
                     f"({many['site_bytes'] / 2**20:.0f} MiB written) | {verdict(many['wall'] <= TARGETS['many_sites_wall'])} |")
        lines.append(f"| `/en/families/treatment/` with {many['label'].split(', ')[-2]} against the real hospitals (the JSON-LD lists the hospitals on the home page only) | the same size "
                     f"| {many['family_page']:,} bytes against {base['family_page']:,} "
                     f"| {verdict(many['family_page'] == base['family_page'])} |")
    serve = results.get("serve")
    if serve:
        lines.append(f"| rebuild after one YAML edit under `serve` | ≤ {TARGETS['serve']} s | {serve['served']:.2f} s "
                     f"| {verdict(serve['served'] <= TARGETS['serve'])} |")
    for w in results.get("weight", []):
        if "page_gzip" in w:
            lines.append(f"| first visit to `/{w['lang']}/families/`, gzip (everything the page loads) | ≤ {TARGETS['weight_gz'] / 1000:.0f} kB "
                         f"| {w['page_gzip'] / 1000:.0f} kB ({w['page_bytes'] / 1000:.0f} kB raw) | {verdict(w['page_gzip'] <= TARGETS['weight_gz'])} |")
        lines.append(f"| the same plus that language's search index{' and search script' if 'page_gzip' in w else ''}, gzip | ≤ {TARGETS['weight_gz'] / 1000:.0f} kB "
                     f"| {w['gzip'] / 1000:.0f} kB ({w['bytes'] / 1000:.0f} kB raw) | {verdict(w['gzip'] <= TARGETS['weight_gz'])} |")
    for lh in results.get("lighthouse", []):
        scores = ", ".join(f"{c} {s:.0f}" for c, s in lh["scores"].items())
        lines.append(f"| Lighthouse {lh['version']} `/{lh['lang']}/{lh.get('page', 'families/')}` (mobile) | 100 each | {scores} "
                     f"| {verdict(all(s >= 100 for s in lh['scores'].values()))} |")

    rows = results.get("build", []) + ([i18n["ours"], i18n["theirs"]] if i18n else []) + results.get("scale", [])
    if rows:
        lines += ["", "Builds (clean, each on a fresh copy; wall time median and range; CPU = user + system time of "
                  "the whole process tree; cores busy = CPU / wall, low when other work holds the cores; runnable = its "
                  "processes running or waiting for a core, averaged over 50 ms samples: what it would use on an idle machine):", "",
                  "| build | wall (median) | min – max | CPU | cores busy | runnable | HTML pages | pages/s | peak memory (PSS) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        seen = set()
        for r in rows:
            if id(r) in seen:
                continue
            seen.add(id(r))
            lines.append(f"| {r['label']} | {r['wall']:.1f} s | {r['min']:.1f} – {r['max']:.1f} s | {r['cpu']:.1f} s | "
                         f"{r['cores_busy']:.2f} | {r['runnable']:.2f} | {r['pages']:,} | {r['pages_per_s']:.0f} | {r['peak'] / 2**20:.0f} MiB |")
    if i18n:
        lines += ["", f"mkdocs-static-i18n {i18n['version']}: {i18n['theirs']['wall']:.1f} s for `mkdocs build` alone; "
                  f"its Markdown comes from our render step, {i18n['render']:.1f} s (median, one process, every language "
                  f"one after the other, imports included), so the whole common route is "
                  f"{i18n['render'] + i18n['theirs']['wall']:.1f} s against our {i18n['ours']['wall']:.1f} s "
                  f"({(i18n['render'] + i18n['theirs']['wall']) / i18n['ours']['wall']:.2f}×). "
                  f"It reported {i18n['warnings']} warning(s)."
                  + (f" Its one search index holds every language ({i18n['search_index']['docs']:,} entries): "
                     f"{i18n['search_index']['bytes'] / 1000:,.0f} kB, {i18n['search_index']['gzip'] / 1000:,.0f} kB gzip, "
                     f"which a first visit to any page of any language loads (ours: one index per language, see below)."
                     if i18n.get("search_index") else "")]
    for serve in (results.get("serve"),):
        if not serve:
            continue
        lines += ["", f"Live preview: {serve['edit']} written, `{serve['page']}` at the dev address polled every 10 ms; "
                  f"median {serve['served']:.2f} s (min {serve['min']:.2f}, max {serve['max']:.2f}) over "
                  f"{len(serve['edits'])} edits; the re-render that wrote the changed pages had finished (its log line) after "
                  f"{serve['rendered'] or 0:.2f} s (the watcher's 0.15 s debounce included), "
                  + "then MkDocs rebuilt the pages whose Markdown changed (its dirty mode). "
                  + f"Re-renders logged per edit (median): {serve['renders']:.0f}"
                  + (" (more than one: the watcher reacted to something other than the edit)" if serve["renders"] > 1 else "")
                  + f". First page served {serve['startup']:.1f} s after `serve` started."]
    for w in results.get("weight", []):
        lines += ["", f"First visit to `/{w['lang']}/families/` (empty cache; everything the page fetched"
                  f"{'' if w['index_fetched'] else ', plus the search index and script, which only the search page loads (marked *)'}), largest first:", "",
                  "| file | bytes | gzip | share of gzip |", "|---|---:|---:|---:|"]
        lines += [f"| `{f['file']}`{'' if f['file'] in w.get('fetched', [f['file']]) else ' *'} | {f['bytes']:,} | {f['gzip']:,} | {100 * f['gzip'] / w['gzip']:.0f} % |" for f in w["files"]]
        lines.append(f"| **total ({len(w['files'])} files)** | **{w['bytes']:,}** | **{w['gzip']:,}** | |")
    for lh in results.get("lighthouse", []):
        lines += ["", f"Lighthouse {lh['version']}, `/{lh['lang']}/{lh.get('page', 'families/')}`, mobile preset, {lh['runs']} run(s) "
                  f"(median scores); audits failing in a category below 100:", ""]
        if lh["failing"]:
            lines += ["| category | audit id | title | value (each run where it failed) |", "|---|---|---|---|"]
            lines += [f"| {f['category']} | `{f['id']}` | {f['title'].replace('|', '/')} | {'; '.join(f['values'])}"
                      f"{' — ' + f['detail'].replace('|', '/') if f.get('detail') else ''} |" for f in lh["failing"]]
        else:
            lines.append("(none)")
    return "\n".join(lines)


def machine() -> dict:
    cpu = platform.machine()
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gib": ram, "python": platform.python_version()}


# -- main --------------------------------------------------------------------------------------------


def main() -> int:
    if sys.argv[1:2] == ["--prepare-i18n"]:
        prepare_i18n(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each build (median reported; default 3)")
    parser.add_argument("--quick", action="store_true", help="one run of everything, 2 edits under serve")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts (default: all): {','.join(PARTS)}")
    parser.add_argument("--lang", default=None, help="language of the one-language build and the preview (default: source language)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--from-json", type=Path, default=None, metavar="FILE",
                        help="measure nothing: write the figures of an earlier --json FILE into benchmarks/README.md")
    parser.add_argument("--no-write", action="store_true", help="leave benchmarks/README.md alone (also implied by --only)")
    args = parser.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    runs = 1 if args.quick else args.runs
    write = not args.no_write and set(parts) == set(PARTS)
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
        write_readme(report(results)) if not args.no_write else print(report(results))
        return 0

    sys.path.insert(0, str(REPO))
    from hemismart_site.validate import load_project

    project = load_project(REPO)
    langs = project.config.languages
    lang = args.lang or project.config.source_language
    results: dict = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                     "runs": runs, "load_before": load(), "parts": parts}
    print(f"load average before: {results['load_before']}", flush=True)
    site_dir = Path(tempfile.mkdtemp(prefix="hemismart-bench-site-"))
    full_site = None
    try:
        if "build" in parts:
            print("build", flush=True)
            full = [ours([], keep=site_dir / "full") for _ in range(runs)]
            full_site = site_dir / "full"
            one = [ours(["--lang", lang]) for _ in range(runs)]
            results["build"] = [summary(full, f"ours, {len(langs)} languages, with PDFs", "ours"),
                                summary(one, f"ours, one language ({lang}), with its PDF", "ours")]
        nopdf = None
        if "i18n" in parts:
            print("i18n", flush=True)
            with tempfile.TemporaryDirectory(prefix="hemismart-bench-") as tmp:
                root = copy_inputs(Path(tmp) / "project")
                renders, theirs, mine = [], [], []
                for i in range(runs):
                    work = Path(tmp) / f"i18n-{i}"
                    renders.append(measure([sys.executable, __file__, "--prepare-i18n", str(root), str(work)],
                                           "rendering for mkdocs-static-i18n")["wall"])
                    mine.append(ours(["--no-pdf"]))
                    theirs.append(i18n_build(work))
                from importlib.metadata import version

                nopdf = summary(mine, f"ours, {len(langs)} languages, no PDFs", "ours")
                other = summary(theirs, f"mkdocs-static-i18n, {len(langs)} languages (mkdocs build only)", "mkdocs-static-i18n")
                results["i18n"] = {"ours": nopdf, "theirs": other, "ratio": other["wall"] / nopdf["wall"],
                                   "render": statistics.median(renders), "version": version("mkdocs-static-i18n"),
                                   "warnings": len(theirs[-1]["warnings"]), "search_index": theirs[-1]["search_index"]}
                print(f"  ratio (theirs / ours): {results['i18n']['ratio']:.2f}; render step for theirs "
                      f"{results['i18n']['render']:.1f} s; warnings {theirs[-1]['warnings'][:5]}", flush=True)
        if "scale" in parts:
            print("scale", flush=True)
            rows = []
            for n in (1, 4):
                extra = [a for code in langs[:n] for a in ("--lang", code)]
                rows.append(summary([ours(["--no-pdf", *extra]) for _ in range(runs)], f"ours, {n} language(s), no PDFs", "ours"))
            if nopdf is None:
                nopdf = summary([ours(["--no-pdf"]) for _ in range(runs)], f"ours, {len(langs)} languages, no PDFs", "ours")
            rows.append(nopdf)
            sites = len(project.facts.sites)
            rows.append(summary([ours(["--no-pdf"], sites_factor=SITES_FACTOR) for _ in range(runs)],
                                f"ours, {len(langs)} languages, {sites * SITES_FACTOR} hospitals (synthetic), no PDFs", "ours"))
            results["scale"] = rows
        if "serve" in parts:
            print("serve", flush=True)
            edits = 2 if args.quick else max(5, runs)
            results["serve"] = serve_latency(edits, lang)
        if {"weight", "lighthouse"} & set(parts):
            if full_site is None:
                print("building the site for the page weight and Lighthouse", flush=True)
                ours([], keep=site_dir / "full")
                full_site = site_dir / "full"
            if "weight" in parts:
                print("weight", flush=True)
                results["weight"] = [first_visit(full_site, code) for code in WEIGHT_LANGS]
            if "lighthouse" in parts:
                print("lighthouse", flush=True)
                results["lighthouse"] = [lighthouse(full_site, code, runs, page) for code in WEIGHT_LANGS
                                         for page in LIGHTHOUSE_PAGES]
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    results["load_after"] = load()
    print(f"load average after: {results['load_after']}", flush=True)
    block = report(results)
    print()
    print(block)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        print(f"\nwrote {args.json}")
    if write:
        write_readme(block)
    return 0


def write_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8")
    new, found = re.subn(r"(<!-- results:start -->\n).*?(\n<!-- results:end -->)",
                         lambda m: m.group(1) + block + m.group(2), text, flags=re.S)
    if not found:
        raise SystemExit(f"{README}: no <!-- results:start --> … <!-- results:end --> block")
    README.write_text(new, encoding="utf-8")
    print(f"wrote {README.relative_to(REPO)}")


if __name__ == "__main__":
    raise SystemExit(main())
