"""The live preview's watcher (hemismart_site/serve.py): which file events re-render the pages."""

from __future__ import annotations

import threading

import pytest
from watchdog.events import (FileClosedEvent, FileClosedNoWriteEvent, FileCreatedEvent, FileDeletedEvent,
                             FileModifiedEvent, FileMovedEvent, FileOpenedEvent)

from hemismart_site.serve import _Rerender


class Recorder(_Rerender):
    """The watcher with its re-render replaced by a note that it ran."""

    def __init__(self, root):
        super().__init__(root, "en", root / "docs", delay=0.01)
        self.ran = threading.Event()

    def run(self) -> None:
        self.ran.set()


@pytest.fixture
def root(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "templates").mkdir()
    return tmp_path


@pytest.mark.parametrize("event", [
    lambda r: FileModifiedEvent(str(r / "content" / "sites.yml")),
    lambda r: FileCreatedEvent(str(r / "templates" / "new.md.j2")),
    lambda r: FileDeletedEvent(str(r / "content" / "glossary.yml")),
    lambda r: FileMovedEvent(str(r / "content" / ".sites.yml.swp"), str(r / "content" / "sites.yml")),
    lambda r: FileModifiedEvent(str(r / "site_config.yml")),
], ids=["modified", "created", "deleted", "moved-into-place", "site-config"])
def test_a_change_to_an_input_re_renders(root, event):
    watcher = Recorder(root)
    watcher.dispatch(event(root))
    assert watcher.ran.wait(2), "the edit was not picked up"


@pytest.mark.parametrize("event", [
    lambda r: FileOpenedEvent(str(r / "content" / "sites.yml")),
    lambda r: FileClosedNoWriteEvent(str(r / "templates" / "pages" / "home.md.j2")),
    lambda r: FileClosedEvent(str(r / "content" / "sites.yml")),
    lambda r: FileModifiedEvent(str(r / "README.md")),
    lambda r: FileModifiedEvent(str(r / "templates" / "__pycache__" / "x.pyc")),
], ids=["opened", "closed-after-reading", "closed", "not-an-input", "pycache"])
def test_reading_or_other_files_do_not_re_render(root, event):
    """A re-render reads content/ and templates/: reacting to those reads would loop for ever."""
    watcher = Recorder(root)
    watcher.dispatch(event(root))
    assert not watcher.ran.wait(0.2)
