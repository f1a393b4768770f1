"""Schemathesis over the OpenAPI schema: every operation, with generated valid and invalid input,
as a coordinator, a company contact and anonymously, never answers a server error.

Bounded for CI: a few examples per operation, no deadline (the machine is shared), and derandomized
so a run is reproducible (the same inputs every time). `make fuzz` runs it with more examples
(FUZZ_MAX_EXAMPLES)."""

import contextlib
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase

from backend.config.wsgi import application
from backend.offers.models import OfferStatus
from tests.conftest import build_cast
from tests.factories import OfferFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
ROLES = ("coordinator", "company_contact", "anonymous")

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@contextlib.contextmanager
def _one_connection():
    """Django's test client does the same: the WSGI handler would otherwise close the database
    connection after each request, in the middle of the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and a published offer, built once and rolled back after the module."""
    with django_db_blocker.unblock(), _one_connection(), transaction.atomic():
        cast = build_cast()
        OfferFactory(
            owner=cast.bakkerij, contact=cast.jan, title="Website", status=OfferStatus.PUBLISHED
        )
        cast.headers = {
            "coordinator": {"Authorization": f"Token {Token.objects.create(user=cast.bos).key}"},
            "company_contact": {
                "Authorization": f"Token {Token.objects.create(user=cast.jan).key}"
            },
            "anonymous": {},
        }
        yield cast
        transaction.set_rollback(True)


@pytest.fixture
def send(world, django_db_blocker, settings):
    # Rate limits would turn later requests into 429s and hide what they would have done.
    settings.PUBLIC_THROTTLE_RATES = dict.fromkeys(
        getattr(settings, "PUBLIC_THROTTLE_RATES", {}), "100000/min"
    )

    def call(case, role):
        from django.core.cache import cache

        cache.clear()
        # Each request runs in a savepoint that is rolled back: every case sees the same world.
        with django_db_blocker.unblock(), transaction.atomic():
            response = case.call(headers=world.headers[role])
            transaction.set_rollback(True)
        return response

    return call


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, send):
    # The coverage phase (boundary values, wrong types, missing fields: ~60 cases per operation)
    # runs as the coordinator only; the random examples run as every role.
    covering = case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE
    for role in ("coordinator",) if covering else ROLES:
        response = send(case, role)
        case.validate_response(response, checks=[not_a_server_error])
