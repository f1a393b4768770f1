import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from backend.accounts.models import Role
from backend.agreements import services
from backend.agreements.models import Agreement, AgreementStatus, Pledge
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.organisations.models import ConsortiumRole, OrganisationKind
from tests.factories import (
    CompanyFactory,
    OrganisationFactory,
    UserFactory,
    consortium_member,
    member,
)


@pytest.fixture
def collective(cast):
    organisation = OrganisationFactory(
        name="Ondernemersvereniging Nijkerk", kind=OrganisationKind.COLLECTIVE
    )
    chair = member(
        UserFactory(first_name="Henk", email="henk@ov.test"), organisation, Role.COMPANY_CONTACT
    )
    return organisation, chair


def test_an_umbrella_generates_short_agreements_for_member_companies(cast, collective, now):
    organisation, chair = collective
    services.collective_member_add(
        collective=organisation, company=cast.bakkerij, joined_on=dt.date(2026, 1, 1), actor=chair
    )
    umbrella = services.umbrella_create(
        school=cast.vista,
        collective=organisation,
        actor=cast.bos,
        now=now,
        title="Rouleren bij Nijkerkse bedrijven",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 12, 31),
        mentoring_hours=4,
        provides="een werkplek",
    )
    rotation = services.Rotation(
        company=cast.bakkerij,
        students=[cast.sanne],
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2027, 5, 31),
        deliverables="een schap met eigen baksels",
    )
    with pytest.raises(Conflict):
        services.umbrella_generate_children(
            umbrella=umbrella, rotations=[rotation], actor=cast.bos, now=now
        )
    services.agreement_propose(agreement=umbrella, actor=cast.bos, now=now)
    services.agreement_accept(agreement=umbrella, actor=chair, now=now)
    services.agreement_accept(agreement=umbrella, actor=cast.bos, now=now)
    [child] = services.umbrella_generate_children(
        umbrella=umbrella, rotations=[rotation], actor=cast.bos, now=now
    )
    assert (child.kind, child.parent, child.status) == (
        "rotation",
        umbrella,
        AgreementStatus.PROPOSED,
    )
    assert list(child.participants.all()) == [cast.sanne]
    assert {p.organisation for p in child.parties.all()} == {cast.vista, cast.bakkerij}
    text = child.current_version().clauses[0]["text_nl"]
    assert text == (
        'Onder de raamafspraak "Rouleren bij Nijkerkse bedrijven" leert Sanne van 1 april 2027 tot en met '
        "31 mei 2027 bij Bakkerij Jansen. De voorwaarden van de raamafspraak gelden."
    )
    assert umbrella.events.filter(kind="child_generated").count() == 1
    services.agreement_accept(agreement=child, actor=cast.jan, now=now)


def test_only_members_of_the_collective_get_a_child_agreement(cast, collective, now):
    organisation, chair = collective
    umbrella = services.umbrella_create(
        school=cast.vista,
        collective=organisation,
        actor=cast.bos,
        now=now,
        title="Raam",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 12, 31),
        mentoring_hours=4,
        provides="een werkplek",
    )
    services.agreement_propose(agreement=umbrella, actor=cast.bos, now=now)
    services.agreement_accept(agreement=umbrella, actor=chair, now=now)
    services.agreement_accept(agreement=umbrella, actor=cast.bos, now=now)
    rotation = services.Rotation(
        company=cast.pixel,
        students=[cast.sanne],
        starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2027, 5, 1),
        deliverables="een schap met eigen baksels",
    )
    with pytest.raises(ApplicationError, match="geen lid"):
        services.umbrella_generate_children(
            umbrella=umbrella, rotations=[rotation], actor=cast.bos, now=now
        )
    assert Agreement.objects.filter(parent=umbrella).count() == 0


def test_the_consortium_agreement_has_every_current_member_as_party(cast, now):
    funder = OrganisationFactory(name="Provincie Limburg", kind=OrganisationKind.FUNDER)
    consortium_member(cast.consortium, funder, role=ConsortiumRole.FUNDER)
    agreement = services.consortium_agreement_create(
        consortium=cast.consortium,
        actor=cast.bos,
        now=now,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2030, 12, 31),
    )
    assert {p.organisation for p in agreement.parties.all()} == {cast.vista, cast.gilde, cast.pixel}
    assert "Digiwise Limburg" in agreement.current_version().clauses[0]["text_nl"]
    with pytest.raises(PermissionDenied):
        services.consortium_agreement_create(
            consortium=cast.consortium,
            actor=cast.eva,
            now=now,
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2030, 12, 31),
        )


def _ledger(cast):
    funder = OrganisationFactory(name="RIF (Nationaal Regieorgaan)", kind=OrganisationKind.FUNDER)
    provider = CompanyFactory(name="Opleider ICT Academy")
    cash = services.pledge_create(
        consortium=cast.consortium,
        partner=cast.pixel,
        funder=funder,
        kind="cash",
        amount="10000.00",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        actor=cast.bos,
    )
    hours = services.pledge_create(
        consortium=cast.consortium,
        partner=cast.pixel,
        funder=funder,
        kind="in_kind",
        hours="120",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        actor=cast.eva,
    )
    services.realisation_record(
        pledge=cash,
        actor=cast.eva,
        on=dt.date(2027, 3, 1),
        amount="2500",
        evidence="Factuur 2027-014",
    )
    services.realisation_record(
        pledge=cash,
        actor=cast.bos,
        on=dt.date(2027, 4, 1),
        amount="1500",
        evidence="Factuur opleider 88",
        paid_directly_to=provider,
    )
    services.realisation_record(
        pledge=hours,
        actor=cast.eva,
        on=dt.date(2027, 3, 1),
        hours="30",
        evidence="Urenregistratie maart",
    )
    return funder, provider


def test_the_ledger_reports_pledged_and_realised_per_funder_and_partner(cast, client_for):
    _funder, _provider = _ledger(cast)
    response = client_for(cast.peters).get(reverse("api:ledger-report", args=[cast.consortium.pk]))
    assert response.status_code == 200
    [row] = response.json()["by_partner"]
    assert row["name"] == "Pixelfabriek"
    assert (
        Decimal(row["pledged_amount"]),
        Decimal(row["realised_amount"]),
        Decimal(row["direct_amount"]),
    ) == (Decimal("10000"), Decimal("4000"), Decimal("1500"))
    assert (Decimal(row["pledged_hours"]), Decimal(row["realised_hours"])) == (
        Decimal("120"),
        Decimal("30"),
    )
    assert row["paid_to"] == ["Opleider ICT Academy"]
    assert response.json()["by_funder"][0]["name"] == "RIF (Nationaal Regieorgaan)"
    csv_response = client_for(cast.bos).get(
        reverse("api:ledger-report-csv", args=[cast.consortium.pk])
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[1][:5] == [
        "funder",
        "RIF (Nationaal Regieorgaan)",
        "10000.00",
        "4000.00",
        "1500.00",
    ]
    assert rows[2][0] == "partner"
    assert rows[2][-1] == "Opleider ICT Academy"
    assert (
        client_for(cast.jan)
        .get(reverse("api:ledger-report", args=[cast.consortium.pk]))
        .status_code
        == 404
    )


def test_a_company_outside_the_consortium_cannot_pledge(cast, now):
    funder = OrganisationFactory(name="Fonds", kind=OrganisationKind.FUNDER)
    with pytest.raises(PermissionDenied):
        services.pledge_create(
            consortium=cast.consortium,
            partner=cast.bakkerij,
            funder=funder,
            kind="cash",
            amount="10",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 2, 1),
            actor=cast.jan,
        )
    with pytest.raises(ApplicationError) as error:
        services.pledge_create(
            consortium=cast.consortium,
            partner=cast.pixel,
            funder=funder,
            kind="cash",
            amount=None,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 2, 1),
            actor=cast.eva,
        )
    assert error.value.extra["fields"] == {"amount": ["Vul een bedrag in euro's in, groter dan 0."]}
    assert Pledge.objects.count() == 0


def test_pledges_through_the_api(cast, client_for):
    funder = OrganisationFactory(name="Fonds", kind=OrganisationKind.FUNDER)
    response = client_for(cast.eva).post(
        reverse("api:pledge-list"),
        {
            "consortium": cast.consortium.pk,
            "partner": cast.pixel.pk,
            "funder": funder.pk,
            "kind": "in_kind",
            "hours": "40",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
        format="json",
    )
    assert response.status_code == 201
    pledge_id = response.json()["id"]
    response = client_for(cast.eva).post(
        reverse("api:pledge-realisation-create", args=[pledge_id]),
        {"on": "2027-02-01", "hours": "8", "evidence": "Gastles 1 feb"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["realisations"][0]["hours"] == "8.0"


def test_the_commitments_csv_for_a_funder_report(cast, client_for, accepted):
    response = client_for(cast.bos).get(
        reverse("api:commitment-export-csv") + f"?agreement={accepted.pk}"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["agreement_id", "agreement", "commitment"]
    assert len(rows) == 5
    assert rows[1][3:7] == ["Marleen Bos", "Vista college", "2027-03-08", "open"]
    assert client_for(cast.sanne).get(reverse("api:commitment-export-csv")).status_code == 403
