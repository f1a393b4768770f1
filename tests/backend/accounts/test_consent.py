"""Consent (issue 14): given with the exact wording and its version in the person's language,
withdrawn from the student's page, with the history kept; and where Koppel uses it: a company sees
a student's e-mail address only after the placement ended and only with follow-up consent."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.accounts.consent_wording import WORDINGS, wording_text
from backend.accounts.models import Consent, ConsentPurpose
from backend.accounts.selectors import consents_of, has_consent, people_with_consent
from backend.accounts.services.consent import give_consent, withdraw_consent
from backend.allocations.models import AllocationRound, Assignment, AssignmentSource, Phase
from backend.allocations.selectors.review import company_teams
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
FOLLOW_UP = ConsentPurpose.FOLLOW_UP_CONTACT
PHOTOS = ConsentPurpose.EVENT_PHOTOS


def test_giving_consent_stores_the_wording_shown_with_its_version_and_language(cast):
    consent = give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW)
    assert (consent.wording, consent.wording_version, consent.language, consent.given_at) == (
        wording_text(PHOTOS, "nl"),
        WORDINGS[PHOTOS].version,
        "nl",
        NOW,
    )
    assert consent.wording.startswith("Ik vind het goed dat er op bijeenkomsten")
    assert consent.withdrawn_at is None
    assert has_consent(cast.sanne, PHOTOS)
    assert not has_consent(cast.sanne, FOLLOW_UP)
    assert not has_consent(cast.ahmed, PHOTOS)


def test_the_wording_is_stored_in_the_persons_language(cast):
    cast.ahmed.preferred_language = "en"
    cast.ahmed.save()
    consent = give_consent(person=cast.ahmed, purpose=FOLLOW_UP, now=NOW)
    assert (consent.language, consent.wording) == ("en", wording_text(FOLLOW_UP, "en"))


def test_giving_twice_keeps_one_active_consent(cast):
    first = give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW)
    again = give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW + dt.timedelta(hours=1))
    assert again == first
    assert Consent.objects.count() == 1


def test_withdrawing_closes_the_consent_and_a_new_one_is_a_new_row(cast):
    given = give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW)
    withdrawn = withdraw_consent(person=cast.sanne, purpose=PHOTOS, now=NOW + dt.timedelta(days=1))
    assert withdrawn == given
    given.refresh_from_db()
    assert given.withdrawn_at == NOW + dt.timedelta(days=1)
    assert not has_consent(cast.sanne, PHOTOS)
    # Nothing to withdraw: nothing happens.
    assert withdraw_consent(person=cast.sanne, purpose=PHOTOS, now=NOW) is None
    again = give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW + dt.timedelta(days=2))
    assert again.pk != given.pk
    assert list(consents_of(cast.sanne)) == [again, given]
    assert has_consent(cast.sanne, PHOTOS)


def test_an_unknown_purpose_is_refused(cast):
    with pytest.raises(KeyError):
        give_consent(person=cast.sanne, purpose="marketing", now=NOW)
    with pytest.raises(KeyError):
        withdraw_consent(person=cast.sanne, purpose="marketing", now=NOW)
    assert not Consent.objects.exists()


def test_people_with_consent_answers_for_a_list_in_one_query(cast, django_assert_num_queries):
    give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW)
    give_consent(person=cast.ahmed, purpose=FOLLOW_UP, now=NOW)
    with django_assert_num_queries(1):
        assert people_with_consent([cast.sanne.pk, cast.ahmed.pk], PHOTOS) == {cast.sanne.pk}
    with django_assert_num_queries(0):
        assert people_with_consent([], PHOTOS) == set()


# --- a company's follow-up contact --------------------------------------------------------------


def placement_of_sanne(cast, *, ends_on, phase=Phase.PUBLISHED):
    """Sanne placed (published round) at Bakkerij Jansen's challenge ending on `ends_on`; also
    used by the page tests of the consent markers."""
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Webshop",
        status=OfferStatus.PUBLISHED,
        starts_on=ends_on - dt.timedelta(days=60),
        ends_on=ends_on,
    )
    now = timezone.now()
    round_ = AllocationRound.objects.create(
        name="Periode 3",
        school=cast.vista,
        choices_close_at=now,
        objections_close_at=now + dt.timedelta(days=7),
        phase=phase,
        created_by=cast.bos,
    )
    Assignment.objects.create(
        round=round_,
        student=cast.sanne,
        offer=offer,
        rank=1,
        source=AssignmentSource.ENGINE,
        changed_by=cast.bos,
        changed_at=now,
    )
    return offer


def _members(cast, today):
    return [m for team in company_teams(cast.jan, today=today) for m in team["members"]]


def test_a_company_sees_the_email_only_after_the_placement_ended_and_with_consent(cast):
    ends = dt.date(2026, 11, 30)
    placement_of_sanne(cast, ends_on=ends)
    give_consent(person=cast.sanne, purpose=FOLLOW_UP, now=NOW)
    # Still running (the last day included): first name only.
    assert _members(cast, ends) == [
        {"first_name": "Sanne", "level": 2, "programme": cast.ict_niveau2.title}
    ]
    assert _members(cast, ends + dt.timedelta(days=1)) == [
        {
            "first_name": "Sanne",
            "level": 2,
            "programme": cast.ict_niveau2.title,
            "email": cast.sanne.email,
        }
    ]


def test_without_follow_up_consent_the_company_never_sees_the_email(cast):
    placement_of_sanne(cast, ends_on=dt.date(2026, 11, 30))
    after = dt.date(2027, 1, 1)
    assert "email" not in _members(cast, after)[0]
    # Another consent is not this consent.
    give_consent(person=cast.sanne, purpose=PHOTOS, now=NOW)
    assert "email" not in _members(cast, after)[0]
    # Given and withdrawn: gone again.
    give_consent(person=cast.sanne, purpose=FOLLOW_UP, now=NOW)
    assert _members(cast, after)[0]["email"] == cast.sanne.email
    withdraw_consent(person=cast.sanne, purpose=FOLLOW_UP, now=NOW)
    assert "email" not in _members(cast, after)[0]


def test_without_an_end_date_the_placement_ends_when_the_round_is_closed(cast):
    offer = placement_of_sanne(cast, ends_on=dt.date(2026, 11, 30))
    type(offer).objects.filter(pk=offer.pk).update(ends_on=None)
    give_consent(person=cast.sanne, purpose=FOLLOW_UP, now=NOW)
    after = dt.date(2027, 1, 1)
    assert "email" not in _members(cast, after)[0]
    AllocationRound.objects.update(phase=Phase.CLOSED)
    assert _members(cast, after)[0]["email"] == cast.sanne.email
    # Another company never sees Sanne at all.
    assert company_teams(cast.eva, today=after) == []
