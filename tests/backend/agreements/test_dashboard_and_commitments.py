import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import CommitmentStatus, CommitmentUpdate
from backend.core.errors import ApplicationError, PermissionDenied
from frontend.dashboard.agreements import items_for as dashboard_items_for


def test_the_company_sees_the_agreement_waiting_for_acceptance(cast, proposed, now):
    items = dashboard_items_for(cast.jan, now=now)
    assert [(i.title, i.area) for i in items] == [
        ("Afspraak wacht op uw acceptatie: Nieuwe bestelwebsite", "agreements")
    ]
    services.agreement_accept(agreement=proposed, actor=cast.jan, now=now)
    assert dashboard_items_for(cast.jan, now=now) == []


def test_the_owner_sees_commitments_due_soon_and_the_coordinator_sees_overdue_ones(
    cast, accepted, now
):
    services.commitment_escalate_overdue(now=dt.datetime(2027, 3, 16, tzinfo=dt.UTC))
    later = dt.datetime(2027, 3, 16, 9, tzinfo=dt.UTC)
    jan_titles = [i.title for i in dashboard_items_for(cast.jan, now=later)]
    assert jan_titles == ["Te laat: Aftrap en briefing voor de studenten geven"]
    bos_items = dashboard_items_for(cast.bos, now=later)
    assert [i.title for i in bos_items] == [
        "Te laat: Studenten voorbereiden en aan het bedrijf voorstellen",
        "Te laat bij Jan Jansen: Aftrap en briefing voor de studenten geven",
    ]
    assert {i.urgency for i in bos_items} == {2}
    assert dashboard_items_for(cast.eva, now=later) == []


def test_a_commitment_needs_one_owner_from_a_party(cast, proposed, now):
    commitment = services.commitment_create(
        agreement=proposed,
        actor=cast.jan,
        owner=cast.jan,
        title="Taartproeverij",
        due_on=dt.date(2027, 3, 20),
        now=now,
    )
    assert commitment.organisation == cast.bakkerij
    with pytest.raises(ApplicationError) as error:
        services.commitment_create(
            agreement=proposed,
            actor=cast.jan,
            owner=cast.eva,
            title="x",
            due_on=dt.date(2027, 3, 20),
            now=now,
        )
    assert list(error.value.extra["fields"]) == ["owner"]
    with pytest.raises(ApplicationError):
        services.commitment_create(
            agreement=proposed,
            actor=cast.bos,
            owner=cast.sanne,
            title="x",
            due_on=dt.date(2027, 3, 20),
            now=now,
        )


def test_status_changes_need_a_note_and_the_right_person(cast, accepted, now):
    commitment = accepted.commitments.filter(owner=cast.jan).first()
    with pytest.raises(ApplicationError) as error:
        services.commitment_set_status(
            commitment=commitment, actor=cast.jan, status="done", note="", now=now
        )
    assert error.value.extra == {"fields": {"note": ["Schrijf kort op wat er is gebeurd."]}}
    with pytest.raises(PermissionDenied):
        services.commitment_set_status(
            commitment=commitment, actor=cast.jan, status="waived", note="geen zin", now=now
        )
    with pytest.raises(PermissionDenied):
        services.commitment_set_status(
            commitment=commitment, actor=cast.devries, status="done", note="klaar", now=now
        )
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    services.commitment_set_status(
        commitment=commitment,
        actor=cast.jan,
        status="done",
        note="Briefing gegeven op locatie",
        now=now,
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.done_at) == (CommitmentStatus.DONE, now)
    update = CommitmentUpdate.objects.filter(commitment=commitment).last()
    assert (update.from_status, update.to_status, update.note, update.actor) == (
        "open",
        "done",
        "Briefing gegeven op locatie",
        cast.jan,
    )
    assert (
        accepted.events.filter(kind="commitment_updated").last().payload["note"]
        == "Briefing gegeven op locatie"
    )


@pytest.mark.parametrize("status", ["waived", "broken"])
def test_the_coordinator_waives_or_marks_broken(cast, accepted, now, status):
    commitment = accepted.commitments.filter(owner=cast.jan).first()
    services.commitment_set_status(
        commitment=commitment, actor=cast.bos, status=status, note="besproken", now=now
    )
    commitment.refresh_from_db()
    assert commitment.status == status


@time_machine.travel(dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC), tick=False)
def test_commitments_through_the_api(cast, client_for, accepted):
    commitment = accepted.commitments.filter(owner=cast.jan).first()
    response = client_for(cast.jan).post(
        reverse("api:commitment-status", args=[commitment.pk]), {"status": "done", "note": "klaar"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert (
        client_for(cast.eva)
        .post(
            reverse("api:commitment-status", args=[commitment.pk]), {"status": "done", "note": "x"}
        )
        .status_code
        == 404
    )
    response = client_for(cast.bos).post(
        reverse("api:agreement-commitment-create", args=[accepted.pk]),
        {"title": "Eindpresentatie plannen", "owner": cast.bos.pk, "due_on": "2027-04-10"},
    )
    assert response.status_code == 201
    assert response.json()["owner"]["id"] == cast.bos.pk
    history = (
        client_for(cast.bos).get(reverse("api:commitment-history", args=[commitment.pk])).json()
    )
    assert [h["to_status"] for h in history] == ["open", "done"]
