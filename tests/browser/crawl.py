"""Crawl a signed-in person's part of the site the way they can reach it: from the dashboard and
every item of their main menu, follow same-origin links (GET only) and record every
(page, link, status).

Bounded so a CI run stays short (the caps are arguments; the defaults are what the tests use):
- at most `max_pages` (60) HTML pages per role are fetched and read for further links;
- URLs are grouped by route: numbers and ids in the path become `<n>`, so `/aanbod/12/` and
  `/aanbod/13/` are one route, `/aanbod/?status=x` is the same route as `/aanbod/`; at most
  `per_route` (2) URLs of a route are fetched; the other links to that route are recorded as
  "not fetched" (same template, other row);
- the menu items and the dashboard come first, so they are always inside the cap.

Fetched with the browser context's request client (`context.request`: same cookies as its pages,
no rendering), so a crawl of 60 pages takes seconds. Not followed: other origins, `mailto:`/`tel:`,
signing out, the language switch (a POST), the Django admin. Downloads (`.csv`, `.ics`, `.json`,
`.pdf`, or any non-HTML answer) are requested with the same cookies and must answer 200 with the
content type of their extension.

A link is broken when it answers 4xx/5xx, sends a signed-in person to the login page, or is dead
(`href=""`, `href="#"`, `javascript:`, or `#id` with no element of that id on the page).
The htmx fragments a page loads (`hx-get`) are requested too, once each, with `HX-Request`:
403, 404 or 5xx is broken (400, for a value a person has not typed yet, is not).
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

MAX_PAGES = 60
PER_ROUTE = 2

DOWNLOAD_TYPES = {
    ".csv": "text/csv",
    ".ics": "text/calendar",
    ".json": "application/json",
    ".pdf": "application/pdf",
}
SKIP_PREFIXES = ("/logout", "/uitloggen", "/i18n/", "/admin/")
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{16,}|[A-Za-z0-9_-]{32,})$")


def route_of(url: str) -> str:
    """`/aanbod/12/werkprocessen/?q=B1` → `/aanbod/<n>/werkprocessen/`."""
    path = urlsplit(url).path
    return "/".join("<n>" if ID_SEGMENT.match(part) else part for part in path.split("/"))


@dataclass
class Anchor:
    href: str | None
    text: str
    download: bool
    in_menu: bool


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[Anchor] = []
        self.fragments: list[str] = []  # hx-get URLs: parts of the page htmx loads
        self.ids: set[str] = set()
        self.title = ""
        self._nav_depth = 0
        self._in_menu_nav = False
        self._open: Anchor | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if attributes.get("name") and tag == "a":
            self.ids.add(attributes["name"] or "")
        if attributes.get("hx-get"):
            self.fragments.append(attributes["hx-get"] or "")
        if tag == "nav":
            self._nav_depth += 1
            if "site-nav" in (attributes.get("class") or "").split():
                self._in_menu_nav = True
        elif tag == "a":
            self._open = Anchor(
                href=attributes.get("href"),
                text="",
                download="download" in attributes,
                in_menu=self._in_menu_nav,
            )
            self.anchors.append(self._open)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._nav_depth -= 1
            if self._nav_depth == 0:
                self._in_menu_nav = False
        elif tag == "a":
            self._open = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text = (self._open.text + " " + data.strip()).strip()
        if self._in_title:
            self.title += data


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


@dataclass
class LinkRecord:
    source: str  # the page the link is on (path + query)
    href: str  # as written in the HTML
    url: str  # resolved, path + query
    text: str
    status: int | None  # None: not fetched (see `note`)
    note: str = ""  # why it is broken, or why it was not fetched

    @property
    def broken(self) -> bool:
        return self.note.startswith("BROKEN")


@dataclass
class Crawl:
    role: str
    menu: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # fetched HTML page -> status
    routes: OrderedDict[str, str] = field(default_factory=OrderedDict)  # route -> first 200 URL
    links: list[LinkRecord] = field(default_factory=list)
    downloads: dict[str, tuple[int, str]] = field(default_factory=dict)
    skipped_for_cap: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def broken(self) -> list[LinkRecord]:
        return [link for link in self.links if link.broken]

    def report(self) -> str:
        """One line per broken link, grouped by target, readable without the code."""
        lines = []
        by_target: OrderedDict[tuple[str, str], list[LinkRecord]] = OrderedDict()
        for link in self.broken:
            by_target.setdefault((link.url or link.href, link.note), []).append(link)
        for (target, note), found in by_target.items():
            sources = sorted({link.source for link in found})
            where = ", ".join(sources[:4]) + (
                f" (+{len(sources) - 4} more)" if len(sources) > 4 else ""
            )
            text = found[0].text or "(no text)"
            lines.append(
                f"  [{self.role}] {note}: href={found[0].href!r} “{text}” → {target}\n      found on: {where}"
            )
        return "\n".join(lines)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _download_type(path: str) -> str | None:
    for extension, content_type in DOWNLOAD_TYPES.items():
        if urlsplit(path).path.endswith(extension):
            return content_type
    return None


def crawl(  # noqa: C901  (one breadth-first walk with its nested helpers)
    context,
    base_url: str,
    role: str,
    *,
    max_pages: int = MAX_PAGES,
    per_route: int = PER_ROUTE,
    start: str = "/",
) -> Crawl:
    """Crawl as the person signed in on `context` (a Playwright BrowserContext)."""
    started = time.monotonic()
    result = Crawl(role=role)
    origin = urlsplit(base_url)
    queue: list[str] = [start]
    queued: set[str] = {start}
    fetched_per_route: dict[str, int] = {}
    status_of: dict[str, tuple[int | None, str]] = {}
    fragment_status: dict[str, int] = {}

    def fetch(path: str) -> tuple[int | None, str, str]:
        """(status, note, html or '') for one URL, each URL once."""
        response = context.request.get(base_url + path, max_redirects=5, fail_on_status_code=False)
        status = response.status
        final = _path(response.url)
        content_type = response.headers.get("content-type", "")
        expected = _download_type(path)
        note = ""
        html = ""
        if status >= 400:
            note = f"BROKEN {status}"
        elif urlsplit(final).path.startswith("/login"):
            note = f"BROKEN sends a signed-in {role} to the login page ({final})"
        elif expected and not content_type.startswith(expected):
            note = f"BROKEN download answers {content_type!r}, expected {expected}"
        elif expected or "text/html" not in content_type:
            result.downloads[path] = (status, content_type)
        else:
            html = response.text()
        response.dispose()
        return status, note, html

    def visit(path: str) -> None:
        status, note, html = fetch(path)
        status_of[path] = (status, note)
        if not html:
            return
        result.pages[path] = status or 0
        result.routes.setdefault(route_of(path), path)
        parsed = parse_page(html)
        for fragment in parsed.fragments:
            check_fragment(path, fragment)
        for anchor in parsed.anchors:
            record = _record(path, anchor, parsed.ids)
            result.links.append(record)
            if record.note or record.status == -1:
                continue
            target = record.url
            if path == start and anchor.in_menu and target not in result.menu:
                result.menu.append(target)
            if target in status_of:
                record.status, record.note = status_of[target]
                continue
            if target in queued:
                continue
            queued.add(target)
            queue.append(target)

    def check_fragment(source: str, href: str) -> None:
        """An htmx fragment (`hx-get`), requested as htmx does, without the values a person
        would type: a 400 for a missing value is fine, a 403/404/5xx is broken."""
        target = _path(urldefrag(urljoin(base_url + source, href))[0])
        if target not in fragment_status:
            response = context.request.get(
                base_url + target, headers={"HX-Request": "true"}, fail_on_status_code=False
            )
            fragment_status[target] = response.status
            response.dispose()
        status = fragment_status[target]
        note = (
            f"BROKEN htmx fragment (hx-get) answers {status}"
            if status in (403, 404) or status >= 500
            else ""
        )
        result.links.append(LinkRecord(source, href, target, "(hx-get)", status, note))

    def _record(source: str, anchor: Anchor, ids: set[str]) -> LinkRecord:
        href = anchor.href
        text = anchor.text[:60]
        if href is None:
            return LinkRecord(source, "(none)", "", text, None, "BROKEN <a> without href")
        stripped = href.strip()
        if stripped in ("", "#"):
            return LinkRecord(source, href, "", text, None, f"BROKEN dead link href={href!r}")
        if stripped.lower().startswith("javascript:"):
            return LinkRecord(source, href, "", text, None, "BROKEN javascript: link")
        if stripped.startswith("#"):
            ok = stripped[1:] in ids
            return LinkRecord(
                source,
                href,
                "",
                text,
                -1,
                "" if ok else f"BROKEN no element id={stripped[1:]!r} on the page",
            )
        if stripped.split(":", 1)[0].lower() in ("mailto", "tel"):
            return LinkRecord(source, href, "", text, -1, "not fetched: mail/phone")
        absolute, _fragment = urldefrag(urljoin(base_url + source, stripped))
        parts = urlsplit(absolute)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            return LinkRecord(source, href, absolute, text, -1, "not fetched: other site")
        target = _path(absolute)
        if parts.path.startswith(SKIP_PREFIXES):
            return LinkRecord(
                source, href, target, text, -1, "not fetched: sign-out/admin/language"
            )
        return LinkRecord(source, href, target, text, None)

    # The dashboard first: its menu decides the start points, which go to the front of the queue.
    visit(queue.pop(0))
    queue = [url for url in result.menu if url in queue] + [
        u for u in queue if u not in result.menu
    ]
    while queue:
        path = queue.pop(0)
        route = route_of(path)
        is_download = bool(_download_type(path)) or path.startswith(("/static/", "/media/"))
        if not is_download:
            if len(result.pages) >= max_pages or fetched_per_route.get(route, 0) >= per_route:
                result.skipped_for_cap.add(path)
                continue
            fetched_per_route[route] = fetched_per_route.get(route, 0) + 1
        visit(path)
    # Fill in the statuses of links met before their target was fetched.
    for record in result.links:
        if record.status is None and not record.note and record.url in status_of:
            record.status, record.note = status_of[record.url]
        elif record.status is None and not record.note:
            record.note = "not fetched: cap per route/role"
    result.seconds = time.monotonic() - started
    return result
