"""Shared fixtures: a private copy of the project's input, to read or to break on purpose."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from hemismart_site.localize import Localizer, load_translations
from hemismart_site.validate import Project, load_project

REPO = Path(__file__).resolve().parent.parent
SOURCE = Path(os.environ.get("HEMISMART_ROOT", REPO))
"""Whose content the fixtures copy: the repository's, or (HEMISMART_ROOT) a root a test imported a changed record into."""


@dataclass
class ContentTree:
    """``site_config.yml`` and ``content/`` copied under ``root``."""

    root: Path

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")

    def write(self, relpath: str, text: str) -> None:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, relpath: str, old: str, new: str, count: int = 1) -> None:
        """Replace ``old`` by ``new`` exactly; fail if ``old`` is not there (so no test tests nothing)."""
        text = self.read(relpath)
        found = text.count(old)
        assert found >= count, f"{relpath}: {old!r} occurs {found} time(s), expected at least {count}"
        self.write(relpath, text.replace(old, new, count))

    def line(self, relpath: str, marker: str, nth: int | None = None) -> int:
        """The 1-based number of the line containing ``marker``.

        With ``nth`` None the marker must be on exactly one line; otherwise
        ``nth`` indexes the matching lines (0 first, -1 last).
        """
        hits = [n for n, text in enumerate(self.read(relpath).splitlines(), start=1) if marker in text]
        if nth is None:
            assert len(hits) == 1, f"{relpath}: {marker!r} is on lines {hits}, expected exactly one"
            return hits[0]
        return hits[nth]


def copy_inputs(dest: Path) -> ContentTree:
    """Copy the repository's input into ``dest``; add ``{}`` translations for any language that has none."""
    shutil.copy2(SOURCE / "site_config.yml", dest / "site_config.yml")
    shutil.copytree(SOURCE / "content", dest / "content")
    tree = ContentTree(dest)
    for code in yaml.safe_load(tree.read("site_config.yml")).get("languages") or []:
        if not (dest / "content" / "translations" / f"{code}.yml").exists():
            tree.write(f"content/translations/{code}.yml", "{}\n")
    return tree


def copy_site_inputs(dest: Path) -> ContentTree:
    """Everything a build reads: :func:`copy_inputs` plus ``templates/`` and ``mkdocs.yml``."""
    dest.mkdir(parents=True, exist_ok=True)
    tree = copy_inputs(dest)
    shutil.copytree(REPO / "templates", dest / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return tree


@pytest.fixture
def content_tree(tmp_path: Path) -> ContentTree:
    """A fresh copy of the input for one test to edit."""
    return copy_inputs(tmp_path)


@pytest.fixture
def site_tree(tmp_path: Path) -> ContentTree:
    """A fresh copy of everything a build reads (content, config, templates, mkdocs.yml) for one test to edit."""
    return copy_site_inputs(tmp_path / "project")


@dataclass
class BuiltSite:
    """One build of a pristine copy of the input, and the facts it was built from."""

    tree: ContentTree
    """The copied input (the build's ``--root``)."""
    site: Path
    """The built site (``site_dir``)."""
    project: Project
    """The copied input, loaded: expected values come from here, never from the repository."""
    _l10n: dict = field(default_factory=dict)

    def l10n(self, lang: str) -> Localizer:
        """The site's own Localizer for ``lang``, over the copied input."""
        if lang not in self._l10n:
            root = self.tree.root
            self._l10n[lang] = Localizer(load_translations(root, lang), self.project.facts, self.project)
        return self._l10n[lang]


@pytest.fixture(scope="session")
def copy_site():
    """:func:`copy_site_inputs`, for fixtures wider than one test (``site_tree`` is per test)."""
    return copy_site_inputs


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site built once per session (in-process, ``strict=True``, without the PDFs) from a private copy of the
    input."""
    from sitebuild import build_in_process

    tree = copy_site_inputs(tmp_path_factory.mktemp("built-input"))
    site = tmp_path_factory.mktemp("built-output") / "site"
    build_in_process(tree.root, site)
    return BuiltSite(tree, site, load_project(tree.root))


@pytest.fixture(scope="session")
def printed_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site built with its calendar PDFs (printed by Chromium): for the tests marked ``browser``."""
    from sitebuild import build_in_process

    tree = copy_site_inputs(tmp_path_factory.mktemp("printed-input"))
    site = tmp_path_factory.mktemp("printed-output") / "site"
    build_in_process(tree.root, site, pdf=True)
    return BuiltSite(tree, site, load_project(tree.root))


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The unedited input, loaded and validated once for read-only tests."""
    return load_project(copy_inputs(tmp_path_factory.mktemp("pristine")).root)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright (never a downloaded browser), one per test module."""
    from playwright.sync_api import sync_playwright

    from hemismart_site.pdf import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


REGISTRY_RECORD = Path(os.environ.get("HEMISMART_REGISTRY",
                                      REPO.parent / "shared" / "registry" / "NCT05751044.ctgov-v2.json"))
"""The registry record the import, drift and guide tests start from: ../shared beside the clone."""


def pytest_sessionstart(session):
    """One clear message, before any test is collected, when the registry record is not where the tests look."""
    if not REGISTRY_RECORD.is_file():
        pytest.exit(f"The registry record is not at {REGISTRY_RECORD}. Clone the project with ../shared beside it "
                    "(../shared/registry/NCT05751044.ctgov-v2.json), or set HEMISMART_REGISTRY to the record.",
                    returncode=4)
