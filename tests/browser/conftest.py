"""Browser tests: Playwright (sync API) driving the Debian Chromium against pytest-django's
`live_server` (a real HTTP server on a transactional test database).

Fixtures for every area's journey tests:
- `browser`      one Chromium for the whole session
- `page`         a fresh desktop page (1280×800) per test; `page.goto("/")` is relative to the server
- `phone_page`   a fresh phone page (360×740)
- `login`        `login(page, user)` signs in through the real login form
- `switch_language`  `switch_language(page, "en")` uses the language switcher in the page header
- `shot`         `shot(page, "dashboard")` writes tests/browser/screenshots/<lang>/<width>/<name>.png

Mark tests `@pytest.mark.browser` (this conftest marks everything in tests/browser too).
Without Chromium the tests are skipped with a message, but when the environment variable CI is set
they fail instead: CI must never be green because the browser went missing.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from the
# test body ("You cannot call this from an async context"). The test thread is not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KOPPEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).parent / "screenshots"
DEFAULT_TIMEOUT_MS = 15_000
# The first request to a fresh live server (templates compiled, URLconf and apps imported, a
# new PostgreSQL connection) can take several seconds on a busy CI machine.
FIRST_LOAD_TIMEOUT_MS = 30_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # live_server needs a transactional database, which is emptied after each test;
            # serialized rollback puts back the rows data migrations made (e.g. the agreement
            # templates), so a test does not depend on running before the others.
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


def _browser_missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return (
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set KOPPEL_CHROMIUM)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return None


@pytest.fixture(scope="session")
def _serialized_rollback_survives_playwright(django_db_setup):
    """Playwright's sync API runs an event loop in this thread, and Django's connection handler
    then hands out a new connection object per context, without the copy of the migrated data
    that serialized rollback restores from. Keep that copy on the connection class instead."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser(_serialized_rollback_survives_playwright):
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests must run in CI, but {reason}", pytrace=False)
        pytest.skip(f"Browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    # The Content-Security-Policy allows no inline script or style: Chromium reports what it
    # blocked on the console, and a page fixture fails the test on any such report.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    return context, page


def _close(context, page):
    context.close()
    assert page.csp_violations == [], "blocked by the Content-Security-Policy"


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    _close(context, page)


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    _close(context, page)


@pytest.fixture
def login():
    """`login(page, user, password=...)`: sign in through the real login form, land on the
    dashboard. Signs out first when someone is already signed in on this page."""
    from tests.factories import PASSWORD

    def _login(page, user, password: str = PASSWORD):
        page.context.clear_cookies()
        page.goto("/login/", timeout=FIRST_LOAD_TIMEOUT_MS)
        page.locator("#id_username").fill(user.email, timeout=FIRST_LOAD_TIMEOUT_MS)
        page.locator("#id_password").fill(password)
        page.locator("form.login-form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login


@pytest.fixture
def switch_language():
    """`switch_language(page, "en")`: choose a language with the switcher (works without JS)."""

    def _switch(page, code: str):
        page.locator("#language-switcher select[name=language]").select_option(code)
        page.locator("#language-switcher button[type=submit]").click()
        page.wait_for_load_state()
        page.wait_for_function("code => document.documentElement.lang === code", arg=code)
        return page

    return _switch


@pytest.fixture
def shot():
    """`shot(page, name)`: a full-page screenshot in screenshots/<lang>/<width>/<name>.png."""

    def _shot(page, name: str) -> Path:
        lang = page.evaluate("document.documentElement.lang") or "unknown"
        width = page.viewport_size["width"] if page.viewport_size else "auto"
        path = SCREENSHOTS / lang / str(width) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
