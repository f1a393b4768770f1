"""Page tests use Django's test client signed in through the session (`page_client(user)`)."""

import pytest
from django.test import Client


@pytest.fixture
def page_client():
    def _client(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client
