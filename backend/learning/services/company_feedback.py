"""The company mentor's feedback on each student of their team (issue 15).

- `company_feedback_open_due`: the daily task opens a feedback request per placed student when a
  moment of the activity arrives (a midpoint for long activities, the final week for all) and
  tells the offer's contact once per offer and moment.
- `company_feedback_remind`: reminds the contact of open requests that are (almost) due: at most
  once a day, and once a week after the first week overdue, until every request is submitted.
- `company_feedback_submit`: the contact rates every werkproces the offer is mapped to; the
  student and their coach hear about it.
All three are idempotent: running a task twice opens, sends and reminds nothing twice.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from backend.accounts.models import User
from backend.core.errors import ApplicationError, PermissionDenied
from backend.core.links import PageLink
from backend.curriculum.models import ProgressLevel, Werkproces
from backend.learning.access import is_company_of
from backend.learning.models import CompanyFeedback, CompanyRating, Moment
from backend.learning.selectors.company_feedback import open_company_feedback_due_by
from backend.learning.selectors.placements import (
    is_placed_on,
    offer_werkprocessen,
    published_assignments,
)
from backend.notifications.services import Message, message_for, notify_many
from backend.offers.models import Offer, OfferStatus

REQUEST_CATEGORY = "learning_feedback_request"
RECEIVED_CATEGORY = "learning_feedback_received"

# The final moment opens when the activity's last week starts and is due two weeks after its end.
FINAL_OPENS_BEFORE_END = dt.timedelta(days=7)
FINAL_DUE_AFTER_END = dt.timedelta(days=14)
# Activities of at least six weeks also get a midpoint moment, due ten days after the middle.
MIDPOINT_MIN_LENGTH = dt.timedelta(weeks=6)
MIDPOINT_DUE_AFTER = dt.timedelta(days=10)
# Reminders start two days before the due date; daily, then weekly once a week overdue.
REMIND_BEFORE_DUE = dt.timedelta(days=2)
DAILY_REMINDERS_UNTIL = dt.timedelta(days=7)
WEEKLY = dt.timedelta(days=7)
MAX_COMMENT = 1000
# An offer the company withdrew or the school rejected has no team to rate.
_NO_FEEDBACK_STATUSES = (OfferStatus.WITHDRAWN, OfferStatus.REJECTED)


@dataclass(frozen=True)
class _Due:
    moment: Moment
    due_on: dt.date


def moments_open_on(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> list[_Due]:
    """The moments of an activity from `starts_on` to `ends_on` that are open on `today`.

    The final moment is open from the start of the last week until its due date (ends_on + 14);
    the midpoint (activities of at least 6 weeks) from the middle until the final moment opens:
    once the final feedback is asked, a midpoint request would only be noise. A moment whose
    window has passed is never opened late (a placement from last year gets no request now)."""
    moments = []
    final_opens = ends_on - FINAL_OPENS_BEFORE_END
    if ends_on - starts_on >= MIDPOINT_MIN_LENGTH:
        middle = starts_on + dt.timedelta(days=(ends_on - starts_on).days // 2)
        if middle <= today < final_opens:
            moments.append(_Due(Moment.MIDPOINT, middle + MIDPOINT_DUE_AFTER))
    final_due = ends_on + FINAL_DUE_AFTER_END
    if final_opens <= today <= final_due:
        moments.append(_Due(Moment.FINAL, final_due))
    return moments


def _candidates(today: dt.date) -> list[CompanyFeedback]:
    """A feedback row for every placed student and moment open today (not yet saved)."""
    placements = (
        published_assignments()
        .filter(
            offer__starts_on__isnull=False,
            offer__starts_on__lte=today,
            offer__ends_on__gte=today - FINAL_DUE_AFTER_END,
        )
        .exclude(offer__status__in=_NO_FEEDBACK_STATUSES)
        .values_list("student_id", "offer_id", "offer__starts_on", "offer__ends_on")
        .distinct()
    )
    return [
        CompanyFeedback(
            student_id=student_id, offer_id=offer_id, moment=due.moment, due_on=due.due_on
        )
        for student_id, offer_id, starts_on, ends_on in placements
        if starts_on is not None and ends_on is not None
        for due in moments_open_on(starts_on, ends_on, today)
    ]


@transaction.atomic
def company_feedback_open_due(*, now: dt.datetime) -> int:
    """Open the feedback moments that arrived today for every published placement and tell
    each offer's contact once per offer and moment. Returns the number of requests created;
    a second run creates and sends nothing (existing rows are skipped, the unique constraint
    and the notification's dedupe key catch a run in parallel)."""
    today = timezone.localdate(now)
    candidates = _candidates(today)
    if not candidates:
        return 0
    existing = set(
        CompanyFeedback.objects.filter(
            offer_id__in={row.offer_id for row in candidates},
            student_id__in={row.student_id for row in candidates},
        ).values_list("student_id", "offer_id", "moment")
    )
    new = [row for row in candidates if (row.student_id, row.offer_id, row.moment) not in existing]
    CompanyFeedback.objects.bulk_create(new, ignore_conflicts=True)
    _tell_contacts(new, now=now)
    return len(new)


def _tell_contacts(new: list[CompanyFeedback], *, now: dt.datetime) -> None:
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in new:
        counts[(row.offer_id, row.moment)] += 1
    offers = Offer.objects.select_related("contact").in_bulk({key[0] for key in counts})
    messages = [
        _request_message(offers[offer_id], moment, count)
        for (offer_id, moment), count in counts.items()
    ]
    notify_many(messages=messages, now=now)


def _request_message(offer: Offer, moment: str, count: int) -> Message:
    params = {"title": offer.title, "count": count}

    def title() -> str:
        if moment == Moment.MIDPOINT:
            return _("Tussentijdse feedback gevraagd: %(title)s") % params
        return _("Eindbeoordeling gevraagd: %(title)s") % params

    def body() -> str:
        return (
            ngettext(
                "Hoe doet uw student het? Geef per werkproces een niveau en een korte "
                "toelichting. Het kost u minder dan drie minuten.",
                "Hoe doen uw %(count)s studenten het? Geef per student en werkproces een niveau "
                "en een korte toelichting. Het kost u minder dan drie minuten per student.",
                count,
            )
            % params
        )

    return message_for(
        offer.contact,
        category=REQUEST_CATEGORY,
        title=title,
        body=body,
        link=PageLink("company-feedback-list"),
        dedupe_key=f"company-feedback-open:{offer.pk}:{moment}",
    )


def _wants_reminder(row: CompanyFeedback, today: dt.date) -> bool:
    """Daily from two days before the due date until a week overdue, then weekly."""
    last = row.last_reminded_on
    if last is not None and last >= today:
        return False
    if today - row.due_on > DAILY_REMINDERS_UNTIL:
        return last is None or today - last >= WEEKLY
    return True


@transaction.atomic
def company_feedback_remind(*, now: dt.datetime) -> int:
    """Remind each offer contact of their open requests that are due within two days or
    overdue: one message per contact per day at most, listing the students (first names).
    Submitted feedback is never mentioned again. Returns the reminders sent; a second run on
    the same day sends none (the rows are claimed by `last_reminded_on`, the message has a
    dedupe key with the date)."""
    today = timezone.localdate(now)
    by_contact: dict[int, list[CompanyFeedback]] = defaultdict(list)
    for row in open_company_feedback_due_by(today + REMIND_BEFORE_DUE):
        if _wants_reminder(row, today):
            by_contact[row.offer.contact_id].append(row)
    messages = []
    for rows in by_contact.values():
        claimed = CompanyFeedback.objects.filter(
            Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today),
            pk__in=[row.pk for row in rows],
            submitted_at__isnull=True,
        ).update(last_reminded_on=today, reminder_count=F("reminder_count") + 1)
        if claimed:  # else another run got there first
            messages.append(_reminder(rows, today=today))
    return len(notify_many(messages=messages, now=now))


def _reminder(rows: list[CompanyFeedback], *, today: dt.date) -> Message:
    contact = rows[0].offer.contact
    students = sorted(rows, key=lambda row: (row.due_on, row.student.first_name, row.pk))
    count = len(students)

    def title() -> str:
        return ngettext(
            "Herinnering: uw feedback over %(count)s student",
            "Herinnering: uw feedback over %(count)s studenten",
            count,
        ) % {"count": count}

    def body() -> str:
        lines = [
            _("%(name)s (%(title)s): graag uiterlijk %(due)s")
            % {
                "name": row.student.first_name,
                "title": row.offer.title,
                "due": formats.date_format(row.due_on, "j F Y"),
            }
            for row in students
        ]
        return "\n".join([_("Nog open:"), *lines])

    return message_for(
        contact,
        category=REQUEST_CATEGORY,
        title=title,
        body=body,
        link=PageLink("company-feedback-list"),
        dedupe_key=f"company-feedback-remind:{contact.pk}:{today.isoformat()}",
    )


@transaction.atomic
def company_feedback_submit(
    *,
    feedback: CompanyFeedback,
    actor: User,
    levels: Mapping[int, str],
    comment: str,
    now: dt.datetime,
) -> CompanyFeedback:
    """The company contact's ratings of one student: a level (nooit, oefenen, voldoende, goed)
    for every werkproces the offer is mapped to, and no other, plus a comment of at most 1000
    characters. Once only. Tells the student and the student's coach.

    Raises PermissionDenied when `actor` is not a contact of the offer's company or the student
    is no longer placed on the offer; ApplicationError when it was already submitted or a level
    is missing, unknown or names a werkproces that is not on the offer (`extra["fields"]` has
    `werkproces_<id>` and `comment`)."""
    locked = (
        CompanyFeedback.objects.select_for_update(of=("self",))
        .select_related("offer__owner", "student__enrolment__coach")
        .get(pk=feedback.pk)
    )
    _require_rater(locked, actor)
    if locked.submitted_at is not None:
        raise ApplicationError(
            _("Deze feedback is al ingevuld op %(date)s; u kunt hem niet nog eens invullen.")
            % {"date": formats.date_format(timezone.localtime(locked.submitted_at), "j F Y")}
        )
    werkprocessen = list(offer_werkprocessen(locked.offer_id, student_id=locked.student_id))
    text = (comment or "").strip()
    _validate(werkprocessen, levels, text)
    CompanyRating.objects.bulk_create(
        CompanyRating(feedback=locked, werkproces=werkproces, level=levels[werkproces.pk])
        for werkproces in werkprocessen
    )
    locked.comment = text
    locked.submitted_by = actor
    locked.submitted_at = now
    locked.save(update_fields=["comment", "submitted_by", "submitted_at", "updated_at"])
    _tell_student_and_coach(locked, now=now)
    return locked


def _require_rater(feedback: CompanyFeedback, actor: User) -> None:
    if not is_company_of(actor, feedback.offer):
        raise PermissionDenied(
            _("U kunt alleen feedback geven op studenten in een team van uw eigen bedrijf.")
        )
    if not is_placed_on(feedback.student_id, feedback.offer_id):
        raise PermissionDenied(
            _("%(name)s zit niet (meer) in het team van „%(title)s”; feedback is niet meer nodig.")
            % {"name": feedback.student.first_name, "title": feedback.offer.title}
        )


def _validate(werkprocessen: list[Werkproces], levels: Mapping[int, str], comment: str) -> None:
    """Every error at once, per field, so the form can show them all."""
    errors: dict[str, list[str]] = {}
    allowed = set(ProgressLevel.values)
    for werkproces in werkprocessen:
        level = levels.get(werkproces.pk)
        if level is None or level == "":
            message = _("Kies een niveau voor werkproces %(code)s (%(title)s).")
        elif level not in allowed:
            message = _(
                "Kies voor werkproces %(code)s (%(title)s) nooit, oefenen, voldoende of goed."
            )
        else:
            continue
        errors[f"werkproces_{werkproces.pk}"] = [
            message % {"code": werkproces.code, "title": werkproces.title}
        ]
    for key, message in _not_on_offer(werkprocessen, levels).items():
        errors[key] = [message]
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [
            _("De toelichting is %(length)s tekens lang; maak hem korter (hooguit %(max)s).")
            % {"length": len(comment), "max": MAX_COMMENT}
        ]
    elif not werkprocessen and not comment:
        errors["comment"] = [
            _("Deze activiteit is aan geen werkproces gekoppeld: schrijf een korte toelichting.")
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})


def _not_on_offer(werkprocessen: list[Werkproces], levels: Mapping[int, str]) -> dict[str, str]:
    """Errors for the werkprocessen in `levels` that the offer is not mapped to, by code when
    the werkproces exists (the codes are public curriculum)."""
    on_offer = {werkproces.pk for werkproces in werkprocessen}
    others = [key for key in levels if key not in on_offer]
    if not others:
        return {}
    ids = [key for key in others if isinstance(key, int) and not isinstance(key, bool)]
    codes = dict(Werkproces.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    errors = {}
    for key in others:
        if key in codes:
            message = _(
                "Werkproces %(code)s hoort niet bij deze activiteit; u beoordeelt alleen de "
                "werkprocessen van de activiteit."
            ) % {"code": codes[key]}
        else:
            message = _("Werkproces %(id)s bestaat niet of hoort niet bij deze activiteit.") % {
                "id": key
            }
        errors[f"werkproces_{key}"] = message
    return errors


def _tell_student_and_coach(feedback: CompanyFeedback, *, now: dt.datetime) -> None:
    student = feedback.student
    params = {
        "company": feedback.offer.owner.name,
        "title": feedback.offer.title,
        "name": student.get_full_name() or student.first_name,
    }
    key = f"company-feedback-submitted:{feedback.pk}"
    messages = [
        message_for(
            student,
            category=RECEIVED_CATEGORY,
            title=_translated(gettext_noop("Feedback van %(company)s"), params),
            body=_translated(
                gettext_noop(
                    "%(company)s heeft je beoordeeld op de werkprocessen van „%(title)s”. "
                    "Bekijk het en vergelijk het met je eigen beoordeling."
                ),
                params,
            ),
            link=PageLink("my-activities"),
            dedupe_key=key,
        )
    ]
    enrolment = getattr(student, "enrolment", None)
    coach = enrolment.coach if enrolment else None
    if coach is not None:
        messages.append(
            message_for(
                coach,
                category=RECEIVED_CATEGORY,
                title=_translated(gettext_noop("Feedback van %(company)s over %(name)s"), params),
                body=_translated(
                    gettext_noop("%(company)s heeft %(name)s beoordeeld voor „%(title)s”."),
                    params,
                ),
                link=PageLink("student-portfolio", student.pk),
                dedupe_key=key,
            )
        )
    notify_many(messages=messages, now=now)


def _translated(msgid: str, params: Mapping[str, object]) -> Callable[[], str]:
    """`msgid` (marked with gettext_noop) filled in later, in the recipient's language."""
    return lambda: _(msgid) % params
