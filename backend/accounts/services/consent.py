"""Consent where the law asks for it (AVG art. 6(1)(a), 7 and 8): follow-up contact by a company
after a placement, photos at events. Given and withdrawn by the student on their privacy page;
recorded with the time and the exact wording they saw (backend/accounts/consent_wording.py).

Giving creates a row; withdrawing closes it (`withdrawn_at`), so the history stays: a consent given
again later is a new row with the wording of that moment."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.consent_wording import language_of, wording_for, wording_text
from backend.accounts.models import Consent, User


def _active(person: User, purpose: str) -> Consent | None:
    return (
        Consent.objects.select_for_update()
        .filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )


def give_consent(
    *, person: User, purpose: str, now: dt.datetime | None = None, language: str | None = None
) -> Consent:
    """Record `person`'s consent for `purpose` with the current wording in their language. Giving
    a consent that is already active changes nothing and returns it. KeyError for an unknown
    purpose. `language`: the language the page was read in (the wording they saw); the person's
    own language when not given."""
    wording = wording_for(purpose)
    language = language or language_of(person)
    try:
        with transaction.atomic():
            existing = _active(person, purpose)
            if existing is not None:
                return existing
            return Consent.objects.create(
                person=person,
                purpose=purpose,
                wording=wording_text(purpose, language),
                wording_version=wording.version,
                language=language,
                given_at=now or timezone.now(),
            )
    except IntegrityError:
        # A second click raced the first: the one active consent is the answer.
        return Consent.objects.get(person=person, purpose=purpose, withdrawn_at__isnull=True)


@transaction.atomic
def withdraw_consent(
    *, person: User, purpose: str, now: dt.datetime | None = None
) -> Consent | None:
    """Withdraw `person`'s active consent for `purpose`; None when there was none. From now on
    Koppel acts as if it was never given (the markers and the e-mail address follow at once)."""
    wording_for(purpose)  # KeyError for an unknown purpose
    consent = _active(person, purpose)
    if consent is None:
        return None
    at = now or timezone.now()
    # Never before it was given (the check constraint), even with a clock that jumped back.
    consent.withdrawn_at = max(at, consent.given_at)
    consent.save(update_fields=["withdrawn_at"])
    return consent
