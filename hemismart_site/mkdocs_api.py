"""Every call into MkDocs, in one place, through its public API.

hemismart-site builds each language as its own MkDocs site. The rest of the package never imports MkDocs:
it calls :func:`build` (one language, once) and :func:`serve` (the live preview). Both load the
configuration with ``mkdocs.config.load_config`` and fire the plugins' ``on_startup``/``on_shutdown`` events
as MkDocs' own command line does (``mkdocs.commands.build.build`` alone does not: plugins would not know
whether a build is dirty). MkDocs' messages go through :mod:`logging`; :class:`Messages` collects its
warnings so that ``--strict`` can fail on them.

MkDocs 1.6's ``build(config, *, serve_url=None, dirty=False)`` is the signature used here (1.4 had
``live_server``); pyproject.toml pins MkDocs, so a change of signature shows up in one place.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from hemismart_site.errors import BuildError


class Messages(logging.Handler):
    """MkDocs' warnings and errors during one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def preload() -> None:
    """Import MkDocs, Material and our plugin in this process (before worker processes are forked, so that
    each worker does not import them again)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import material.plugins  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401
    import mkdocs.structure.pages  # noqa: F401

    import hemismart_site.nowrap  # noqa: F401
    import hemismart_site.search  # noqa: F401


def build(config_file: Path, strict: bool, label: str) -> list[str]:
    """Build one MkDocs site from ``config_file``; BuildError if it fails (or warns under ``strict``).
    Returns MkDocs' warnings."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = Messages()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    config = None
    try:
        config = load_config(str(config_file))
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
    except (MkDocsException, OSError) as exc:
        details = "\n".join(handler.messages)
        raise BuildError(f"MkDocs failed for {label}: {exc}\n{details}".strip()) from None
    except Exception as exc:  # a theme template failing while MkDocs renders it
        import jinja2

        if not isinstance(exc, jinja2.TemplateError):
            raise
        where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "filename", None) else ""
        raise BuildError(f"MkDocs failed for {label}: theme template {where}{exc}") from None
    finally:
        if config is not None:
            config.plugins.on_shutdown()
        logger.removeHandler(handler)
    if strict and handler.messages:
        raise BuildError("\n".join(handler.messages))
    return handler.messages


def serve(config_file: Path, dev_addr: str) -> None:
    """MkDocs' live-reload server on ``config_file``, rebuilding only the pages whose Markdown changed (its
    "dirty" mode: other pages keep their navigation until the next full build), until interrupted."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(str(config_file), livereload=True, build_type="dirty", dev_addr=dev_addr)
