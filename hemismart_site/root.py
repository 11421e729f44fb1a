"""The files at the root of the site, outside every language.

``index.html`` is the language chooser (plain links, no JavaScript
needed), ``404.html`` answers for any missing address with links into
each language, ``sitemap.xml`` indexes the per-language sitemaps.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from hemismart_site.escape import script_json
from hemismart_site.jsonld import medical_trial
from hemismart_site.localize import localizer
from hemismart_site.validate import Project

ROOT_TEMPLATES = {
    "index.html": "root/index.html.j2",
    "404.html": "root/404.html.j2",
    "sitemap.xml": "root/sitemap.xml.j2",
}
"""Root files rendered from a template."""

ROOT_STATIC = {"assets/root.css": "root/root.css"}
"""Root files copied as they are (from templates/)."""


def render_root(project: Project, env: jinja2.Environment, languages: list[str]) -> dict[str, str]:
    """Render the root files; each language speaks in its own words and is marked with its own lang."""
    l10ns = [localizer(project, lang) for lang in languages]
    source = next(l for l in l10ns if l.lang == project.config.source_language) if project.config.source_language in languages else l10ns[0]
    context = {
        "facts": project.facts,
        "trial": project.facts.trial,
        "site_url": project.config.site_url,
        "languages": l10ns,
        "source": source,
        "jsonld": Markup(script_json(medical_trial(source))),
    }
    out = {path: env.get_template(name).render(context) for path, name in ROOT_TEMPLATES.items()}
    for path, name in ROOT_STATIC.items():
        out[path] = (project.root / "templates" / name).read_text(encoding="utf-8")
    return out
