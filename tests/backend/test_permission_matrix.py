"""Every agreements, allocations, engagement and curriculum route × every role of the world
(tests/backend/permission_world.py): allowed roles get a 2xx, refused roles a 401/403/404 with the
JSON error body, and a refused write leaves every table of its apps as it was.

The accounts, organisations, offers and notifications routes have their own matrices
(tests/backend/<app>/test_permissions.py, offers/test_permission_matrix.py); the coverage tests at
the bottom (with tests/backend/permission_coverage.py) prove that together they cover every API
route and method the URL resolver knows, so a new route without an entry fails here.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.backend.agreements.permission_cases import CASES as AGREEMENTS
from tests.backend.agreements.permission_cases import READERS as AGREEMENT_READERS
from tests.backend.allocations.permission_cases import CASES as ALLOCATIONS
from tests.backend.curriculum.permission_cases import CASES as CURRICULUM
from tests.backend.engagement.permission_cases import CASES as ENGAGEMENT
from tests.backend.permission_coverage import PUBLIC, api_routes, matrix_entries
from tests.backend.permission_matrix import client_as
from tests.backend.permission_world import (
    SIGNED_IN,
    VISTA_STAFF,
    check_case,
    check_role,
    lasting_writes,
)

pytestmark = pytest.mark.django_db

CASES = [*AGREEMENTS, *ALLOCATIONS, *ENGAGEMENT, *CURRICULUM]
# Public routes with no data of anyone's, checked by one anonymous request instead of a matrix.
PUBLIC_WITHOUT_CASE = {("api-schema", "get"), ("api-docs", "get")}
KNOWN_HOLES = [
    pytest.param(case, role, marks=pytest.mark.xfail(strict=True, reason=reason))
    for case in CASES
    for role, reason in case.known.items()
]


def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_a_refused_write_is_caught_unless_it_was_rolled_back_to_a_savepoint():
    statements = [
        'SAVEPOINT "s1"',
        'UPDATE "allocations_allocationrun" SET "status" = \'queued\'',
        'ROLLBACK TO SAVEPOINT "s1"',
        'SAVEPOINT "s2"',
        'INSERT INTO "core_outboxmessage" ("kind") VALUES (\'mail\')',
        'RELEASE SAVEPOINT "s2"',
        "SELECT 1",
    ]
    assert lasting_writes(statements) == [
        'INSERT INTO "core_outboxmessage" ("kind") VALUES (\'mail\')'
    ]


def test_every_write_names_the_app_whose_tables_a_refusal_must_leave_alone():
    assert [case.name for case in CASES if case.method != "get" and not case.apps] == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_role_is_allowed_or_refused_as_the_matrix_says(matrix_world, matrix_rollback, case):
    assert check_case(matrix_world, matrix_rollback, case) == []


@pytest.mark.parametrize(
    ("case", "role"),
    KNOWN_HOLES or [pytest.param(None, None, marks=pytest.mark.skip(reason="no known holes"))],
    ids=lambda value: getattr(value, "name", value),
)
def test_known_holes_are_still_open(matrix_world, matrix_rollback, case, role):
    """A role the route answers wrongly today; fails (xfail) until the route is fixed, and then
    this test passes and strict xfail tells us to move the role into the matrix."""
    with matrix_rollback():
        assert check_role(matrix_world, case, role) is None


# Coverage: the matrices above and in the apps cover every API route and method.


def test_every_api_route_and_method_has_a_permission_matrix_entry(matrix_world, matrix_rollback):
    entries = matrix_entries(matrix_world, matrix_rollback)
    missing = sorted(
        f"{method.upper()} {pattern} ({name})"
        for (name, method), pattern in api_routes().items()
        if (name, method) not in entries and (name, method) not in PUBLIC_WITHOUT_CASE
    )
    assert missing == [], (
        "These API routes have no permission matrix entry; add a Case for each to the app's "
        "permission cases (tests/backend/<app>/permission_cases.py or test_permissions.py):\n"
        + "\n".join(missing)
    )


def test_no_matrix_entry_names_a_route_that_does_not_exist(matrix_world, matrix_rollback):
    routes = api_routes()
    stale = sorted(
        f"{method.upper()} {name}: {entry}"
        for (name, method), found in matrix_entries(matrix_world, matrix_rollback).items()
        for entry, _anonymous in found
        if (name, method) not in routes
    )
    assert stale == []
    assert sorted(set(PUBLIC) - set(routes)) == []


def test_only_the_declared_public_routes_let_anonymous_visitors_in(matrix_world, matrix_rollback):
    open_to_anonymous = {
        route
        for route, found in matrix_entries(matrix_world, matrix_rollback).items()
        if any(anonymous for _entry, anonymous in found)
    }
    assert sorted(open_to_anonymous) == sorted(set(PUBLIC) - PUBLIC_WITHOUT_CASE)


@pytest.mark.parametrize("route", sorted(PUBLIC_WITHOUT_CASE))
def test_the_schema_and_its_viewer_are_public(route, matrix_rollback):
    name, method = route
    with matrix_rollback():
        response = getattr(APIClient(), method)(reverse(name))
    assert response.status_code == 200


# Lists every signed-in person may call, whose contents are scoped to what the reader may see.

SCOPED_LISTS = [
    # (list route, the world object it may show, the roles that must see it)
    ("agreement-list", "agreement", AGREEMENT_READERS),
    ("commitment-list", "commitment", AGREEMENT_READERS),
    ("round-list", "round_review", VISTA_STAFF | {"student", "staff"}),
    ("booking-list", "booking", VISTA_STAFF | {"company_contact", "staff"}),
    ("meeting-list", "meeting", {"teacher", "student", "company_contact"}),
    ("event-my-bookings", "event_booking", {"student"}),
]


def _ids(response) -> set[int]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


@pytest.mark.parametrize(("route", "attribute", "readers"), SCOPED_LISTS, ids=lambda v: str(v))
def test_scoped_lists_show_an_object_only_to_those_who_may_see_it(
    matrix_world, matrix_rollback, route, attribute, readers
):
    pk = getattr(matrix_world, attribute).pk
    wrong = []
    for role in sorted(SIGNED_IN):
        with matrix_rollback():
            response = client_as(matrix_world.people, role).get(reverse(f"api:{route}"))
        assert response.status_code == 200, (role, response.content)
        if (pk in _ids(response)) != (role in readers):
            wrong.append(f"{role} {'sees' if pk in _ids(response) else 'misses'} it")
    assert wrong == []
