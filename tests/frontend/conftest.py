"""Page tests use Django's test client signed in through the session (`page_client(user)`)."""

import pytest
from django.test import Client

from tests.factories import student


@pytest.fixture
def page_client():
    def _client(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def people(cast):
    """The shared cast plus three Vista ICT students for the round pages (cast.extra)."""
    cast.extra = [
        student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=n)
        for n in ("Lotte", "Daan", "Noor")
    ]
    return cast
