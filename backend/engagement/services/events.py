"""Meet & match days and company arenas: slots, tables, bookings, attendance, follow-up."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.core.links import PageLink
from backend.engagement.models import (
    Event,
    EventAttendance,
    EventBooking,
    EventBookingKind,
    EventSlot,
    EventTable,
    NotificationCategory,
)
from backend.engagement.selectors.access import (
    event_student_may_book,
    is_student,
    may_cancel_event_booking,
    may_organise_events_at,
    may_record_event_attendance,
    may_register_table_for,
)
from backend.engagement.services.common import when
from backend.notifications.services import Message, message_for, notify_many
from backend.organisations.models import Consortium, Organisation

MAX_SLOTS = 200


def _slot_count(*, starts_at: dt.datetime, ends_at: dt.datetime, slot_minutes: int) -> int:
    """How many slots fit between start and end; refuses an event of none or too many."""
    if ends_at <= starts_at:
        raise field_error("ends_at", _("Het evenement moet eindigen na het begin."))
    if slot_minutes < 5:
        raise field_error("slot_minutes", _("Een gesprek duurt minstens 5 minuten."))
    count = int((ends_at - starts_at) / dt.timedelta(minutes=slot_minutes))
    if count < 1:
        raise field_error("ends_at", _("Er past geen enkel gesprek tussen begin en einde."))
    if count > MAX_SLOTS:
        raise field_error(
            "slot_minutes",
            _("Dat worden %(n)d tijdsloten; maximaal %(max)d.") % {"n": count, "max": MAX_SLOTS},
        )
    return count


@transaction.atomic
def event_create(
    *,
    actor: User,
    school: Organisation,
    kind: str,
    title: str,
    location: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slot_minutes: int = 10,
    consortium: Consortium | None = None,
    description: str = "",
) -> Event:
    """A coordinator of `school` plans an event; its slots are cut from start to end."""
    if not may_organise_events_at(actor, school.pk):
        raise PermissionDenied(
            _("Alleen coördinatoren van %(school)s organiseren hier evenementen.")
            % {"school": school.name}
        )
    count = _slot_count(starts_at=starts_at, ends_at=ends_at, slot_minutes=slot_minutes)
    event = Event.objects.create(
        kind=kind,
        title=title,
        description=description,
        school=school,
        consortium=consortium,
        organiser=actor,
        location=location,
        starts_at=starts_at,
        ends_at=ends_at,
        slot_minutes=slot_minutes,
    )
    step = dt.timedelta(minutes=slot_minutes)
    EventSlot.objects.bulk_create(
        EventSlot(event=event, starts_at=starts_at + i * step, ends_at=starts_at + (i + 1) * step)
        for i in range(count)
    )
    return event


@transaction.atomic
def event_table_register(
    *,
    actor: User,
    event: Event,
    company: Organisation,
    capacity: int,
    topic: str = "",
    offers_portfolio_review: bool = False,
    now: dt.datetime,
) -> EventTable:
    """A company contact registers (or updates) their company's table."""
    if not may_register_table_for(actor, company.pk):
        raise PermissionDenied(
            _("Alleen contactpersonen van %(company)s melden hun tafel aan.")
            % {"company": company.name}
        )
    if event.ends_at <= now:
        raise Conflict(_("Dit evenement is al voorbij."))
    if not 1 <= capacity <= 20:
        raise field_error("capacity", _("Kies 1 tot 20 gesprekken tegelijk."))
    table, created = EventTable.objects.select_for_update().get_or_create(
        event=event,
        company=company,
        defaults={
            "host": actor,
            "capacity": capacity,
            "topic": topic,
            "offers_portfolio_review": offers_portfolio_review,
        },
    )
    if not created:
        _table_update(
            table, capacity=capacity, topic=topic, offers_portfolio_review=offers_portfolio_review
        )
    return table


def _table_update(
    table: EventTable, *, capacity: int, topic: str, offers_portfolio_review: bool
) -> None:
    """A registered table changes; it cannot shrink below the seats already booked in a slot."""
    busiest = _busiest_slot(table)
    if capacity < busiest:
        raise field_error(
            "capacity",
            _("In een tijdslot zijn al %(n)d gesprekken geboekt; kies minstens %(n)d.")
            % {"n": busiest},
        )
    _move_onto_kept_seats(table, capacity=capacity)
    table.capacity, table.topic = capacity, topic
    table.offers_portfolio_review = offers_portfolio_review
    table.save()


def _move_onto_kept_seats(table: EventTable, *, capacity: int) -> None:
    """A table that shrinks keeps seats 1..capacity; bookings on the seats it loses move to free
    ones (there is room: the busiest slot fits). Without this a later booking could take a freed
    low seat while the high one stays taken, and the database refuses seats beyond capacity."""
    active = EventBooking.objects.filter(table=table, cancelled_at__isnull=True)
    for booking in active.filter(seat__gt=capacity).order_by("slot_id", "seat"):
        taken = set(active.filter(slot_id=booking.slot_id).values_list("seat", flat=True))
        booking.seat = min(set(range(1, capacity + 1)) - taken)
        booking.save(update_fields=["seat", "updated_at"])


def _busiest_slot(table: EventTable) -> int:
    busiest: int | None = (
        EventBooking.objects.filter(table=table, cancelled_at__isnull=True)
        .values("slot_id")
        .annotate(n=Count("pk"))
        .aggregate(m=Max("n"))["m"]
    )
    return busiest or 0


def event_book_slot(
    *,
    actor: User,
    slot: EventSlot,
    table: EventTable,
    kind: str = EventBookingKind.CONVERSATION,
    now: dt.datetime,
) -> EventBooking:
    """A student books one seat at a table in a slot, for themselves only.

    Two requests may race for the last seat (or one student may click two tables at once). The
    table row is locked while its seats are counted, and the database refuses a second active
    booking per (slot, student) and per (slot, table, seat): whoever loses gets a Conflict."""
    try:
        with transaction.atomic():
            return _book(actor=actor, slot=slot, table=table, kind=kind, now=now)
    except IntegrityError:
        # Another request got there first (same seat or same student in this slot).
        if EventBooking.objects.filter(
            slot=slot, student=actor, cancelled_at__isnull=True
        ).exists():
            raise Conflict(
                _("Je hebt om %(time)s al een gesprek.") % {"time": _time(slot)}
            ) from None
        raise Conflict(_full(table, slot)) from None


def _time(slot: EventSlot) -> str:
    return timezone.localtime(slot.starts_at).strftime("%H:%M")


def _full(table: EventTable, slot: EventSlot) -> str:
    return _("De tafel van %(company)s is om %(time)s vol: %(n)d van %(n)d plaatsen bezet.") % {
        "company": table.company.name,
        "time": _time(slot),
        "n": table.capacity,
    }


def _book(
    *, actor: User, slot: EventSlot, table: EventTable, kind: str, now: dt.datetime
) -> EventBooking:
    if not is_student(actor):
        raise PermissionDenied(_("Alleen studenten boeken een gesprek."))
    event = slot.event
    if table.event_id != event.pk:
        raise field_error("table", _("Deze tafel hoort niet bij dit evenement."))
    if not event_student_may_book(actor, event):
        raise PermissionDenied(_("Dit evenement is niet open voor jouw school."))
    if slot.starts_at <= now:
        raise Conflict(_("Dit tijdslot is al begonnen."))
    if kind == EventBookingKind.PORTFOLIO_REVIEW and not table.offers_portfolio_review:
        raise field_error(
            "kind", _("%(company)s doet geen portfolioreviews.") % {"company": table.company.name}
        )
    # Lock the table: concurrent bookings for it queue here and each sees the others' seats.
    table = EventTable.objects.select_for_update().select_related("company").get(pk=table.pk)
    if EventBooking.objects.filter(slot=slot, student=actor, cancelled_at__isnull=True).exists():
        raise Conflict(_("Je hebt om %(time)s al een gesprek.") % {"time": _time(slot)})
    taken = set(
        EventBooking.objects.filter(slot=slot, table=table, cancelled_at__isnull=True).values_list(
            "seat", flat=True
        )
    )
    free = [seat for seat in range(1, table.capacity + 1) if seat not in taken]
    if not free:
        raise Conflict(_full(table, slot))
    return EventBooking.objects.create(
        slot=slot, table=table, student=actor, seat=free[0], kind=kind
    )


@transaction.atomic
def event_booking_cancel(*, actor: User, booking: EventBooking, now: dt.datetime) -> EventBooking:
    if not may_cancel_event_booking(actor, booking):
        raise PermissionDenied(_("Je kunt alleen je eigen gesprekken annuleren."))
    if booking.slot.starts_at <= now:
        raise Conflict(_("Dit gesprek is al begonnen; annuleren kan niet meer."))
    updated = EventBooking.objects.filter(pk=booking.pk, cancelled_at__isnull=True).update(
        cancelled_at=now, updated_at=now
    )
    if updated != 1:
        raise Conflict(_("Dit gesprek was al geannuleerd."))
    booking.refresh_from_db()
    return booking


@transaction.atomic
def event_attendance_record(
    *, actor: User, booking: EventBooking, attendance: str, now: dt.datetime
) -> EventBooking:
    """The organiser (or the company at its own table) records present / no-show."""
    if not may_record_event_attendance(actor, booking):
        raise PermissionDenied(_("Alleen de organisator registreert aanwezigheid."))
    if attendance not in EventAttendance.values:
        raise field_error("attendance", _("Kies aanwezig of niet verschenen."))
    if booking.slot.starts_at > now:
        raise Conflict(_("Aanwezigheid registreer je vanaf het begin van het gesprek."))
    booking.attendance = attendance
    booking.attendance_recorded_by = actor
    booking.save(update_fields=["attendance", "attendance_recorded_by", "updated_at"])
    return booking


def _student_follow_up(event: Event, items: list[EventBooking]) -> Message:
    return message_for(
        items[0].student,
        category=NotificationCategory.EVENT,
        link=PageLink("engagement-event-contacts", event.pk),
        dedupe_key=f"event-follow-up:{event.pk}",
        title=lambda: _("Je contacten van %(event)s") % {"event": event.title},
        body=lambda: (
            _(
                "Je sprak met: %(list)s. Stuur binnen een week een bedankje "
                "of vraag naar een stage of opdracht — nu weten ze nog wie je bent."
            )
            % {
                "list": ", ".join(
                    f"{b.table.company.name} ({when(b.slot.starts_at)})" for b in items
                )
            }
        ),
    )


def _host_follow_up(event: Event, items: list[EventBooking]) -> Message:
    return message_for(
        items[0].table.host,
        category=NotificationCategory.EVENT,
        link=PageLink("engagement-event-contacts", event.pk),
        dedupe_key=f"event-follow-up:{event.pk}",
        title=lambda: _("Je gesprekken op %(event)s") % {"event": event.title},
        body=lambda: (
            _(
                "Je sprak met %(n)d studenten: %(list)s. Laat hen weten of "
                "er een vervolg komt (stage, opdracht, bedrijfsbezoek)."
            )
            % {"n": len(items), "list": ", ".join(_student_label(b.student) for b in items)}
        ),
    )


def event_follow_up_send(*, event: Event, now: dt.datetime) -> int:
    """After the event: each student and each company gets their list of contacts with a
    reminder to follow up. Idempotent (one message per person per event); claims the event with a
    conditional update so two workers do not both build it. Returns messages sent."""
    if event.ends_at > now:
        return 0
    bookings = (
        EventBooking.objects.filter(slot__event=event, cancelled_at__isnull=True)
        .exclude(attendance=EventAttendance.NO_SHOW)
        .select_related("slot", "student__enrolment__kwalificatie", "table__company", "table__host")
        .order_by("slot__starts_at")
    )
    by_student: dict[int, list[EventBooking]] = {}
    by_host: dict[int, list[EventBooking]] = {}
    for booking in bookings:
        by_student.setdefault(booking.student_id, []).append(booking)
        by_host.setdefault(booking.table.host_id, []).append(booking)
    messages = [_student_follow_up(event, items) for items in by_student.values()]
    messages += [_host_follow_up(event, items) for items in by_host.values()]
    created = notify_many(messages=messages, now=now)
    Event.objects.filter(pk=event.pk, followed_up_at__isnull=True).update(followed_up_at=now)
    return len(created)


def _student_label(student: User) -> str:
    # Companies see first name, programme and level only (AVG).
    enrolment = getattr(student, "enrolment", None)
    if enrolment is None:
        return student.first_name
    return f"{student.first_name} ({enrolment.kwalificatie.title}, niveau {enrolment.kwalificatie.niveau})"


def event_follow_ups_due(*, now: dt.datetime, days: int = 14) -> int:
    """Follow up every event that ended in the last `days` days and was not followed up yet."""
    sent = 0
    events = Event.objects.filter(
        ends_at__lte=now, ends_at__gte=now - dt.timedelta(days=days), followed_up_at__isnull=True
    )
    for event in events:
        sent += event_follow_up_send(event=event, now=now)
    return sent


def event_booking_kind_allowed(table: EventTable) -> list[str]:
    kinds: list[str] = [EventBookingKind.CONVERSATION]
    if table.offers_portfolio_review:
        kinds.append(EventBookingKind.PORTFOLIO_REVIEW)
    return kinds
