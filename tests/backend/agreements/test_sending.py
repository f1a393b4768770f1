"""Nothing goes out for acceptance with "(nog niet ingevuld)" in it, or with a term that is over:
the service refuses (naming the field), the API answers 400 with it, and the preview of a
draft is exactly the text that is sent."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementTemplate,
    Clause,
)
from backend.agreements.selectors.completeness import missing_terms
from backend.core.errors import ApplicationError, Conflict


def _refusal(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value


def test_a_proposal_with_an_empty_term_is_refused_naming_the_field(cast, offer, now):
    offer.ends_on = None
    offer.save()
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=now
    )
    assert "(nog niet ingevuld)" in str(agreement.current_version().clauses)
    error = _refusal(
        lambda: services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)
    )
    assert error.status_code == 400
    assert error.extra["fields"] == {
        "ends_on": ["Vul de einddatum in."],
        "mentoring_hours": ["Vul het aantal begeleidingsuren in."],
    }
    assert error.message == (
        "Deze afspraak kan nog niet ter acceptatie worden verstuurd: Vul de einddatum in. "
        "Vul het aantal begeleidingsuren in."
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.events.filter(kind="proposed").count() == 0


def test_once_filled_in_it_can_be_sent(cast, offer, now):
    offer.ends_on = None
    offer.save()
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=now
    )
    services.agreement_change(
        agreement=agreement,
        actor=cast.bos,
        now=now,
        ends_on=dt.date(2027, 4, 30),
        mentoring_hours=10,
    )
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PROPOSED
    assert "(nog niet ingevuld)" not in str(agreement.current_version().clauses)


def test_a_proposal_whose_term_is_over_is_refused(cast, agreement):
    later = dt.datetime(2027, 5, 1, 9, tzinfo=dt.UTC)
    error = _refusal(
        lambda: services.agreement_propose(agreement=agreement, actor=cast.bos, now=later)
    )
    assert error.extra["fields"] == {
        "ends_on": ["De looptijd is al voorbij (eindigde op 15 april 2027)."]
    }


def test_the_api_answers_400_with_the_field(cast, client_for, agreement):
    later_end = {"ends_on": None}
    Agreement.objects.filter(pk=agreement.pk).update(**later_end)
    services.agreement_change(
        agreement=agreement, actor=cast.bos, now=dt.datetime.now(dt.UTC), note="x", title="Nieuw"
    )
    response = client_for(cast.bos).post(reverse("api:agreement-propose", args=[agreement.pk]))
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"ends_on": ["Vul de einddatum in."]}


def test_the_preview_is_exactly_the_text_that_is_created(cast, offer, now):
    draft = dataclasses.replace(
        services.offer_agreement_draft(offer=offer, school=cast.vista, actor=cast.bos, now=now),
        mentoring_hours=12,
        place="Bakkerstraat 1, Amersfoort",
    )
    clauses = services.offer_agreement_preview(
        offer=offer, school=cast.vista, actor=cast.bos, draft=draft, now=now
    )
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=now, draft=draft
    )
    assert agreement.current_version().clauses == clauses
    assert "Bakkerstraat 1, Amersfoort" in clauses[3]["text_nl"]
    assert "12 uur" in clauses[2]["text_nl"]


def test_the_preview_refuses_what_could_not_be_sent(cast, offer, now):
    draft = services.offer_agreement_draft(offer=offer, school=cast.vista, actor=cast.bos, now=now)
    assert draft.mentoring_hours is None  # the offer states none: no default that contradicts it
    error = _refusal(
        lambda: services.offer_agreement_preview(
            offer=offer, school=cast.vista, actor=cast.bos, draft=draft, now=now
        )
    )
    assert error.extra["fields"] == {"mentoring_hours": ["Vul het aantal begeleidingsuren in."]}


def test_a_commitment_for_someone_outside_the_party_is_refused(cast, offer, now):
    draft = services.offer_agreement_draft(offer=offer, school=cast.vista, actor=cast.bos, now=now)
    plans = list(draft.commitments)
    plans[1] = dataclasses.replace(plans[1], owner=cast.eva)  # Pixelfabriek, not the bakery
    draft = dataclasses.replace(draft, mentoring_hours=4, commitments=tuple(plans))
    error = _refusal(
        lambda: services.agreement_create_from_offer(
            offer=offer, school=cast.vista, actor=cast.bos, now=now, draft=draft
        )
    )
    assert list(error.extra["fields"]) == ["commitments[1].owner"]
    assert Agreement.objects.count() == 0


def test_what_the_company_provides_is_not_its_problem_statement(cast, agreement, offer):
    assert offer.description not in agreement.provides
    assert agreement.provides == (
        "een praktijkopdracht: “Nieuwe bestelwebsite” en een vaste contactpersoon (Jan Jansen) "
        "die de studenten begeleidt."
    )


# ---- Consortium ------------------------------------------------------------------------------


def test_the_consortium_agreement_asks_no_one_to_accept_an_empty_term(cast, now):
    agreement = services.consortium_agreement_create(
        consortium=cast.consortium,
        actor=cast.bos,
        now=now,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2030, 12, 31),
    )
    version = agreement.current_version()
    text = " ".join(c["text_nl"] + c["text_en"] for c in version.clauses)
    assert "(nog niet ingevuld)" not in text
    assert "(not filled in yet)" not in text
    assert "{" not in text
    assert agreement.template.version == 2
    assert missing_terms(agreement.template, version.terms) == []
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)


def test_a_consortium_agreement_whose_term_ended_cannot_be_sent(cast, now):
    agreement = services.consortium_agreement_create(
        consortium=cast.consortium,
        actor=cast.bos,
        now=now,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    error = _refusal(
        lambda: services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)
    )
    assert error.extra["fields"] == {
        "ends_on": ["De looptijd is al voorbij (eindigde op 31 december 2026)."]
    }


def test_an_old_proposal_with_a_placeholder_cannot_be_accepted(cast, now):
    """Made under the first consortium template ({company} empty for partners) and proposed
    before the rule existed: nobody accepts that text."""
    agreement = services.consortium_agreement_create(
        consortium=cast.consortium,
        actor=cast.bos,
        now=now,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2030, 12, 31),
    )
    old = AgreementTemplate.objects.get(kind="consortium", version=1)
    Agreement.objects.filter(pk=agreement.pk).update(template=old, status=AgreementStatus.PROPOSED)
    agreement.refresh_from_db()
    version = agreement.current_version()
    from backend.agreements.services.rendering import render_clauses

    version.clauses = render_clauses(old, version.terms)
    version.save()
    assert "(nog niet ingevuld)" in str(version.clauses)
    with pytest.raises(Conflict, match="nog niet compleet"):
        services.agreement_accept(agreement=agreement, actor=cast.bos, now=now)
    assert Clause.objects.filter(key="ip-confidentiality").exists()  # v1 keeps its clauses


def test_a_rotation_needs_its_deliverables(cast, now):
    from backend.accounts.models import Role
    from backend.organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory, UserFactory, member

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
    rotation = services.Rotation(
        company=cast.bakkerij,
        students=[cast.sanne],
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2027, 5, 31),
    )
    error = _refusal(
        lambda: services.umbrella_generate_children(
            umbrella=umbrella, rotations=[rotation], actor=cast.bos, now=now
        )
    )
    assert list(error.extra["fields"]) == ["rotations[0].deliverables"]
