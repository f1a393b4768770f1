import datetime as dt

from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import CommitmentStatus
from backend.engagement.selectors.reliability import (
    reliability_for_organisation,
    reliability_for_person,
)


def _done(commitment, actor, at):
    services.commitment_set_status(
        commitment=commitment, actor=actor, status=CommitmentStatus.DONE, note="klaar", now=at
    )


def test_nothing_is_due_before_the_first_due_date(cast, accepted, now):
    result = reliability_for_organisation(cast.bakkerij, now=now)
    assert (result.kept, result.due, result.share) == (0, 0, None)


def test_it_counts_kept_on_time_against_due(cast, accepted):
    jan_first, jan_second = accepted.commitments.filter(owner=cast.jan).order_by(
        "due_on"
    )  # 15-3 and 22-4
    _done(jan_first, cast.jan, dt.datetime(2027, 3, 14, 12, tzinfo=dt.UTC))
    _done(jan_second, cast.jan, dt.datetime(2027, 4, 25, 12, tzinfo=dt.UTC))  # late
    later = dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
    company = reliability_for_organisation(cast.bakkerij, now=later)
    assert (company.kept, company.due, company.share, company.percentage) == (1, 2, 0.5, 50)
    school = reliability_for_organisation(cast.vista, now=later)
    assert (school.kept, school.due, school.share) == (0, 2, 0.0)
    assert reliability_for_person(cast.jan, now=later).share == 0.5


def test_waived_commitments_do_not_count(cast, accepted, now):
    first = accepted.commitments.filter(owner=cast.bos).order_by("due_on").first()
    services.commitment_set_status(
        commitment=first,
        actor=cast.bos,
        status=CommitmentStatus.WAIVED,
        note="niet meer nodig",
        now=now,
    )
    result = reliability_for_organisation(cast.vista, now=dt.datetime(2027, 3, 20, tzinfo=dt.UTC))
    assert (result.kept, result.due) == (0, 0)


def test_meeting_attendance_is_included_when_engagement_provides_it(cast, accepted, monkeypatch):
    monkeypatch.setattr(
        "backend.engagement.selectors.reliability.meeting_attendance_for_person",
        lambda user, now=None: (3, 4) if user == cast.jan else (0, 0),
    )
    later = dt.datetime(2027, 3, 20, tzinfo=dt.UTC)
    result = reliability_for_person(cast.jan, now=later)
    assert (result.kept, result.due, result.meetings_attended, result.meetings_total) == (
        0,
        1,
        3,
        4,
    )
    assert result.share == 0.6


def test_the_other_side_sees_it_through_the_api(cast, client_for, accepted):
    response = client_for(cast.bos).get(
        reverse("api:reliability-organisation", args=[cast.bakkerij.pk])
    )
    assert response.status_code == 200
    assert response.json()["organisation"] == "Bakkerij Jansen"
    assert (
        client_for(cast.eva)
        .get(reverse("api:reliability-organisation", args=[cast.bakkerij.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.jan)
        .get(reverse("api:reliability-person", args=[cast.bos.pk]))
        .json()["due"]
        == 0
    )
