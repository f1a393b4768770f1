"""A refused invitation does not name the organisation the client picked by id (issue 10,
finding 6 follow-up): a company contact must not learn other companies' names."""

import datetime as dt

import pytest

from backend.accounts.models import Invitation, Role
from backend.accounts.services import invitation_create
from backend.core.errors import PermissionDenied

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_an_invitation_to_another_company_does_not_name_it(cast):
    with pytest.raises(PermissionDenied) as error:
        invitation_create(
            organisation=cast.pixel,
            email="collega@bakkerijjansen.test",
            role=Role.COMPANY_CONTACT,
            actor=cast.jan,
            now=NOW,
        )
    assert (
        error.value.message
        == "Je mag geen contactpersoon bedrijf uitnodigen voor deze organisatie."
    )
    assert not Invitation.objects.exists()
