"""An acceptance's IP address and browser are dispute evidence: only Koppel staff and the
institution admins of a party see them through the API; the parties' contacts, teachers and
students see who accepted and when, nothing more."""

import pytest
from django.urls import reverse

from backend.accounts.models import Role
from backend.agreements import services
from tests.factories import UserFactory, member


@pytest.fixture
def accepted_by_jan(cast, proposed, now):
    services.agreement_accept(
        agreement=proposed, actor=cast.jan, now=now, ip_address="10.0.0.7", user_agent="Firefox"
    )
    return proposed


def _acceptances(client, agreement):
    versions = client.get(reverse("api:agreement-version-list", args=[agreement.pk])).json()
    one = client.get(reverse("api:agreement-version-detail", args=[agreement.pk, 1])).json()
    detail = client.get(reverse("api:agreement-detail", args=[agreement.pk])).json()
    return [
        versions[0]["acceptances"][0],
        one["acceptances"][0],
        detail["current_version"]["acceptances"][0],
    ]


@pytest.mark.parametrize("who", ["jan", "bos"])
def test_the_parties_see_who_accepted_but_not_from_which_address(
    cast, client_for, who, accepted_by_jan
):
    for acceptance in _acceptances(client_for(getattr(cast, who)), accepted_by_jan):
        assert acceptance["person"] == "Jan Jansen"
        assert "ip_address" not in acceptance
        assert "user_agent" not in acceptance


def test_an_institution_admin_of_a_party_sees_the_evidence(cast, client_for, accepted_by_jan):
    admin = member(UserFactory(), cast.vista, Role.INSTITUTION_ADMIN)

    for acceptance in _acceptances(client_for(admin), accepted_by_jan):
        assert (acceptance["ip_address"], acceptance["user_agent"]) == ("10.0.0.7", "Firefox")
