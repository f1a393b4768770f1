"""sso_sign_in: who a verified school identity is in Koppel, with claims dicts as the provider sends
them. Every outcome writes exactly one log row."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.accounts.models import Invitation, Membership, Role, User
from backend.sso.models import (
    IdentityLink,
    Outcome,
    PendingEmployee,
    PendingStatus,
    Reason,
    SignInLogEntry,
    StudentMatching,
)
from backend.sso.services import sso_sign_in
from tests.backend.sso.factories import (
    ISSUER,
    employee_claims,
    register_domain,
    student_claims,
    student_record,
)
from tests.factories import UserFactory, member

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def vista(cast):
    register_domain(cast.vista, "vista.nl")
    return cast.vista


@pytest.fixture
def gilde(cast):
    register_domain(cast.gilde, "gilde.nl", matching=StudentMatching.EMAIL)
    return cast.gilde


def sign_in(claims):
    return sso_sign_in(claims=claims, issuer=ISSUER, now=NOW)


def only_log_row():
    rows = list(SignInLogEntry.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def assert_refused(result, reason, *, detail=None):
    assert result.outcome == Outcome.REFUSED
    assert result.user is None
    assert result.reason == reason
    row = only_log_row()
    assert (row.outcome, row.reason) == (Outcome.REFUSED, reason)
    if detail is not None:
        assert result.detail == detail == row.detail
    assert not IdentityLink.objects.exists()
    return row


# --- students -------------------------------------------------------------------------------------


def test_it_links_a_student_to_the_record_their_school_imported_by_student_number(vista):
    lotte = student_record(vista, number="123456")
    result = sign_in(student_claims(number="123456", sub="lotte"))
    assert (result.outcome, result.user) == (Outcome.LINKED, lotte)
    link = IdentityLink.objects.get()
    assert (link.issuer, link.subject, link.user, link.organisation) == (
        ISSUER,
        "lotte",
        lotte,
        vista,
    )
    row = only_log_row()
    assert (row.outcome, row.user_id, row.organisation_id, row.subject) == (
        Outcome.LINKED,
        lotte.pk,
        vista.pk,
        "lotte",
    )
    assert row.home_organisation == "vista.nl"


def test_it_links_a_student_by_institutional_email_when_the_school_chose_that(gilde):
    ahmed = student_record(gilde, number="9", email="ahmed@student.gilde.nl")
    claims = student_claims(number=None, domain="gilde.nl", email="Ahmed@Student.Gilde.nl")
    assert sign_in(claims).user == ahmed


def test_a_second_login_uses_the_link_even_when_the_email_changed(vista):
    lotte = student_record(vista, number="123456", email="lotte@vista.nl")
    sign_in(student_claims(number="123456", sub="lotte", email="lotte@vista.nl"))
    later = student_claims(number=None, sub="lotte", email="l.berg@nieuw.vista.nl")
    result = sso_sign_in(claims=later, issuer=ISSUER, now=NOW + dt.timedelta(days=1))
    assert (result.outcome, result.user) == (Outcome.SIGNED_IN, lotte)
    assert IdentityLink.objects.get().last_used_at == NOW + dt.timedelta(days=1)
    assert list(SignInLogEntry.objects.values_list("outcome", flat=True)) == [
        Outcome.SIGNED_IN,
        Outcome.LINKED,
    ]


def test_a_student_code_of_another_institution_does_not_match(vista):
    student_record(vista, number="123456")
    claims = student_claims(number="123456")
    claims["schac_personal_unique_code"] = [
        "urn:schac:personalUniqueCode:nl:local:gilde.nl:studentid:123456"
    ]
    assert_refused(sign_in(claims), Reason.MISSING_ATTRIBUTE, detail="schac_personal_unique_code")


def test_a_student_without_an_imported_record_is_refused(vista):
    assert_refused(sign_in(student_claims(number="999")), Reason.NO_STUDENT_RECORD)


def test_a_student_of_one_school_never_matches_a_record_of_another(vista, gilde):
    student_record(gilde, number="123456")
    assert_refused(sign_in(student_claims(number="123456")), Reason.NO_STUDENT_RECORD)


def test_a_disabled_student_is_refused(vista):
    lotte = student_record(vista, number="123456")
    lotte.is_active = False
    lotte.save()
    row = assert_refused(sign_in(student_claims(number="123456")), Reason.ACCOUNT_DISABLED)
    assert row.user_id == lotte.pk


def test_a_linked_login_that_was_switched_off_is_refused(vista):
    lotte = student_record(vista, number="123456")
    sign_in(student_claims(number="123456", sub="lotte"))
    User.objects.filter(pk=lotte.pk).update(is_active=False)
    result = sign_in(student_claims(number="123456", sub="lotte"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.ACCOUNT_DISABLED)


def test_a_record_already_linked_to_another_identity_is_not_linked_again(vista):
    student_record(vista, number="123456")
    sign_in(student_claims(number="123456", sub="lotte"))
    result = sign_in(student_claims(number="123456", sub="impostor"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)
    assert IdentityLink.objects.get().subject == "lotte"


# --- never linked, whatever the claims say ------------------------------------------------------


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_student_record_of_a_koppel_staff_login_is_never_linked(vista, flag):
    user = student_record(vista, number="123456")
    setattr(user, flag, True)
    user.save()
    row = assert_refused(sign_in(student_claims(number="123456")), Reason.NOT_LINKABLE)
    assert row.user_id == user.pk


def test_a_student_record_whose_login_has_a_membership_elsewhere_is_never_linked(cast, vista):
    user = student_record(vista, number="123456")
    member(user, cast.bakkerij, Role.COMPANY_CONTACT)
    assert_refused(sign_in(student_claims(number="123456")), Reason.NOT_LINKABLE)


def test_an_ended_membership_elsewhere_also_stops_the_link(cast, vista):
    user = student_record(vista, number="123456")
    Membership.objects.create(user=user, organisation=cast.gilde, role=Role.STUDENT, ended_at=NOW)
    assert_refused(sign_in(student_claims(number="123456")), Reason.NOT_LINKABLE)


def test_a_claim_naming_another_schools_domain_never_reaches_that_schools_staff(cast, vista, gilde):
    # Peters is a Gilde teacher; claims from "gilde.nl" with his address hold, never link.
    result = sign_in(employee_claims(email="peters@gilde.test", domain="gilde.nl"))
    assert result.outcome == Outcome.HELD
    assert result.user is None
    # ...and an invitation from Vista for his address does not reach his Gilde login either.
    Invitation.objects.create(
        email="peters@gilde.test",
        organisation=vista,
        role=Role.TEACHER,
        token_hash="x" * 64,
        invited_by=cast.bos,
        expires_at=NOW + dt.timedelta(days=3),
    )
    SignInLogEntry_count = SignInLogEntry.objects.count()
    result = sign_in(employee_claims(email="peters@gilde.test", domain="vista.nl", sub="p2"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)
    assert SignInLogEntry.objects.count() == SignInLogEntry_count + 1
    assert not IdentityLink.objects.exists()
    assert not Membership.objects.filter(user=cast.peters, organisation=vista).exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_an_invitation_never_links_a_koppel_staff_login(cast, vista, flag):
    staff = UserFactory(email="beheer@vista.nl", **{flag: True})
    _invite(cast, vista, "beheer@vista.nl")
    result = sign_in(employee_claims(email="beheer@vista.nl"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)
    assert not staff.memberships.exists()


def test_an_invitation_never_links_a_company_contact(cast, vista):
    _invite(cast, vista, "jan@bakkerijjansen.test")
    result = sign_in(employee_claims(email="jan@bakkerijjansen.test"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)
    assert not cast.jan.memberships.filter(organisation=vista).exists()


def test_a_link_is_refused_once_the_login_became_koppel_staff(vista):
    lotte = student_record(vista, number="123456")
    sign_in(student_claims(number="123456", sub="lotte"))
    User.objects.filter(pk=lotte.pk).update(is_staff=True)
    result = sign_in(student_claims(number="123456", sub="lotte"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)


def test_a_link_made_through_one_school_is_refused_for_another_schools_domain(vista, gilde):
    student_record(vista, number="123456")
    sign_in(student_claims(number="123456", sub="lotte"))
    claims = student_claims(number="123456", sub="lotte", domain="gilde.nl")
    result = sign_in(claims)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.NOT_LINKABLE)


# --- employees ------------------------------------------------------------------------------------


def _invite(cast, school, email, role=Role.TEACHER, *, expires=None, token="t"):
    return Invitation.objects.create(
        email=email,
        organisation=school,
        role=role,
        token_hash=(token * 64)[:64],
        invited_by=cast.bos,
        expires_at=expires or NOW + dt.timedelta(days=3),
    )


def test_an_employee_without_an_invitation_is_held_without_a_role(vista):
    result = sign_in(employee_claims(email="Nieuw@Vista.nl", sub="karin"))
    assert (result.outcome, result.user) == (Outcome.HELD, None)
    pending = PendingEmployee.objects.get()
    assert (pending.organisation, pending.email, pending.status, pending.subject) == (
        vista,
        "nieuw@vista.nl",
        PendingStatus.OPEN,
        "karin",
    )
    assert not User.objects.filter(email="nieuw@vista.nl").exists()
    assert only_log_row().outcome == Outcome.HELD


def test_signing_in_again_while_held_keeps_one_request(vista):
    sign_in(employee_claims(email="nieuw@vista.nl", sub="karin"))
    later = NOW + dt.timedelta(hours=2)
    sso_sign_in(
        claims=employee_claims(email="nieuw@vista.nl", sub="karin"), issuer=ISSUER, now=later
    )
    pending = PendingEmployee.objects.get()
    assert (pending.requested_at, pending.last_seen_at) == (NOW, later)
    assert SignInLogEntry.objects.filter(outcome=Outcome.HELD).count() == 2


@pytest.mark.parametrize("affiliation", ["employee", "staff", "faculty"])
def test_an_open_invitation_for_the_email_is_accepted(cast, vista, affiliation):
    invitation = _invite(cast, vista, "nieuw@vista.nl", Role.COORDINATOR)
    claims = employee_claims(email="nieuw@vista.nl", sub="karin", affiliation=[affiliation])
    result = sign_in(claims)
    assert result.outcome == Outcome.INVITATION_ACCEPTED
    user = result.user
    assert (user.email, user.first_name, user.last_name) == ("nieuw@vista.nl", "Karin", "Mulder")
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("organisation_id", "role")) == [
        (vista.pk, Role.COORDINATOR)
    ]
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (NOW, user)
    assert IdentityLink.objects.get().user == user
    row = only_log_row()
    assert (row.outcome, row.detail, row.user_id) == (
        Outcome.INVITATION_ACCEPTED,
        "coordinator",
        user.pk,
    )


def test_an_invitation_links_an_existing_login_of_the_same_school(cast, vista):
    _invite(cast, vista, "devries@vista.test", Role.COORDINATOR)
    result = sign_in(employee_claims(email="devries@vista.test"))
    assert result.user == cast.devries
    assert cast.devries.memberships.filter(role=Role.COORDINATOR, organisation=vista).exists()


def test_an_expired_or_used_invitation_does_not_count(cast, vista):
    _invite(cast, vista, "nieuw@vista.nl", expires=NOW - dt.timedelta(seconds=1), token="a")
    used = _invite(cast, vista, "nieuw@vista.nl", token="b")
    used.accepted_at = NOW - dt.timedelta(days=1)
    used.save()
    assert sign_in(employee_claims(email="nieuw@vista.nl")).outcome == Outcome.HELD


def test_an_invitation_of_another_school_does_not_count(cast, vista, gilde):
    _invite(cast, gilde, "nieuw@vista.nl")
    assert sign_in(employee_claims(email="nieuw@vista.nl")).outcome == Outcome.HELD


def test_an_employee_the_admin_refused_is_refused(vista):
    sign_in(employee_claims(email="nieuw@vista.nl", sub="karin"))
    PendingEmployee.objects.update(status=PendingStatus.REFUSED)
    result = sign_in(employee_claims(email="nieuw@vista.nl", sub="karin"))
    assert (result.outcome, result.reason) == (Outcome.REFUSED, Reason.EMPLOYEE_REFUSED)


def test_an_existing_login_with_the_employees_email_is_not_linked_without_approval(cast, vista):
    # De Vries already works at Vista; an SSO sign-in with her address still waits for the admin.
    result = sign_in(employee_claims(email="devries@vista.test"))
    assert (result.outcome, result.user) == (Outcome.HELD, None)
    assert not IdentityLink.objects.exists()


# --- refusals before anyone is looked up ----------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "kind"), [("sub", "student"), ("schac_home_organization", "student")]
)
def test_a_missing_claim_is_named(vista, claim, kind):
    claims = student_claims(number="1")
    del claims[claim]
    assert_refused(sign_in(claims), Reason.MISSING_ATTRIBUTE, detail=claim)


def test_a_missing_affiliation_is_named(vista):
    claims = student_claims(number="1")
    claims["eduperson_affiliation"] = []
    assert_refused(sign_in(claims), Reason.MISSING_ATTRIBUTE, detail="eduperson_affiliation")


def test_an_employee_without_email_is_refused(vista):
    assert_refused(sign_in(employee_claims(email="")), Reason.MISSING_ATTRIBUTE, detail="email")


def test_a_student_without_a_student_number_is_refused(vista):
    claims = student_claims(number=None)
    assert_refused(sign_in(claims), Reason.MISSING_ATTRIBUTE, detail="schac_personal_unique_code")


def test_a_plain_student_number_claim_is_understood(vista):
    lotte = student_record(vista, number="123456")
    claims = student_claims(number=None)
    claims["student_number"] = "123456"
    assert sign_in(claims).user == lotte


def test_an_unknown_institution_is_refused(vista):
    row = assert_refused(
        sign_in(student_claims(number="1", domain="elders.nl")), Reason.UNKNOWN_INSTITUTION
    )
    assert (row.home_organisation, row.organisation_id) == ("elders.nl", None)


def test_the_home_organisation_is_compared_in_lower_case(vista):
    lotte = student_record(vista, number="123456")
    claims = student_claims(number="123456")
    claims["schac_home_organization"] = "Vista.NL"
    claims["schac_personal_unique_code"] = (
        "urn:schac:personalUniqueCode:nl:local:vista.nl:studentid:123456"
    )
    assert sign_in(claims).user == lotte


@pytest.mark.parametrize("affiliation", [["affiliate"], ["alum"], ["member"], ["library-walk-in"]])
def test_other_affiliations_are_refused(vista, affiliation):
    claims = employee_claims(email="x@vista.nl", affiliation=affiliation)
    assert_refused(sign_in(claims), Reason.AFFILIATION_NOT_ALLOWED)
    assert not PendingEmployee.objects.exists()


def test_a_scoped_affiliation_counts_as_its_unscoped_value(vista):
    lotte = student_record(vista, number="123456")
    claims = student_claims(number="123456", affiliation=["student@vista.nl"])
    assert sign_in(claims).user == lotte


def test_a_refusal_is_logged_even_though_nothing_else_is_written(vista):
    assert_refused(sign_in({"sub": "x"}), Reason.MISSING_ATTRIBUTE)
    assert timezone.is_aware(SignInLogEntry.objects.get().at)
