"""A refusal never names a person the client picked by id from another organisation (issue 10,
finding 6 follow-up): owners, participants and rotation students are named by the id sent, and a
handover by an outsider is refused before either person is named."""

import datetime as dt

import pytest

from backend.accounts.models import Role
from backend.agreements import services
from backend.agreements.models import Agreement, Commitment
from backend.core.errors import ApplicationError, PermissionDenied
from backend.organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, member


def _refusal(call) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        call()
    return error.value


def _text(error: ApplicationError) -> str:
    return f"{error.message} {error.extra}"


def test_a_commitment_owner_from_elsewhere_is_named_by_id_only(cast, proposed, now):
    before = Commitment.objects.count()
    error = _refusal(
        lambda: services.commitment_create(
            agreement=proposed,
            actor=cast.bos,
            owner=cast.ahmed,
            title="Meekijken",
            due_on=dt.date(2027, 3, 20),
            now=now,
        )
    )
    assert error.extra == {
        "fields": {
            "owner": [
                f"Persoon {cast.ahmed.pk} werkt niet (meer) bij een van de partijen van deze "
                "afspraak."
            ]
        }
    }
    assert Commitment.objects.count() == before


def test_a_participant_from_another_school_is_named_by_id_only(cast, agreement, now):
    error = _refusal(
        lambda: services.agreement_set_participants(
            agreement=agreement, students=[cast.ahmed], actor=cast.bos, now=now
        )
    )
    assert error.extra == {
        "fields": {
            "students": [
                f"Persoon {cast.ahmed.pk} is geen student van een school bij deze afspraak."
            ]
        }
    }
    assert "Ahmed" not in _text(error)
    assert not agreement.participants.exists()


def test_a_rotation_student_from_another_school_is_named_by_id_only(cast, now):
    collective = OrganisationFactory(name="OV Nijkerk", kind=OrganisationKind.COLLECTIVE)
    chair = member(UserFactory(first_name="Henk"), collective, Role.COMPANY_CONTACT)
    services.collective_member_add(
        collective=collective, company=cast.bakkerij, joined_on=dt.date(2026, 1, 1), actor=chair
    )
    umbrella = services.umbrella_create(
        school=cast.vista,
        collective=collective,
        actor=cast.bos,
        now=now,
        title="Rouleren",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 12, 31),
        mentoring_hours=4,
        provides="een werkplek",
    )
    services.agreement_propose(agreement=umbrella, actor=cast.bos, now=now)
    services.agreement_accept(agreement=umbrella, actor=chair, now=now)
    services.agreement_accept(agreement=umbrella, actor=cast.bos, now=now)
    before = Agreement.objects.count()
    rotation = services.Rotation(
        company=cast.bakkerij,
        students=[cast.ahmed],
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2027, 5, 31),
        deliverables="een schap met eigen baksels",
    )
    error = _refusal(
        lambda: services.umbrella_generate_children(
            umbrella=umbrella, rotations=[rotation], actor=cast.bos, now=now
        )
    )
    assert error.extra == {
        "fields": {
            "rotations[0].students": [f"Persoon {cast.ahmed.pk} is geen student van Vista college."]
        }
    }
    assert Agreement.objects.count() == before


def test_a_handover_by_an_outsider_is_refused_without_naming_anyone(cast, agreement, now):
    # Peters coordinates Gilde; Bos (Vista) and Eva (Pixelfabriek) are strangers to him.
    error = _refusal(
        lambda: services.person_handover(
            leaving_user=cast.bos, new_owner=cast.eva, actor=cast.peters, now=now
        )
    )
    assert isinstance(error, PermissionDenied)
    assert error.message == (
        "Alleen een coördinator of contactpersoon van dezelfde organisatie kan werk overdragen."
    )
    assert agreement.commitments.filter(owner=cast.bos).count() == 2


def test_a_handover_to_someone_from_elsewhere_names_neither_person(cast, agreement, now):
    error = _refusal(
        lambda: services.person_handover(
            leaving_user=cast.bos, new_owner=cast.eva, actor=cast.bos, now=now
        )
    )
    assert error.extra == {
        "fields": {
            "new_owner": [
                "De nieuwe eigenaar werkt niet bij dezelfde organisatie als de vertrekkende "
                "persoon."
            ]
        }
    }
    assert agreement.commitments.filter(owner=cast.bos).count() == 2


def test_an_outsider_adding_to_a_collective_learns_no_organisation_name(cast):
    # Sanne names Pixelfabriek as 'collective': she is refused before anything is named.
    with pytest.raises(PermissionDenied) as error:
        services.collective_member_add(
            collective=cast.pixel,
            company=cast.bakkerij,
            joined_on=dt.date(2027, 1, 1),
            actor=cast.sanne,
        )
    assert (
        error.value.message == "Alleen een contactpersoon van het collectief kan leden toevoegen."
    )


def test_a_company_keeping_the_ledger_learns_no_other_companys_name(cast):
    from backend.agreements.models import Pledge

    error = _refusal(
        lambda: services.pledge_create(
            consortium=cast.consortium,
            partner=cast.pixel,
            funder=cast.bakkerij,
            kind="cash",
            amount="10",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 2, 1),
            actor=cast.eva,
        )
    )
    assert error.extra == {
        "fields": {"funder": [f"Organisatie {cast.bakkerij.pk} is geen financier."]}
    }
    assert Pledge.objects.count() == 0
