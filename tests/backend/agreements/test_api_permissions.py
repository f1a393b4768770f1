import datetime as dt

import pytest
from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import Acceptance, AgreementStatus, AgreementVersion, VersionLocked
from backend.offers.models import OfferStatus
from tests.factories import UserFactory


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def test_a_company_accepts_an_agreement_it_is_party_to(cast, client_for, proposed):
    response = client_for(cast.jan).post(
        url("agreement-accept", proposed.pk), {"version": 1}, HTTP_USER_AGENT="Safari"
    )
    assert response.status_code == 200
    acceptance = Acceptance.objects.get()
    assert (acceptance.person, acceptance.user_agent, acceptance.ip_address) == (
        cast.jan,
        "Safari",
        "127.0.0.1",
    )
    assert response.json()["parties"][1]["accepted_current_version"] is True


def test_a_company_cannot_see_or_accept_an_agreement_it_is_not_party_to(cast, client_for, proposed):
    client = client_for(cast.eva)
    assert client.get(url("agreement-detail", proposed.pk)).status_code == 404
    response = client.post(url("agreement-accept", proposed.pk))
    assert response.status_code == 404
    assert response.json() == {"message": "Afspraak niet gevonden.", "extra": {}}
    assert Acceptance.objects.count() == 0


def test_a_student_reads_the_agreement_of_their_own_challenge_but_cannot_accept_it(
    cast, client_for, proposed, now
):
    services.agreement_set_participants(
        agreement=proposed, students=[cast.sanne], actor=cast.bos, now=now
    )
    client = client_for(cast.sanne)
    detail = client.get(url("agreement-detail", proposed.pk))
    assert detail.status_code == 200
    assert detail.json()["participants"] == ["Sanne"]
    assert detail.json()["can_accept"] is False
    response = client.post(url("agreement-accept", proposed.pk))
    assert response.status_code == 403
    assert "kan deze afspraak accepteren" in response.json()["message"]
    assert Acceptance.objects.count() == 0


def test_another_student_does_not_see_it(cast, client_for, proposed, now):
    services.agreement_set_participants(
        agreement=proposed, students=[cast.sanne], actor=cast.bos, now=now
    )
    assert client_for(cast.ahmed).get(url("agreement-detail", proposed.pk)).status_code == 404


def test_a_teacher_of_the_school_reads_but_cannot_accept(cast, client_for, proposed):
    client = client_for(cast.devries)
    assert client.get(url("agreement-detail", proposed.pk)).status_code == 200
    assert client.post(url("agreement-accept", proposed.pk)).status_code == 403
    assert Acceptance.objects.count() == 0


def test_staff_of_another_school_sees_nothing(cast, client_for, proposed):
    client = client_for(cast.peters)
    assert client.get(url("agreement-detail", proposed.pk)).status_code == 404
    assert client.post(url("agreement-cancel", proposed.pk), {"reason": "x"}).status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == AgreementStatus.PROPOSED


def test_anonymous_gets_403(api, proposed):
    assert api.get(url("agreement-detail", proposed.pk)).status_code == 403


def test_an_accepted_version_cannot_be_edited_through_the_api(cast, client_for, accepted):
    version = accepted.current_version()
    before = (version.terms, version.clauses, version.content_hash)
    response = client_for(cast.bos).patch(
        url("agreement-version-detail", accepted.pk, 1), {"mentoring_hours": 40}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["message"].startswith("Versie 1 is al geaccepteerd")
    version.refresh_from_db()
    assert (version.terms, version.clauses, version.content_hash) == before
    assert AgreementVersion.objects.filter(agreement=accepted).count() == 1


def test_an_unaccepted_version_can_be_edited_through_the_api(cast, client_for, proposed):
    response = client_for(cast.bos).patch(
        url("agreement-version-detail", proposed.pk, 1), {"mentoring_hours": 10}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["terms"]["hours"] == 10


def test_a_change_after_acceptance_through_the_api_makes_version_2(cast, client_for, accepted):
    response = client_for(cast.jan).post(
        url("agreement-change", accepted.pk),
        {"mentoring_hours": 6, "note": "minder"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"]["number"] == 2
    assert body["status"] == "proposed"
    assert body["can_accept"] is True


def test_the_model_refuses_to_save_or_delete_an_accepted_version(accepted):
    version = accepted.current_version()
    version.terms = {"hacked": True}
    with pytest.raises(VersionLocked):
        version.save()
    with pytest.raises(VersionLocked):
        version.delete()
    version.refresh_from_db()
    assert "hacked" not in version.terms


def test_an_accepted_version_cannot_be_edited_or_deleted_in_the_admin(client, accepted):
    admin = UserFactory(email="admin@koppel.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    version = accepted.current_version()
    change = reverse("admin:agreements_agreementversion_change", args=[version.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="terms"' not in page.content  # view-only
    response = client.post(change, {"terms": '{"hacked": true}', "number": 9})
    assert response.status_code == 403
    delete = client.post(
        reverse("admin:agreements_agreementversion_delete", args=[version.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    version.refresh_from_db()
    assert version.number == 1
    assert "hacked" not in version.terms


def test_transitions_through_the_api(cast, client_for, agreement):
    bos, jan = client_for(cast.bos), client_for(cast.jan)
    assert bos.post(url("agreement-propose", agreement.pk)).json()["status"] == "proposed"
    jan.post(url("agreement-accept", agreement.pk))
    assert bos.post(url("agreement-accept", agreement.pk)).json()["status"] == "accepted"
    assert jan.post(url("agreement-activate", agreement.pk)).status_code == 403
    assert bos.post(url("agreement-activate", agreement.pk)).json()["status"] == "active"
    response = bos.post(url("agreement-break", agreement.pk), {"reason": ""})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Geef een reden op.",
        "extra": {"fields": {"reason": ["Geef een reden op."]}},
    }
    assert bos.post(url("agreement-fulfil", agreement.pk)).status_code == 409
    assert (
        jan.post(url("agreement-cancel", agreement.pk), {"reason": "Faillissement"}).json()[
            "status"
        ]
        == "cancelled"
    )


def test_the_list_shows_only_visible_agreements_within_a_query_budget(
    cast, client_for, offer, now, django_assert_max_num_queries
):
    from tests.factories import OfferFactory

    for index in range(5):
        other = OfferFactory(
            owner=cast.bakkerij,
            contact=cast.jan,
            title=f"Opdracht {index}",
            status=OfferStatus.PUBLISHED,
            schools=[cast.vista],
        )
        services.agreement_create_from_offer(
            offer=other, school=cast.vista, actor=cast.bos, now=now
        )
    services.agreement_create_from_offer(
        offer=OfferFactory(
            owner=cast.pixel, contact=cast.eva, status=OfferStatus.PUBLISHED, schools=[cast.gilde]
        ),
        school=cast.gilde,
        actor=cast.peters,
        now=now,
    )
    client = client_for(cast.jan)
    with django_assert_max_num_queries(6):
        response = client.get(url("agreement-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert client_for(cast.eva).get(url("agreement-list")).json()["count"] == 1


def test_the_commitment_list_stays_within_a_query_budget(
    cast, client_for, agreement, django_assert_max_num_queries
):
    client = client_for(cast.bos)
    with django_assert_max_num_queries(6):
        response = client.get(url("commitment-list"))
    assert response.json()["count"] == 4
    assert client_for(cast.eva).get(url("commitment-list")).json()["count"] == 0


def test_a_student_placed_on_the_challenge_by_an_allocation_round_reads_its_agreement(
    cast, client_for, proposed, offer, now
):
    from backend.allocations.models import AllocationRound, Assignment, Phase

    def placed(student, school, phase):
        round_ = AllocationRound.objects.create(
            name=f"Blok 3 {school}",
            school=school,
            choices_close_at=now,
            objections_close_at=now + dt.timedelta(days=7),
            phase=phase,
            created_by=cast.bos,
        )
        Assignment.objects.create(
            round=round_, student=student, offer=offer, source="engine", changed_at=now
        )

    placed(cast.sanne, cast.vista, Phase.PUBLISHED)
    placed(cast.ahmed, cast.gilde, Phase.PUBLISHED)  # same offer, other school: not his agreement
    sanne = client_for(cast.sanne).get(url("agreement-detail", proposed.pk))
    assert sanne.status_code == 200
    assert sanne.json()["can_accept"] is False
    assert client_for(cast.sanne).post(url("agreement-accept", proposed.pk)).status_code == 403
    assert client_for(cast.ahmed).get(url("agreement-detail", proposed.pk)).status_code == 404
    assert Acceptance.objects.count() == 0


def test_a_placement_in_an_unpublished_round_shows_nothing_yet(
    cast, client_for, proposed, offer, now
):
    from backend.allocations.models import AllocationRound, Assignment, Phase

    round_ = AllocationRound.objects.create(
        name="Blok 4",
        school=cast.vista,
        choices_close_at=now,
        objections_close_at=now + dt.timedelta(days=7),
        phase=Phase.REVIEW,
        created_by=cast.bos,
    )
    Assignment.objects.create(
        round=round_, student=cast.sanne, offer=offer, source="engine", changed_at=now
    )
    assert client_for(cast.sanne).get(url("agreement-detail", proposed.pk)).status_code == 404
