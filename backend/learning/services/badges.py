"""Open Badges: the school issues, the student publishes, the school revokes.

- `badge_issue`: school staff of the student issue a badge for a werkproces the student
  demonstrated (validated evidence at voldoende or goed) or for a kerntaak whose werkprocessen
  are all demonstrated, in the student's kwalificatie. One active badge per werkproces/kerntaak.
- `badge_publish`: only the student decides whether the badge is public (its URLs answer 404
  until then).
- `badge_revoke`: only staff of the issuing school, with a reason; the assertion then answers 410.
"""

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError, Conflict, PermissionDenied, field_error
from backend.core.links import PageLink
from backend.curriculum.models import Kerntaak, Kwalificatie, ProgressLevel, Werkproces
from backend.learning.access import is_school_staff_of
from backend.learning.models import Badge
from backend.learning.selectors.badges import (
    active_badges_for,
    enrolment_of,
    is_demonstrated,
    kerntaak_in_kwalificatie,
    validated_levels,
    werkproces_in_kwalificatie,
)
from backend.notifications.services import notify

REVOCATION_REASON_MAX = 1000


def may_revoke_badge(user: User, badge: Badge) -> bool:
    """Staff of the school that issued the badge (also after the student changed schools)."""
    return badge.school_id in staff_school_ids(user)


def recipient_hash(email: str, salt: str) -> str:
    """The Open Badges hashed identity: "sha256$" + sha256(e-mail + salt), e-mail lowercased."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def _refuse_werkproces(student: User, werkproces: Werkproces) -> None:
    """Refuses unless the student demonstrated the werkproces (validated, voldoende or goed)."""
    levels = validated_levels(student.pk, [werkproces.pk])[werkproces.pk]
    if is_demonstrated(levels):
        return
    if levels:
        message = _(
            "Werkproces %(code)s is gevalideerd op niveau %(level)s; een badge kan pas bij "
            "voldoende of goed."
        ) % {"code": werkproces.code, "level": ProgressLevel(sorted(levels)[0]).label}
    else:
        message = _(
            "Werkproces %(code)s is nog niet aangetoond: er is geen gevalideerd bewijs op "
            "niveau voldoende of goed."
        ) % {"code": werkproces.code}
    raise field_error("werkproces", message)


def _refuse_kerntaak(student: User, kerntaak: Kerntaak) -> None:
    """Refuses unless every werkproces of the kerntaak is demonstrated."""
    werkprocessen = list(kerntaak.werkprocessen.order_by("code", "pk"))
    if not werkprocessen:
        raise field_error(
            "kerntaak",
            _("Kerntaak %(code)s heeft geen werkprocessen; er valt niets aan te tonen.")
            % {"code": kerntaak.code},
        )
    levels = validated_levels(student.pk, [w.pk for w in werkprocessen])
    missing = [w.code for w in werkprocessen if not is_demonstrated(levels[w.pk])]
    if missing:
        raise field_error(
            "kerntaak",
            _(
                "Kerntaak %(code)s is nog niet helemaal aangetoond: deze werkprocessen missen "
                "gevalideerd bewijs op niveau voldoende of goed: %(missing)s."
            )
            % {"code": kerntaak.code, "missing": ", ".join(missing)},
        )


def _check_subject(
    student: User,
    kwalificatie: Kwalificatie,
    werkproces: Werkproces | None,
    kerntaak: Kerntaak | None,
) -> str:
    """The code of what the badge is for, after checking it may be issued."""
    if werkproces is not None:
        if not werkproces_in_kwalificatie(werkproces, kwalificatie):
            raise field_error(
                "werkproces",
                _("Werkproces %(code)s hoort niet bij de kwalificatie van de student.")
                % {"code": werkproces.code},
            )
        _refuse_werkproces(student, werkproces)
        return werkproces.code
    assert kerntaak is not None  # the caller checked that exactly one is given
    if not kerntaak_in_kwalificatie(kerntaak, kwalificatie):
        raise field_error(
            "kerntaak",
            _("Kerntaak %(code)s hoort niet bij de kwalificatie van de student.")
            % {"code": kerntaak.code},
        )
    _refuse_kerntaak(student, kerntaak)
    return kerntaak.code


def _refuse_duplicate(
    student: User, werkproces: Werkproces | None, kerntaak: Kerntaak | None
) -> None:
    active = active_badges_for(student.pk)
    if werkproces is not None and active.filter(werkproces=werkproces).exists():
        raise Conflict(
            _("De student heeft al een geldige badge voor werkproces %(code)s.")
            % {"code": werkproces.code}
        )
    if kerntaak is not None and active.filter(kerntaak=kerntaak).exists():
        raise Conflict(
            _("De student heeft al een geldige badge voor kerntaak %(code)s.")
            % {"code": kerntaak.code}
        )


@transaction.atomic
def badge_issue(
    *,
    actor: User,
    student: User,
    werkproces: Werkproces | None = None,
    kerntaak: Kerntaak | None = None,
    now: dt.datetime,
) -> Badge:
    """Issue a badge in the name of the student's school. Raises PermissionDenied unless the
    actor is school staff of the student; ValidationError-style field errors when the werkproces
    or kerntaak is not the student's or not (wholly) demonstrated; Conflict for a second active
    badge. Notifies the student, who decides whether to publish it."""
    if not is_school_staff_of(actor, student.pk):
        raise PermissionDenied(
            _("Alleen medewerkers van de school van de student geven badges uit.")
        )
    enrolment = enrolment_of(student.pk)
    if enrolment is None:
        raise ApplicationError(
            _("Deze student is niet ingeschreven bij een opleiding; er kan geen badge komen.")
        )
    if not student.email:
        raise ApplicationError(
            _("De student heeft geen e-mailadres; een badge wordt op het e-mailadres uitgegeven.")
        )
    if (werkproces is None) == (kerntaak is None):
        raise ApplicationError(_("Kies één werkproces of één kerntaak voor de badge."))
    code = _check_subject(student, enrolment.kwalificatie, werkproces, kerntaak)
    _refuse_duplicate(student, werkproces, kerntaak)
    salt = secrets.token_hex(16)
    try:
        with transaction.atomic():
            badge = Badge.objects.create(
                student=student,
                school=enrolment.school,
                kwalificatie=enrolment.kwalificatie,
                werkproces=werkproces,
                kerntaak=kerntaak,
                issued_by=actor,
                issued_at=now,
                recipient_salt=salt,
                recipient_hash=recipient_hash(student.email, salt),
            )
    except IntegrityError as error:
        # Another request issued the same badge between our check and the insert.
        raise Conflict(_("De student heeft deze badge al.")) from error
    notify(
        recipient=student,
        category="learning_badge",
        title=gettext_lazy("Je hebt een badge gekregen"),
        body=lambda: (
            _("Je school gaf je een badge voor %(code)s. Jij beslist of je hem openbaar maakt.")
            % {"code": code}
        ),
        link=PageLink("my-badges"),
        dedupe_key=f"learning-badge-issued:{badge.pk}",
        now=now,
    )
    return badge


@transaction.atomic
def badge_publish(*, badge: Badge, actor: User, published: bool, now: dt.datetime) -> Badge:
    """The student makes the badge public (its URLs answer) or private again (404). Only the
    student; a revoked badge cannot be published. Publishing twice keeps the first date."""
    if actor.pk != badge.student_id:
        raise PermissionDenied(_("Alleen de student zelf beslist of een badge openbaar is."))
    if published:
        if badge.revoked_at is not None:
            raise Conflict(_("Deze badge is ingetrokken en kan niet meer openbaar worden."))
        if badge.published_at is None:
            badge.published_at = now
            badge.save(update_fields=["published_at", "updated_at"])
    elif badge.published_at is not None:
        badge.published_at = None
        badge.save(update_fields=["published_at", "updated_at"])
    return badge


@transaction.atomic
def badge_revoke(*, badge: Badge, actor: User, reason: str, now: dt.datetime) -> Badge:
    """Revoke the badge with a reason (shown publicly in the assertion's 410 answer). Only staff
    of the issuing school; once. Notifies the student."""
    if not may_revoke_badge(actor, badge):
        raise PermissionDenied(
            _("Alleen medewerkers van de school die de badge uitgaf trekken hem in.")
        )
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Reden: vul in waarom de badge wordt ingetrokken."))
    if len(reason) > REVOCATION_REASON_MAX:
        raise field_error(
            "reason",
            _("Reden: gebruik hoogstens %(max)d tekens (nu %(count)d).")
            % {"max": REVOCATION_REASON_MAX, "count": len(reason)},
        )
    claimed = Badge.objects.filter(pk=badge.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor, revocation_reason=reason, updated_at=now
    )
    if claimed != 1:
        raise Conflict(_("Deze badge is al ingetrokken."))
    badge.revoked_at, badge.revoked_by, badge.revocation_reason = now, actor, reason
    # Name the badge: a student may have several (exactly one of the two is set).
    subject = badge.werkproces or badge.kerntaak
    code = subject.code if subject is not None else ""
    notify(
        recipient=badge.student,
        category="learning_badge",
        title=gettext_lazy("Je badge is ingetrokken"),
        body=lambda: (
            _("Je school heeft je badge voor %(code)s ingetrokken. Reden: %(reason)s")
            % {"code": code, "reason": reason}
        ),
        link=PageLink("my-badges"),
        dedupe_key=f"learning-badge-revoked:{badge.pk}",
        now=now,
    )
    return badge
