"""No broken link anywhere a person can click: for each role's demo login, start at the dashboard
and every item of the main menu and follow every same-origin link (crawl.py), then fail with one
readable line per broken link (what it says, where it points, where it was found, what came back).

Data: the demo (`demo_site`, loaded once and shared with test_accessibility.py; read-only); the
crawl of each role is shared with test_accessibility.py too. Caps (crawl.py): ≤ 60 HTML
pages per role, ≤ 2 URLs per route (`/aanbod/12/` ≈ `/aanbod/13/`); downloads are always checked.
Measured on SQLite (2 cores, 4 December 2026): the crawl of all six roles takes about 15 s
(≈ 200 pages and downloads); it is done once and shared with test_accessibility.py, which
usually runs first, so this module itself then takes about a second.
"""

import pytest

from tests.browser.conftest import DEMO_ROLES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_link_a_role_can_reach_works(role, demo_site, demo_crawl):
    if role not in demo_site.emails:
        pytest.fail(
            f"fixtures/demo/digiwise.json has no demo login for the role {DEMO_ROLES[role]}: "
            "every role needs one to be checked here"
        )
    result = demo_crawl(role)
    fetched = len(result.pages) + len(result.downloads)
    print(
        f"\n[{role}] {len(result.menu)} menu items, {len(result.pages)} pages, "
        f"{len(result.downloads)} downloads, {len(result.routes)} routes, "
        f"{len(result.skipped_for_cap)} URLs left out by the caps, {result.seconds:.1f}s"
    )
    assert result.menu, f"[{role}] the dashboard shows no main menu (nav.site-nav)"
    assert fetched > len(result.menu)
    broken = result.report()
    assert not broken, (
        f"{len(result.broken)} broken link(s) for the {role} ({demo_site.emails[role]}):\n{broken}"
    )
