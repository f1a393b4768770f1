"""VOG checks (issue 10, finding 5): only verified, unexpired certificates satisfy a policy; a
self-declared validity is bounded; only a school whose policy requires the certificate (or Koppel
staff) verifies, for people related to that school, and who verified when is recorded."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import Certificate, Role
from backend.accounts.services import certificate_create
from backend.core.errors import PermissionDenied
from backend.organisations.models import CertificatePolicy
from backend.organisations.selectors import certificate_policy_violations
from backend.organisations.services import certificate_verify
from tests.factories import UserFactory, member

ON = dt.date(2026, 3, 10)


@pytest.fixture
def vista_requires_vog(cast):
    return CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )


def _vog(holder, *, until=dt.date(2029, 1, 1), verified=False):
    return Certificate.objects.create(
        holder=holder,
        kind="VOG",
        issued_on=dt.date(2026, 1, 1),
        valid_until=until,
        verified_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC) if verified else None,
    )


def _violations(cast, person):
    return certificate_policy_violations(
        person=person, school=cast.vista, subject="guest_teacher", on=ON
    )


def _verify(user, certificate):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(reverse("api:certificate-verify", args=[certificate.pk]))


def _verification(certificate):
    certificate.refresh_from_db()
    return (certificate.verified_by, certificate.verified_at, certificate.verified_for)


def test_an_unverified_vog_valid_until_2099_does_not_satisfy_the_policy(cast, vista_requires_vog):
    Certificate.objects.create(
        holder=cast.eva,
        kind="VOG",
        issued_on=dt.date(2026, 1, 1),
        valid_until=dt.date(2099, 12, 31),
    )
    assert _violations(cast, cast.eva) == [
        "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit is nog niet "
        "gecontroleerd. Laat de school of Koppel het originele document controleren."
    ]


def test_an_expired_verified_vog_does_not_satisfy_the_policy(cast, vista_requires_vog):
    _vog(cast.eva, until=dt.date(2026, 3, 9), verified=True)
    assert _violations(cast, cast.eva) == [
        "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit is verlopen "
        "op 9 maart 2026. Vraag een nieuwe VOG aan via Justis."
    ]


def test_a_verified_unexpired_vog_satisfies_the_policy(cast, vista_requires_vog):
    _vog(cast.eva, verified=True)
    assert _violations(cast, cast.eva) == []


def test_a_self_declared_vog_cannot_be_valid_for_more_than_three_years(cast):
    client = APIClient()
    client.force_authenticate(cast.eva)
    response = client.post(
        reverse("api:certificate-list"),
        {"kind": "VOG", "issued_on": "2026-01-01", "valid_until": "2099-12-31"},
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "valid_until": ["Een VOG geldt hoogstens 3 jaar na de datum van afgifte."]
    }
    assert not Certificate.objects.filter(holder=cast.eva).exists()
    three_years = certificate_create(
        holder=cast.eva,
        actor=cast.eva,
        kind="VOG",
        issued_on=dt.date(2024, 2, 29),
        valid_until=dt.date(2027, 2, 28),
    )
    assert three_years.verified_at is None


def test_the_coordinator_of_a_school_that_requires_it_verifies_and_it_is_recorded(
    cast, vista_requires_vog
):
    vog = _vog(cast.eva)
    response = _verify(cast.bos, vog)
    assert response.status_code == 200, response.content
    assert response.json()["verified"] is True
    assert response.json()["verified_by"] == "Marleen Bos"
    checker, at, school = _verification(vog)
    assert (checker, school) == (cast.bos, cast.vista)
    assert at is not None
    assert _violations(cast, cast.eva) == []


def test_a_coordinator_of_a_school_without_such_a_policy_is_refused_and_nothing_changes(
    cast, vista_requires_vog
):
    vog = _vog(cast.eva)
    # Peters coordinates Gilde, which requires no VOG; Eva is in Gilde's consortium too.
    response = _verify(cast.peters, vog)
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Alleen een coördinator of beheerder van een school die deze VOG vereist van iemand die "
        "met die school werkt, controleert dit certificaat."
    )
    assert _verification(vog) == (None, None, None)


def test_teachers_and_programme_leads_do_not_verify(cast, people, vista_requires_vog):
    vog = _vog(cast.eva)
    for user in (people.teacher, people.coach, people.programme_lead):
        with pytest.raises(PermissionDenied):
            certificate_verify(certificate=vog, actor=user, now=dt.datetime.now(dt.UTC))
    assert _verification(vog) == (None, None, None)


def test_a_person_without_a_relation_to_the_school_is_not_verified_by_it(cast, vista_requires_vog):
    # Bakkerij Jansen is not in Vista's consortium and Jan offers nothing to Vista.
    vog = _vog(cast.jan)
    with pytest.raises(PermissionDenied):
        certificate_verify(certificate=vog, actor=cast.bos, now=dt.datetime.now(dt.UTC))
    assert _verification(vog) == (None, None, None)
    stranger = UserFactory(first_name="Onbekend")
    with pytest.raises(PermissionDenied):
        certificate_verify(certificate=_vog(stranger), actor=cast.bos, now=dt.datetime.now(dt.UTC))


def test_koppel_staff_verify_anyone(cast):
    staff = UserFactory(is_staff=True)
    vog = _vog(cast.jan)
    now = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)
    certificate_verify(certificate=vog, actor=staff, now=now)
    assert _verification(vog) == (staff, now, None)


def test_a_certificate_is_verified_once_and_never_by_its_holder(cast, vista_requires_vog):
    member(cast.eva, cast.vista, Role.COORDINATOR)
    own = _vog(cast.eva)
    assert _verify(cast.eva, own).status_code == 403
    assert _verification(own) == (None, None, None)
    assert _verify(cast.bos, own).status_code == 200
    assert _verify(cast.bos, own).status_code == 409
