import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from backend.accounts.models import (
    Certificate,
    Invitation,
    Membership,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.selectors import user_roles, valid_certificates
from backend.accounts.services import (
    certificate_create,
    invitation_accept,
    invitation_create,
    membership_end,
    password_reset_confirm,
    password_reset_request,
    person_leave,
)
from backend.accounts.services.invitations import hash_token
from backend.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from backend.organisations.models import CertificatePolicy, Organisation
from backend.organisations.selectors import certificate_policy_violations
from backend.organisations.services import company_sign_up

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
STRONG = "Kantoortuin-Heerlen-2026"


# --- company sign-up ----------------------------------------------------------------------------


def _sign_up(**overrides):
    fields = {
        "name": "Studio Maas",
        "kvk": "6543 2109",
        "contact_email": "Ilse@StudioMaas.test",
        "contact_first_name": "Ilse",
        "contact_last_name": "Maas",
        "password": STRONG,
    }
    return company_sign_up(**{**fields, **overrides})


def test_a_company_signs_itself_up_with_its_first_contact(db):
    signup = _sign_up()
    assert (signup.organisation.name, signup.organisation.kvk, signup.organisation.kind) == (
        "Studio Maas",
        "65432109",
        "company",
    )
    assert signup.user.email == "ilse@studiomaas.test"
    assert signup.user.check_password(STRONG)
    assert user_roles(signup.user) == {Role.COMPANY_CONTACT}


def test_sign_up_explains_a_bad_or_duplicate_kvk_and_creates_nothing(cast):
    with pytest.raises(ApplicationError) as bad:
        _sign_up(kvk="123")
    assert bad.value.extra == {"fields": {"kvk": ["Een KvK-nummer bestaat uit precies 8 cijfers."]}}
    with pytest.raises(ApplicationError) as duplicate:
        _sign_up(kvk="12345678")
    assert duplicate.value.extra["fields"]["kvk"] == [
        "KvK-nummer 12345678 is al geregistreerd voor Bakkerij Jansen. Vraag een collega bij "
        "Bakkerij Jansen om je uit te nodigen."
    ]
    assert not Organisation.objects.filter(name="Studio Maas").exists()
    assert not User.objects.filter(email="ilse@studiomaas.test").exists()


def test_sign_up_refuses_a_weak_password_and_creates_nothing_for_a_taken_e_mail(cast):
    with pytest.raises(ApplicationError) as weak:
        _sign_up(password="12345678")
    assert "password" in weak.value.extra["fields"]
    # A taken address is not an error (that would tell who has an account); see
    # tests/backend/accounts/test_auth_hardening.py for the mail its holder gets instead.
    assert _sign_up(contact_email="JAN@bakkerijjansen.test") is None
    assert not Organisation.objects.filter(name="Studio Maas").exists()


# --- invitations --------------------------------------------------------------------------------


def _invite(cast, email="nieuw@vista.test", role=Role.TEACHER, actor=None):
    return invitation_create(
        organisation=cast.vista, email=email, role=role, actor=actor or cast.bos, now=NOW
    )


def test_an_invitation_mails_a_link_and_stores_only_the_hash(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = _invite(cast)
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(issued.token) != issued.token
    assert issued.token not in str(Invitation.objects.values_list(flat=True))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@vista.test"]
    assert message.subject == "[Koppel] Uitnodiging: docent bij Vista college"
    assert f"http://127.0.0.1:8000/uitnodiging/{issued.token}/" in message.body
    assert invitation.expires_at == NOW + dt.timedelta(days=14)


def test_no_e_mail_is_sent_when_the_invitation_is_rolled_back(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _invite(cast)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert mail.outbox == []


def test_accepting_creates_the_login_and_membership_once(cast):
    issued = _invite(cast)
    membership = invitation_accept(
        token=issued.token, password=STRONG, first_name="Nina", last_name="Kuipers", now=NOW
    )
    assert (membership.user.email, membership.organisation, membership.role) == (
        "nieuw@vista.test",
        cast.vista,
        Role.TEACHER,
    )
    assert membership.user.check_password(STRONG)
    with pytest.raises(Conflict, match="al gebruikt"):
        invitation_accept(
            token=issued.token, password=STRONG, first_name="N", last_name="K", now=NOW
        )
    assert User.objects.filter(email="nieuw@vista.test").count() == 1
    assert Membership.objects.filter(user=membership.user).count() == 1


def test_an_expired_invitation_is_refused_with_who_to_ask(cast):
    issued = _invite(cast)
    with pytest.raises(ApplicationError) as error:
        invitation_accept(
            token=issued.token,
            password=STRONG,
            first_name="Nina",
            last_name="Kuipers",
            now=NOW + dt.timedelta(days=14, seconds=1),
        )
    assert error.value.message == (
        "Deze uitnodiging is verlopen op 15 maart 2026. Vraag Marleen Bos om een nieuwe uitnodiging."
    )
    assert not User.objects.filter(email="nieuw@vista.test").exists()


def test_a_wrong_token_is_not_found_and_changes_nothing(cast):
    _invite(cast)
    with pytest.raises(NotFound):
        invitation_accept(
            token="verzonnen", password=STRONG, first_name="A", last_name="B", now=NOW
        )
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_login_is_linked_after_proving_its_password(cast):
    issued = _invite(cast, email="JAN@bakkerijjansen.test", role=Role.COACH)
    with pytest.raises(ApplicationError) as wrong:
        invitation_accept(token=issued.token, password="fout", now=NOW)
    assert list(wrong.value.extra["fields"]) == ["password"]
    membership = invitation_accept(token=issued.token, password=cast.password, now=NOW)
    assert membership.user == cast.jan
    assert User.objects.filter(email__iexact="jan@bakkerijjansen.test").count() == 1


def test_a_new_invitation_replaces_the_open_one(cast):
    first = _invite(cast)
    second = _invite(cast)
    assert Invitation.objects.count() == 1
    with pytest.raises(NotFound):
        invitation_accept(
            token=first.token, password=STRONG, first_name="A", last_name="B", now=NOW
        )
    invitation_accept(token=second.token, password=STRONG, first_name="A", last_name="B", now=NOW)


def test_who_may_invite_whom(cast, people):
    with pytest.raises(PermissionDenied):
        _invite(cast, role=Role.INSTITUTION_ADMIN, actor=cast.bos)
    _invite(cast, role=Role.INSTITUTION_ADMIN, actor=people.institution_admin)
    with pytest.raises(PermissionDenied):
        _invite(cast, actor=people.teacher)
    with pytest.raises(PermissionDenied):
        _invite(cast, role=Role.STUDENT, actor=people.institution_admin)
    with pytest.raises(PermissionDenied):
        _invite(cast, actor=cast.peters)
    invitation_create(
        organisation=cast.bakkerij,
        email="kim@bakkerijjansen.test",
        role=Role.COMPANY_CONTACT,
        actor=cast.jan,
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        invitation_create(
            organisation=cast.pixel,
            email="kim@pixel.test",
            role=Role.COMPANY_CONTACT,
            actor=cast.jan,
            now=NOW,
        )
    with pytest.raises(Conflict, match="is al coördinator"):
        _invite(cast, email="bos@vista.test", role=Role.COORDINATOR, actor=people.institution_admin)
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "nieuw@vista.test",
        "kim@bakkerijjansen.test",
    }


def test_the_database_rejects_a_second_active_membership_in_the_same_role(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=cast.bos, organisation=cast.vista, role=Role.COORDINATOR)
    Membership.objects.filter(user=cast.bos).update(ended_at=NOW)
    Membership.objects.create(user=cast.bos, organisation=cast.vista, role=Role.COORDINATOR)


def test_the_database_rejects_a_duplicate_student_number_and_e_mail(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentEnrolment.objects.create(
            student=cast.devries,
            school=cast.vista,
            kwalificatie=cast.ict_niveau2,
            student_number=cast.sanne.enrolment.student_number,
            cohort=2025,
            leerweg="BOL",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="bos@vista.test", password="x")


# --- password reset -----------------------------------------------------------------------------


def test_a_reset_request_mails_a_link_that_sets_a_new_password(
    cast, django_capture_on_commit_callbacks
):
    Token.objects.create(user=cast.bos)
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="BOS@vista.test")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bos@vista.test"]
    uid, token = re.search(r"/wachtwoord/reset/([^/]+)/([^/]+)/", mail.outbox[0].body).groups()
    password_reset_confirm(uidb64=uid, token=token, new_password=STRONG)
    cast.bos.refresh_from_db()
    assert cast.bos.check_password(STRONG)
    assert not Token.objects.filter(user=cast.bos).exists()
    with pytest.raises(ApplicationError, match="ongeldig of verlopen"):
        password_reset_confirm(uidb64=uid, token=token, new_password="Nog-een-ander-2026")


def test_a_reset_request_for_an_unknown_or_inactive_address_sends_nothing(
    cast, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cast.bos.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert password_reset_request(email="niemand@vista.test") is None
        assert password_reset_request(email="bos@vista.test") is None
    assert mail.outbox == []


def test_a_reset_with_a_bad_token_or_weak_password_is_refused(cast):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(cast.bos.pk))
    with pytest.raises(ApplicationError, match="ongeldig"):
        password_reset_confirm(uidb64=uid, token="1-abc", new_password=STRONG)
    with pytest.raises(ApplicationError, match="ongeldig"):
        password_reset_confirm(uidb64="!!", token="1-abc", new_password=STRONG)
    token = default_token_generator.make_token(cast.bos)
    with pytest.raises(ApplicationError) as weak:
        password_reset_confirm(uidb64=uid, token=token, new_password="12345678")
    assert "new_password" in weak.value.extra["fields"]
    cast.bos.refresh_from_db()
    assert cast.bos.check_password(cast.password)


# --- leaving ------------------------------------------------------------------------------------


def test_ending_a_membership_keeps_it_for_history(cast, people):
    coach = Membership.objects.get(user=cast.devries, role=Role.COACH)
    membership_end(membership=coach, actor=people.institution_admin, now=NOW)
    coach.refresh_from_db()
    assert (coach.ended_at, coach.ended_by) == (NOW, people.institution_admin)
    assert user_roles(User.objects.get(pk=cast.devries.pk)) == {Role.TEACHER}
    with pytest.raises(Conflict):
        membership_end(membership=coach, actor=people.institution_admin, now=NOW)


def test_only_managers_or_the_person_end_a_membership(cast, people):
    teacher = Membership.objects.get(user=cast.devries, role=Role.TEACHER)
    for actor in (cast.bos, cast.peters, cast.jan):
        with pytest.raises(PermissionDenied):
            membership_end(membership=teacher, actor=actor, now=NOW)
    teacher.refresh_from_db()
    assert teacher.ended_at is None
    membership_end(membership=teacher, actor=cast.devries, now=NOW)


def test_a_person_leaving_ends_memberships_and_deactivates_the_login(cast, people):
    Token.objects.create(user=cast.devries)
    person_leave(user=cast.devries, actor=people.institution_admin, now=NOW)
    devries = User.objects.get(pk=cast.devries.pk)
    assert (devries.left_at, devries.is_active) == (NOW, False)
    assert not Membership.objects.active().filter(user=devries).exists()
    assert Membership.objects.filter(user=devries, ended_by=people.institution_admin).count() == 2
    assert not Token.objects.filter(user=devries).exists()
    with pytest.raises(Conflict):
        person_leave(user=devries, actor=people.institution_admin, now=NOW)


def test_an_admin_of_one_school_cannot_switch_off_a_login_another_school_uses(cast, people):
    from tests.factories import member

    member(cast.devries, cast.gilde, Role.TEACHER)
    with pytest.raises(PermissionDenied):
        person_leave(user=cast.devries, actor=people.institution_admin, now=NOW)
    assert User.objects.get(pk=cast.devries.pk).is_active
    assert Membership.objects.active().filter(user=cast.devries).count() == 3


# --- certificates and policies ------------------------------------------------------------------


def _vog(holder, issued, until):
    # Checked by a school: only a verified VOG counts for a policy.
    return Certificate.objects.create(
        holder=holder,
        kind="VOG",
        issued_on=issued,
        valid_until=until,
        verified_at=dt.datetime.combine(issued, dt.time(12), tzinfo=dt.UTC),
    )


def test_valid_certificates_are_those_valid_on_the_day(cast):
    current = _vog(cast.eva, dt.date(2025, 3, 3), dt.date(2026, 3, 3))
    _vog(cast.eva, dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert list(valid_certificates(cast.eva, on=dt.date(2026, 3, 3))) == [current]
    assert list(valid_certificates(cast.eva, on=dt.date(2026, 3, 4))) == []


def test_policy_violations_explain_an_expired_vog_and_what_to_do(cast):
    CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )
    _vog(cast.eva, dt.date(2025, 3, 3), dt.date(2026, 3, 3))
    assert certificate_policy_violations(
        person=cast.eva, school=cast.vista, subject="guest_teacher", on=dt.date(2026, 3, 10)
    ) == [
        "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit is verlopen "
        "op 3 maart 2026. Vraag een nieuwe VOG aan via Justis."
    ]
    assert (
        certificate_policy_violations(
            person=cast.eva, school=cast.vista, subject="guest_teacher", on=dt.date(2026, 3, 3)
        )
        == []
    )


def test_policy_violations_without_any_certificate_and_per_school(cast):
    CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )
    assert certificate_policy_violations(
        person=cast.jan, school=cast.vista, subject="guest_teacher", on=dt.date(2026, 3, 1)
    ) == [
        "Vista college vereist een geldige VOG voor gastdocenten; Jan Jansen heeft geen VOG in "
        "Koppel. Vraag een nieuwe VOG aan via Justis."
    ]
    # Digiwise: Gilde has no such policy, and Vista has none for company mentors.
    assert (
        certificate_policy_violations(
            person=cast.jan, school=cast.gilde, subject="guest_teacher", on=dt.date(2026, 3, 1)
        )
        == []
    )
    assert (
        certificate_policy_violations(
            person=cast.jan, school=cast.vista, subject="company_mentor", on=dt.date(2026, 3, 1)
        )
        == []
    )


def test_a_certificate_that_starts_later_is_not_valid_yet(cast):
    CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )
    _vog(cast.eva, dt.date(2026, 4, 1), dt.date(2027, 4, 1))
    assert certificate_policy_violations(
        person=cast.eva, school=cast.vista, subject="guest_teacher", on=dt.date(2026, 3, 1)
    ) == [
        "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit geldt pas "
        "vanaf 1 april 2026. Vraag een nieuwe VOG aan via Justis."
    ]


def test_people_record_only_their_own_certificates_with_sane_dates(cast):
    with pytest.raises(PermissionDenied):
        certificate_create(
            holder=cast.eva,
            actor=cast.jan,
            kind="VOG",
            issued_on=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 1, 1),
        )
    with pytest.raises(ApplicationError) as error:
        certificate_create(
            holder=cast.eva,
            actor=cast.eva,
            kind="VOG",
            issued_on=dt.date(2026, 1, 1),
            valid_until=dt.date(2025, 1, 1),
        )
    assert list(error.value.extra["fields"]) == ["valid_until"]
    assert not Certificate.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        _vog(cast.eva, dt.date(2026, 1, 1), dt.date(2025, 1, 1))
