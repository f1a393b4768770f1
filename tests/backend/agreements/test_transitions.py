import datetime as dt

import pytest

from backend.agreements import services
from backend.agreements.models import Acceptance, AgreementEvent, AgreementStatus, CommitmentStatus
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.notifications.models import Notification


def events(agreement):
    return list(
        AgreementEvent.objects.filter(agreement=agreement)
        .exclude(kind__startswith="commitment")
        .values_list("kind", flat=True)
    )


def test_propose_moves_draft_to_proposed_and_asks_the_company(cast, agreement, now):
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PROPOSED
    assert events(agreement) == ["created", "proposed"]
    notes = Notification.objects.filter(category="agreements")
    assert [(n.recipient, n.title) for n in notes] == [
        (cast.jan, "Afspraak 'Nieuwe bestelwebsite' wacht op uw acceptatie")
    ]


def test_propose_twice_is_a_conflict(cast, proposed, now):
    with pytest.raises(Conflict):
        services.agreement_propose(agreement=proposed, actor=cast.bos, now=now)
    assert events(proposed) == ["created", "proposed"]


def test_a_draft_cannot_be_accepted(cast, agreement, now):
    with pytest.raises(Conflict):
        services.agreement_accept(agreement=agreement, actor=cast.jan, now=now)
    assert Acceptance.objects.count() == 0


def test_it_is_accepted_once_every_party_accepted(cast, proposed, now):
    acceptance = services.agreement_accept(
        agreement=proposed, actor=cast.jan, now=now, ip_address="10.0.0.7", user_agent="Firefox"
    )
    proposed.refresh_from_db()
    assert proposed.status == AgreementStatus.PROPOSED
    assert (
        acceptance.person,
        acceptance.organisation,
        acceptance.role,
        acceptance.ip_address,
        acceptance.user_agent,
    ) == (cast.jan, cast.bakkerij, "company_contact", "10.0.0.7", "Firefox")
    assert acceptance.version.number == 1
    assert acceptance.accepted_at == now
    services.agreement_accept(agreement=proposed, actor=cast.bos, now=now)
    proposed.refresh_from_db()
    assert proposed.status == AgreementStatus.ACCEPTED
    assert events(proposed) == ["created", "proposed", "accepted", "accepted", "accepted"]


def test_a_party_cannot_accept_twice(cast, proposed, now):
    services.agreement_accept(agreement=proposed, actor=cast.jan, now=now)
    with pytest.raises(Conflict):
        services.agreement_accept(agreement=proposed, actor=cast.jan, now=now)
    assert Acceptance.objects.count() == 1


def test_accepting_a_stale_version_is_refused(cast, proposed, now):
    with pytest.raises(Conflict):
        services.agreement_accept(agreement=proposed, actor=cast.jan, now=now, version_number=7)
    assert Acceptance.objects.count() == 0


def test_activate_needs_accepted_and_a_school_coordinator(cast, accepted, proposed, now):
    with pytest.raises(PermissionDenied):
        services.agreement_activate(agreement=accepted, actor=cast.jan, now=now)
    services.agreement_activate(agreement=accepted, actor=cast.bos, now=now)
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.ACTIVE
    with pytest.raises(Conflict):
        services.agreement_activate(agreement=accepted, actor=cast.bos, now=now)


def test_fulfil_waits_for_open_commitments(cast, accepted, now):
    services.agreement_activate(agreement=accepted, actor=cast.bos, now=now)
    with pytest.raises(Conflict, match="Nog 4 toezegging"):
        services.agreement_fulfil(agreement=accepted, actor=cast.bos, now=now)
    for commitment in accepted.commitments.all():
        services.commitment_set_status(
            commitment=commitment,
            actor=cast.bos,
            status=CommitmentStatus.DONE,
            note="Gedaan",
            now=now,
        )
    services.agreement_fulfil(agreement=accepted, actor=cast.bos, now=now)
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.FULFILLED
    assert events(accepted)[-2:] == ["activated", "fulfilled"]


def test_fulfil_is_refused_before_active(cast, accepted, now):
    with pytest.raises(Conflict):
        services.agreement_fulfil(agreement=accepted, actor=cast.bos, now=now)


def test_cancel_needs_a_reason_and_records_it(cast, proposed, now):
    with pytest.raises(ApplicationError) as error:
        services.agreement_cancel(agreement=proposed, actor=cast.jan, now=now, reason="  ")
    assert error.value.extra == {"fields": {"reason": ["Geef een reden op."]}}
    services.agreement_cancel(
        agreement=proposed, actor=cast.jan, now=now, reason="Bakkerij sluit in april"
    )
    proposed.refresh_from_db()
    assert (proposed.status, proposed.status_reason) == (
        AgreementStatus.CANCELLED,
        "Bakkerij sluit in april",
    )
    assert (
        AgreementEvent.objects.filter(agreement=proposed, kind="cancelled").get().payload["reason"]
        == "Bakkerij sluit in april"
    )
    with pytest.raises(Conflict):
        services.agreement_cancel(agreement=proposed, actor=cast.jan, now=now, reason="nog eens")


def test_an_outsider_cannot_cancel(cast, proposed, now):
    with pytest.raises(PermissionDenied):
        services.agreement_cancel(agreement=proposed, actor=cast.eva, now=now, reason="weg")
    proposed.refresh_from_db()
    assert proposed.status == AgreementStatus.PROPOSED


def test_break_is_for_the_school_coordinator_with_a_reason(cast, accepted, now):
    with pytest.raises(PermissionDenied):
        services.agreement_break(agreement=accepted, actor=cast.jan, now=now, reason="x")
    services.agreement_break(
        agreement=accepted, actor=cast.bos, now=now, reason="Bedrijf kwam drie keer niet opdagen"
    )
    accepted.refresh_from_db()
    assert (accepted.status, accepted.status_reason) == (
        AgreementStatus.BROKEN,
        "Bedrijf kwam drie keer niet opdagen",
    )


def test_a_draft_cannot_be_broken(cast, agreement, now):
    with pytest.raises(Conflict):
        services.agreement_break(agreement=agreement, actor=cast.bos, now=now, reason="x")


def test_the_daily_run_activates_and_expires(cast, accepted, offer, now):
    offer.schools.add(cast.gilde)  # submitted to both schools, so Gilde may agree on it too
    other = services.agreement_create_from_offer(
        offer=offer, school=cast.gilde, actor=cast.peters, now=now
    )
    services.agreement_change(agreement=other, actor=cast.peters, now=now, mentoring_hours=4)
    services.agreement_propose(agreement=other, actor=cast.peters, now=now)
    assert services.agreements_advance(now=now) == {"activated": 0, "expired": 0}
    later = dt.datetime(2027, 4, 16, 2, 0, tzinfo=dt.UTC)
    assert services.agreements_advance(now=later) == {"activated": 1, "expired": 1}
    accepted.refresh_from_db()
    other.refresh_from_db()
    assert accepted.status == AgreementStatus.ACTIVE
    assert (other.status, other.status_reason) == (
        AgreementStatus.EXPIRED,
        "Niet door alle partijen geaccepteerd vóór de einddatum.",
    )
    assert services.agreements_advance(now=later) == {"activated": 0, "expired": 0}


def test_a_change_before_acceptance_rewrites_the_same_version(cast, proposed, now):
    version = services.agreement_change(
        agreement=proposed, actor=cast.jan, now=now, mentoring_hours=12, note="meer uren"
    )
    assert version.number == 1
    assert proposed.versions.count() == 1
    assert "12 uur" in version.clauses[2]["text_nl"]


def test_a_change_after_acceptance_makes_a_new_version_to_accept_again(cast, accepted, now):
    v1 = accepted.current_version()
    v1_hash, v1_clauses = v1.content_hash, v1.clauses
    version = services.agreement_change(
        agreement=accepted, actor=cast.jan, now=now, place="Markt 1, Venlo", note="andere plek"
    )
    accepted.refresh_from_db()
    assert version.number == 2
    assert version.content_hash != v1_hash
    assert accepted.status == AgreementStatus.PROPOSED
    v1.refresh_from_db()
    assert (v1.content_hash, v1.clauses) == (v1_hash, v1_clauses)
    services.agreement_accept(agreement=accepted, actor=cast.jan, now=now)
    services.agreement_accept(agreement=accepted, actor=cast.bos, now=now)
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.ACCEPTED
    assert Acceptance.objects.filter(version=version).count() == 2


def test_a_change_with_nothing_changed_is_refused(cast, proposed, now):
    with pytest.raises(ApplicationError, match="niets gewijzigd"):
        services.agreement_change(
            agreement=proposed, actor=cast.bos, now=now, mentoring_hours=proposed.mentoring_hours
        )
