"""Every accounts endpoint × every role: allowed and denied, and a denied write changes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import (
    Certificate,
    EmailChange,
    Invitation,
    Membership,
    PersonalDataRead,
    Role,
    StudentEnrolment,
    User,
)
from backend.organisations.models import CertificatePolicy
from tests.backend.accounts.people import ROLES
from tests.backend.permission_matrix import ALL_SIGNED_IN, Case, client_as, snapshot

SCHOOL_STAFF = {"teacher", "coach", "coordinator", "programme_lead", "institution_admin"}


def _state():
    return snapshot(
        User, Membership, StudentEnrolment, Invitation, Certificate, EmailChange, PersonalDataRead
    )


def _eva_vog(w):
    # Vista's policy requires a VOG from guest teachers, so Vista's coordinator and admin check it.
    CertificatePolicy.objects.get_or_create(
        organisation=w.vista, certificate="VOG", applies_to="guest_teacher"
    )
    return Certificate.objects.get_or_create(
        holder=w.eva, kind="VOG", issued_on=dt.date(2026, 1, 1), valid_until=dt.date(2029, 1, 1)
    )[0]


def _csv(w):
    content = (
        "studentnummer;voornaam;achternaam;e-mail;crebo;cohort;leerweg;klas\n"
        f"777001;Lotte;Berg;lotte@student.vista.test;{w.ict_niveau2.crebo};2025;BOL;ICT1A\n"
    )
    return {"school": w.vista.pk, "file": SimpleUploadedFile("s.csv", content.encode(), "text/csv")}


def _open_invitation(w):
    return Invitation.objects.get_or_create(
        email="open@vista.test",
        organisation=w.vista,
        role=Role.TEACHER,
        defaults={
            "token_hash": "0" * 64,
            "invited_by": w.bos,
            "expires_at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        },
    )[0]


def _reset_link(w):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {
        "uid": urlsafe_base64_encode(force_bytes(w.eva.pk)),
        "token": default_token_generator.make_token(w.eva),
        "new_password": "Kantoortuin-Heerlen-2026",
    }


def _invitation_token(w):
    from backend.accounts.services import invitation_create

    if not hasattr(w, "_issued"):
        w._issued = invitation_create(
            organisation=w.vista,
            email="gast@vista.test",
            role=Role.TEACHER,
            actor=w.bos,
            now=dt.datetime.now(dt.UTC),
        )
    return w._issued.token


def _email_change_token(w):
    from django.utils import timezone

    from backend.accounts.models import EmailChange
    from backend.accounts.services.invitations import hash_token

    EmailChange.objects.get_or_create(
        token_hash=hash_token("bevestig-sanne"),
        defaults={
            "user": w.sanne,
            "old_email": w.sanne.email,
            "new_email": "sanne.nieuw@student.vista.test",
            "expires_at": timezone.now() + dt.timedelta(days=1),
        },
    )
    return {"token": "bevestig-sanne"}


EVERYONE = set(ROLES)

CASES = [
    # Public endpoints: the same for every role, signed in or not.
    Case(
        "token",
        "post",
        lambda w: reverse("api:auth-token"),
        EVERYONE,
        lambda w: {"email": "eva@pixelfabriek.test", "password": w.password},
    ),
    Case(
        "password reset request",
        "post",
        lambda w: reverse("api:password-reset"),
        EVERYONE,
        lambda w: {"email": "eva@pixelfabriek.test"},
    ),
    Case(
        "password reset confirm",
        "post",
        lambda w: reverse("api:password-reset-confirm"),
        EVERYONE,
        _reset_link,
    ),
    Case(
        "company sign-up",
        "post",
        lambda w: reverse("api:company-sign-up"),
        EVERYONE,
        lambda w: {
            "name": "Studio Maas",
            "kvk": "65432109",
            "contact_email": "ilse@studiomaas.test",
            "contact_first_name": "Ilse",
            "contact_last_name": "Maas",
            "password": "Kantoortuin-Heerlen-2026",
        },
    ),
    Case(
        "invitation lookup",
        "get",
        lambda w: reverse("api:invitation-lookup") + f"?token={_invitation_token(w)}",
        EVERYONE,
    ),
    Case(
        "invitation accept",
        "post",
        lambda w: reverse("api:invitation-accept"),
        EVERYONE,
        lambda w: {
            "token": _invitation_token(w),
            "password": "Kantoortuin-Heerlen-2026",
            "first_name": "Gast",
            "last_name": "Docent",
        },
    ),
    Case(
        "e-mail change confirm",
        "post",
        lambda w: reverse("api:email-change-confirm"),
        EVERYONE,
        _email_change_token,
    ),
    Case("me", "get", lambda w: reverse("api:auth-me"), ALL_SIGNED_IN),
    Case("logout", "post", lambda w: reverse("api:auth-logout"), ALL_SIGNED_IN),
    Case(
        "student list",
        "get",
        lambda w: reverse("api:student-list"),
        SCHOOL_STAFF | {"other_school_staff"},
    ),
    Case(
        "student detail",
        "get",
        lambda w: reverse("api:student-detail", args=[w.sanne.pk]),
        SCHOOL_STAFF,
    ),
    Case(
        "student import",
        "post",
        lambda w: reverse("api:student-import"),
        {"institution_admin"},
        _csv,
        multipart=True,
    ),
    Case(
        "invitation list",
        "get",
        lambda w: reverse("api:invitation-list"),
        {
            "coordinator",
            "programme_lead",
            "institution_admin",
            "company_contact",
            "other_school_staff",
        },
    ),
    Case(
        "invite a teacher to Vista",
        "post",
        lambda w: reverse("api:invitation-list"),
        {"coordinator", "programme_lead", "institution_admin"},
        lambda w: {"organisation": w.vista.pk, "email": "nieuw@vista.test", "role": "teacher"},
    ),
    Case(
        "invite a colleague to Bakkerij Jansen",
        "post",
        lambda w: reverse("api:invitation-list"),
        {"company_contact"},
        lambda w: {
            "organisation": w.bakkerij.pk,
            "email": "kim@bakkerij.test",
            "role": "company_contact",
        },
    ),
    Case(
        "revoke a Vista invitation",
        "delete",
        lambda w: reverse("api:invitation-detail", args=[_open_invitation(w).pk]),
        {"coordinator", "programme_lead", "institution_admin"},
    ),
    Case("certificate list", "get", lambda w: reverse("api:certificate-list"), ALL_SIGNED_IN),
    Case(
        "certificate create (own)",
        "post",
        lambda w: reverse("api:certificate-list"),
        ALL_SIGNED_IN,
        lambda w: {"kind": "VOG", "issued_on": "2026-01-01", "valid_until": "2029-01-01"},
    ),
    Case(
        "verify a guest teacher's VOG",
        "post",
        lambda w: reverse("api:certificate-verify", args=[_eva_vog(w).pk]),
        {"coordinator", "institution_admin"},
    ),
    Case(
        "delete someone else's VOG",
        "delete",
        lambda w: reverse("api:certificate-detail", args=[_eva_vog(w).pk]),
        set(),
    ),
    Case(
        "check a guest teacher",
        "get",
        lambda w: (
            reverse("api:certificate-check")
            + f"?person={w.eva.pk}&school={w.vista.pk}&subject=guest_teacher"
        ),
        SCHOOL_STAFF | {"other_school_staff"},
    ),
    Case(
        "end De Vries' coach membership",
        "post",
        lambda w: reverse(
            "api:membership-end", args=[Membership.objects.get(user=w.devries, role=Role.COACH).pk]
        ),
        {"institution_admin"},
    ),
    Case(
        "De Vries leaves",
        "post",
        lambda w: reverse("api:person-leave", args=[w.devries.pk]),
        {"institution_admin"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_accounts_endpoint_permissions(cast, people, case, role):
    url, data = case.url(cast), case.data(cast)
    client = client_as(people, role)
    before = _state()
    response = case.send(client, url, data)
    if role in case.allowed:
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert response.status_code in (401, 403, 404), response.content
        assert response.json()["message"]
        assert _state() == before


@pytest.mark.parametrize(
    "url_name",
    ["api:auth-token", "api:password-reset", "api:invitation-accept", "api:company-sign-up"],
)
def test_the_public_endpoints_need_no_login_and_reject_empty_input(db, url_name):
    response = APIClient().post(reverse(url_name), {}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]
