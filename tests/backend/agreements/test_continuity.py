import datetime as dt

import pytest
from django.urls import reverse

from backend.accounts.models import Role
from backend.agreements import services
from backend.agreements.models import AgreementEvent, AgreementStatus, CommitmentStatus
from backend.core.errors import PermissionDenied
from backend.notifications.models import Notification
from backend.organisations.services import organisation_succeed
from tests.factories import CompanyFactory, UserFactory, member


@pytest.fixture
def kim(cast):
    return member(
        UserFactory(first_name="Kim", last_name="Dekker", email="kim@vista.test"),
        cast.vista,
        Role.COORDINATOR,
    )


def test_a_leaving_coordinator_hands_over_commitments_contacts_and_offers(
    cast, accepted, offer, kim, now
):
    cast.bos.left_at = now
    cast.bos.save()
    counts = services.person_handover(leaving_user=cast.bos, new_owner=kim, actor=kim, now=now)
    assert counts == {"commitments": 2, "contacts": 1, "offers": 0, "agreements": 1}
    assert set(
        accepted.commitments.filter(organisation=cast.vista).values_list("owner", flat=True)
    ) == {kim.pk}
    assert accepted.parties.get(role="school").contact == kim
    commitment = accepted.commitments.filter(owner=kim).first()
    update = commitment.updates.last()
    assert (update.from_owner, update.to_owner, update.actor) == (cast.bos, kim, kim)
    assert update.note == f"Overgedragen van {cast.bos} aan {kim}."
    handover = AgreementEvent.objects.get(agreement=accepted, kind="handed_over")
    assert handover.payload["from"] == cast.bos.pk
    assert handover.payload["to"] == kim.pk
    notes = Notification.objects.filter(recipient=kim)
    assert [n.title for n in notes] == [f"Je hebt het werk van {cast.bos} overgenomen"]
    # Bos signed version 1 for Vista: Vista must re-confirm.
    school = accepted.parties.get(role="school")
    assert school.needs_reconfirmation is True
    services.agreement_accept(agreement=accepted, actor=kim, now=now)
    school.refresh_from_db()
    assert school.needs_reconfirmation is False
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.ACCEPTED
    assert services.verify_chain() == []


def test_a_company_contact_leaving_hands_over_their_offers(cast, offer, agreement, now):
    colleague = member(
        UserFactory(first_name="Piet", email="piet@bakkerij.test"),
        cast.bakkerij,
        Role.COMPANY_CONTACT,
    )
    counts = services.person_handover(
        leaving_user=cast.jan, new_owner=colleague, actor=colleague, now=now
    )
    offer.refresh_from_db()
    assert offer.contact == colleague
    assert counts["offers"] == 1
    assert counts["commitments"] == 2


def test_handover_is_refused_to_someone_from_elsewhere(cast, agreement, now):
    from backend.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        services.person_handover(leaving_user=cast.bos, new_owner=cast.eva, actor=cast.bos, now=now)
    assert "new_owner" in error.value.extra["fields"]
    assert agreement.commitments.filter(owner=cast.bos).count() == 2


def test_handover_is_refused_to_an_outsider_actor(cast, agreement, kim, now):
    with pytest.raises(PermissionDenied):
        services.person_handover(leaving_user=cast.bos, new_owner=kim, actor=cast.devries, now=now)
    assert agreement.commitments.filter(owner=cast.bos).count() == 2


def test_a_takeover_moves_agreements_and_asks_for_reconfirmation_when_the_signatory_left(
    cast, accepted, now
):
    successor = CompanyFactory(name="Broodfabriek Limburg", kvk="11223344")
    lisa = member(
        UserFactory(first_name="Lisa", email="lisa@brood.test"), successor, Role.COMPANY_CONTACT
    )
    admin = UserFactory(email="staff@koppel.test", is_staff=True)
    organisation_succeed(
        organisation=cast.bakkerij, successor=successor, on=dt.date(2027, 3, 1), actor=admin
    )
    cast.jan.left_at = now
    cast.jan.save()
    moved = services.agreements_move_to_successor(organisation=cast.bakkerij, actor=lisa, now=now)
    assert moved == [accepted]
    party = accepted.parties.get(role="company")
    assert (party.organisation, party.previous_organisation, party.contact) == (
        successor,
        cast.bakkerij,
        lisa,
    )
    assert party.needs_reconfirmation is True
    assert "Jan Jansen" in party.reconfirmation_reason
    assert set(
        accepted.commitments.filter(status=CommitmentStatus.OPEN, owner=cast.jan).values_list(
            "organisation", flat=True
        )
    ) == {successor.pk}
    assert AgreementEvent.objects.filter(agreement=accepted, kind="moved").get().payload == {
        "from": cast.bakkerij.pk,
        "to": successor.pk,
        "contact": lisa.pk,
    }
    assert Notification.objects.filter(
        recipient=lisa, dedupe_key=f"agreement-{accepted.pk}-reconfirm-{successor.pk}"
    ).exists()
    # The old company's contact no longer acts for the agreement; the successor's contact re-accepts.
    services.agreement_accept(agreement=accepted, actor=lisa, now=now)
    party.refresh_from_db()
    assert party.needs_reconfirmation is False
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.ACCEPTED


def test_a_takeover_without_departures_moves_without_reconfirmation(cast, accepted, now):
    successor = CompanyFactory(name="Broodfabriek", kvk="11223355")
    member(cast.jan, successor, Role.COMPANY_CONTACT)
    organisation_succeed(
        organisation=cast.bakkerij, successor=successor, on=dt.date(2027, 3, 1), actor=cast.jan
    )
    services.agreements_move_to_successor(organisation=cast.bakkerij, actor=cast.jan, now=now)
    party = accepted.parties.get(role="company")
    assert party.organisation == successor
    assert party.needs_reconfirmation is False


def test_a_takeover_needs_a_recorded_successor_and_the_right_person(cast, accepted, now):
    from backend.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="niet overgenomen"):
        services.agreements_move_to_successor(organisation=cast.bakkerij, actor=cast.jan, now=now)
    successor = CompanyFactory(name="Elders", kvk="99887766")
    admin = UserFactory(email="staff2@koppel.test", is_staff=True)
    organisation_succeed(
        organisation=cast.bakkerij, successor=successor, on=dt.date(2027, 3, 1), actor=admin
    )
    with pytest.raises(PermissionDenied):
        services.agreements_move_to_successor(organisation=cast.bakkerij, actor=cast.eva, now=now)
    assert accepted.parties.get(role="company").organisation == cast.bakkerij


def test_handover_and_takeover_through_the_api(cast, client_for, accepted, kim):
    response = client_for(kim).post(
        reverse("api:agreement-handover"), {"leaving_user": cast.bos.pk, "new_owner": kim.pk}
    )
    assert response.status_code == 200
    assert response.json()["commitments"] == 2
    response = client_for(cast.eva).post(
        reverse("api:agreement-takeover"), {"organisation": cast.bakkerij.pk}
    )
    assert response.status_code == 400  # not taken over
