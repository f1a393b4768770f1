"""Deciding who a verified school identity is in Koppel: sign in, link, hold or refuse.

The claims reach here only after the OpenID Connect library and `backend.sso.backend` checked the
state, the nonce and the ID token's signature, issuer, audience and lifetime. Every outcome is
written to the sign-in log in the same transaction, refusals included (they return, not raise, so
the log row is kept)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from backend.accounts.models import Invitation, Membership, StudentEnrolment, User
from backend.accounts.selectors import forget_roles
from backend.sso.access import is_linkable
from backend.sso.claims import Kind, Person, kind_of, person_from, student_number
from backend.sso.models import (
    IdentityLink,
    Outcome,
    PendingEmployee,
    PendingStatus,
    Reason,
    RegisteredDomain,
    StudentMatching,
)
from backend.sso.services.log import log_entry


@dataclass(frozen=True)
class SignInResult:
    """`user` is set when the person may be signed in now; otherwise `outcome` is HELD (an
    employee waiting for approval) or REFUSED with a `reason` (a `Reason` slug) and, for a
    missing attribute, the claim's name in `detail`."""

    outcome: str
    user: User | None = None
    reason: str = ""
    detail: str = ""

    @property
    def signed_in(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class _Attempt:
    issuer: str
    person: Person
    claims: dict[str, Any]
    now: dt.datetime

    def refuse(
        self,
        reason: Reason,
        *,
        detail: str = "",
        user: User | None = None,
        school_id: int | None = None,
    ) -> SignInResult:
        log_entry(
            now=self.now,
            outcome=Outcome.REFUSED,
            issuer=self.issuer,
            person=self.person,
            reason=reason,
            detail=detail,
            user_id=user.pk if user else None,
            organisation_id=school_id,
        )
        return SignInResult(outcome=Outcome.REFUSED, reason=reason, detail=detail)

    def succeed(
        self, outcome: Outcome, user: User, *, school_id: int, detail: str = ""
    ) -> SignInResult:
        log_entry(
            now=self.now,
            outcome=outcome,
            issuer=self.issuer,
            person=self.person,
            detail=detail,
            user_id=user.pk,
            organisation_id=school_id,
        )
        return SignInResult(outcome=outcome, user=user)


@transaction.atomic
def sso_sign_in(*, claims: dict[str, Any], issuer: str, now: dt.datetime) -> SignInResult:
    """Decide what a verified set of claims from `issuer` may do in Koppel.

    1. `schac_home_organization` → a registered domain → its school (unknown: refused).
    2. An identity already linked (issuer + sub) signs straight in, whatever its e-mail now says.
    3. A student is linked to the record their school imported (by student number or e-mail, as
       the school chose); an employee accepts an open invitation of that school for their e-mail,
       or waits for the school's institution admin. Other affiliations are refused.
    A school identity never reaches Koppel staff, a superuser, a company contact or anyone with a
    membership elsewhere (`access.is_linkable`)."""
    attempt = _Attempt(issuer=issuer, person=person_from(claims), claims=claims, now=now)
    person = attempt.person
    for name, value in (
        ("sub", person.subject),
        ("schac_home_organization", person.home_organisation),
    ):
        if not value:
            return attempt.refuse(Reason.MISSING_ATTRIBUTE, detail=name)
    domain = (
        RegisteredDomain.objects.select_related("organisation")
        .filter(domain=person.home_organisation)
        .first()
    )
    if domain is None:
        return attempt.refuse(Reason.UNKNOWN_INSTITUTION, detail=person.home_organisation)
    school_id = domain.organisation_id
    if not person.affiliations:
        return attempt.refuse(
            Reason.MISSING_ATTRIBUTE, detail="eduperson_affiliation", school_id=school_id
        )
    kind = kind_of(list(person.affiliations))
    if kind is None:
        return attempt.refuse(
            Reason.AFFILIATION_NOT_ALLOWED, detail=person.affiliation_text, school_id=school_id
        )
    link = (
        IdentityLink.objects.select_related("user")
        .filter(issuer=issuer, subject=person.subject)
        .first()
    )
    if link is not None:
        return _sign_in_linked(attempt, link, school_id=school_id)
    if kind == Kind.STUDENT:
        return _link_student(attempt, domain)
    return _employee(attempt, domain)


def _disabled(user: User) -> bool:
    return not user.is_active or user.left_at is not None


def _sign_in_linked(attempt: _Attempt, link: IdentityLink, *, school_id: int) -> SignInResult:
    user = link.user
    # The school the link was made through must still be the one the claims name, and the login
    # may since have become Koppel staff: neither may be reached through a school identity.
    if link.organisation_id != school_id or user.is_staff or user.is_superuser:
        return attempt.refuse(Reason.NOT_LINKABLE, user=user, school_id=school_id)
    if _disabled(user):
        return attempt.refuse(Reason.ACCOUNT_DISABLED, user=user, school_id=school_id)
    link.last_used_at = attempt.now
    link.save(update_fields=["last_used_at"])
    return attempt.succeed(Outcome.SIGNED_IN, user, school_id=school_id)


def _student_record(attempt: _Attempt, domain: RegisteredDomain) -> StudentEnrolment | str | None:
    """The school's imported record for this student, or the name of the missing claim."""
    # Locked, so two first sign-ins at once (a double click) link once: the second waits here
    # and then finds the link (`_linked_meanwhile`).
    records = (
        StudentEnrolment.objects.select_for_update(of=("self",))
        .select_related("student")
        .filter(school_id=domain.organisation_id)
    )
    if domain.student_matching == StudentMatching.STUDENT_NUMBER:
        number = student_number(attempt.claims, domain=domain.domain)
        if not number:
            return "schac_personal_unique_code"
        return records.filter(student_number=number).first()
    if not attempt.person.email:
        return "email"
    return records.filter(student__email__iexact=attempt.person.email).first()


def _link_student(attempt: _Attempt, domain: RegisteredDomain) -> SignInResult:
    school = domain.organisation
    record = _student_record(attempt, domain)
    if isinstance(record, str):
        return attempt.refuse(Reason.MISSING_ATTRIBUTE, detail=record, school_id=school.pk)
    if record is None:
        return attempt.refuse(Reason.NO_STUDENT_RECORD, school_id=school.pk)
    if linked := _linked_meanwhile(attempt):
        return _sign_in_linked(attempt, linked, school_id=school.pk)
    user = record.student
    if not is_linkable(user, school=school, student=True) or _has_link(user, attempt.issuer):
        return attempt.refuse(Reason.NOT_LINKABLE, user=user, school_id=school.pk)
    if _disabled(user):
        return attempt.refuse(Reason.ACCOUNT_DISABLED, user=user, school_id=school.pk)
    _link(attempt, user, school_id=school.pk)
    return attempt.succeed(Outcome.LINKED, user, school_id=school.pk)


def _linked_meanwhile(attempt: _Attempt) -> IdentityLink | None:
    """The link a concurrent sign-in of the same identity made while this one waited for a lock."""
    return (
        IdentityLink.objects.select_related("user")
        .filter(issuer=attempt.issuer, subject=attempt.person.subject)
        .first()
    )


def _has_link(user: User, issuer: str) -> bool:
    return IdentityLink.objects.filter(user=user, issuer=issuer).exists()


def _link(attempt: _Attempt, user: User, *, school_id: int) -> IdentityLink:
    return IdentityLink.objects.create(
        issuer=attempt.issuer,
        subject=attempt.person.subject,
        user=user,
        organisation_id=school_id,
        created_at=attempt.now,
        last_used_at=attempt.now,
    )


def _employee(attempt: _Attempt, domain: RegisteredDomain) -> SignInResult:
    school_id = domain.organisation_id
    email = attempt.person.email
    if not email:
        return attempt.refuse(Reason.MISSING_ATTRIBUTE, detail="email", school_id=school_id)
    invitations = list(
        Invitation.objects.select_for_update()
        .filter(
            organisation_id=school_id,
            email__iexact=email,
            accepted_at__isnull=True,
            expires_at__gt=attempt.now,
        )
        .order_by("pk")
    )
    if linked := _linked_meanwhile(attempt):
        return _sign_in_linked(attempt, linked, school_id=school_id)
    if invitations:
        return _accept_invitations(attempt, domain, invitations)
    return _hold(attempt, school_id=school_id)


def _accept_invitations(
    attempt: _Attempt, domain: RegisteredDomain, invitations: list[Invitation]
) -> SignInResult:
    school = domain.organisation
    person = attempt.person
    user = User.objects.filter(email__iexact=person.email).first()
    if user is not None:
        if not is_linkable(user, school=school, student=False) or _has_link(user, attempt.issuer):
            return attempt.refuse(Reason.NOT_LINKABLE, user=user, school_id=school.pk)
        if not user.is_active and user.left_at is None:
            # Switched off by Koppel without leaving: an invitation does not switch it on.
            return attempt.refuse(Reason.ACCOUNT_DISABLED, user=user, school_id=school.pk)
        if user.left_at is not None:
            # They left and were invited back (as `invitation_accept` does).
            user.is_active, user.left_at = True, None
            user.save(update_fields=["is_active", "left_at"])
    else:
        user = User.objects.create_user(
            email=person.email,
            password=None,
            first_name=person.first_name,
            last_name=person.last_name,
        )
    for invitation in invitations:
        ensure_membership(user, school_id=school.pk, role=invitation.role)
        invitation.accepted_at, invitation.accepted_by = attempt.now, user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    _link(attempt, user, school_id=school.pk)
    PendingEmployee.objects.filter(
        issuer=attempt.issuer, subject=person.subject, status=PendingStatus.OPEN
    ).delete()
    roles = ",".join(sorted({invitation.role for invitation in invitations}))
    return attempt.succeed(Outcome.INVITATION_ACCEPTED, user, school_id=school.pk, detail=roles)


def ensure_membership(user: User, *, school_id: int, role: str) -> None:
    if (
        not Membership.objects.active()
        .filter(user=user, organisation_id=school_id, role=role)
        .exists()
    ):
        Membership.objects.create(user=user, organisation_id=school_id, role=role)
    forget_roles(user)


def _hold(attempt: _Attempt, *, school_id: int) -> SignInResult:
    person = attempt.person
    pending = (
        PendingEmployee.objects.select_for_update()
        .filter(issuer=attempt.issuer, subject=person.subject)
        .first()
    )
    if pending is not None and pending.status == PendingStatus.REFUSED:
        return attempt.refuse(Reason.EMPLOYEE_REFUSED, school_id=school_id)
    if pending is None:
        pending = PendingEmployee(
            issuer=attempt.issuer, subject=person.subject, requested_at=attempt.now
        )
    pending.organisation_id = school_id
    pending.email = person.email
    pending.first_name, pending.last_name = person.first_name, person.last_name
    pending.affiliation = person.affiliation_text
    pending.status = PendingStatus.OPEN
    pending.last_seen_at = attempt.now
    pending.save()
    log_entry(
        now=attempt.now,
        outcome=Outcome.HELD,
        issuer=attempt.issuer,
        person=person,
        organisation_id=school_id,
    )
    return SignInResult(outcome=Outcome.HELD)


@transaction.atomic
def sso_refusal_record(
    *, reason: Reason, now: dt.datetime, issuer: str = "", detail: str = ""
) -> SignInResult:
    """Log a refusal that happened before any claims were trusted (state or nonce mismatch, an
    expired or invalid ID token, an error from the provider)."""
    log_entry(now=now, outcome=Outcome.REFUSED, issuer=issuer, reason=reason, detail=detail)
    return SignInResult(outcome=Outcome.REFUSED, reason=reason, detail=detail)
