"""Requests of a student about their own data (AVG art. 15-17, 20): submitted by the student,
handled by their school's privacy officer within a month (art. 12(3))."""

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.core.errors import ApplicationError, Conflict, field_error
from backend.core.links import PageLink
from backend.notifications.services import message_for, notify, notify_many
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from backend.privacy.selectors.requests import open_request_of_kind

CATEGORY = "privacy"


def one_month_after(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def submit_request(
    *, subject: User, kind: str, details: str, by: User, now: dt.datetime
) -> DataRequest:
    """Record a student's request about their own data at the school they are enrolled at and
    tell that school's privacy officers. Raises ApplicationError for someone else's request, a
    person without an enrolment, a correction without a text, or a second open request of the
    same kind."""
    if by.pk != subject.pk:
        raise ApplicationError(_("Je kunt alleen een verzoek over je eigen gegevens indienen."))
    if kind not in RequestKind.values:
        raise field_error("kind", _("Kies wat je wilt vragen."))
    enrolment = StudentEnrolment.objects.filter(student=subject).select_related("school").first()
    if enrolment is None:
        raise ApplicationError(
            _("Alleen studenten dienen hier een verzoek in; neem contact op met uw organisatie.")
        )
    details = details.strip()
    if kind == RequestKind.CORRECTION and not details:
        raise field_error("details", _("Schrijf op welke gegevens niet kloppen en hoe wel."))
    # One open request per kind: a double click waits here for the first to be recorded.
    User.objects.select_for_update().only("pk").get(pk=subject.pk)
    if open_request_of_kind(subject, kind) is not None:
        raise field_error(
            "kind",
            _("Je hebt al een open verzoek van deze soort; de school handelt dat eerst af."),
        )
    request = DataRequest.objects.create(
        school=enrolment.school,
        subject=subject,
        kind=kind,
        details=details,
        submitted_by=by,
        submitted_at=now,
        due_on=one_month_after(timezone.localdate(now)),
    )
    _tell_officers(request, now=now)
    return request


def _tell_officers(request: DataRequest, *, now: dt.datetime) -> None:
    """No name in the message: the officer opens the request to see whose it is."""
    officers = User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(organisation_id=request.school_id, role=Role.PRIVACY_OFFICER)
        .values("user_id"),
        is_active=True,
    )
    due_on = request.due_on

    def body() -> str:
        return gettext("Handel het uiterlijk %(due)s af (binnen een maand, AVG art. 12).") % {
            "due": date_format(due_on, "j F Y")
        }

    notify_many(
        messages=[
            message_for(
                officer,
                category=CATEGORY,
                title=_KIND_TITLE[request.kind],
                body=body,
                link=PageLink("privacy-request", request.pk),
                dedupe_key=f"data-request-{request.pk}-submitted",
            )
            for officer in officers
        ],
        now=now,
    )


# Lazy: rendered in each recipient's language by message_for.
_KIND_TITLE: dict[str, Promise] = {
    RequestKind.ACCESS: gettext_lazy("Nieuw verzoek om inzage in persoonsgegevens"),
    RequestKind.CORRECTION: gettext_lazy("Nieuw verzoek om correctie van persoonsgegevens"),
    RequestKind.ERASURE: gettext_lazy("Nieuw verzoek om verwijdering van persoonsgegevens"),
}
_CLOSED_TITLE: dict[str, Promise] = {
    RequestStatus.DONE: gettext_lazy("Je verzoek over je gegevens is afgehandeld"),
    RequestStatus.REFUSED: gettext_lazy("Je verzoek over je gegevens is afgewezen"),
}


@transaction.atomic
def close_request(
    *, request: DataRequest, by: User, status: str, outcome: str, now: dt.datetime
) -> DataRequest:
    """Close an open request as done or refused, with the outcome the person reads; a refusal
    must say why. Tells the person. Raises Conflict when another officer closed it already."""
    outcome = outcome.strip()
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise field_error("status", (_("Kies afgehandeld of afgewezen.")))
    if status == RequestStatus.REFUSED and not outcome:
        raise field_error(
            "outcome", (_("Schrijf waarom het verzoek wordt afgewezen; de student leest dit."))
        )
    closed = DataRequest.objects.filter(pk=request.pk, status=RequestStatus.SUBMITTED).update(
        status=status, outcome=outcome, handled_by=by, handled_at=now
    )
    request.refresh_from_db()
    if closed != 1:
        raise Conflict(_("Dit verzoek is al afgesloten."))
    tell_subject_closed(request, now=now)
    return request


def tell_subject_closed(request: DataRequest, *, now: dt.datetime) -> None:
    subject = request.subject
    if not subject.is_active:
        return  # erased: the account can no longer read it
    notify(
        recipient=subject,
        category=CATEGORY,
        title=_CLOSED_TITLE[request.status],
        body=request.outcome,
        link=PageLink("my-request-new"),
        dedupe_key=f"data-request-{request.pk}-closed",
        now=now,
    )
