"""Access table for the engagement pages (frontend/urls_engagement.py): teachers search experts
and book guest lessons, company contacts manage their expert profiles and answer requests,
schools organise events and meetings. Pages about one booking, event or meeting answer 404 to
people who cannot see it (the selectors decide) and 403 to a role that may see it but not act."""

import datetime as dt

from django.utils import timezone

from backend.engagement.services import (
    booking_request,
    event_create,
    expert_certificate_register,
    expert_profile_create,
    meeting_schedule,
)
from tests.frontend.role_access import (
    COMPANY,
    COORDINATOR,
    EVERYONE,
    PRIVACY,
    STAFF,
    STUDENT,
    TEACHER,
    Page,
)

SOON = dt.timedelta(days=10)


def _expert(cast, *, person=None, company=None):
    """Jan's expert profile (Bakkerij Jansen), or another contact's."""
    person, company = person or cast.jan, company or cast.bakkerij
    return expert_profile_create(
        actor=person,
        user=person,
        organisation=company,
        data={
            "headline": "Brood bakken",
            "tags": ["bakken"],
            "formats": ["guest_lesson"],
            "languages": ["nl"],
        },
    )


def _booking(cast):
    now = timezone.now()
    start = now + SOON
    return booking_request(
        actor=cast.devries,
        now=now,
        expert=_expert(cast, person=cast.eva, company=cast.pixel),
        school=cast.vista,
        starts_at=start.replace(hour=10, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        group="ICT2A",
        topic="Brood en ondernemen",
        location="Lokaal 1",
    )


def _event(cast):
    start = (timezone.now() + SOON).replace(hour=13, minute=0, second=0, microsecond=0)
    return event_create(
        actor=cast.bos,
        school=cast.vista,
        kind="meet_and_match",
        title="Meet & match",
        location="Aula",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def _meeting(cast):
    now = timezone.now()
    start = now + SOON
    return meeting_schedule(
        actor=cast.devries,
        kind="three_way",
        title="Driegesprek Sanne",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        participants=[cast.sanne, cast.jan],
        now=now,
        school=cast.vista,
    )


def _pixel_expert(cast):
    """Eva's profile: Pixelfabriek is a consortium partner, so Vista's staff can see it."""
    return {"pk": _expert(cast, person=cast.eva, company=cast.pixel).pk}


def _eva_vog(cast):
    """Eva's VOG, registered by her company and not yet checked."""
    expert = _expert(cast, person=cast.eva, company=cast.pixel)
    return expert_certificate_register(
        actor=cast.eva,
        expert=expert,
        kind="VOG",
        issued_on=timezone.localdate() - dt.timedelta(days=30),
        valid_until=timezone.localdate() + dt.timedelta(days=300),
        now=timezone.now(),
    )


NOT_VISIBLE = (403, 404)

PAGES = {
    "frontend:engagement-expert-search": Page(STAFF),
    "frontend:engagement-expert-mine": Page(COMPANY),
    "frontend:engagement-expert-new": Page(COMPANY),
    "frontend:engagement-expert-detail": Page(STAFF, kwargs=_pixel_expert, refused=NOT_VISIBLE),
    "frontend:engagement-expert-edit": Page(COMPANY, kwargs=lambda cast: {"pk": _expert(cast).pk}),
    # htmx while a teacher fills in a request: the school's VOG rule, availability.
    "frontend:engagement-expert-booking-check": Page(
        STAFF, kwargs=_pixel_expert, refused=NOT_VISIBLE
    ),
    # A company registers its own experts' VOG; nobody else.
    "frontend:engagement-expert-certificates": Page(
        COMPANY, kwargs=lambda cast: {"pk": _expert(cast).pk}
    ),
    # The school's coordinators check them (the verify page is POST-only: 405 on GET).
    "frontend:engagement-certificates-to-verify": Page(COORDINATOR),
    "frontend:engagement-certificate-verify": Page(
        COORDINATOR, kwargs=lambda cast: {"pk": _eva_vog(cast).pk}
    ),
    "frontend:engagement-booking-list": Page(COMPANY | STAFF),
    # A request from De Vries to Eva: Jan (another company) and students do not see it.
    "frontend:engagement-booking-detail": Page(
        STAFF, kwargs=lambda cast: {"pk": _booking(cast).pk}, refused=NOT_VISIBLE
    ),
    # Events and meetings are not the privacy officer's business (issue 14).
    "frontend:engagement-event-list": Page(EVERYONE - PRIVACY),
    "frontend:engagement-event-detail": Page(
        EVERYONE - PRIVACY, kwargs=lambda cast: {"pk": _event(cast).pk}
    ),
    "frontend:engagement-event-attendance": Page(
        COORDINATOR, kwargs=lambda cast: {"pk": _event(cast).pk}
    ),
    "frontend:engagement-event-contacts": Page(
        EVERYONE - PRIVACY, kwargs=lambda cast: {"pk": _event(cast).pk}
    ),
    "frontend:engagement-meeting-list": Page(EVERYONE - PRIVACY),
    # Only the meeting's participants see it: De Vries, Sanne and Jan, not Bos.
    "frontend:engagement-meeting-detail": Page(
        COMPANY | TEACHER | STUDENT,
        kwargs=lambda cast: {"pk": _meeting(cast).pk},
        refused=NOT_VISIBLE,
    ),
    "frontend:engagement-digest-preferences": Page(EVERYONE),
    "frontend:engagement-attention": Page(COORDINATOR),
}
