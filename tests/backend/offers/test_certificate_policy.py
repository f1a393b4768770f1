"""Digiwise: Vista requires a VOG from guest teachers, Gilde does not (DOMAIN.md, L6818-6822)."""

import datetime as dt

import pytest

from backend.accounts.models import Certificate
from backend.core.errors import Conflict
from backend.offers.models import OfferKind, OfferStatus, OfferTransition
from backend.offers.selectors import offer_certificate_violations
from backend.offers.services import (
    offer_publish,
    offer_request_changes,
    offer_start,
    offer_submit,
    offer_update,
)
from backend.organisations.models import CertificatePolicy, PolicySubject

S = OfferStatus


@pytest.fixture
def vista_requires_vog(cast):
    return CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to=PolicySubject.GUEST_TEACHER
    )


@pytest.fixture
def expired_vog(cast):
    return Certificate.objects.create(
        holder=cast.jan,
        kind="VOG",
        issued_on=dt.date(2023, 1, 10),
        valid_until=dt.date(2026, 3, 1),
        verified_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )


def test_the_same_guest_lesson_publishes_at_gilde_and_is_refused_at_vista(
    cast, make_offer, now, vista_requires_vog, expired_vog
):
    lesson = make_offer(S.DRAFT, kind=OfferKind.GUEST_LESSON, schools=[cast.vista])
    offer_submit(actor=cast.jan, offer=lesson, now=now)

    with pytest.raises(Conflict) as refused:
        offer_publish(actor=cast.devries, offer=lesson, now=now)

    message = refused.value.message
    assert message.startswith("Vista college vereist een geldige VOG")
    assert "de VOG van Jan Jansen is verlopen op 1 maart 2026" in message
    assert message.endswith(
        "Het certificaat moet geldig zijn op 15 april 2026, de startdatum van het aanbod; "
        "of dien het aanbod in zonder Vista college."
    )
    [detail] = refused.value.extra["certificates"]
    assert (detail["school"], detail["school_id"], detail["needed_on"]) == (
        "Vista college",
        cast.vista.pk,
        "2026-04-15",
    )
    assert detail["message"] == message
    lesson.refresh_from_db()
    assert lesson.status == S.SUBMITTED
    assert not OfferTransition.objects.filter(offer=lesson, to_status=S.PUBLISHED).exists()

    # The school asks to move it; the company sends the same guest lesson to Gilde instead.
    offer_request_changes(
        actor=cast.devries, offer=lesson, message="Vista vraagt een VOG; probeer Gilde.", now=now
    )
    offer_update(actor=cast.jan, offer=lesson, schools=[cast.gilde])
    lesson.refresh_from_db()
    offer_submit(actor=cast.jan, offer=lesson, now=now)
    offer_publish(actor=cast.peters, offer=lesson, now=now)

    lesson.refresh_from_db()
    assert lesson.status == S.PUBLISHED


def test_a_guest_lesson_for_the_whole_consortium_is_refused_naming_vista_only(
    cast, make_offer, now, vista_requires_vog
):
    lesson = make_offer(
        S.SUBMITTED, kind=OfferKind.MASTERCLASS, schools=[], consortium=cast.consortium
    )
    with pytest.raises(Conflict) as refused:
        offer_publish(actor=cast.peters, offer=lesson, now=now)
    assert "Vista college vereist" in refused.value.message
    assert "Jan Jansen heeft geen VOG" in refused.value.message
    assert "Gilde" not in refused.value.message


def test_a_vog_valid_on_the_start_date_lets_it_publish_and_start(
    cast, make_offer, now, vista_requires_vog, expired_vog
):
    Certificate.objects.create(
        holder=cast.jan,
        kind="VOG",
        issued_on=dt.date(2026, 2, 20),
        valid_until=dt.date(2029, 2, 20),
        verified_at=dt.datetime(2026, 2, 21, tzinfo=dt.UTC),
    )
    lesson = make_offer(S.SUBMITTED, kind=OfferKind.GUEST_LESSON)
    offer_publish(actor=cast.devries, offer=lesson, now=now)
    offer_start(actor=cast.bos, offer=lesson, now=now)
    lesson.refresh_from_db()
    assert lesson.status == S.RUNNING


def test_a_vog_that_expires_before_the_start_date_is_not_enough(
    cast, make_offer, now, vista_requires_vog
):
    Certificate.objects.create(
        holder=cast.jan,
        kind="VOG",
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 4, 14),
        verified_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    lesson = make_offer(S.PUBLISHED, kind=OfferKind.WORKSHOP)
    with pytest.raises(Conflict):
        offer_start(actor=cast.bos, offer=lesson, now=now)
    lesson.refresh_from_db()
    assert lesson.status == S.PUBLISHED


def test_the_guest_teacher_policy_does_not_apply_to_a_company_visit(
    cast, make_offer, now, vista_requires_vog
):
    visit = make_offer(S.SUBMITTED, kind=OfferKind.COMPANY_VISIT)
    assert offer_certificate_violations(visit, today=now.date()) == []
    offer_publish(actor=cast.devries, offer=visit, now=now)


def test_without_a_start_date_the_certificate_must_be_valid_today(
    cast, make_offer, now, vista_requires_vog
):
    Certificate.objects.create(
        holder=cast.jan,
        kind="VOG",
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 3, 2),
        verified_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    lesson = make_offer(S.SUBMITTED, kind=OfferKind.GUEST_LESSON, starts_on=None, ends_on=None)
    assert offer_certificate_violations(lesson, today=dt.date(2026, 3, 2)) == []
    assert len(offer_certificate_violations(lesson, today=dt.date(2026, 3, 3))) == 1
