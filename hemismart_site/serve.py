"""``hemismart-site serve``: a live preview of one language.

The pages are rendered into ``.build/serve/docs/<lang>/`` and MkDocs'
own development server serves them with live reload. A watcher on
``content/`` and ``templates/`` re-renders when a file changes and
rewrites only the pages whose Markdown changed, so MkDocs rebuilds and
the browser reloads. A content error is printed in the terminal and shown
at the top of every page in the browser, above the last good preview,
until it is fixed. MkDocs' warning about its "dirty" (partial) rebuilds is
for MkDocs' own users, not for the office: it is not printed.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

from hemismart_site import mkdocs_api
from hemismart_site.build import WORK_DIR, write_language_config
from hemismart_site.errors import ContentError, UsageError
from hemismart_site.render import make_environment, render_language
from hemismart_site.validate import CONTENT_DIR, load_project



def render_into(root: Path, lang: str, docs: Path) -> list[str]:
    """Render one language and sync ``docs`` with it; return the paths that changed."""
    project = load_project(root)
    pages = render_language(project, make_environment(root), lang)
    changed = []
    for rel, text in pages.items():
        path = docs / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(rel)
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs).as_posix()
        if rel not in pages:
            path.unlink()
            changed.append(rel)
    return changed


ERROR_MARK = "<!-- hs:preview-error -->"


def show_problems(docs: Path, problems: list) -> None:
    """Put the problems at the top of every previewed page (under its front matter), above the last good text."""
    import html

    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    block = (f'{ERROR_MARK}\n<div class="hs-callout hs-callout--warning hs-preview-error" role="alert">'
             f"<p><strong>The preview is not up to date: fix these problems (also in the terminal).</strong></p>"
             f"<ul>{items}</ul></div>\n{ERROR_MARK}\n\n")
    for path in sorted(docs.rglob("*.md")):
        text = _without_problems(path.read_text(encoding="utf-8"))
        head, sep, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
        path.write_text(f"{head}{sep}{block}{body}", encoding="utf-8", newline="\n")


def _without_problems(text: str) -> str:
    if ERROR_MARK not in text:
        return text
    before, _, rest = text.partition(ERROR_MARK)
    _, _, after = rest.partition(ERROR_MARK + "\n\n")
    return before + after


class _QuietDirty:
    """A logging filter that drops MkDocs' warning about dirty rebuilds (the preview's own choice, not a problem)."""

    @staticmethod
    def filter(record) -> bool:
        return "'dirty' build" not in record.getMessage()


class _Rerender:
    """Re-render after a burst of file events (debounced), printing problems instead of stopping."""

    def __init__(self, root: Path, lang: str, docs: Path, delay: float = 0.15):
        self.root, self.lang, self.docs, self.delay = root, lang, docs, delay
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def watches(self, path: str) -> bool:
        """Whether a changed path is input to the pages."""
        rel = Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        return rel == "site_config.yml" or rel.split("/")[0] in (CONTENT_DIR, "templates") and "__pycache__" not in rel

    CHANGES = {"modified", "created", "deleted", "moved"}
    """The file events that change an input. Not "opened" or "closed": every re-render reads content/
    and templates/, and reacting to those reads would re-render again and again."""

    def dispatch(self, event) -> None:  # watchdog's handler interface
        if event.is_directory or event.event_type not in self.CHANGES:
            return
        paths = [str(event.src_path)] + ([str(event.dest_path)] if getattr(event, "dest_path", "") else [])
        if not any(self.watches(path) for path in paths):
            return
        with self._lock:
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self.run)
            self._timer.daemon = True
            self._timer.start()

    def run(self) -> None:
        start = time.monotonic()
        try:
            changed = render_into(self.root, self.lang, self.docs)
        except ContentError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print("Preview not updated: fix the problems above (the browser shows them too).", file=sys.stderr)
            show_problems(self.docs, exc.problems)
            return
        print(f"Re-rendered {len(changed)} page(s) in {time.monotonic() - start:.2f} s.", file=sys.stderr)


def serve(root: Path, lang: str | None = None, dev_addr: str = "127.0.0.1:8000") -> None:
    """Render, start the watcher and run MkDocs' live-reload server until interrupted."""
    from watchdog.observers import Observer

    project = load_project(root)
    lang = lang or project.config.source_language
    if lang not in project.config.languages:
        raise UsageError(f"--lang {lang}: not a language of site_config.yml ({', '.join(project.config.languages)})")
    work = root / WORK_DIR / "serve"
    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs" / lang
    docs.mkdir(parents=True)
    render_into(root, lang, docs)
    config_file = write_language_config(project, lang, work, strict=False)
    handler = _Rerender(root, lang, docs)
    observer = Observer()
    observer.schedule(handler, str(root / CONTENT_DIR), recursive=True)
    observer.schedule(handler, str(root / "templates"), recursive=True)
    observer.schedule(handler, str(root), recursive=False)  # site_config.yml
    observer.start()
    import logging

    quiet = _QuietDirty()
    logging.getLogger("mkdocs").addFilter(quiet)
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    print(f"Preview of the {lang} pages at http://{dev_addr}/{lang}/ (it follows edits to content/, templates/ and "
          "site_config.yml). Press Ctrl+C to stop.", file=sys.stderr)
    try:
        # "dirty": after an edit MkDocs rebuilds only the pages whose Markdown changed (render_into
        # rewrites only those), so the edited page shows in well under a second. Other pages keep
        # their navigation from before; a full `build` is always complete.
        mkdocs_api.serve(config_file, dev_addr)
    finally:
        observer.stop()
        observer.join()
        print("Preview stopped.", file=sys.stderr)
