import pytest

from tests.backend.accounts.people import people_for


@pytest.fixture
def people(cast):
    return people_for(cast)
