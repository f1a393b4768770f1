"""Each role is refused the pages of the others, with the same rules as the API.

The pages come from the URL resolver (every name in the `frontend` namespace), the rules from
the tables in tests/frontend/role_access/: a page without a rule fails here, so new pages are
covered automatically. GET only: a refused request changes nothing by construction, and POST-only
pages answer 405 to allowed roles (the role check runs first, so others get 403). An allowed role
that gets a 404 fails: the page is not theirs after all."""

import importlib
import pkgutil

import pytest
from django.urls import get_resolver, reverse

from backend.offers.models import Offer
from tests.frontend import role_access

ROLES = ("company", "teacher", "coordinator", "student", "privacy")
ALLOWED_STATUSES = (200, 301, 302, 303, 405)


def _tables() -> dict:
    pages: dict = {}
    for module_info in pkgutil.iter_modules(role_access.__path__):
        module = importlib.import_module(f"{role_access.__name__}.{module_info.name}")
        for name, page in module.PAGES.items():
            assert name not in pages, f"{name} has two access rules ({module_info.name})"
            pages[name] = page
    return pages


def _frontend_url_names() -> set[str]:
    namespace_resolver = get_resolver().namespace_dict["frontend"][1]
    return {f"frontend:{name}" for name in namespace_resolver.reverse_dict if isinstance(name, str)}


PAGES = _tables()
URL_NAMES = sorted(_frontend_url_names())


def test_every_frontend_page_has_an_access_rule():
    missing = [name for name in URL_NAMES if name not in PAGES]
    assert not missing, (
        "These pages have no access rule; add them to a table in tests/frontend/role_access/: "
        + ", ".join(missing)
    )


def test_no_access_rule_names_a_page_that_does_not_exist():
    assert sorted(set(PAGES) - set(URL_NAMES)) == []


def _user(cast, role):
    return {
        "company": cast.jan,
        "teacher": cast.devries,
        "coordinator": cast.bos,
        "student": cast.sanne,
        "privacy": cast.fenna,
    }[role]


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("frontend:login") in response["Location"]


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_role_gets_only_its_own_pages(name, cast, page_client):
    page = PAGES.get(name)
    if page is None:
        pytest.fail(f"{name} has no access rule (see tests/frontend/role_access/)")
    url = reverse(name, kwargs=page.kwargs(cast))
    offers_before = Offer.objects.count()
    for role in ROLES:
        response = page_client(_user(cast, role)).get(url)
        if role in page.roles:
            # An allowed role gets the page (200), is sent on (a redirect, not to login) or, on
            # a POST-only page, 405; a 404 means the page or its object is not theirs after all.
            assert response.status_code in ALLOWED_STATUSES, (
                f"{role} is allowed {name} but got {response.status_code}"
            )
            assert not _is_login_redirect(response), f"{role} is sent to login from {name}"
        else:
            assert response.status_code in page.refused, (
                f"{role} should be refused {name}, got {response.status_code}"
            )
    anonymous = page_client().get(url)
    if page.public:
        assert anonymous.status_code in (200, 302, 404, 405, 410)
    else:
        assert _is_login_redirect(anonymous), f"anonymous visitor is not sent to login from {name}"
    assert Offer.objects.count() == offers_before
