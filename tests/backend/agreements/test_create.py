import datetime as dt

import pytest

from backend.agreements import services
from backend.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
)
from backend.core.errors import ApplicationError, Conflict, PermissionDenied


def test_it_fills_an_agreement_from_an_offer_in_one_step(cast, agreement, offer):
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.kind == "engagement"
    assert agreement.starts_on == dt.date(2027, 3, 15)
    assert agreement.ends_on == dt.date(2027, 4, 15)
    assert agreement.mentoring_hours == 8
    assert agreement.deliverables == "een werkend prototype en een presentatie"
    parties = {p.role: (p.organisation, p.contact) for p in agreement.parties.all()}
    assert parties == {"school": (cast.vista, cast.bos), "company": (cast.bakkerij, cast.jan)}
    version = agreement.versions.get()
    assert version.number == 1
    assert len(version.content_hash) == 64
    categories = [c["category"] for c in version.clauses]
    assert categories == [
        "parties",
        "provides",
        "mentoring",
        "dates_place",
        "deliverables",
        "ip_confidentiality",
        "insurance_safety",
        "absence_cancellation",
        "data_protection",
    ]
    first = version.clauses_in("nl")[0]
    assert first["text"] == (
        'Deze afspraak is gemaakt tussen Vista college en Bakkerij Jansen over "Nieuwe bestelwebsite". '
        "Ze loopt van 15 maart 2027 tot en met 15 april 2027."
    )
    english = version.clauses_in("en")
    assert english[0]["title"] == "Parties and duration"
    assert "15 March 2027" in english[0]["text"]
    assert "8 hours" in english[2]["text"]
    assert english[3]["text"].endswith("at this place: at the company.")
    assert version.clauses_in("nl")[3]["text"].endswith("op deze plek: bij het bedrijf.")
    assert "{" not in "".join(c["text"] for c in english)


def test_it_adds_default_commitments_each_with_one_owner(cast, agreement):
    commitments = list(agreement.commitments.order_by("due_on", "pk"))
    assert [(c.owner, c.organisation, c.due_on) for c in commitments] == [
        (cast.bos, cast.vista, dt.date(2027, 3, 8)),
        (cast.jan, cast.bakkerij, dt.date(2027, 3, 15)),
        (cast.jan, cast.bakkerij, dt.date(2027, 4, 22)),
        (cast.bos, cast.vista, dt.date(2027, 4, 29)),
    ]
    assert {c.status for c in commitments} == {CommitmentStatus.OPEN}
    assert all(c.updates.count() == 1 for c in commitments)


def test_it_logs_the_creation(agreement):
    kinds = list(AgreementEvent.objects.filter(agreement=agreement).values_list("kind", flat=True))
    assert kinds == ["created"] + ["commitment_added"] * 4
    assert services.verify_chain(agreement_id=agreement.pk) == []


def test_the_company_contact_may_create_it_too(cast, offer, now):
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.jan, now=now
    )
    assert agreement.parties.get(role="school").contact is None


@pytest.mark.parametrize("who", ["devries", "sanne"])
def test_others_who_see_the_offer_may_not_create_it(cast, offer, now, who):
    with pytest.raises(PermissionDenied):
        services.agreement_create_from_offer(
            offer=offer, school=cast.vista, actor=getattr(cast, who), now=now
        )
    assert Agreement.objects.count() == 0
    assert Commitment.objects.count() == 0


@pytest.mark.parametrize("who", ["eva", "peters"])
def test_outsiders_are_refused_as_if_the_offer_did_not_exist(cast, offer, now, who):
    # Eva (another company) and Peters (Gilde, the offer went to Vista only) never saw it.
    with pytest.raises(ApplicationError) as error:
        services.agreement_create_from_offer(
            offer=offer, school=cast.vista, actor=getattr(cast, who), now=now
        )
    message = f"Aanbod {offer.pk} bestaat niet of u kunt er geen afspraak over maken."
    assert (error.value.message, error.value.extra) == (message, {"fields": {"offer": [message]}})
    assert Agreement.objects.count() == 0
    assert Commitment.objects.count() == 0


def test_it_refuses_a_second_open_agreement_for_the_same_offer_and_school(
    cast, agreement, offer, now
):
    with pytest.raises(Conflict):
        services.agreement_create_from_offer(
            offer=offer, school=cast.vista, actor=cast.bos, now=now
        )
    assert Agreement.objects.count() == 1


def test_an_internship_links_to_its_pok_by_reference_only(cast, offer, now):
    offer.kind = "internship"
    offer.pok_reference = "POK-2027-0042"
    offer.save()
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=now
    )
    assert agreement.provides == (
        "een stageplaats: “Nieuwe bestelwebsite” en een vaste contactpersoon (Jan Jansen) die de "
        "studenten begeleidt. De stage zelf loopt via praktijkovereenkomst POK-2027-0042."
    )
    # The offer states no hours: no default that could contradict it.
    assert agreement.mentoring_hours == 0
