"""Every page of every role, in Dutch and English, at 1280 px and 360 px: axe-core reports no
serious or critical WCAG 2.1 AA violation, and each page has what a person (and a screen reader)
relies on: exactly one <h1>, a plain-text <title>, `lang` matching the chosen language, no
sideways scrolling on a phone (a table that scrolls inside its own container is fine), nothing
blocked by the Content-Security-Policy, and no 4xx/5xx.

Which pages: the routes the link crawl reaches for the role (crawl.py: ≤ 60 pages per role, ≤ 2
URLs per route), each checked on the first URL the crawl found for it. Caps: in Dutch at 1280 px
every route of every role; in English and at 360 px every distinct route once, for the first role
that reaches it (DEMO_ROLES order), so each route is seen in all four combinations without
repeating a template for every role. Data: the demo (`demo_site`, loaded once, read-only).
Per test: one role × language × width, all its routes, one list of every problem at the end.

Cost measured on SQLite (2 cores, 4 December 2026): ≈ 100 s for the module, demo load (≈ 10 s)
and the six crawls (≈ 15 s) included: 137 role × route pages in Dutch at 1280 px plus 47 distinct
routes in each of the three other combinations. axe runs only the WCAG 2.0/2.1 A/AA rules and
returns only violations; content another role already had checked identically is not re-run.
With KOPPEL_SCREENSHOTS=1 every checked page is also saved to
tests/browser/screenshots/<lang>/<width>/<role>-<route>.png (git-ignored; CI does not set it).
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DEMO_ROLES, DESKTOP, PHONE, SCREENSHOTS

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
BLOCKING_IMPACTS = ("serious", "critical")
AXE = Axe()

# One script: the structure checks a screenshot cannot show.
PAGE_FACTS = """() => {
  const doc = document.documentElement;
  const wide = [];
  const vw = window.innerWidth;
  if (doc.scrollWidth > vw + 1) {
    // Name the outermost elements that stick out: their parent fits, and the parent does not
    // scroll or clip them (a table in a scrolling container is fine).
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      const parent = el.parentElement;
      if (r.right <= vw + 1 || r.width === 0 || !parent) continue;
      if (parent !== document.body && parent.getBoundingClientRect().right > vw + 1) continue;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(parent).overflowX)) continue;
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      wide.push(el.tagName.toLowerCase() + id + cls + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + 'px)');
      if (wide.length >= 3) break;
    }
  }
  const main = document.querySelector('main');
  const signature = main ? main.innerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, '') : '';
  return {
    h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim().slice(0, 60)),
    title: document.title,
    titleElements: document.querySelectorAll('head title').length,
    lang: doc.getAttribute('lang'),
    scrollWidth: doc.scrollWidth,
    wide: wide,
    signature: signature,
  };
}"""


def _routes(role: str, lang: str, width: int, demo_crawl) -> list[tuple[str, str]]:
    """(route, url) to check for this role, language and width.

    In Dutch at 1280 px: every route the role reaches. In the other three combinations: each
    route once, for the first role (in DEMO_ROLES order) that reaches it; the same template for
    another role differs in data and buttons, which the Dutch desktop pass covers per role.
    """
    mine = list(demo_crawl(role).routes.items())
    if (lang, width) == ("nl", DESKTOP["width"]):
        return mine
    earlier: set[str] = set()
    for other in DEMO_ROLES:
        if other == role:
            break
        earlier.update(demo_crawl(other).routes)
    return [(route, url) for route, url in mine if route not in earlier]


def _in_language(url: str, lang: str) -> str:
    """A link found in Dutch may name the language (`?lang=nl`, the print view): ask for `lang`."""
    return re.sub(r"([?&]lang=)nl\b", rf"\g<1>{lang}", url)


def _shot_name(role: str, route: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "dashboard"
    return f"{role}-{name}"


# The content of <main> already run through axe, per (load, language, width): a page another role
# sees identically (a programme lead and a coordinator on the same list) is not checked twice.
_axed: dict[tuple, str] = {}


def _check_page(  # noqa: C901  (one check after the other, each reported)
    page, url: str, lang: str, width: int, seen_key: tuple, role: str
) -> list[str]:
    problems: list[str] = []
    page.csp_blocked = []
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"answers {response.status if response else 'nothing'}"]
    if "/login/" in page.url:
        return [f"sends the signed-in person to the login page ({page.url})"]
    facts = page.evaluate(PAGE_FACTS)
    if len(facts["h1"]) != 1:
        problems.append(f"has {len(facts['h1'])} <h1> elements (wanted exactly 1): {facts['h1']}")
    if facts["titleElements"] != 1 or not facts["title"].strip() or "<" in facts["title"]:
        problems.append(f"<title> is not one plain-text title: {facts['title']!r}")
    if facts["lang"] != lang:
        problems.append(f'<html lang="{facts["lang"]}"> but the chosen language is {lang}')
    if width == PHONE["width"] and facts["scrollWidth"] > width + 1:
        problems.append(
            f"scrolls sideways at {width} px (page is {facts['scrollWidth']} px wide); "
            f"sticking out: {', '.join(facts['wide']) or '(not found)'}"
        )
    signature = (*seen_key, facts["signature"])
    if signature in _axed:
        return problems  # axe saw this very content for another role
    _axed[signature] = role
    results = AXE.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        nodes = violation.get("nodes", [])
        targets = [" ".join(map(str, node.get("target", []))) for node in nodes[:3]]
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        summary = ""
        if nodes and nodes[0].get("failureSummary"):
            summary = " — " + nodes[0]["failureSummary"].replace("\n", " ")[:200]
        problems.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']}; "
            f"elements: {'; '.join(targets)}{more}{summary}"
        )
    problems.extend(
        f"blocked by the Content-Security-Policy: {message[:200]}" for message in page.csp_blocked
    )
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_page_of_a_role_is_accessible(
    role, lang, viewport, demo_site, demo_context, demo_crawl
):
    if role not in demo_site.emails:
        pytest.fail(f"fixtures/demo/digiwise.json has no demo login for the role {role}")
    width = viewport["width"]
    routes = _routes(role, lang, width, demo_crawl)
    context = demo_context(role, lang=lang, viewport=viewport)
    page = context.new_page()
    page.csp_blocked = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_blocked.append(message.text)
        ),
    )
    screenshots = os.environ.get("KOPPEL_SCREENSHOTS") == "1"
    failures: list[str] = []
    for route, found in routes:
        url = _in_language(found, lang)
        problems = _check_page(page, url, lang, width, (demo_site.generation, lang, width), role)
        failures.extend(f"  {url}  [{route}]\n      {problem}" for problem in problems)
        if screenshots:
            path = SCREENSHOTS / lang / str(width) / f"{_shot_name(role, route)}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
    print(f"\n[{role} {lang} {width}px] {len(routes)} routes checked")
    assert not failures, (
        f"{len(failures)} accessibility problem(s) for the {role} ({demo_site.emails[role]}) "
        f"in {lang} at {width} px:\n" + "\n".join(failures)
    )
