"""Reads of events: who sees which, their tables, slots and bookings, and what is due."""

import datetime as dt
from collections import Counter
from typing import TypedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from backend.accounts.models import User
from backend.engagement.models import (
    Event,
    EventAttendance,
    EventBooking,
    EventSlot,
    EventTable,
)
from backend.engagement.selectors.access import (
    event_can_organise,
    managed_company_ids,
    organiser_school_ids,
    student_school_ids,
    teaching_school_ids,
)
from backend.organisations.models import Consortium, Organisation
from backend.organisations.selectors import consortium_ids_for_organisations


class TableCell(TypedDict):
    table: EventTable
    taken: int
    free: int


class SlotRow(TypedDict):
    slot: EventSlot
    mine: EventBooking | None
    tables: list[TableCell]


def events_visible_to(user: User) -> QuerySet[Event]:
    """Students see events open to their school; staff their schools' and consortia's events;
    company contacts every event (any company may come and register a table)."""
    if user.is_staff or managed_company_ids(user):
        return Event.objects.all().select_related("school", "organiser")
    schools = teaching_school_ids(user) | student_school_ids(user)
    companies = managed_company_ids(user)
    consortia = consortium_ids_for_organisations(schools | companies)
    condition = (
        Q(school_id__in=schools)
        | Q(consortium_id__in=consortia)
        | Q(tables__company_id__in=companies)
    )
    ids = Event.objects.filter(condition).values("pk")
    return Event.objects.filter(pk__in=ids).select_related("school", "organiser")


def event_school_for(user: User) -> Organisation | None:
    """The school a coordinator organises events for on the events page: the first by name of
    the schools they coordinate."""
    return Organisation.objects.filter(pk__in=organiser_school_ids(user)).order_by("name").first()


def consortium_of(school: Organisation) -> Consortium | None:
    """The consortium a school takes part in now (the first one, should there be several)."""
    membership = (
        school.consortium_memberships.filter(left_on__isnull=True)
        .select_related("consortium")
        .first()
    )
    return membership.consortium if membership else None


def event_tables(event: Event) -> list[EventTable]:
    return list(event.tables.select_related("company", "host").order_by("company__name"))


def event_slots(event: Event) -> QuerySet[EventSlot]:
    return EventSlot.objects.filter(event=event).select_related("event")


def event_table_choices(event: Event) -> QuerySet[EventTable]:
    return EventTable.objects.filter(event=event).select_related("company")


def event_table_of(user: User, event: Event) -> EventTable | None:
    """The table of the user's company at this event, if it registered one."""
    companies = managed_company_ids(user)
    if not companies:
        return None
    return EventTable.objects.filter(event=event, company_id__in=companies).first()


def event_slot_grid(event: Event, *, student: User | None = None) -> list[SlotRow]:
    """Each slot with, per table, the seats taken; and the student's own booking if any.
    Three queries whatever the size of the event."""
    tables = event_tables(event)
    slots = list(EventSlot.objects.filter(event=event).order_by("starts_at"))
    taken = Counter(
        EventBooking.objects.filter(slot__event=event, cancelled_at__isnull=True).values_list(
            "slot_id", "table_id"
        )
    )
    mine: dict[int, EventBooking] = {}
    if student is not None:
        mine = {
            booking.slot_id: booking
            for booking in EventBooking.objects.filter(
                slot__event=event, student=student, cancelled_at__isnull=True
            ).select_related("table__company")
        }
    return [
        SlotRow(
            slot=slot,
            mine=mine.get(slot.pk),
            tables=[
                TableCell(
                    table=table,
                    taken=taken[(slot.pk, table.pk)],
                    free=table.capacity - taken[(slot.pk, table.pk)],
                )
                for table in tables
            ],
        )
        for slot in slots
    ]


def event_bookings(event: Event) -> QuerySet[EventBooking]:
    return (
        EventBooking.objects.filter(slot__event=event, cancelled_at__isnull=True)
        .select_related("slot", "table__company", "student__enrolment__kwalificatie")
        .order_by("slot__starts_at", "table__company__name", "seat")
    )


def event_no_shows(event: Event) -> QuerySet[EventBooking]:
    return event_bookings(event).filter(attendance=EventAttendance.NO_SHOW)


def event_attendance_summary(event: Event) -> dict[str, int]:
    counts = dict(
        EventBooking.objects.filter(slot__event=event, cancelled_at__isnull=True)
        .values_list("attendance")
        .annotate(n=Count("pk"))
    )
    return {value: counts.get(value, 0) for value in EventAttendance.values}


def event_bookings_at_table(event: Event, table: EventTable) -> QuerySet[EventBooking]:
    return event_bookings(event).filter(table=table)


def event_bookings_for(user: User, event: Event) -> QuerySet[EventBooking]:
    """Organisers see all bookings of the event; companies those at their table; a student
    only their own."""
    qs = event_bookings(event)
    if event_can_organise(user, event):
        return qs
    companies = managed_company_ids(user)
    if companies:
        return qs.filter(table__company_id__in=companies)
    return qs.filter(student=user)


def event_bookings_visible_to(user: User) -> QuerySet[EventBooking]:
    """Bookings of every event the user sees (each action checks who may do what)."""
    return EventBooking.objects.filter(slot__event__in=events_visible_to(user)).select_related(
        "slot__event", "table__company", "student"
    )


def event_bookings_upcoming_for_student(
    user: User, *, now: dt.datetime, within: dt.timedelta, limit: int = 10
) -> QuerySet[EventBooking]:
    """My conversations at events starting before `now + within`."""
    return EventBooking.objects.filter(
        student=user,
        cancelled_at__isnull=True,
        slot__starts_at__gte=now,
        slot__starts_at__lt=now + within,
    ).select_related("slot__event", "table__company")[:limit]


def events_awaiting_attendance(
    user: User, *, now: dt.datetime, within: dt.timedelta, limit: int = 5
) -> QuerySet[Event]:
    """Events I organise (or of my schools) that ended within `within` and still have bookings
    whose attendance nobody recorded."""
    schools = organiser_school_ids(user)
    if not schools:
        return Event.objects.none()
    unrecorded = EventBooking.objects.filter(
        slot__event=OuterRef("pk"),
        cancelled_at__isnull=True,
        attendance=EventAttendance.UNKNOWN,
    )
    return Event.objects.filter(
        Q(organiser=user) | Q(school_id__in=schools),
        ends_at__lte=now,
        ends_at__gte=now - within,
    ).filter(Exists(unrecorded))[:limit]


def student_event_bookings(user: User) -> QuerySet[EventBooking]:
    return (
        EventBooking.objects.filter(student=user, cancelled_at__isnull=True)
        .select_related("slot__event", "table__company")
        .order_by("slot__starts_at")
    )


def event_contacts_for(user: User, event: Event) -> list[EventBooking]:
    """After the event: the conversations that took place (not no-shows), from the point of view
    of the student (their companies) or the company contact (their students)."""
    qs = event_bookings(event).exclude(attendance=EventAttendance.NO_SHOW)
    companies = managed_company_ids(user)
    if companies:
        return list(qs.filter(table__company_id__in=companies))
    return list(qs.filter(student=user))


def events_with_tables_prefetched(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.prefetch_related(
        Prefetch("tables", queryset=EventTable.objects.select_related("company"))
    )
