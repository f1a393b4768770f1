"""A consortium always has a penvoerder: its admins manage the members, so the only lead cannot
leave until another partner leads."""

import datetime as dt

import pytest

from backend.accounts.models import Role
from backend.core.errors import Conflict
from backend.organisations import services
from backend.organisations.models import ConsortiumMembership, ConsortiumRole
from tests.factories import UserFactory, member

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def admin(cast):
    ConsortiumMembership.objects.filter(consortium=cast.consortium, organisation=cast.vista).update(
        role=ConsortiumRole.LEAD
    )
    return member(UserFactory(first_name="Ruud"), cast.vista, Role.INSTITUTION_ADMIN)


def test_it_refuses_to_let_the_only_lead_leave(cast, admin):
    lead = ConsortiumMembership.objects.get(consortium=cast.consortium, organisation=cast.vista)
    with pytest.raises(Conflict) as refused:
        services.consortium_member_end(membership=lead, left_on=TODAY, actor=admin)
    assert refused.value.message == (
        "Vista college is de enige penvoerder. Maak eerst een andere partner penvoerder, "
        "dan kan Vista college vertrekken."
    )
    lead.refresh_from_db()
    assert lead.left_on is None


def test_a_lead_may_leave_when_another_partner_also_leads(cast, admin):
    gilde = ConsortiumMembership.objects.get(consortium=cast.consortium, organisation=cast.gilde)
    services.consortium_member_update(membership=gilde, role=ConsortiumRole.LEAD, actor=admin)
    lead = ConsortiumMembership.objects.get(consortium=cast.consortium, organisation=cast.vista)
    services.consortium_member_end(membership=lead, left_on=TODAY, actor=admin)
    lead.refresh_from_db()
    assert lead.left_on == TODAY
