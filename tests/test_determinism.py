"""The same input gives the same site, byte for byte; SOURCE_DATE_EPOCH moves only the dates.

Only the sitemaps' lastmod (and their .gz) and, where the build prints a PDF, the PDF's own
time stamps may follow SOURCE_DATE_EPOCH; every other byte stays the same.

Builds run through the command line in subprocesses, each from its own copy
of one pristine snapshot of the input (so an edit to the repository during
the run cannot make two copies differ) and into its own folder (so no
absolute path can hide in the output).
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import struct

import pytest

from hemismart_site.build import build_site
from hemismart_site.validate import load_project
from sitebuild import digest, run_cli, snapshot

pytestmark = [pytest.mark.build, pytest.mark.browser]  # three full builds, with the PDFs

LASTMOD = re.compile(rb"<lastmod>([^<]*)</lastmod>")
PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)")
"""A PDF's own time stamps (the printable calendar's, pinned to SOURCE_DATE_EPOCH by the build)."""
PDF_NODE_ID = re.compile(rb"\(node\d+\)")
"""Chromium's structure-element ids in a tagged PDF (/ID, /Headers): DOM node numbers that vary from run to run."""


def midnight_utc(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


@pytest.fixture(scope="module")
def builds(tmp_path_factory, copy_site):
    """Three builds of one snapshot: two plain ones and one with SOURCE_DATE_EPOCH set."""
    source = copy_site(tmp_path_factory.mktemp("determinism-source"))
    project = load_project(source.root)
    registry_day = project.facts.trial.registry.last_update_posted.date
    epoch_day = registry_day + dt.timedelta(days=400)
    epoch = midnight_utc(epoch_day) + 12 * 3600  # noon: the day, not the instant, is what counts
    sites = {}
    for name, value in (("first", None), ("second", None), ("dated", epoch)):
        root = tmp_path_factory.mktemp(f"determinism-{name}") / "project"
        shutil.copytree(source.root, root)
        with pytest.MonkeyPatch.context() as mp:
            if value is None:
                mp.delenv("SOURCE_DATE_EPOCH", raising=False)
            else:
                mp.setenv("SOURCE_DATE_EPOCH", str(value))
            result = run_cli("build", "--strict", "--root", root)
        assert result.returncode == 0, result.stderr
        sites[name] = snapshot(root / "site")
    return {"project": project, "registry_day": registry_day, "epoch_day": epoch_day, "epoch": epoch, **sites}


def sitemap_files(project) -> set[str]:
    return {f"{lang}/sitemap.xml{gz}" for lang in project.config.languages for gz in ("", ".gz")}


def test_two_clean_builds_are_byte_identical(builds):
    first, second = builds["first"], builds["second"]
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path] and not path.endswith(".pdf")] == []
    expected = {"index.html", "404.html", "sitemap.xml", *sitemap_files(builds["project"]),
                *(f"{lang}/search/index.json" for lang in builds["project"].config.languages)}
    assert expected <= set(first), "the comparison covers the sitemaps and the search index"


def test_two_clean_builds_print_identical_pdfs(builds):
    first, second = builds["first"], builds["second"]
    pdfs = [path for path in first if path.endswith(".pdf")]
    if not pdfs:
        pytest.skip("this build prints no PDF")
    assert [path for path in pdfs if first[path] != second[path]] == []


def test_source_date_epoch_changes_only_the_dates(builds):
    """Only the sitemaps change, plus the time stamps inside any PDF (and nothing else in it)."""
    plain, dated = builds["first"], builds["dated"]
    assert sorted(plain) == sorted(dated)
    changed = {path for path in plain if plain[path] != dated[path]}
    sitemaps = sitemap_files(builds["project"])
    assert sitemaps <= changed
    assert {p for p in changed - sitemaps if not p.endswith(".pdf")} == set(), digest({p: dated[p] for p in changed})
    stamp = dt.datetime.fromtimestamp(builds["epoch"], dt.timezone.utc).strftime("D:%Y%m%d%H%M%S").encode()
    for path in changed - sitemaps:
        undated = [PDF_NODE_ID.sub(b"(node)", PDF_DATE.sub(rb"\1DATE", files[path])) for files in (plain, dated)]
        assert undated[0] == undated[1], f"{path} differs in more than its dates"
        dates = [m.group(2) for m in PDF_DATE.finditer(dated[path])]
        assert dates and all(d.startswith(stamp) for d in dates), (path, dates)


@pytest.mark.parametrize("build, day", [("first", "registry_day"), ("dated", "epoch_day")])
def test_sitemap_dates_are_consistent(builds, build, day):
    """Every lastmod is the same day (the registry's last update, or SOURCE_DATE_EPOCH's day),
    the .gz holds the same XML with that day as its time stamp, and nothing else moved."""
    files, want = builds[build], builds[day]
    for lang in builds["project"].config.languages:
        xml = files[f"{lang}/sitemap.xml"]
        assert set(LASTMOD.findall(xml)) == {want.isoformat().encode()}
        gz = files[f"{lang}/sitemap.xml.gz"]
        assert gzip.decompress(gz) == xml
        assert struct.unpack("<I", gz[4:8])[0] == midnight_utc(want)
        undated = LASTMOD.sub(b"<lastmod>DAY</lastmod>", xml)
        assert undated == LASTMOD.sub(b"<lastmod>DAY</lastmod>", builds["first"][f"{lang}/sitemap.xml"])


def test_in_process_builds_each_follow_their_registry_date(tmp_path, copy_site):
    first = copy_site(tmp_path / "first")
    second = copy_site(tmp_path / "second")
    project = load_project(first.root)
    lang = project.config.source_language
    day = project.facts.trial.registry.last_update_posted.date
    later = day + dt.timedelta(days=30)
    second.edit("content/trial.yml", f"last_update_posted:\n    date: '{day.isoformat()}'",
                f"last_update_posted:\n    date: '{later.isoformat()}'")
    for name in ("trial.yml", "eligibility.yml", "sites.yml"):  # each file's provenance names the record's date
        second.edit(f"content/{name}", f"  last_update_posted: '{day.isoformat()}'\n", f"  last_update_posted: '{later.isoformat()}'\n")
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        build_site(first.root, strict=True, site_dir=tmp_path / "site-1", languages=[lang])
        build_site(second.root, strict=True, site_dir=tmp_path / "site-2", languages=[lang])
        leaked = os.environ.get("SOURCE_DATE_EPOCH")
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    second_dates = set(LASTMOD.findall((tmp_path / "site-2" / lang / "sitemap.xml").read_bytes()))
    assert second_dates == {later.isoformat().encode()}
    assert leaked is None
