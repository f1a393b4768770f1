"""Browser tests: Playwright (sync API) driving the Debian Chromium against pytest-django's
`live_server` (a real HTTP server on a transactional test database).

Fixtures for every area's journey tests:
- `browser`      one Chromium for the whole session
- `page`         a fresh desktop page (1280×800) per test; `page.goto("/")` is relative to the server
- `phone_page`   a fresh phone page (360×740)
- `login`        `login(page, user)` signs in through the real login form
- `switch_language`  `switch_language(page, "en")` uses the language switcher in the page header
- `shot`         `shot(page, "dashboard")` writes tests/browser/screenshots/<lang>/<width>/<name>.png

For the read-only checks over the whole site (link crawl, accessibility):
- `demo_site`    (module-scoped) the demo (`backend.demo.loader.load`) loaded once and a live
                 server of its own, so a module can crawl every role's pages without a fresh
                 database per test; the tables are emptied again when the module ends
- `demo_context` `demo_context(role, lang="nl", viewport=DESKTOP)` a browser context signed in as
                 that role's demo login (signed in once per load, cookies reused)
- `demo_crawl`   `demo_crawl(role)` the link crawl of that role (crawl.py), once per load
Tests using `demo_site` are run one after the other and each inside a rolled-back transaction;
the demo is loaded once for all of them and the tables emptied after the last one.

Mark tests `@pytest.mark.browser` (this conftest marks everything in tests/browser too).
Without Chromium the tests are skipped with a message, but when the environment variable CI is set
they fail instead: CI must never be green because the browser went missing.
"""

import os
import shutil
import time
from dataclasses import dataclass, field
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
            if "demo_site" in getattr(item, "fixturenames", ()):
                # The demo manages the database itself (loaded once, emptied after the last
                # test that uses it); a transactional test would empty it after each test, so
                # these tests only read, each inside a transaction that is rolled back.
                # (serialized_rollback: have Django keep a copy of the migrated rows, which are
                # put back after the tables are emptied.)
                if item.get_closest_marker("django_db") is None:
                    item.add_marker(pytest.mark.django_db(serialized_rollback=True))
                continue
            # live_server needs a transactional database, which is emptied after each test;
            # serialized rollback puts back the rows data migrations made (e.g. the agreement
            # templates), so a test does not depend on running before the others.
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
    # The tests that use the demo run one after the other (where the first of them would run),
    # so the demo is loaded and every role crawled once per run, not once per module.
    demo = [item for item in items if _uses_demo(item)]
    if demo:
        first = items.index(demo[0])
        rest = [item for item in items if not _uses_demo(item)]
        items[:] = rest[:first] + demo + rest[first:]


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


# The demo login per role that the site-wide checks sign in as (Digiwise Limburg, the first
# scenario; `fixtures/demo/digiwise.json`). Keys are the role names used in test ids and messages.
DEMO_ROLES = {
    "company": "company_contact",
    "teacher": "teacher",
    "coordinator": "coordinator",
    "student": "student",
    "programme_lead": "programme_lead",
    "institution_admin": "institution_admin",
    "privacy_officer": "privacy_officer",
}
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class DemoSite:
    url: str
    emails: dict[str, str]  # role key -> e-mail of the demo login (only the roles that exist)
    password: str
    load_seconds: float
    generation: int = 0
    _states: dict[str, dict] = field(default_factory=dict)


def _demo_emails() -> dict[str, str]:
    from backend.demo.data import scenarios

    first = scenarios()[0]
    emails: dict[str, str] = {}
    for key, role in DEMO_ROLES.items():
        email = next((lg["email"] for lg in first["logins"] if lg["role"] == role), None)
        if email:
            emails[key] = email
    return emails


def _restore_migrated_rows() -> None:
    """Put back the rows the data migrations made (what serialized rollback restores)."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            connections[alias].creation.deserialize_db_from_string(contents)


def _empty_tables() -> None:
    from django.core.management import call_command
    from django.db import connections

    for alias in connections:
        # As TransactionTestCase does with serialized rollback: no post_migrate signal (the
        # content types and permissions come back with the migrated rows).
        restorable = bool(getattr(connections[alias], "_test_serialized_contents", None))
        call_command(
            "flush",
            database=alias,
            interactive=False,
            verbosity=0,
            inhibit_post_migrate=restorable,
        )


def _uses_demo(item) -> bool:
    return item is not None and "demo_site" in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test that uses the demo (the next test does not): empty the tables and put
    back the migrated rows, as after a transactional test."""
    result = yield
    if _uses_demo(item) and not _uses_demo(nextitem):
        blocker = item.config.stash.get(_BLOCKER_KEY, None)
        if blocker is not None:
            with blocker.unblock():
                _empty_tables()
                _restore_migrated_rows()
            _CRAWLS.clear()
            _SIGNED_IN.clear()
    return result


_BLOCKER_KEY = pytest.StashKey()
# Each load of the demo gets a number; crawl results are kept per (load, role).
_LOADS = {"count": 0}
_CRAWLS: dict = {}
_SIGNED_IN: dict = {}


def _sign_in(browser, url: str, email: str, password: str) -> dict:
    """Through the real login form; returns the context's cookies (storage state)."""
    context = browser.new_context(base_url=url, viewport=DESKTOP)
    context.set_default_timeout(FIRST_LOAD_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/login/")
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("form.login-form button[type=submit]").click()
        page.wait_for_url(lambda current: "/login/" not in current)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo_site(browser, django_db_blocker, request):
    """The demo (`backend.demo.loader.load`), served by a live server of this module's own
    (pytest-django's `live_server` would make every test transactional, emptying the database
    after each one), with every role's demo login signed in once. Tests using it must only read:
    they share the data. The tables are emptied after the last test that uses the demo
    (`pytest_runtest_teardown` above); tests of the next module reuse the same load."""
    from django.test.utils import override_settings
    from django.utils import timezone
    from pytest_django.live_server_helper import LiveServer

    from backend.demo import loader

    request.config.stash[_BLOCKER_KEY] = django_db_blocker
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        started = time.monotonic()
        if not loader.is_loaded():
            _empty_tables()
            _restore_migrated_rows()
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                loader.load(now=timezone.now())
            _LOADS["count"] += 1
        load_seconds = time.monotonic() - started
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            site = DemoSite(
                url=server.url,
                emails=_demo_emails(),
                password=loader.PASSWORD,
                load_seconds=load_seconds,
                generation=_LOADS["count"],
            )
            # Signed in here, outside any test's transaction: on SQLite the live server shares
            # the test's connection, and a session made inside a test would be rolled back.
            for role, email in site.emails.items():
                key = (site.generation, role)
                if key not in _SIGNED_IN:  # the session rows stay as long as this load does
                    _SIGNED_IN[key] = _sign_in(browser, site.url, email, site.password)
                site._states[role] = _SIGNED_IN[key]
            yield site
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture
def demo_context(browser, demo_site):
    """`demo_context(role, lang="nl", viewport=DESKTOP)`: a new browser context signed in as the
    role's demo login (cookies from `demo_site`), in that language (the `django_language` cookie
    the switcher sets). Every context is closed after the test."""
    opened = []

    def _context(role: str, lang: str = "nl", viewport: dict | None = None):
        state = demo_site._states.get(role)
        if state is None:
            pytest.fail(f"no demo login for the role {role!r} in fixtures/demo/digiwise.json")
        context = browser.new_context(
            base_url=demo_site.url,
            viewport=viewport or DESKTOP,
            locale="nl-NL",
            storage_state=state,
        )
        host = demo_site.url.split("://", 1)[1].split(":")[0]
        context.add_cookies(
            [{"name": "django_language", "value": lang, "domain": host, "path": "/"}]
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context

    yield _context
    for context in opened:
        context.close()


@pytest.fixture
def demo_crawl(demo_site, demo_context):
    """`demo_crawl(role)`: the link crawl (crawl.py) of that role's demo login, in Dutch, done
    once per load of the demo and shared by the link and accessibility tests."""
    from tests.browser.crawl import crawl

    def _crawl(role: str):
        key = (demo_site.generation, role)
        if key not in _CRAWLS:
            _CRAWLS[key] = crawl(demo_context(role), demo_site.url, role)
        return _CRAWLS[key]

    return _crawl
