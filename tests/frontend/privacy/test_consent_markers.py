"""Where consent is used (issue 14): the organisers' attendance list marks booked students without
photo consent, and a company's team page shows an e-mail address only after the placement ended
and only with follow-up consent."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import ConsentPurpose
from backend.accounts.services.consent import give_consent, withdraw_consent
from backend.engagement.services import event_book_slot, event_create, event_table_register
from tests.backend.accounts.test_consent import placement_of_sanne


def _booked_event(cast):
    now = timezone.now()
    start = (now + dt.timedelta(days=14)).replace(hour=13, minute=0, second=0, microsecond=0)
    event = event_create(
        actor=cast.bos,
        school=cast.vista,
        consortium=cast.consortium,
        kind="meet_and_match",
        title="Meet & match",
        location="Aula",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    table = event_table_register(
        actor=cast.eva, event=event, company=cast.pixel, capacity=2, now=now
    )
    slot = event.slots.first()
    sanne = event_book_slot(actor=cast.sanne, slot=slot, table=table, now=now)
    ahmed = event_book_slot(actor=cast.ahmed, slot=slot, table=table, now=now)
    return event, sanne, ahmed


def test_organisers_see_which_booked_students_did_not_consent_to_photos(cast, page_client):
    event, sanne, ahmed = _booked_event(cast)
    give_consent(person=cast.ahmed, purpose=ConsentPurpose.EVENT_PHOTOS)
    url = reverse("frontend:engagement-event-attendance", args=[event.pk])
    html = page_client(cast.bos).get(url).content.decode()
    assert f'id="no-photos-{sanne.pk}"' in html
    assert f'id="no-photos-{ahmed.pk}"' not in html
    # Follow-up consent is not photo consent; withdrawn photo consent counts as none.
    give_consent(person=cast.sanne, purpose=ConsentPurpose.FOLLOW_UP_CONTACT)
    withdraw_consent(person=cast.ahmed, purpose=ConsentPurpose.EVENT_PHOTOS)
    html = page_client(cast.bos).get(url).content.decode()
    assert f'id="no-photos-{sanne.pk}"' in html
    assert f'id="no-photos-{ahmed.pk}"' in html


def test_with_photo_consent_from_everyone_no_marker_shows(cast, page_client):
    event, _sanne, _ahmed = _booked_event(cast)
    for person in (cast.sanne, cast.ahmed):
        give_consent(person=person, purpose=ConsentPurpose.EVENT_PHOTOS)
    url = reverse("frontend:engagement-event-attendance", args=[event.pk])
    assert 'id="no-photos-' not in page_client(cast.bos).get(url).content.decode()


def _company_pages(cast, page_client, offer):
    client = page_client(cast.jan)
    return [
        client.get(reverse(name, args=args)).content.decode()
        for name, args in (
            ("frontend:round-teams", []),
            ("frontend:offer-detail", [offer.pk]),
        )
    ]


def test_a_company_sees_the_email_after_the_placement_with_follow_up_consent(cast, page_client):
    offer = placement_of_sanne(cast, ends_on=timezone.localdate() - dt.timedelta(days=1))
    for html in _company_pages(cast, page_client, offer):
        assert "Sanne" in html
        assert cast.sanne.email not in html
    give_consent(person=cast.sanne, purpose=ConsentPurpose.FOLLOW_UP_CONTACT)
    for html in _company_pages(cast, page_client, offer):
        assert f'href="mailto:{cast.sanne.email}"' in html
        assert cast.sanne.last_name not in html


def test_a_running_placement_never_shows_the_email_even_with_consent(cast, page_client):
    offer = placement_of_sanne(cast, ends_on=timezone.localdate() + dt.timedelta(days=10))
    give_consent(person=cast.sanne, purpose=ConsentPurpose.FOLLOW_UP_CONTACT)
    for html in _company_pages(cast, page_client, offer):
        assert "Sanne" in html
        assert cast.sanne.email not in html
