"""Offers in a known state and a person for every role (for the permission matrix)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from backend.accounts.models import Role
from backend.offers.models import OfferKind, OfferStatus, OfferTransition
from tests.factories import OfferFactory, UserFactory, member

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
START = dt.date(2026, 4, 15)
END = dt.date(2026, 5, 15)

# The order a freshly made offer went through to reach each status (for a credible history).
PATH = {
    OfferStatus.DRAFT: [],
    OfferStatus.SUBMITTED: [OfferStatus.SUBMITTED],
    OfferStatus.IN_REVIEW: [OfferStatus.SUBMITTED, OfferStatus.IN_REVIEW],
    OfferStatus.CHANGES_REQUESTED: [OfferStatus.SUBMITTED, OfferStatus.CHANGES_REQUESTED],
    OfferStatus.PUBLISHED: [OfferStatus.SUBMITTED, OfferStatus.PUBLISHED],
    OfferStatus.REJECTED: [OfferStatus.SUBMITTED, OfferStatus.REJECTED],
    OfferStatus.RUNNING: [OfferStatus.SUBMITTED, OfferStatus.PUBLISHED, OfferStatus.RUNNING],
    OfferStatus.COMPLETED: [
        OfferStatus.SUBMITTED,
        OfferStatus.PUBLISHED,
        OfferStatus.RUNNING,
        OfferStatus.COMPLETED,
    ],
    OfferStatus.ARCHIVED: [
        OfferStatus.SUBMITTED,
        OfferStatus.PUBLISHED,
        OfferStatus.RUNNING,
        OfferStatus.COMPLETED,
        OfferStatus.ARCHIVED,
    ],
    OfferStatus.WITHDRAWN: [OfferStatus.SUBMITTED, OfferStatus.WITHDRAWN],
}


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def make_offer(cast):
    """An offer of Bakkerij Jansen (contact Jan), submitted to Vista unless told otherwise,
    already in `status` with the history that leads there."""

    def make(status=OfferStatus.DRAFT, *, schools=None, history=True, **fields):
        fields.setdefault("owner", cast.bakkerij)
        fields.setdefault("contact", cast.jan)
        fields.setdefault("kind", OfferKind.CHALLENGE)
        fields.setdefault("starts_on", START)
        fields.setdefault("ends_on", END)
        if status == OfferStatus.REJECTED:
            fields.setdefault("rejection_reason", "Geen leerwaarde.")
        fields.setdefault(
            "status_changed_at",
            NOW - dt.timedelta(days=3) if status != OfferStatus.DRAFT else None,
        )
        offer = OfferFactory(
            status=status,
            schools=[cast.vista] if schools is None else schools,
            **fields,
        )
        previous = OfferStatus.DRAFT
        for step in PATH[status] if history else []:
            OfferTransition.objects.create(
                offer=offer,
                from_status=previous,
                to_status=step,
                actor=cast.jan if step == OfferStatus.SUBMITTED else cast.bos,
                at=NOW - dt.timedelta(days=3),
            )
            previous = step
        return offer

    return make


@pytest.fixture
def people(cast):
    """One person per role; everyone works at Vista unless the name says otherwise."""

    def staff(first, last, *roles):
        user = UserFactory(first_name=first, last_name=last)
        for role in roles:
            member(user, cast.vista, role)
        return user

    return SimpleNamespace(
        student=cast.sanne,
        teacher=staff("Lotte", "Visser", Role.TEACHER),
        coach=staff("Ravi", "Bakker", Role.COACH),
        coordinator=cast.bos,
        owner_contact=cast.jan,
        other_company_contact=cast.eva,
        programme_lead=staff("Iris", "Meijer", Role.PROGRAMME_LEAD),
        institution_admin=staff("Henk", "Mulder", Role.INSTITUTION_ADMIN),
        other_school_teacher=cast.peters,
        # Vista's privacy officer: no offers, only their own notifications (issue 14).
        privacy_officer=cast.fenna,
        anonymous=None,
    )
