"""GET/POST /api/agreements/collectives/<pk>/members/: a collective's member companies are for
Koppel staff, school staff, the collective's own people and its current members' contacts.
Everyone else gets the answer a missing collective gets."""

import datetime as dt

import pytest
from django.urls import reverse

from backend.accounts.models import Role
from backend.agreements.models import CollectiveMember, Pledge, Realisation
from backend.organisations.models import OrganisationKind
from tests.factories import (
    CompanyFactory,
    OrganisationFactory,
    SchoolFactory,
    UserFactory,
    member,
)

MISSING = 999_999


@pytest.fixture
def parkstad(cast):
    """Ondernemend Parkstad (chair Henk) with Bakkerij Jansen as member and Smederij Vos, whose
    contact Vera still works there, as a former member."""
    collective = OrganisationFactory(name="Ondernemend Parkstad", kind=OrganisationKind.COLLECTIVE)
    henk = member(UserFactory(first_name="Henk"), collective, Role.COMPANY_CONTACT)
    CollectiveMember.objects.create(
        collective=collective, company=cast.bakkerij, joined_on=dt.date(2026, 1, 1)
    )
    smederij = CompanyFactory(name="Smederij Vos")
    vera = member(UserFactory(first_name="Vera"), smederij, Role.COMPANY_CONTACT)
    CollectiveMember.objects.create(
        collective=collective,
        company=smederij,
        joined_on=dt.date(2025, 1, 1),
        left_on=dt.date(2026, 6, 30),
    )
    return collective, henk, smederij, vera


def members_url(pk):
    return reverse("api:collective-members", args=[pk])


def test_it_hides_the_members_from_a_student_of_another_school(cast, client_for, parkstad):
    collective, *_ = parkstad
    response = client_for(cast.ahmed).get(members_url(collective.pk))
    assert response.status_code == 404
    assert response.json()["message"] == "Collectief niet gevonden."
    assert "Bakkerij" not in response.content.decode()


@pytest.mark.parametrize("who", ["ahmed", "sanne", "eva", "vera"])
def test_a_refused_reader_gets_exactly_the_answer_for_a_missing_collective(
    cast, client_for, parkstad, who
):
    """Students, a contact of a company outside the collective and a contact of a company that
    left it cannot tell a collective they may not look into from an id that does not exist, or
    from an organisation that is no collective."""
    collective, _henk, _smederij, vera = parkstad
    user = vera if who == "vera" else getattr(cast, who)
    client = client_for(user)
    refused = client.get(members_url(collective.pk))
    missing = client.get(members_url(MISSING))
    no_collective = client.get(members_url(cast.pixel.pk))
    assert refused.status_code == missing.status_code == no_collective.status_code == 404
    assert refused.json() == missing.json() == no_collective.json()


@pytest.mark.parametrize("who", ["bos", "devries", "peters", "jan", "henk", "koppel"])
def test_allowed_readers_see_every_member(cast, client_for, parkstad, who):
    """School staff of any school (they see every company anyway), a current member's contact,
    the collective's own chair and Koppel staff."""
    collective, henk, smederij, _vera = parkstad
    people = {"henk": henk, "koppel": UserFactory(is_staff=True)}
    user = people.get(who) or getattr(cast, who)
    response = client_for(user).get(members_url(collective.pk))
    assert response.status_code == 200
    assert sorted(response.json(), key=lambda m: m["company"]["name"]) == [
        {
            "company": {"id": cast.bakkerij.pk, "name": "Bakkerij Jansen"},
            "joined_on": "2026-01-01",
            "left_on": None,
        },
        {
            "company": {"id": smederij.pk, "name": "Smederij Vos"},
            "joined_on": "2025-01-01",
            "left_on": "2026-06-30",
        },
    ]


def test_the_member_list_takes_the_same_queries_for_more_members(
    cast, client_for, parkstad, django_assert_num_queries
):
    collective, *_ = parkstad
    client = client_for(cast.bos)
    client.get(members_url(collective.pk))  # the user's roles are cached after the first call
    for index in range(3):
        CollectiveMember.objects.create(
            collective=collective,
            company=CompanyFactory(name=f"Bedrijf {index}"),
            joined_on=dt.date(2026, 1, 1),
        )
    # The collective, then its members joined with their companies.
    with django_assert_num_queries(2):
        response = client.get(members_url(collective.pk))
    assert len(response.json()) == 5


def test_a_student_cannot_add_a_member_and_nothing_changes(cast, client_for, parkstad):
    collective, *_ = parkstad
    before = list(CollectiveMember.objects.order_by("pk").values())
    response = client_for(cast.ahmed).post(
        members_url(collective.pk),
        {"company": cast.pixel.pk, "joined_on": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Collectief niet gevonden."
    assert list(CollectiveMember.objects.order_by("pk").values()) == before


def test_the_chair_adds_a_member(cast, client_for, parkstad):
    collective, henk, *_ = parkstad
    response = client_for(henk).post(
        members_url(collective.pk),
        {"company": cast.pixel.pk, "joined_on": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 201
    assert CollectiveMember.objects.filter(collective=collective, company=cast.pixel).exists()


def test_another_consortiums_pledge_answers_like_a_missing_one(cast, client_for):
    """A coordinator of a school outside Digiwise Limburg cannot find out which pledge ids
    exist by recording realisations against them, and records nothing."""
    funder = OrganisationFactory(name="Fonds", kind=OrganisationKind.FUNDER)
    pledge = Pledge.objects.create(
        consortium=cast.consortium,
        partner=cast.vista,
        funder=funder,
        kind="in_kind",
        hours=40,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        created_by=cast.bos,
    )
    olga = member(UserFactory(first_name="Olga"), SchoolFactory(name="Summa"), Role.COORDINATOR)
    client = client_for(olga)
    body = {"on": "2027-02-01", "hours": "8", "evidence": "urenstaat"}
    foreign = client.post(
        reverse("api:pledge-realisation-create", args=[pledge.pk]), body, format="json"
    )
    missing = client.post(
        reverse("api:pledge-realisation-create", args=[MISSING]), body, format="json"
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["message"] == "Toezegging niet gevonden."
    assert not Realisation.objects.exists()


@pytest.mark.parametrize("consortium", ["abc", "", "²", "9" * 30, MISSING])
def test_the_pledge_list_of_a_consortium_that_is_no_number_is_not_found(
    cast, client_for, consortium
):
    response = client_for(cast.bos).get(reverse("api:pledge-list") + f"?consortium={consortium}")
    assert response.status_code == 404
    assert response.json() == {"message": "Consortium niet gevonden.", "extra": {}}
