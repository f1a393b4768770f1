"""Two factors with the production behaviour: a login does not pass the second factor by itself
(`real_second_factor`, tests/django_plugin.py) and Vista requires two factors (helpers.py)."""

import pytest

from tests.backend.two_factor.helpers import build_world


@pytest.fixture
def world(cast, real_second_factor):
    return build_world(cast)
