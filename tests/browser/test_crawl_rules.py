"""The crawler's own rules (crawl.py), on a small made-up site instead of a browser: what counts
as one route, which links are broken, what is not followed, and the caps."""

from dataclasses import dataclass

from tests.browser.crawl import crawl, route_of

BASE = "http://testserver"
HTML = "text/html; charset=utf-8"


@dataclass
class FakeResponse:
    url: str
    status: int
    headers: dict
    body: str

    def text(self) -> str:
        return self.body

    def dispose(self) -> None:
        pass


class FakeSite:
    """`context.request.get(url)` over a dict path -> (status, content type, html or redirect)."""

    def __init__(self, pages: dict):
        self.pages = pages
        self.requested: list[str] = []
        self.request = self

    def get(self, url: str, **_options) -> FakeResponse:
        path = url.removeprefix(BASE)
        self.requested.append(path)
        status, content_type, body = self.pages.get(path, (404, HTML, "not found"))
        if status == 302:
            return FakeResponse(BASE + body, 200, {"content-type": HTML}, "<h1>Inloggen</h1>")
        return FakeResponse(url, status, {"content-type": content_type}, body)


def page(*links: str, menu: tuple[str, ...] = (), ids: str = "") -> tuple[int, str, str]:
    nav = "".join(f'<a href="{href}">menu</a>' for href in menu)
    body = "".join(f'<a href="{href}">link {n}</a>' for n, href in enumerate(links))
    return 200, HTML, f'<nav class="site-nav">{nav}</nav><main id="main">{ids}{body}</main>'


def test_a_route_is_the_path_with_its_ids_left_out():
    assert route_of("/aanbod/12/werkprocessen/?q=B1") == "/aanbod/<n>/werkprocessen/"
    assert route_of("/aanbod/13/") == route_of("/aanbod/12/") == "/aanbod/<n>/"
    assert route_of("/rounds/mine/") == "/rounds/mine/"


def test_broken_links_are_reported_with_where_they_were_found():
    site = FakeSite(
        {
            "/": (
                200,
                HTML,
                page("/ok/", "/gone/", "#", "", "#main", "#nowhere", menu=("/ok/",))[2]
                + '<div hx-get="/part/"></div><div hx-get="/search/"></div>',
            ),
            "/part/": (500, HTML, "boom"),
            "/search/": (400, HTML, "Typ iets"),
            "/ok/": page("/secret/", "/export.csv", "/feed.ics", "mailto:a@b.nl", "/uitloggen/"),
            "/secret/": (302, HTML, "/login/?next=/secret/"),
            "/export.csv": (200, "text/csv", "a;b"),
            "/feed.ics": (200, "text/html", "<p>oops</p>"),
        }
    )
    result = crawl(site, BASE, "company")
    broken = {(link.href, link.note.split(" (")[0]) for link in result.broken}
    assert broken == {
        ("/gone/", "BROKEN 404"),
        ("#", "BROKEN dead link href='#'"),
        ("", "BROKEN dead link href=''"),
        ("#nowhere", "BROKEN no element id='nowhere' on the page"),
        ("/secret/", "BROKEN sends a signed-in company to the login page"),
        ("/feed.ics", "BROKEN download answers 'text/html', expected text/calendar"),
        ("/part/", "BROKEN htmx fragment"),
    }
    assert result.menu == ["/ok/"]
    assert "/export.csv" in result.downloads
    assert "/uitloggen/" not in site.requested  # signing out is never followed
    report = result.report()
    assert "href='/gone/'" in report
    assert "found on: /" in report
    assert "htmx fragment (hx-get) answers 500" in report


def test_at_most_two_urls_of_a_route_and_at_most_max_pages_are_fetched():
    offers = [f"/aanbod/{n}/" for n in range(1, 6)]
    site = FakeSite({"/": page(*offers), **{url: page() for url in offers}})
    result = crawl(site, BASE, "teacher")
    assert [url for url in site.requested if url.startswith("/aanbod/")] == offers[:2]
    assert result.skipped_for_cap == set(offers[2:])
    assert list(result.routes) == ["/", "/aanbod/<n>/"]

    site = FakeSite({"/": page("/a/", "/b/", "/c/"), "/a/": page(), "/b/": page(), "/c/": page()})
    result = crawl(site, BASE, "teacher", max_pages=2)
    assert len(result.pages) == 2
