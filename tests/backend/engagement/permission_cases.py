"""Every engagement route × every role (run by tests/backend/test_permission_matrix.py).

The world (tests/backend/permission_world.py): Jan (Bakkerij Jansen) is a guest-lesson expert
shared with Vista; De Vries asked him for a guest lesson (requested); Vista's meet & match day
has Bakkerij's table and Sanne's slot; De Vries scheduled a three-way meeting with Sanne and Jan.
Eva (Pixelfabriek), Peters and Ahmed (Gilde) take part in none of it.
"""

import datetime as dt

from django.urls import reverse

from backend.accounts.models import Role
from backend.engagement import services
from backend.engagement.models import EventBooking, EventSlot, GuestLessonBooking, Meeting
from tests.backend.permission_matrix import Case
from tests.backend.permission_world import ROLES, SIGNED_IN, VISTA_MANAGERS, VISTA_STAFF
from tests.factories import UserFactory, member

APPS = ("engagement", "notifications")
ORGANISERS = VISTA_MANAGERS | {"staff"}
# The expert's company answers a guest-lesson request; Koppel staff does not answer for it.
EXPERT_SIDE = {"company_contact"}
# Staff of schools other than Vista: Peters (Gilde, in the consortium) and Olga (Summa, outside).
OTHER_SCHOOLS_STAFF = {"other_school_staff", "other_consortium_staff"}
# The meet & match day is a consortium event: every company and the consortium's schools see it.
EVENT_VISIBLE = SIGNED_IN - {"other_consortium_staff"}
# A meeting is seen by its organiser (teacher Theo) and participants (Sanne, Jan) only.
PARTICIPANTS = {"teacher", "student", "company_contact"}


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def _booking(name):
    return lambda w: url(name, w.booking.pk)


def _accepted_booking(name):
    def build(w):
        services.booking_accept(actor=w.jan, booking=w.booking, note="", now=w.now)
        return url(name, w.booking.pk)

    return build


def _proposed_booking(name):
    def build(w):
        services.booking_propose(
            actor=w.jan, booking=w.booking, starts_at=_later(w, days=31), note="", now=w.now
        )
        return url(name, w.booking.pk)

    return build


def _held_booking(w):
    """The guest lesson took place (accepted, and its time has passed)."""
    services.booking_accept(actor=w.jan, booking=w.booking, note="", now=w.now)
    past = w.now - dt.timedelta(days=2)
    GuestLessonBooking.objects.filter(pk=w.booking.pk).update(starts_at=past)
    return url("booking-feedback", w.booking.pk)


def _later(w, *, days):
    return (w.now + dt.timedelta(days=days)).replace(hour=11, minute=0, second=0, microsecond=0)


def _event(name):
    return lambda w: url(name, w.event.pk)


def _free_slot(w):
    """Sanne's slot moved to another student's name, so Sanne may book again."""
    EventBooking.objects.filter(pk=w.event_booking.pk).update(student=w.classmate)
    return {"slot": w.slots[1].pk, "table": w.table.pk}


def _started_slot(w):
    """Sanne's conversation has begun (attendance is recorded from its start)."""
    EventSlot.objects.filter(pk=w.slots[0].pk).update(starts_at=w.now - dt.timedelta(minutes=5))
    return url("event-booking-attendance", w.event_booking.pk)


def _new_expert(w):
    """Jan's colleague Kim becomes an expert too."""
    kim = UserFactory(first_name="Kim", last_name="Jansen")
    member(kim, w.bakkerij, Role.COMPANY_CONTACT)
    return {"organisation": w.bakkerij.pk, "headline": "Bakken", "user": kim.pk}


def _started_meeting(w):
    Meeting.objects.filter(pk=w.meeting.pk).update(starts_at=w.now - dt.timedelta(minutes=5))
    return url("meeting-attendance", w.meeting.pk)


def _meeting(name):
    return lambda w: url(name, w.meeting.pk)


CASES = [
    # Guest lessons
    Case(
        "expert search",
        "get",
        lambda w: url("expert-list"),
        VISTA_STAFF | OTHER_SCHOOLS_STAFF | {"staff"},
    ),
    Case("expert mine", "get", lambda w: url("expert-mine"), SIGNED_IN),
    Case(
        "expert detail",
        "get",
        lambda w: url("expert-detail", w.expert.pk),
        VISTA_STAFF | {"company_contact", "staff"},
    ),
    Case(
        "expert update",
        "patch",
        lambda w: url("expert-detail", w.expert.pk),
        {"company_contact", "staff"},
        lambda w: {"headline": "Taart en webshops"},
        apps=APPS,
    ),
    Case(
        "expert create",
        "post",
        lambda w: url("expert-create"),
        {"company_contact", "staff"},
        _new_expert,
        apps=APPS,
    ),
    Case("booking list", "get", lambda w: url("booking-list"), SIGNED_IN),
    Case(
        "booking request",
        "post",
        lambda w: url("booking-request"),
        VISTA_STAFF,
        lambda w: {
            "expert": w.expert.pk,
            "school": w.vista.pk,
            "starts_at": _later(w, days=40).isoformat(),
            "duration_minutes": 60,
            "group": "ICT2B",
            "topic": "Brood",
            "location": "Lokaal 2",
        },
        apps=APPS,
    ),
    Case(
        "booking detail",
        "get",
        _booking("booking-detail"),
        VISTA_STAFF | {"company_contact", "staff"},
    ),
    Case(
        "booking ics",
        "get",
        _accepted_booking("booking-ics"),
        VISTA_STAFF | {"company_contact", "staff"},
    ),
    Case("booking accept", "post", _booking("booking-accept"), EXPERT_SIDE, apps=APPS),
    Case(
        "booking decline",
        "post",
        _booking("booking-decline"),
        EXPERT_SIDE,
        lambda w: {"note": "Geen tijd"},
        apps=APPS,
    ),
    Case(
        "booking propose",
        "post",
        _booking("booking-propose"),
        EXPERT_SIDE,
        lambda w: {"starts_at": _later(w, days=31).isoformat()},
        apps=APPS,
    ),
    Case(
        "booking proposal accept",
        "post",
        _proposed_booking("booking-proposal-accept"),
        VISTA_STAFF,
        apps=APPS,
    ),
    Case(
        "booking proposal decline",
        "post",
        _proposed_booking("booking-proposal-decline"),
        VISTA_STAFF,
        lambda w: {"note": "Liever niet"},
        apps=APPS,
    ),
    Case(
        "booking cancel",
        "post",
        _accepted_booking("booking-cancel"),
        VISTA_STAFF | EXPERT_SIDE,
        lambda w: {"note": "Ziek"},
        apps=APPS,
    ),
    Case(
        "booking feedback",
        "post",
        _held_booking,
        VISTA_STAFF | {"company_contact"},
        lambda w: {"rating": 5, "text": "Top"},
        apps=APPS,
    ),
    Case("calendar feed", "get", lambda w: url("calendar-feed"), SIGNED_IN),
    # The secret token is the proof (calendar apps cannot sign in): anyone holding it may read.
    Case(
        "calendar feed by token",
        "get",
        lambda w: url("calendar-feed-ics", w.feed.token),
        set(ROLES),
    ),
    Case("calendar feed renew", "post", lambda w: url("calendar-feed"), SIGNED_IN, apps=APPS),
    # Meet & match
    Case("event list", "get", lambda w: url("event-list"), SIGNED_IN),
    Case(
        "event create",
        "post",
        lambda w: url("event-create"),
        ORGANISERS,
        lambda w: {
            "school": w.vista.pk,
            "kind": "meet_and_match",
            "title": "Tweede ronde",
            "location": "Aula",
            "starts_at": _later(w, days=50).isoformat(),
            "ends_at": (_later(w, days=50) + dt.timedelta(hours=1)).isoformat(),
        },
        apps=APPS,
    ),
    Case("event mine", "get", lambda w: url("event-my-bookings"), SIGNED_IN),
    Case("event detail", "get", _event("event-detail"), EVENT_VISIBLE),
    Case(
        "event table register",
        "post",
        _event("event-table-register"),
        {"other_company_contact"},  # only Pixelfabriek's own contacts, not even staff
        lambda w: {"company": w.pixel.pk, "capacity": 2},
        apps=APPS,
    ),
    Case("event bookings", "get", _event("event-booking-list"), EVENT_VISIBLE),
    Case(
        "event book",
        "post",
        _event("event-book"),
        # A consortium event: students of every member school may book.
        {"student", "other_school_student"},
        _free_slot,
        apps=APPS,
    ),
    # Contacts and bookings lists are scoped to the reader's own conversations.
    Case("event contacts", "get", _event("event-contacts"), EVENT_VISIBLE),
    Case("event attendance", "get", _event("event-attendance"), ORGANISERS),
    Case(
        "event booking cancel",
        "post",
        lambda w: url("event-booking-cancel", w.event_booking.pk),
        {"student"},  # only the student cancels their own conversation
        apps=APPS,
    ),
    Case(
        "event booking attendance",
        "post",
        _started_slot,
        ORGANISERS | {"company_contact"},  # the organisers and the table's own company
        lambda w: {"attendance": "present"},
        apps=APPS,
    ),
    Case(
        "event booking ics",
        "get",
        lambda w: url("event-booking-ics", w.event_booking.pk),
        {"student", "company_contact"},
    ),
    # Meetings
    Case("meeting list", "get", lambda w: url("meeting-list"), SIGNED_IN),
    Case(
        "meeting schedule",
        "post",
        lambda w: url("meeting-schedule"),
        VISTA_STAFF | {"staff"},
        lambda w: {
            "kind": "three_way",
            "title": "Tweede driegesprek",
            "starts_at": _later(w, days=60).isoformat(),
            "ends_at": (_later(w, days=60) + dt.timedelta(hours=1)).isoformat(),
            "school": w.vista.pk,
            "participants": [w.sanne.pk, w.jan.pk],
        },
        # Gilde's teacher naming Vista is told to pick their own school (a field error).
        statuses=dict.fromkeys(OTHER_SCHOOLS_STAFF, 400),
        apps=APPS,
    ),
    Case("meeting reliability", "get", lambda w: url("meeting-reliability"), SIGNED_IN),
    Case(
        "meeting detail",
        "get",
        _meeting("meeting-detail"),
        PARTICIPANTS,
    ),
    Case(
        "meeting ics",
        "get",
        _meeting("meeting-ics"),
        PARTICIPANTS,
    ),
    Case(
        "meeting sign off",
        "post",
        _meeting("meeting-sign-off"),
        PARTICIPANTS,
        lambda w: {"reason": "Ziek"},
        apps=APPS,
    ),
    Case(
        "meeting cancel",
        "post",
        _meeting("meeting-cancel"),
        {"teacher"},
        lambda w: {"reason": "Verzet"},
        apps=APPS,
    ),
    Case(
        "meeting attendance",
        "post",
        _started_meeting,
        {"teacher"},
        lambda w: {"present": [w.sanne.pk], "absent": [w.jan.pk]},
        apps=APPS,
    ),
    # Partner relations
    Case("engagement preferences", "get", lambda w: url("engagement-preferences"), SIGNED_IN),
    Case(
        "engagement preferences set",
        "put",
        lambda w: url("engagement-preferences"),
        SIGNED_IN,
        lambda w: {"digest_frequency": "weekly"},
        apps=APPS,
    ),
    Case(
        "partner attention",
        "get",
        lambda w: url("partner-attention"),
        VISTA_MANAGERS | OTHER_SCHOOLS_STAFF,  # each coordinator sees their own school's
    ),
]

# People of other schools and companies learn nothing about Vista's guest lessons and meetings,
# not even that they exist (404, as for an id that does not exist).
OUTSIDERS = {
    "other_company_contact",
    "other_school_staff",
    "other_school_student",
    "other_consortium_staff",
}
for case in CASES:
    if case.name.startswith(("booking ", "meeting ")) and case.name not in (
        "booking list",
        "booking request",
        "meeting list",
        "meeting schedule",
        "meeting reliability",
    ):
        case.statuses = dict.fromkeys(OUTSIDERS, 404) | case.statuses
