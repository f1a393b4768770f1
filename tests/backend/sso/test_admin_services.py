"""An institution admin's decisions: registering domains, approving and refusing employees; and the
sign-in log that nobody can change."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from backend.accounts.models import Role, User
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.sso.models import (
    IdentityLink,
    LogIsAppendOnly,
    Outcome,
    PendingEmployee,
    PendingStatus,
    RegisteredDomain,
    SignInLogEntry,
    StudentMatching,
)
from backend.sso.services import (
    domain_register,
    domain_remove,
    pending_employee_approve,
    pending_employee_refuse,
    sso_sign_in,
)
from tests.backend.sso.factories import ISSUER, employee_claims, institution_admin, register_domain
from tests.factories import UserFactory

NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(cast):
    return institution_admin(cast.vista, email="mulder@vista.test")


# --- domains --------------------------------------------------------------------------------------


def test_an_institution_admin_registers_a_domain_in_lower_case(cast, admin):
    domain = domain_register(
        school=cast.vista, domain=" Vista.NL ", student_matching="email", actor=admin, now=NOW
    )
    assert (domain.domain, domain.student_matching, domain.created_by) == (
        "vista.nl",
        "email",
        admin,
    )


@pytest.mark.parametrize("who", ["bos", "devries", "sanne", "jan", "peters"])
def test_nobody_else_registers_a_domain_for_the_school(cast, who):
    with pytest.raises(PermissionDenied):
        domain_register(
            school=cast.vista,
            domain="vista.nl",
            student_matching=StudentMatching.STUDENT_NUMBER,
            actor=getattr(cast, who),
            now=NOW,
        )
    assert not RegisteredDomain.objects.exists()


def test_a_company_never_gets_a_domain_even_from_koppel_staff(cast):
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        domain_register(
            school=cast.bakkerij,
            domain="bakkerij.nl",
            student_matching="email",
            actor=staff,
            now=NOW,
        )


@pytest.mark.parametrize(
    "bad", ["", "vista", "vista..nl", "https://vista.nl", "vi sta.nl", "-a.nl"]
)
def test_a_malformed_domain_is_refused(cast, admin, bad):
    with pytest.raises(ApplicationError) as caught:
        domain_register(
            school=cast.vista, domain=bad, student_matching="email", actor=admin, now=NOW
        )
    assert "domain" in caught.value.extra["fields"]


def test_a_domain_registered_by_another_school_is_refused_without_naming_it(cast, admin):
    register_domain(cast.gilde, "gilde.nl")
    with pytest.raises(Conflict) as caught:
        domain_register(
            school=cast.vista, domain="gilde.nl", student_matching="email", actor=admin, now=NOW
        )
    assert "Gilde" not in caught.value.message


def test_only_the_schools_admin_removes_its_domain(cast, admin):
    gilde_domain = register_domain(cast.gilde, "gilde.nl")
    with pytest.raises(PermissionDenied):
        domain_remove(domain=gilde_domain, actor=admin)
    domain_remove(domain=register_domain(cast.vista, "vista.nl"), actor=admin)
    assert list(RegisteredDomain.objects.values_list("domain", flat=True)) == ["gilde.nl"]


# --- employees ------------------------------------------------------------------------------------


@pytest.fixture
def waiting(cast):
    register_domain(cast.vista, "vista.nl")
    sso_sign_in(claims=employee_claims(email="nieuw@vista.nl", sub="karin"), issuer=ISSUER, now=NOW)
    return PendingEmployee.objects.get()


def test_approving_gives_the_role_and_links_the_identity(cast, admin, waiting):
    user = pending_employee_approve(pending=waiting, role=Role.TEACHER, actor=admin, now=NOW)
    assert (user.email, user.first_name) == ("nieuw@vista.nl", "Karin")
    assert list(user.memberships.values_list("organisation_id", "role")) == [
        (cast.vista.pk, Role.TEACHER)
    ]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.role, waiting.decided_by) == (
        PendingStatus.APPROVED,
        Role.TEACHER,
        admin,
    )
    row = SignInLogEntry.objects.first()
    assert (row.outcome, row.user_id, row.actor_id, row.organisation_id) == (
        Outcome.APPROVED,
        user.pk,
        admin.pk,
        cast.vista.pk,
    )
    # The next sign-in goes straight in.
    result = sso_sign_in(
        claims=employee_claims(email="nieuw@vista.nl", sub="karin"), issuer=ISSUER, now=NOW
    )
    assert (result.outcome, result.user) == (Outcome.SIGNED_IN, user)


def test_approving_links_an_existing_login_of_the_school(cast, admin):
    register_domain(cast.vista, "vista.nl")
    sso_sign_in(claims=employee_claims(email="devries@vista.test"), issuer=ISSUER, now=NOW)
    user = pending_employee_approve(
        pending=PendingEmployee.objects.get(), role=Role.COACH, actor=admin, now=NOW
    )
    assert user == cast.devries
    assert IdentityLink.objects.get().user == cast.devries


def test_approving_never_links_another_organisations_login(cast, admin):
    register_domain(cast.vista, "vista.nl")
    sso_sign_in(claims=employee_claims(email="jan@bakkerijjansen.test"), issuer=ISSUER, now=NOW)
    with pytest.raises(ApplicationError) as caught:
        pending_employee_approve(
            pending=PendingEmployee.objects.get(), role=Role.TEACHER, actor=admin, now=NOW
        )
    assert "Bakkerij" not in caught.value.message
    assert not IdentityLink.objects.exists()
    assert not cast.jan.memberships.filter(organisation=cast.vista).exists()


def test_approving_never_links_a_superuser(cast, admin):
    UserFactory(email="root@vista.nl", is_superuser=True)
    register_domain(cast.vista, "vista.nl")
    sso_sign_in(claims=employee_claims(email="root@vista.nl"), issuer=ISSUER, now=NOW)
    with pytest.raises(ApplicationError):
        pending_employee_approve(
            pending=PendingEmployee.objects.get(), role=Role.TEACHER, actor=admin, now=NOW
        )
    assert not IdentityLink.objects.exists()


@pytest.mark.parametrize("role", [Role.STUDENT, Role.COMPANY_CONTACT, "boss"])
def test_the_role_must_be_a_school_staff_role(admin, waiting, role):
    with pytest.raises(ApplicationError):
        pending_employee_approve(pending=waiting, role=role, actor=admin, now=NOW)
    assert not User.objects.filter(email="nieuw@vista.nl").exists()


@pytest.mark.parametrize("who", ["bos", "devries", "sanne", "jan", "peters"])
def test_only_the_schools_admin_decides(cast, waiting, who):
    with pytest.raises(PermissionDenied):
        pending_employee_approve(
            pending=waiting, role=Role.TEACHER, actor=getattr(cast, who), now=NOW
        )
    with pytest.raises(PermissionDenied):
        pending_employee_refuse(pending=waiting, actor=getattr(cast, who), now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == PendingStatus.OPEN


def test_an_admin_of_another_school_cannot_decide(cast, waiting):
    other = institution_admin(cast.gilde)
    with pytest.raises(PermissionDenied):
        pending_employee_approve(pending=waiting, role=Role.TEACHER, actor=other, now=NOW)


def test_refusing_closes_the_request_and_is_logged(admin, waiting):
    pending_employee_refuse(pending=waiting, actor=admin, now=NOW)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (PendingStatus.REFUSED, admin)
    assert SignInLogEntry.objects.first().outcome == Outcome.REJECTED
    with pytest.raises(Conflict):
        pending_employee_approve(pending=waiting, role=Role.TEACHER, actor=admin, now=NOW)


# --- the log is append-only -----------------------------------------------------------------------


def _entry():
    return SignInLogEntry.objects.create(at=NOW, outcome=Outcome.REFUSED, reason="state-mismatch")


def test_a_log_entry_cannot_be_changed_or_deleted_through_the_app(db):
    entry = _entry()
    entry.detail = "changed"
    with pytest.raises(LogIsAppendOnly):
        entry.save()
    with pytest.raises(LogIsAppendOnly):
        entry.delete()
    with pytest.raises(LogIsAppendOnly):
        SignInLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(LogIsAppendOnly):
        SignInLogEntry.objects.all().delete()
    with pytest.raises(LogIsAppendOnly):
        SignInLogEntry.objects.bulk_update([entry], ["detail"])
    entry.refresh_from_db()
    assert entry.detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_changes_to_the_log_for_every_client(db):
    entry = _entry()
    for sql in (
        "UPDATE sso_signinlogentry SET detail = 'x' WHERE id = %s",
        "DELETE FROM sso_signinlogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.detail == ""


def test_deleting_a_login_keeps_its_log_rows(cast):
    register_domain(cast.vista, "vista.nl")
    sso_sign_in(
        claims=employee_claims(email="jan@x.nl", affiliation=["alum"]), issuer=ISSUER, now=NOW
    )
    user = UserFactory()
    SignInLogEntry.objects.create(at=NOW, outcome=Outcome.SIGNED_IN, user_id=user.pk)
    user.delete()
    assert SignInLogEntry.objects.count() == 2
