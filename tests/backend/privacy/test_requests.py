"""Requests about one's own data: a student submits, the school's privacy officer closes."""

import datetime as dt

import pytest
from django.http import Http404

from backend.accounts.models import Role
from backend.core.errors import ApplicationError, Conflict
from backend.notifications.models import Notification
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from backend.privacy.selectors.requests import (
    request_for_officer,
    requests_for_officer,
    requests_for_subject,
)
from backend.privacy.services.requests import close_request, one_month_after, submit_request
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 31, 10, 0, tzinfo=dt.UTC)


def submit(user, kind=RequestKind.CORRECTION, details="Mijn klas is ICT2B, niet ICT2A.", now=NOW):
    return submit_request(subject=user, kind=kind, details=details, by=user, now=now)


def test_it_records_the_request_at_the_students_school_due_in_one_month(cast):
    request = submit(cast.sanne)

    assert (request.school, request.subject, request.submitted_by) == (
        cast.vista,
        cast.sanne,
        cast.sanne,
    )
    assert request.status == RequestStatus.SUBMITTED
    assert request.submitted_at == NOW
    # 31 January + one month: the last day of February.
    assert request.due_on == dt.date(2027, 2, 28)
    assert request.details == "Mijn klas is ICT2B, niet ICT2A."


def test_one_month_after_keeps_the_day_or_takes_the_last_day_of_the_month():
    assert one_month_after(dt.date(2027, 3, 15)) == dt.date(2027, 4, 15)
    assert one_month_after(dt.date(2028, 1, 30)) == dt.date(2028, 2, 29)
    assert one_month_after(dt.date(2027, 12, 31)) == dt.date(2028, 1, 31)


def test_it_tells_the_schools_privacy_officers_without_naming_the_student(cast):
    request = submit(cast.sanne)

    message = Notification.objects.get(recipient=cast.fenna)
    assert message.title == "Nieuw verzoek om correctie van persoonsgegevens"
    assert (
        message.body == "Handel het uiterlijk 28 februari 2027 af (binnen een maand, AVG art. 12)."
    )
    assert message.url == f"/privacy/verzoeken/{request.pk}/"
    assert cast.sanne.first_name not in message.title + message.body
    # Nobody else hears of it: not Gilde, not the coordinator.
    assert Notification.objects.count() == 1


def test_a_correction_needs_a_text(cast):
    with pytest.raises(ApplicationError) as error:
        submit(cast.sanne, details="   ")
    assert "details" in error.value.extra["fields"]
    assert not DataRequest.objects.exists()


def test_an_erasure_or_access_request_may_come_without_a_text(cast):
    assert submit(cast.sanne, kind=RequestKind.ERASURE, details="").details == ""
    assert submit(cast.sanne, kind=RequestKind.ACCESS, details="").kind == RequestKind.ACCESS


def test_a_second_open_request_of_the_same_kind_is_refused(cast):
    first = submit(cast.sanne)
    with pytest.raises(ApplicationError) as error:
        submit(cast.sanne, details="Nog iets.")
    assert "al een open verzoek" in error.value.message
    # After it is closed a new one may follow; another kind may be open at the same time.
    submit(cast.sanne, kind=RequestKind.ERASURE, details="")
    close_request(request=first, by=cast.fenna, status=RequestStatus.DONE, outcome="", now=NOW)
    submit(cast.sanne, details="Nog iets.")
    assert DataRequest.objects.filter(subject=cast.sanne).count() == 3


def test_only_students_submit_and_only_for_themselves(cast):
    with pytest.raises(ApplicationError, match="Alleen studenten"):
        submit(cast.jan)
    with pytest.raises(ApplicationError, match="eigen gegevens"):
        submit_request(
            subject=cast.sanne, kind=RequestKind.ERASURE, details="", by=cast.bos, now=NOW
        )
    assert not DataRequest.objects.exists()


def test_closing_records_who_and_tells_the_student(cast):
    request = submit(cast.sanne)
    later = NOW + dt.timedelta(days=3)

    close_request(
        request=request, by=cast.fenna, status=RequestStatus.DONE, outcome="Verbeterd.", now=later
    )

    request.refresh_from_db()
    assert (request.status, request.handled_by, request.handled_at, request.outcome) == (
        RequestStatus.DONE,
        cast.fenna,
        later,
        "Verbeterd.",
    )
    message = Notification.objects.get(recipient=cast.sanne)
    assert (message.title, message.body, message.url) == (
        "Je verzoek over je gegevens is afgehandeld",
        "Verbeterd.",
        "/mijn-privacy/verzoek/",
    )


def test_a_refusal_needs_a_reason(cast):
    request = submit(cast.sanne)
    with pytest.raises(ApplicationError) as error:
        close_request(
            request=request, by=cast.fenna, status=RequestStatus.REFUSED, outcome="", now=NOW
        )
    assert "outcome" in error.value.extra["fields"]
    close_request(
        request=request,
        by=cast.fenna,
        status=RequestStatus.REFUSED,
        outcome="Deze gegevens kloppen volgens de administratie.",
        now=NOW,
    )
    assert Notification.objects.get(recipient=cast.sanne).title == (
        "Je verzoek over je gegevens is afgewezen"
    )


def test_a_closed_request_cannot_be_closed_again(cast):
    request = submit(cast.sanne)
    close_request(request=request, by=cast.fenna, status=RequestStatus.DONE, outcome="", now=NOW)
    with pytest.raises(Conflict):
        close_request(
            request=request, by=cast.fenna, status=RequestStatus.REFUSED, outcome="x", now=NOW
        )


def test_an_unknown_status_is_refused(cast):
    request = submit(cast.sanne)
    with pytest.raises(ApplicationError):
        close_request(
            request=request, by=cast.fenna, status=RequestStatus.SUBMITTED, outcome="", now=NOW
        )


def _request(
    cast, subject, school, *, kind=RequestKind.ACCESS, due_on, status=RequestStatus.SUBMITTED
):
    closed = status != RequestStatus.SUBMITTED
    return DataRequest.objects.create(
        school=school,
        subject=subject,
        kind=kind,
        submitted_by=subject,
        submitted_at=NOW,
        due_on=due_on,
        status=status,
        handled_at=NOW if closed else None,
    )


def test_the_officer_sees_their_schools_requests_overdue_first(cast):
    today = NOW.date()
    later = _request(cast, cast.sanne, cast.vista, due_on=today + dt.timedelta(days=20))
    overdue = _request(cast, cast.sanne, cast.vista, due_on=today - dt.timedelta(days=2))
    soon = _request(cast, cast.sanne, cast.vista, due_on=today + dt.timedelta(days=3))
    closed = _request(
        cast, cast.sanne, cast.vista, due_on=today - dt.timedelta(days=9), status=RequestStatus.DONE
    )
    _request(cast, cast.ahmed, cast.gilde, due_on=today - dt.timedelta(days=5))

    assert list(requests_for_officer(cast.fenna, now=NOW)) == [overdue, soon, later, closed]
    assert list(requests_for_officer(cast.fenna, "overdue", now=NOW)) == [overdue]
    assert list(requests_for_officer(cast.fenna, "open", now=NOW)) == [overdue, soon, later]
    assert list(requests_for_officer(cast.fenna, "closed", now=NOW)) == [closed]
    # Not an officer: nothing, not even as coordinator of the same school.
    assert list(requests_for_officer(cast.bos, now=NOW)) == []


def test_an_officer_of_another_school_gets_404(cast):
    gilde_officer = member(UserFactory(), cast.gilde, Role.PRIVACY_OFFICER)
    request = _request(cast, cast.sanne, cast.vista, due_on=NOW.date())

    assert request_for_officer(cast.fenna, request.pk) == request
    with pytest.raises(Http404):
        request_for_officer(gilde_officer, request.pk)


def test_the_student_sees_only_their_own_requests(cast):
    mine = submit(cast.sanne)
    submit(cast.ahmed)
    assert list(requests_for_subject(cast.sanne)) == [mine]
