"""Driehoekgesprekken: the student, their coach and the company mentor meet every few weeks
during a placement. School staff plan a series; any of the three records a conversation as held
with short notes that only the three see; the coach hears once about each conversation that was
planned but not recorded.

Rules of their own (asked by the pages too): `may_manage_series` (school staff among the three
may stop a series).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import StudentEnrolment, User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.core.links import PageLink
from backend.learning.access import is_company_of, is_school_staff_of, is_triad_participant
from backend.learning.models import TriadConversation, TriadSeries
from backend.learning.selectors.placements import is_placed_on
from backend.learning.selectors.triads import MISSED_GRACE_DAYS
from backend.notifications.services import Message, message_for, notify_many
from backend.offers.models import Offer

CATEGORY = "learning_triads"
MIN_INTERVAL_DAYS = 7
MAX_INTERVAL_DAYS = 42
MAX_CONVERSATIONS = 26
NOTES_MAX_LENGTH = 2000


def planned_dates(*, first_on: dt.date, last_on: dt.date, interval_days: int) -> list[dt.date]:
    """first_on, first_on + interval, … up to and including last_on."""
    if interval_days <= 0 or last_on < first_on:
        return []
    count = (last_on - first_on).days // interval_days + 1
    return [first_on + dt.timedelta(days=k * interval_days) for k in range(count)]


def may_manage_series(user: User, series: TriadSeries) -> bool:
    """School staff among the three (the coach) may stop a series; the student and mentor not."""
    return is_triad_participant(user, series) and is_school_staff_of(user, series.student_id)


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _check_schedule(
    *, interval_days: int, first_on: dt.date, last_on: dt.date, today: dt.date
) -> list[dt.date]:
    if not MIN_INTERVAL_DAYS <= interval_days <= MAX_INTERVAL_DAYS:
        raise field_error(
            "interval_days",
            _("Kies om de hoeveel dagen het gesprek is: minimaal %(min)s en maximaal %(max)s.")
            % {"min": MIN_INTERVAL_DAYS, "max": MAX_INTERVAL_DAYS},
        )
    if first_on < today:
        raise field_error(
            "first_on",
            _("Het eerste gesprek kan niet in het verleden liggen; kies vandaag of later."),
        )
    if last_on < first_on:
        raise field_error(
            "last_on",
            _("Het laatste gesprek kan niet vóór het eerste gesprek (%(first)s) liggen.")
            % {"first": _day(first_on)},
        )
    dates = planned_dates(first_on=first_on, last_on=last_on, interval_days=interval_days)
    if len(dates) > MAX_CONVERSATIONS:
        raise field_error(
            "last_on",
            _(
                "Dit worden %(count)s gesprekken; een reeks heeft er hoogstens %(max)s. "
                "Kies een eerdere laatste datum of een langere tussentijd."
            )
            % {"count": len(dates), "max": MAX_CONVERSATIONS},
        )
    return dates


def _check_people(*, actor: User, student: User, offer: Offer, mentor: User) -> None:
    if not is_school_staff_of(actor, student.pk):
        raise PermissionDenied(
            _("U kunt alleen driehoekgesprekken plannen voor studenten van uw eigen school.")
        )
    if not is_placed_on(student.pk, offer.pk):
        raise field_error(
            "offer",
            _("%(name)s is niet geplaatst op “%(title)s”: kies een activiteit van de student.")
            % {"name": student.first_name, "title": offer.title},
        )
    if not mentor.is_active or not is_company_of(mentor, offer):
        raise field_error(
            "mentor",
            _(
                "De mentor moet een contactpersoon zijn van %(company)s, het bedrijf van “%(title)s”."
            )
            % {"company": offer.owner.name, "title": offer.title},
        )


@transaction.atomic
def triad_series_start(
    *,
    actor: User,
    student: User,
    offer: Offer,
    mentor: User,
    interval_days: int,
    first_on: dt.date,
    last_on: dt.date,
    now: dt.datetime,
) -> TriadSeries:
    """Plan driehoekgesprekken for the student's placement on `offer`: one conversation on
    first_on + k * interval_days for every such date up to last_on. The coach is the student's
    coach (enrolment), or else the actor. Tells the student and the mentor (and the coach when
    someone else planned it).

    Raises PermissionDenied unless the actor is school staff of the student; a field error for
    an offer the student is not placed on, a mentor who is not a contact of the offer's company,
    an interval outside 7..42 days, a first date in the past, a last date before the first, more
    than 26 conversations, or a second series for the same placement."""
    _check_people(actor=actor, student=student, offer=offer, mentor=mentor)
    dates = _check_schedule(
        interval_days=interval_days,
        first_on=first_on,
        last_on=last_on,
        today=timezone.localdate(now),
    )
    enrolment = StudentEnrolment.objects.select_related("coach").filter(student=student).first()
    coach = enrolment.coach if enrolment and enrolment.coach else actor
    already = _(
        "Voor %(name)s bij “%(title)s” is al een reeks driehoekgesprekken gepland (ook een "
        "gestopte reeks telt mee)."
    ) % {"name": student.first_name, "title": offer.title}
    if TriadSeries.objects.filter(student=student, offer=offer).exists():
        raise field_error("offer", already)
    try:
        # Two people may plan at the same moment: the unique constraint decides, in a savepoint.
        with transaction.atomic():
            series = TriadSeries.objects.create(
                student=student,
                offer=offer,
                coach=coach,
                mentor=mentor,
                interval_days=interval_days,
                first_on=first_on,
                last_on=last_on,
                created_by=actor,
            )
    except IntegrityError:
        raise field_error("offer", already) from None
    TriadConversation.objects.bulk_create(
        [TriadConversation(series=series, planned_on=day) for day in dates]
    )
    _tell_planned(series, actor=actor, count=len(dates), now=now)
    return series


def _tell_planned(series: TriadSeries, *, actor: User, count: int, now: dt.datetime) -> None:
    offer_title = series.offer.title
    first_on = series.first_on

    def body() -> str:
        return _(
            "Er zijn %(count)s driehoekgesprekken gepland voor “%(title)s”; het eerste is op "
            "%(first)s."
        ) % {"count": count, "title": offer_title, "first": _day(first_on)}

    recipients = [series.student, series.mentor]
    if series.coach_id != actor.pk:
        recipients.append(series.coach)
    notify_many(
        messages=[
            message_for(
                person,
                category=CATEGORY,
                title=gettext_lazy("Driehoekgesprekken gepland"),
                body=body,
                link=PageLink("triad-detail", series.pk),
                dedupe_key=f"triad-planned:{series.pk}",
            )
            for person in recipients
            if person is not None
        ],
        now=now,
    )


@transaction.atomic
def triad_conversation_record(
    *,
    conversation: TriadConversation,
    actor: User,
    held_on: dt.date,
    notes: str,
    now: dt.datetime,
) -> TriadConversation:
    """Record that the conversation was held on `held_on`, with short notes the three
    participants see. Recording again corrects the date and notes.

    Raises PermissionDenied unless the actor is the student, the coach or the mentor; Conflict
    when the series was stopped; a field error for a date in the future or notes over 2000
    characters."""
    series = conversation.series
    if not is_triad_participant(actor, series):
        raise PermissionDenied(
            _("Alleen de student, de coach en de mentor van dit gesprek kunnen het vastleggen.")
        )
    if series.cancelled_at is not None:
        raise Conflict(_("Deze reeks driehoekgesprekken is gestopt; er kan niets meer bij."))
    if held_on > timezone.localdate(now):
        raise field_error(
            "held_on",
            _("De datum van het gesprek kan niet in de toekomst liggen; vandaag is %(today)s.")
            % {"today": _day(timezone.localdate(now))},
        )
    notes = notes.strip()
    if len(notes) > NOTES_MAX_LENGTH:
        raise field_error(
            "notes",
            _("Houd de aantekeningen kort: hoogstens %(max)s tekens (nu %(count)s).")
            % {"max": NOTES_MAX_LENGTH, "count": len(notes)},
        )
    conversation.held_on = held_on
    conversation.notes = notes
    conversation.recorded_by = actor
    conversation.save(update_fields=["held_on", "notes", "recorded_by", "updated_at"])
    return conversation


@transaction.atomic
def triad_series_cancel(*, series: TriadSeries, actor: User, now: dt.datetime) -> TriadSeries:
    """Stop a series (the placement ended early, the student changed company): no more alerts
    about its conversations, nothing more recorded. Only school staff among the participants may;
    the student and the mentor are told."""
    if not may_manage_series(actor, series):
        raise PermissionDenied(
            _("Alleen de coach van deze driehoekgesprekken kan de reeks stoppen.")
        )
    # Claim by update: a double click stops it once and tells the others once.
    if not TriadSeries.objects.filter(pk=series.pk, cancelled_at__isnull=True).update(
        cancelled_at=now, updated_at=now
    ):
        raise Conflict(_("Deze reeks driehoekgesprekken is al gestopt."))
    series.cancelled_at = now
    offer_title = series.offer.title

    def body() -> str:
        return _("De driehoekgesprekken voor “%(title)s” gaan niet meer door.") % {
            "title": offer_title
        }

    notify_many(
        messages=[
            message_for(
                person,
                category=CATEGORY,
                title=gettext_lazy("Driehoekgesprekken gestopt"),
                body=body,
                link=PageLink("triad-detail", series.pk),
                dedupe_key=f"triad-cancelled:{series.pk}",
            )
            for person in (series.student, series.mentor, series.coach)
            if person is not None and person.pk != actor.pk
        ],
        now=now,
    )
    return series


def triad_missed_alert(*, now: dt.datetime) -> int:
    """Tell the coach about every conversation planned more than two days ago that nobody
    recorded as held, once per conversation (claimed by setting missed_alerted_at). Stopped
    series and series without a coach are skipped. Idempotent: returns the alerts sent."""
    cutoff = timezone.localdate(now) - dt.timedelta(days=MISSED_GRACE_DAYS)
    with transaction.atomic():
        # Rows another worker holds are skipped: that worker alerts them.
        due = list(
            TriadConversation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                planned_on__lt=cutoff,
                held_on__isnull=True,
                missed_alerted_at__isnull=True,
                series__cancelled_at__isnull=True,
                series__coach__isnull=False,
            )
            .select_related("series__coach", "series__student", "series__offer")
            .order_by("pk")
        )
        if not due:
            return 0
        TriadConversation.objects.filter(pk__in=[c.pk for c in due]).update(missed_alerted_at=now)
        notify_many(messages=[_missed_message(c) for c in due], now=now)
    return len(due)


def _missed_message(conversation: TriadConversation) -> Message:
    series = conversation.series
    assert series.coach is not None  # filtered on above
    name = series.student.get_full_name() or series.student.first_name
    offer_title = series.offer.title
    planned_on = conversation.planned_on

    def body() -> str:
        return _(
            "Het driehoekgesprek van %(name)s bij “%(title)s” op %(date)s is niet als gehouden "
            "vastgelegd. Leg het vast of plan het opnieuw met de student en de mentor."
        ) % {"name": name, "title": offer_title, "date": _day(planned_on)}

    return message_for(
        series.coach,
        category=CATEGORY,
        title=gettext_lazy("Driehoekgesprek niet vastgelegd"),
        body=body,
        link=PageLink("triad-detail", series.pk),
        dedupe_key=f"triad-missed:{conversation.pk}",
    )
