from collections import Counter

from django.db.models import Count, Prefetch, Q, QuerySet

from backend.accounts.selectors import consortium_ids_for_organisations
from backend.engagement.models import (
    Event,
    EventAttendance,
    EventBooking,
    EventSlot,
    EventTable,
)
from backend.engagement.selectors.access import (
    managed_company_ids,
    organiser_school_ids,
    student_school_ids,
    teaching_school_ids,
)


def events_visible_to(user) -> QuerySet[Event]:
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


def event_can_organise(user, event: Event) -> bool:
    return (
        user.is_staff
        or event.organiser_id == user.pk
        or event.school_id in organiser_school_ids(user)
    )


def event_student_may_book(user, event: Event) -> bool:
    schools = student_school_ids(user)
    if not schools:
        return False
    if event.school_id in schools:
        return True
    return bool(
        event.consortium_id and event.consortium_id in consortium_ids_for_organisations(schools)
    )


def event_tables(event: Event) -> list[EventTable]:
    return list(event.tables.select_related("company", "host").order_by("company__name"))


def event_slot_grid(event: Event, *, student=None) -> list[dict]:
    """Each slot with, per table, the seats taken; and the student's own booking if any.
    Three queries whatever the size of the event."""
    tables = event_tables(event)
    slots = list(EventSlot.objects.filter(event=event).order_by("starts_at"))
    taken = Counter(
        EventBooking.objects.filter(slot__event=event, cancelled_at__isnull=True).values_list(
            "slot_id", "table_id"
        )
    )
    mine = {}
    if student is not None:
        mine = {
            booking.slot_id: booking
            for booking in EventBooking.objects.filter(
                slot__event=event, student=student, cancelled_at__isnull=True
            ).select_related("table__company")
        }
    grid = []
    for slot in slots:
        grid.append(
            {
                "slot": slot,
                "mine": mine.get(slot.pk),
                "tables": [
                    {
                        "table": table,
                        "taken": taken[(slot.pk, table.pk)],
                        "free": table.capacity - taken[(slot.pk, table.pk)],
                    }
                    for table in tables
                ],
            }
        )
    return grid


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


def student_event_bookings(user) -> QuerySet[EventBooking]:
    return (
        EventBooking.objects.filter(student=user, cancelled_at__isnull=True)
        .select_related("slot__event", "table__company")
        .order_by("slot__starts_at")
    )


def event_contacts_for(user, event: Event) -> list[EventBooking]:
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
