"""Signing in with the school account, end to end, against the real OpenID Connect provider the
suite starts (tests/sso_provider/): Koppel's own URLs through Django's test client, the provider's
pages through `requests`. Between them the login library does what it does in production: the
token exchange with the PKCE verifier, fetching the provider's keys (JWKS) and userinfo, over real
HTTP. Nothing of mozilla-django-oidc is mocked."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Membership, Role, User
from backend.accounts.services.invitations import invitation_create
from backend.core.second_factor import SESSION_KEY as SECOND_FACTOR
from backend.sso.models import (
    IdentityLink,
    Outcome,
    PendingEmployee,
    PendingStatus,
    SignInLogEntry,
)
from tests.backend.sso.factories import (
    institution_admin,
    register_domain,
    sso_school,
    student_record,
)
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("frontend:dashboard")
LOGIN = reverse("frontend:login")


def refused(reason: str) -> str:
    return reverse("frontend:sso-refused", args=[reason])


def start(client, sso_provider) -> str:
    """Koppel's "Inloggen met je schoolaccount": the redirect to the provider."""
    response = client.get(reverse("frontend:sso-login"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(sso_provider.koppel_settings()["OIDC_OP_AUTHORIZATION_ENDPOINT"])
    return location


def sign_in(client, idp, user, *, tamper=None):
    """The whole round trip: Koppel → the provider (sign in as `user`) → Koppel's callback.
    Returns Koppel's answer to the callback (not followed)."""
    back = idp.sign_in(start(client, idp.provider), user)
    assert back.startswith("http://testserver" + reverse("frontend:sso-callback"))
    if tamper:
        back = tamper(back)
    return client.get(back)


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def log(**filters) -> list[tuple[str, str]]:
    return list(SignInLogEntry.objects.filter(**filters).values_list("outcome", "reason"))


# --- the authorization request --------------------------------------------------------------


def test_the_login_page_offers_the_school_account(client, sso_settings):
    page = client.get(LOGIN).content.decode()
    assert "Inloggen met je schoolaccount" in page
    assert reverse("frontend:sso-login") in page


def test_the_login_page_does_not_offer_it_without_a_provider(client, settings):
    settings.KOPPEL_SSO_ENABLED = False
    assert "Inloggen met je schoolaccount" not in client.get(LOGIN).content.decode()


def test_the_authorization_request_uses_pkce_state_and_nonce(client, sso_settings, sso_provider):
    query = parse_qs(urlsplit(start(client, sso_provider)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [sso_provider.client_id]
    assert query["redirect_uri"] == ["http://testserver" + reverse("frontend:sso-callback")]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 16
    assert len(query["nonce"][0]) >= 16
    assert "openid" in query["scope"][0].split()


# --- students -------------------------------------------------------------------------------


def test_first_login_of_a_student_links_the_record_the_school_imported(
    client, sso_settings, sso_provider, idp
):
    school = sso_school("Vista college", domain="vista.nl")
    record = student_record(school, number="123456", first_name="Sanne")
    someone_else = student_record(school, number="654321")
    person = sso_provider.user(home="vista.nl", student_number="123456", given_name="Sanne")

    response = sign_in(client, idp, person)

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert signed_in_user(client) == record
    assert client.session[SECOND_FACTOR] == "sso"
    link = IdentityLink.objects.get()
    assert (link.issuer, link.subject, link.user, link.organisation) == (
        sso_provider.issuer,
        person.sub,
        record,
        school,
    )
    assert log(user_id=record.pk) == [(Outcome.LINKED, "")]
    assert not IdentityLink.objects.filter(user=someone_else).exists()
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert "Sanne" in dashboard.content.decode()


def test_a_linked_student_signs_in_again_by_subject(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    record = student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456")
    sign_in(client, idp, person)
    client.logout()

    # The provider still knows the person (its session): no password asked the second time.
    response = sign_in(client, idp, None)

    assert response["Location"] == DASHBOARD
    assert signed_in_user(client) == record
    assert IdentityLink.objects.count() == 1
    assert log(user_id=record.pk) == [(Outcome.SIGNED_IN, ""), (Outcome.LINKED, "")]


def test_a_student_matched_by_institutional_email(client, sso_settings, sso_provider, idp):
    school = SchoolFactory(name="Gilde Opleidingen")
    register_domain(school, "gilde.nl", matching="email")
    record = student_record(school, number="G1", email="ahmed@student.gilde.nl")
    person = sso_provider.user(home="gilde.nl", email="Ahmed@student.gilde.nl")

    response = sign_in(client, idp, person)

    assert response["Location"] == DASHBOARD
    assert signed_in_user(client) == record


# --- employees ------------------------------------------------------------------------------


def test_an_employee_is_held_until_the_institution_admin_approves(
    client, sso_settings, sso_provider, idp
):
    school = sso_school(domain="vista.nl")
    admin = institution_admin(school)
    person = sso_provider.user(
        home="vista.nl", affiliation=["employee", "member"], email="karin.mulder@vista.nl"
    )

    response = sign_in(client, idp, person)

    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:sso-pending")
    assert signed_in_user(client) is None
    assert client.get(response["Location"]).status_code == 200
    pending = PendingEmployee.objects.get()
    assert (pending.organisation, pending.email, pending.status) == (
        school,
        "karin.mulder@vista.nl",
        PendingStatus.OPEN,
    )
    assert log(outcome=Outcome.HELD) == [(Outcome.HELD, "")]
    # Still held on a second try, and still nobody.
    assert sign_in(client, idp, None)["Location"] == reverse("frontend:sso-pending")
    assert not User.objects.filter(email="karin.mulder@vista.nl").exists()

    # The school's institution admin approves, on their own page, as a teacher.
    admin_client = Client()
    admin_client.force_login(admin)
    school_page = admin_client.get(reverse("frontend:sso-school", args=[school.pk]))
    assert "karin.mulder@vista.nl" in school_page.content.decode()
    decided = admin_client.post(
        reverse("frontend:sso-pending-decide", args=[pending.pk]),
        {"decision": "approve", "role": Role.TEACHER},
    )
    assert decided.status_code == 302
    pending.refresh_from_db()
    assert pending.status == PendingStatus.APPROVED

    response = sign_in(client, idp, None)
    assert response["Location"] == DASHBOARD
    employee = signed_in_user(client)
    assert employee.email == "karin.mulder@vista.nl"
    assert list(Membership.objects.filter(user=employee).values_list("organisation", "role")) == [
        (school.pk, Role.TEACHER)
    ]
    assert client.session[SECOND_FACTOR] == "sso"


def test_an_employee_with_an_invitation_signs_straight_in(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    admin = institution_admin(school)
    invitation_create(
        organisation=school,
        email="bos@vista.nl",
        role=Role.COORDINATOR,
        actor=admin,
        now=timezone.now(),
    )
    person = sso_provider.user(home="vista.nl", affiliation="employee", email="Bos@vista.nl")

    response = sign_in(client, idp, person)

    assert response["Location"] == DASHBOARD
    user = signed_in_user(client)
    assert user.email == "bos@vista.nl"
    assert Membership.objects.get(user=user).role == Role.COORDINATOR
    assert not PendingEmployee.objects.exists()
    assert log(user_id=user.pk) == [(Outcome.INVITATION_ACCEPTED, "")]


# --- refusals -------------------------------------------------------------------------------


def assert_refused(client, response, reason: str, *, says: str = "") -> str:
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == refused(reason)
    assert signed_in_user(client) is None
    assert IdentityLink.objects.count() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    if says:
        assert says in text
    assert (Outcome.REFUSED, reason) in log()
    return text


def test_unknown_institution(client, sso_settings, sso_provider, idp):
    sso_school(domain="vista.nl")
    person = sso_provider.user(home="elders.nl", student_number="1")
    assert_refused(client, sign_in(client, idp, person), "unknown-institution")


@pytest.mark.parametrize(
    ("claims", "missing"),
    [
        ({"home": None}, "schac_home_organization"),
        ({"affiliation": None}, "eduperson_affiliation"),
        ({"student_number": None}, "schac_personal_unique_code"),
    ],
)
def test_missing_attribute_names_the_attribute(
    client, sso_settings, sso_provider, idp, claims, missing
):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(**{"home": "vista.nl", "student_number": "123456", **claims})
    page = assert_refused(client, sign_in(client, idp, person), "missing-attribute")
    assert missing in page


@pytest.mark.parametrize("affiliation", [["affiliate"], ["alum"], ["member"]])
def test_affiliation_not_allowed(client, sso_settings, sso_provider, idp, affiliation):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", affiliation=affiliation, student_number="123456")
    assert_refused(client, sign_in(client, idp, person), "affiliation-not-allowed")


def test_account_disabled(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    record = student_record(school, number="123456")
    record.is_active = False
    record.save(update_fields=["is_active"])
    person = sso_provider.user(home="vista.nl", student_number="123456")
    assert_refused(client, sign_in(client, idp, person), "account-disabled")


def test_a_linked_account_disabled_later(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    record = student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456")
    sign_in(client, idp, person)
    client.logout()
    User.objects.filter(pk=record.pk).update(is_active=False)

    response = sign_in(client, idp, None)

    assert response["Location"] == refused("account-disabled")
    assert signed_in_user(client) is None


def _replace_state(url: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state-from-another-browser"]
    return parts._replace(query=urlencode(query, doseq=True)).geturl()


def test_state_mismatch(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456")
    response = sign_in(client, idp, person, tamper=_replace_state)
    assert_refused(client, response, "state-mismatch")


def test_a_callback_this_browser_never_started_is_a_state_mismatch(
    client, sso_settings, sso_provider, idp
):
    """Login CSRF: an attacker's code and state, sent to a victim's browser."""
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    attacker = Client()
    back = idp.sign_in(start(attacker, sso_provider), sso_provider.user(student_number="123456"))

    response = client.get(back)

    assert_refused(client, response, "state-mismatch")


def test_a_callback_is_used_once(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    back = idp.sign_in(start(client, sso_provider), sso_provider.user(student_number="123456"))
    assert client.get(back)["Location"] == DASHBOARD
    client.logout()

    replayed = client.get(back)

    assert replayed["Location"] == refused("state-mismatch")
    assert signed_in_user(client) is None


def test_nonce_mismatch(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456", misbehave="wrong-nonce")
    assert_refused(client, sign_in(client, idp, person), "nonce-mismatch")


@pytest.mark.parametrize(
    ("misbehave", "reason"),
    [
        ("expired-token", "token-expired"),
        ("future-token", "token-expired"),
        ("bad-signature", "token-invalid"),
        ("wrong-issuer", "token-invalid"),
        ("wrong-audience", "token-invalid"),
    ],
)
def test_an_id_token_that_is_expired_or_not_ours(
    client, sso_settings, sso_provider, idp, misbehave, reason
):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456", misbehave=misbehave)
    assert_refused(client, sign_in(client, idp, person), reason)


def test_no_student_record(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="999999")
    assert_refused(client, sign_in(client, idp, person), "no-student-record")


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_never_linked_to_a_staff_or_superuser_account(
    client, sso_settings, sso_provider, idp, kind
):
    school = sso_school(domain="vista.nl")
    record = student_record(school, number="123456")
    setattr(record, f"is_{kind}", True)
    record.save()
    person = sso_provider.user(home="vista.nl", student_number="123456")

    assert_refused(client, sign_in(client, idp, person), "not-linkable")


def test_never_linked_to_an_account_of_another_organisation(
    client, sso_settings, sso_provider, idp
):
    """A student record of Vista whose login is also a teacher at Gilde (or a company contact):
    the claims say Vista, but the login belongs elsewhere too."""
    vista = sso_school(domain="vista.nl")
    gilde = sso_school("Gilde Opleidingen", domain="gilde.nl")
    record = student_record(vista, number="123456")
    member(record, gilde, Role.TEACHER)
    person = sso_provider.user(home="vista.nl", student_number="123456")

    assert_refused(client, sign_in(client, idp, person), "not-linkable")


def test_an_employee_invited_at_an_address_that_belongs_to_another_school(
    client, sso_settings, sso_provider, idp
):
    vista = sso_school(domain="vista.nl")
    gilde = SchoolFactory(name="Gilde Opleidingen")
    peters = member(UserFactory(email="peters@vista.nl"), gilde, Role.TEACHER)
    invitation_create(
        organisation=vista,
        email="peters@vista.nl",
        role=Role.TEACHER,
        actor=institution_admin(vista),
        now=timezone.now(),
    )
    person = sso_provider.user(home="vista.nl", affiliation="employee", email="peters@vista.nl")

    assert_refused(client, sign_in(client, idp, person), "not-linkable")
    assert list(Membership.objects.filter(user=peters).values_list("organisation", flat=True)) == [
        gilde.pk
    ]


def test_a_linked_identity_whose_claims_now_name_another_school(
    client, sso_settings, sso_provider, idp
):
    """The same subject, later claiming Gilde: still never Gilde's, and not Vista's either."""
    vista = sso_school(domain="vista.nl")
    sso_school("Gilde Opleidingen", domain="gilde.nl")
    student_record(vista, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456")
    sign_in(client, idp, person)
    client.logout()
    moved = sso_provider.add_user(
        {**person.claims, "schac_home_organization": "gilde.nl"}, username=person.username
    )

    response = sign_in(client, idp, moved)

    assert response["Location"] == refused("not-linkable")
    assert signed_in_user(client) is None


# --- logout ---------------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    record = student_record(school, number="123456")
    person = sso_provider.user(home="vista.nl", student_number="123456")
    sign_in(client, idp, person)
    assert signed_in_user(client) == record
    assert idp.signed_in_as() == person.username

    response = client.post(reverse("frontend:sso-logout"))

    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(sso_provider.koppel_settings()["OIDC_OP_LOGOUT_ENDPOINT"])
    assert signed_in_user(client) is None
    assert client.get(DASHBOARD).status_code == 302
    query = parse_qs(urlsplit(end_session).query)
    assert "id_token_hint" in query
    # At the provider: signed out, and sent back to Koppel.
    answer = idp.follow(end_session)
    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers["Location"].startswith("http://testserver/")
    assert idp.signed_in_as() is None


def test_logout_is_post_only(client, sso_settings, sso_provider, idp):
    school = sso_school(domain="vista.nl")
    student_record(school, number="123456")
    sign_in(client, idp, sso_provider.user(home="vista.nl", student_number="123456"))
    assert client.get(reverse("frontend:sso-logout")).status_code == 405
    assert signed_in_user(client) is not None
