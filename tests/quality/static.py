"""Checks on the built files themselves: links and anchors, sitemaps, mailto:/tel: links, the
Content-Security-Policy, outside resources. Each returns a list of problems, one line each."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"),
    "source": ("src", "srcset"), "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "form": ("action",), "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"), "input": ("src",),
}
"""Where a page names another address (tag → attributes)."""

RESOURCE_TAGS = {"script", "img", "source", "iframe", "video", "audio", "track", "embed", "object", "image", "input"}
"""Elements whose address the browser fetches while loading the page (plus <link rel=stylesheet|icon|preload…>)."""

FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest"}

EVENT_HANDLER = re.compile(r"^on[a-z]+$")


@dataclass
class HtmlFile:
    """What the link checks need from one built page."""

    rel: str
    """Path under the site folder (``en/families/index.html``)."""
    ids: set[str] = field(default_factory=set)
    urls: list[tuple[str, str, str]] = field(default_factory=list)
    """(tag, attribute, value) of every address on the page, in order."""
    rels: list[tuple[str, str]] = field(default_factory=list)
    """(rel, href) of every <link>."""
    csp: list[tuple[int, str]] = field(default_factory=list)
    """(position among head elements, policy) of every CSP <meta>."""
    first_active: int | None = None
    """Position of the first <script>, <style> or <link rel=stylesheet> in the document."""
    inline_scripts: list[str] = field(default_factory=list)
    """Start of every <script> without src that a browser would run."""
    handlers: list[str] = field(default_factory=list)
    """Event-handler attributes (``onclick="…"``): forbidden by a CSP without 'unsafe-inline'."""
    style_attributes: int = 0
    style_elements: int = 0


class _Parser(HTMLParser):
    def __init__(self, out: HtmlFile):
        super().__init__(convert_charrefs=True)
        self.out = out
        self.position = 0
        self.script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.position += 1
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.out.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.out.ids.add(a["name"])
        for name in URL_ATTRIBUTES.get(tag, ()):
            if name in a:
                values = [part.split()[0] for part in a[name].split(",") if part.strip()] if name == "srcset" else [a[name]]
                self.out.urls.extend((tag, name, v) for v in values)
        if tag == "link":
            self.out.rels.append((a.get("rel", "").lower(), a.get("href", "")))
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.out.csp.append((self.position, a.get("content", "")))
        active = tag in ("script", "style") or (tag == "link" and "stylesheet" in a.get("rel", "").lower().split())
        if active and self.out.first_active is None:
            self.out.first_active = self.position
        if tag == "script" and "src" not in a and a.get("type", "text/javascript").lower() in (
                "", "text/javascript", "module", "application/javascript"):
            self.script = []
        if tag == "style":
            self.out.style_elements += 1
        if "style" in a:
            self.out.style_attributes += 1
        self.out.handlers.extend(f"<{tag} {k}>" for k in a if EVENT_HANDLER.match(k))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            self.out.inline_scripts.append(" ".join("".join(self.script).split())[:80])
            self.script = None


def parse_file(site: Path, rel: str) -> HtmlFile:
    out = HtmlFile(rel)
    parser = _Parser(out)
    parser.feed((site / rel).read_text(encoding="utf-8"))
    parser.close()
    return out


def html_files(site: Path) -> list[str]:
    """Every built HTML file, as paths under ``site``."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def parse_site(site: Path) -> dict[str, HtmlFile]:
    return {rel: parse_file(site, rel) for rel in html_files(site)}


def url_path_of(rel: str) -> str:
    """The address path a built file is served at (``en/families/index.html`` → ``/en/families/``)."""
    path = "/" + rel
    return path[: -len("index.html")] if path.endswith("/index.html") or path == "/index.html" else path


def file_for(site: Path, path: str) -> str | None:
    """The built file served at an address path, or None (``/en/`` → ``en/index.html``)."""
    rel = unquote(path).lstrip("/")
    target = site / rel
    if rel == "" or path.endswith("/"):
        target = target / "index.html"
    elif target.is_dir():
        target = target / "index.html"  # the server redirects /en/families to /en/families/
    if not target.is_file():
        return None
    return target.relative_to(site).as_posix()


def local_path(url: str, site_url: str) -> str | None:
    """The path of an address on this site (``site_url`` or the same origin), or None for another site."""
    parts = urlsplit(url)
    site = urlsplit(site_url)
    if parts.scheme in ("http", "https"):
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        if not parts.path.startswith(site.path.rstrip("/") + "/") and parts.path != site.path.rstrip("/"):
            return None
        return "/" + parts.path[len(site.path.rstrip("/")):].lstrip("/")
    return None


MAILTO_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
MAILTO_FIELDS = {"subject", "body", "cc", "bcc", "to"}
TEL = re.compile(r"^\+[0-9][0-9().-]*[0-9]$")


def mailto_problem(href: str) -> str | None:
    """Why a mailto: link is malformed (RFC 6068), or None."""
    rest = href[len("mailto:"):]
    if re.search(r"\s", rest):
        return "contains white space (must be percent-encoded)"
    addresses, _, query = rest.partition("?")
    if not addresses:
        return "no address"
    for address in unquote(addresses).split(","):
        if not MAILTO_ADDRESS.match(address):
            return f"{address!r} is not an e-mail address"
    for pair in filter(None, query.split("&")):
        name = pair.partition("=")[0].lower()
        if name not in MAILTO_FIELDS:
            return f"unknown header {name!r}"
    return None


def tel_problem(href: str) -> str | None:
    """Why a tel: link is not a global number (RFC 3966, E.164: + and 7 to 15 digits), or None."""
    number = unquote(href[len("tel:"):])
    if not TEL.match(number):
        return f"{number!r} is not a global number (+ then digits, optionally - . ( ))"
    digits = re.sub(r"\D", "", number)
    if not 7 <= len(digits) <= 15:
        return f"{number!r} has {len(digits)} digits (E.164: 7 to 15)"
    return None


def link_problems(site: Path, site_url: str, files: dict[str, HtmlFile] | None = None) -> list[str]:
    """Every address on every page that does not lead to a built file (and id), and bad mailto:/tel: links.

    Addresses on this site are relative, root-relative or start with ``site_url``; addresses on other
    sites are not fetched. A 404 page is served at any missing address, so its links must not be
    relative to where it happens to be."""
    files = files if files is not None else parse_site(site)
    problems: list[str] = []
    for rel, page in files.items():
        base = urljoin(site_url, url_path_of(rel).lstrip("/"))
        is_404 = rel.endswith("404.html")
        for tag, attr, value in page.urls:
            where = f"{rel}: <{tag} {attr}={value!r}>"
            value = value.strip()
            scheme = urlsplit(value).scheme.lower()
            if scheme == "mailto":
                problem = mailto_problem(value)
                if problem:
                    problems.append(f"{where}: {problem}")
                continue
            if scheme == "tel":
                problem = tel_problem(value)
                if problem:
                    problems.append(f"{where}: {problem}")
                continue
            if scheme == "javascript":
                problems.append(f"{where}: javascript: address (blocked by the Content-Security-Policy)")
                continue
            if scheme in ("data", "blob"):
                continue
            if scheme not in ("", "http", "https"):
                problems.append(f"{where}: unexpected scheme {scheme!r}")
                continue
            if is_404 and scheme == "" and not value.startswith(("/", "#")):
                problems.append(f"{where}: relative address on a 404 page (it is served at any address)")
                continue
            absolute = urljoin(base, value)
            path = local_path(absolute, site_url)
            if path is None:
                continue  # another site: not fetched here
            fragment = unquote(urlsplit(absolute).fragment)
            target_path = urlsplit(absolute).path
            target = rel if value.startswith("#") else file_for(site, "/" + target_path[len(urlsplit(site_url).path):])
            if target is None:
                problems.append(f"{where}: no such file ({target_path})")
                continue
            if fragment and target.endswith(".html") and fragment.lower() != "top":
                ids = files[target].ids if target in files else parse_file(site, target).ids
                if fragment not in ids:
                    problems.append(f"{where}: no id {fragment!r} in {target}")
    return problems


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_problems(site: Path, site_url: str) -> list[str]:
    """The root sitemap index and every language's sitemap: each address leads to a built file, each
    language's pages are all listed, and each sitemap.xml.gz holds the same as its sitemap.xml."""
    problems: list[str] = []

    def resolve(url: str, where: str, expect_suffix: str = "") -> str | None:
        path = local_path(url, site_url)
        if path is None:
            problems.append(f"{where}: {url} is not on this site ({site_url})")
            return None
        target = file_for(site, path)
        if target is None or not target.endswith(expect_suffix):
            problems.append(f"{where}: {url} leads to no built file")
            return None
        return target

    index = site / "sitemap.xml"
    if not index.is_file():
        return ["sitemap.xml: missing"]
    root = ET.parse(index).getroot()
    if root.tag != f"{SITEMAP}sitemapindex":
        problems.append(f"sitemap.xml: root element is {root.tag}, expected a sitemapindex")
    sitemaps = [loc.text.strip() for loc in root.iter(f"{SITEMAP}loc")]
    if not sitemaps:
        problems.append("sitemap.xml: lists no sitemap")
    for url in sitemaps:
        rel = resolve(url, "sitemap.xml", ".xml")
        if rel is None:
            continue
        tree = ET.parse(site / rel).getroot()
        listed = set()
        for entry in tree.iter(f"{SITEMAP}url"):
            loc = entry.find(f"{SITEMAP}loc")
            page = resolve(loc.text.strip(), rel, ".html") if loc is not None else None
            if page:
                listed.add(page)
            for alt in entry.iter(f"{XHTML}link"):
                resolve(alt.get("href", ""), f"{rel} ({alt.get('hreflang')} of {loc.text.strip()})", ".html")
        folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        pages = {p for p in html_files(site) if p.startswith(folder) and not p.endswith("404.html") and "/" in p}
        for missing in sorted(pages - listed):
            problems.append(f"{rel}: does not list {missing}")
        gz = site / (rel + ".gz")
        if gz.is_file() and gzip.decompress(gz.read_bytes()) != (site / rel).read_bytes():
            problems.append(f"{rel}.gz: differs from {rel}")
    return problems


def csp_directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), [w for w in words[1:]])
    return out


SAFE_SCRIPT_SOURCES = re.compile(r"^('self'|'none'|'strict-dynamic'|'nonce-[^']+'|'sha(256|384|512)-[^']+')$")


def csp_problems(page: HtmlFile) -> list[str]:
    """The page's Content-Security-Policy <meta>: present once, before every script and style, and its
    scripts only from the site itself (no 'unsafe-inline', 'unsafe-eval', hosts or schemes); no inline
    script or event-handler attribute on the page that such a policy would block."""
    where = page.rel
    if len(page.csp) != 1:
        return [f"{where}: {len(page.csp)} Content-Security-Policy <meta> tags, expected 1"]
    position, policy = page.csp[0]
    problems = []
    if page.first_active is not None and page.first_active < position:
        problems.append(f"{where}: the Content-Security-Policy <meta> comes after a script or style it should cover")
    directives = csp_directives(policy)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append(f"{where}: no script-src or default-src: scripts from anywhere")
    else:
        for source in scripts:
            if not SAFE_SCRIPT_SOURCES.match(source):
                problems.append(f"{where}: scripts allowed from {source}")
    objects = directives.get("object-src", directives.get("default-src"))
    if objects != ["'none'"]:
        problems.append(f"{where}: object-src is {objects}, expected 'none'")
    if "base-uri" not in directives:
        problems.append(f"{where}: no base-uri (a <base> tag could redirect relative scripts)")
    problems += [f"{where}: inline <script> {text!r} (blocked by the policy)" for text in page.inline_scripts]
    problems += [f"{where}: {handler} (event-handler attribute, blocked by the policy)" for handler in page.handlers]
    styles = directives.get("style-src", directives.get("default-src")) or []
    if "'unsafe-inline'" not in styles:
        if page.style_attributes:
            problems.append(f"{where}: {page.style_attributes} style attribute(s), blocked by the policy's style-src")
        if page.style_elements:
            problems.append(f"{where}: {page.style_elements} <style> element(s), blocked by the policy's style-src")
    return problems


def outside_resources(page: HtmlFile, site_url: str) -> list[str]:
    """Scripts, style sheets, fonts, images or frames a page would load from another site."""
    base = urljoin(site_url, url_path_of(page.rel).lstrip("/"))
    out = []
    for tag, attr, value in page.urls:
        if tag not in RESOURCE_TAGS and tag != "use":
            continue  # links the reader follows; <link> is handled below with its rel
        absolute = urljoin(base, value.strip())
        if urlsplit(absolute).scheme in ("http", "https") and local_path(absolute, site_url) is None:
            out.append(f"{page.rel}: <{tag} {attr}> from {absolute}")
    for rel, href in page.rels:
        if set(rel.split()) & FETCHED_LINK_RELS:
            absolute = urljoin(base, href.strip())
            if urlsplit(absolute).scheme in ("http", "https") and local_path(absolute, site_url) is None:
                out.append(f"{page.rel}: <link rel={rel}> from {absolute}")
    return out


CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?([^'")\s]+)""")


def css_outside_resources(site: Path, site_url: str) -> list[str]:
    """Addresses on other sites in the built style sheets (fonts, @import, images)."""
    out = []
    for path in sorted(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in CSS_URL.finditer(text):
            url = match.group(1)
            if urlsplit(url).scheme in ("http", "https") and local_path(url, site_url) is None:
                out.append(f"{path.relative_to(site).as_posix()}: {url}")
            elif url.startswith("//"):
                out.append(f"{path.relative_to(site).as_posix()}: {url}")
    return out
