"""Engagement fixtures on top of the shared cast: experts, a frozen `now`, events."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from backend.accounts.models import Certificate, CertificateKind, Role
from backend.engagement.models import ExpertProfile
from backend.engagement.services import event_create, expert_profile_create
from backend.organisations.models import CertificatePolicy, PolicySubject
from tests.factories import UserFactory, member

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMS)  # a Monday


@pytest.fixture
def now():
    return NOW


def make_expert(
    company, *, first="Jan", last="Jansen", email=None, user=None, **data
) -> ExpertProfile:
    if user is None:
        user = UserFactory(first_name=first, last_name=last, **({"email": email} if email else {}))
        member(user, company, Role.COMPANY_CONTACT)
    fields = {
        "headline": "Cybersecurity voor het mkb",
        "tags": ["security", "netwerken"],
        "formats": ["guest_lesson", "workshop"],
        "languages": ["nl", "en"],
    }
    fields.update(data)
    return expert_profile_create(actor=user, user=user, organisation=company, data=fields)


def vog(user, *, issued_on=dt.date(2025, 1, 1), valid_until=dt.date(2027, 1, 1)):
    # Checked by a school: only a verified VOG counts for a policy.
    return Certificate.objects.create(
        holder=user,
        kind=CertificateKind.VOG,
        issued_on=issued_on,
        valid_until=valid_until,
        verified_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )


def vista_requires_vog(cast):
    return CertificatePolicy.objects.create(
        organisation=cast.vista,
        certificate=CertificateKind.VOG,
        applies_to=PolicySubject.GUEST_TEACHER,
    )


@pytest.fixture
def expert(cast):
    """Eva of Pixelfabriek (a consortium partner), without any VOG."""
    return make_expert(
        cast.pixel,
        user=cast.eva,
        headline="UX-design en toegankelijkheid",
        tags=["UX", "Toegankelijkheid"],
    )


@pytest.fixture
def meet_and_match(cast):
    """Vista's meet & match day on 10 March 2026, 13:00-14:00: six 10-minute slots."""
    return event_create(
        actor=cast.bos,
        school=cast.vista,
        consortium=cast.consortium,
        kind="meet_and_match",
        title="Meet & match ICT",
        location="Vista college, aula",
        starts_at=dt.datetime(2026, 3, 10, 13, 0, tzinfo=AMS),
        ends_at=dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMS),
        slot_minutes=10,
    )
