import datetime as dt

import pytest

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.offers.models import Offer, OfferKind, OfferStatus
from backend.offers.services import offer_create, offer_update
from backend.organisations.models import Location
from tests.factories import UserFactory

S = OfferStatus


def _create(cast, **fields):
    fields.setdefault("kind", OfferKind.CHALLENGE)
    fields.setdefault("title", "Nieuwe website voor de bakkerij")
    fields.setdefault("description", "Ontwerp en bouw een site met bestelmodule.")
    return offer_create(actor=cast.jan, owner=cast.bakkerij, **fields)


def test_a_company_contact_creates_a_draft_with_all_common_fields(cast):
    location = Location.objects.create(
        organisation=cast.bakkerij, name="Winkel", postcode="6211 AB", city="Maastricht"
    )
    offer = _create(
        cast,
        expectations="Twee keer per week contact.",
        deliverables="Een werkende site.",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 5, 31),
        location_kind="company",
        location=location,
        language="nl",
        min_students=2,
        max_students=4,
        team_size=2,
        niveau_min=2,
        niveau_max=4,
        programmes=[cast.ict_niveau2, cast.ict_niveau4.pk],
        required_certificates=["VCA"],
        schools=[cast.vista, cast.gilde],
        consortium=cast.consortium,
    )

    offer = Offer.objects.get(pk=offer.pk)
    assert (offer.status, offer.owner, offer.contact) == (S.DRAFT, cast.bakkerij, cast.jan)
    assert (offer.min_students, offer.max_students, offer.team_size) == (2, 4, 2)
    assert set(offer.programmes.all()) == {cast.ict_niveau2, cast.ict_niveau4}
    assert set(offer.schools.all()) == {cast.vista, cast.gilde}
    assert offer.location == location
    assert offer.required_certificates == ["VCA"]


def test_an_internship_keeps_only_a_reference_to_the_statutory_pok(cast):
    offer = _create(cast, kind=OfferKind.INTERNSHIP, pok_reference="BPV-2026/0042")
    assert offer.pok_reference == "BPV-2026/0042"
    with pytest.raises(ApplicationError) as refused:
        _create(cast, kind=OfferKind.CHALLENGE, pok_reference="BPV-1")
    assert list(refused.value.extra["fields"]) == ["pok_reference"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"min_students": 5, "max_students": 3},
            "max_students",
            "Het maximum (3) is lager dan het minimum (5) aantal studenten.",
        ),
        (
            {"starts_on": dt.date(2026, 5, 1), "ends_on": dt.date(2026, 4, 1)},
            "ends_on",
            "De einddatum (2026-04-01) ligt vóór de startdatum (2026-05-01).",
        ),
        ({"niveau_min": 0}, "niveau_min", "Een mbo-niveau ligt tussen 1 en 4."),
        ({"niveau_max": 5}, "niveau_max", "Een mbo-niveau ligt tussen 1 en 4."),
        (
            {"niveau_min": 4, "niveau_max": 2},
            "niveau_max",
            "‘Tot en met niveau’ (2) is lager dan ‘vanaf niveau’ (4).",
        ),
        (
            {"required_certificates": ["rijbewijs"]},
            "required_certificates",
            "Onbekend certificaat ‘rijbewijs’; kies uit VOG, BHV, VCA.",
        ),
        ({"programmes": [999999]}, "programmes", "Onbekende opleiding (id 999999)."),
        ({"title": "  "}, "title", "Geef het aanbod een titel."),
        ({"kind": "party"}, "kind", "Onbekende soort aanbod: party."),
        (
            {"max_students": 4, "team_size": 6},
            "team_size",
            "Een team telt 1 tot en met 4 studenten (het maximum).",
        ),
    ],
)
def test_it_names_the_field_at_fault(cast, fields, field, message):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, **fields)
    assert refused.value.extra["fields"] == {field: [message]}
    assert refused.value.message == message
    assert not Offer.objects.exists()


def test_schools_must_be_schools(cast):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, schools=[cast.vista, cast.pixel])
    assert refused.value.extra["fields"] == {"schools": ["Pixelfabriek is geen school."]}


def test_it_reports_every_field_at_fault_at_once(cast):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, title="", niveau_min=7, min_students=3, max_students=2)
    assert set(refused.value.extra["fields"]) == {"title", "niveau_min", "max_students"}


def test_the_contact_person_must_be_a_contact_of_the_company(cast):
    with pytest.raises(ApplicationError) as refused:
        _create(cast, contact=cast.eva)
    assert list(refused.value.extra["fields"]) == ["contact"]


@pytest.mark.parametrize("who", ["eva", "devries", "sanne", "bos"])
def test_only_the_company_creates_its_offers(cast, who):
    with pytest.raises(PermissionDenied):
        offer_create(
            actor=getattr(cast, who),
            owner=cast.bakkerij,
            kind="challenge",
            title="X",
            description="Y",
        )
    assert not Offer.objects.exists()


def test_staff_may_create_for_a_company_naming_its_contact(cast):
    admin = UserFactory(is_staff=True)
    offer = offer_create(
        actor=admin,
        owner=cast.bakkerij,
        contact=cast.jan,
        kind="workshop",
        title="X",
        description="Y",
    )
    assert offer.contact == cast.jan


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_the_company_edits_its_offer_before_review(cast, make_offer, status):
    offer = make_offer(status)
    offer_update(actor=cast.jan, offer=offer, title="Nieuwe titel", schools=[cast.gilde])
    offer.refresh_from_db()
    assert offer.title == "Nieuwe titel"
    assert list(offer.schools.all()) == [cast.gilde]


@pytest.mark.parametrize("status", [S.PUBLISHED, S.RUNNING])
def test_editing_a_published_offer_is_refused_with_the_reason(cast, make_offer, status):
    offer = make_offer(status, title="Oud")
    with pytest.raises(Conflict) as refused:
        offer_update(actor=cast.jan, offer=offer, title="Nieuw")
    assert "studenten hebben het al gezien" in refused.value.message
    offer.refresh_from_db()
    assert offer.title == "Oud"


@pytest.mark.parametrize(
    "status", [S.SUBMITTED, S.IN_REVIEW, S.REJECTED, S.COMPLETED, S.ARCHIVED, S.WITHDRAWN]
)
def test_editing_is_refused_outside_draft_and_changes_requested(cast, make_offer, status):
    offer = make_offer(status, title="Oud")
    with pytest.raises(Conflict):
        offer_update(actor=cast.jan, offer=offer, title="Nieuw")
    offer.refresh_from_db()
    assert offer.title == "Oud"


@pytest.mark.parametrize("who", ["eva", "devries", "bos", "sanne"])
def test_only_the_owner_company_edits(cast, make_offer, who):
    offer = make_offer(S.DRAFT, title="Oud")
    with pytest.raises(PermissionDenied):
        offer_update(actor=getattr(cast, who), offer=offer, title="Nieuw")
    offer.refresh_from_db()
    assert offer.title == "Oud"


def test_an_update_is_validated_against_the_stored_values(cast, make_offer):
    offer = make_offer(S.DRAFT, min_students=2, max_students=4)
    with pytest.raises(ApplicationError) as refused:
        offer_update(actor=cast.jan, offer=offer, max_students=1)
    assert list(refused.value.extra["fields"]) == ["max_students"]


def test_status_cannot_be_edited_directly(cast, make_offer):
    offer = make_offer(S.DRAFT)
    with pytest.raises(ApplicationError) as refused:
        offer_update(actor=cast.jan, offer=offer, status=S.PUBLISHED)
    assert list(refused.value.extra["fields"]) == ["status"]
    offer.refresh_from_db()
    assert offer.status == S.DRAFT
