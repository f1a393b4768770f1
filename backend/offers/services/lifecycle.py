"""The offer lifecycle: one service per transition.

draft → submitted → in_review → published | changes_requested | rejected → running → completed
→ archived; changes_requested → submitted again; the company may withdraw from any state that
is not final. Each service checks who may act, checks the current state, moves the offer with a
conditional UPDATE (so two reviewers clicking at once cannot both succeed), records an
OfferTransition and notifies the other side.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.offers.access import is_offer_company, reviews_offer, runs_offer
from backend.offers.models import FINAL_STATUSES, Offer, OfferStatus, OfferTransition
from backend.offers.selectors import offer_certificate_violations, offer_target_school_ids
from backend.offers.services.coverage import coverage_sync_offer
from backend.offers.services.notices import offer_transition_notify

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = OfferStatus


@dataclass(frozen=True)
class Rule:
    action: "StrOrPromise"  # for messages: "publiceren"
    sources: tuple[str, ...]
    target: str
    may: Callable[[User, Offer], bool]  # besides Koppel staff, who may (backend.offers.access)
    who: "StrOrPromise"  # for the PermissionDenied message


RULES = {
    "submit": Rule(
        gettext_lazy("indienen"),
        (S.DRAFT, S.CHANGES_REQUESTED),
        S.SUBMITTED,
        is_offer_company,
        gettext_lazy("contactpersonen van het bedrijf"),
    ),
    "review_start": Rule(
        gettext_lazy("in beoordeling nemen"),
        (S.SUBMITTED,),
        S.IN_REVIEW,
        reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "publish": Rule(
        gettext_lazy("publiceren"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.PUBLISHED,
        reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "request_changes": Rule(
        gettext_lazy("om aanpassing vragen"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.CHANGES_REQUESTED,
        reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "reject": Rule(
        gettext_lazy("afwijzen"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.REJECTED,
        reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "start": Rule(
        gettext_lazy("starten"),
        (S.PUBLISHED,),
        S.RUNNING,
        runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "complete": Rule(
        gettext_lazy("afronden"),
        (S.RUNNING,),
        S.COMPLETED,
        runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "archive": Rule(
        gettext_lazy("archiveren"),
        (S.COMPLETED, S.REJECTED, S.WITHDRAWN),
        S.ARCHIVED,
        runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "withdraw": Rule(
        gettext_lazy("intrekken"),
        tuple(s for s in S.values if s not in FINAL_STATUSES),
        S.WITHDRAWN,
        is_offer_company,
        gettext_lazy("contactpersonen van het bedrijf"),
    ),
}


def _state_message(rule: Rule, status: str) -> str:
    label = S(status).label
    if status == rule.target:
        return _("Dit aanbod is al %(status)s.") % {"status": label}
    return _("%(action)s kan niet: dit aanbod is %(status)s.") % {
        "action": str(rule.action).capitalize(),
        "status": label,
    }


def _check_actor(rule: Rule, actor: User, offer: Offer) -> None:
    if not actor.is_authenticated or not (actor.is_staff or rule.may(actor, offer)):
        raise PermissionDenied(
            _("Alleen %(who)s mogen dit aanbod %(action)s.")
            % {"who": rule.who, "action": rule.action}
        )


def _claim(rule: Rule, offer: Offer, changes: dict[str, Any]) -> None:
    """Move the offer in the database if it is still in the status we read. Claim by update:
    only one of two people acting at once finds the expected status."""
    moved = Offer.objects.filter(pk=offer.pk, status=offer.status).update(**changes)
    if moved != 1:
        current = Offer.objects.filter(pk=offer.pk).values_list("status", flat=True).first()
        raise Conflict(
            _("Iemand anders heeft dit aanbod net gewijzigd.")
            + " "
            + _state_message(rule, current or offer.status),
            extra={"status": current},
        )


def _transition(
    name: str,
    *,
    actor: User,
    offer: Offer,
    note: str = "",
    now: dt.datetime | None = None,
    changes: dict[str, Any] | None = None,
    check: Callable[[Offer, dt.datetime], None] | None = None,
) -> Offer:
    rule = RULES[name]
    now = now or timezone.now()
    _check_actor(rule, actor, offer)
    if offer.status not in rule.sources:
        raise Conflict(_state_message(rule, offer.status), extra={"status": offer.status})
    if check:
        check(offer, now)
    changes = {
        "status": rule.target,
        "status_changed_at": now,
        "updated_at": now,
        **(changes or {}),
    }
    _claim(rule, offer, changes)
    coverage_sync_offer(offer.pk)
    transition = OfferTransition.objects.create(
        offer=offer, from_status=offer.status, to_status=rule.target, actor=actor, at=now, note=note
    )
    for field, value in changes.items():
        setattr(offer, field, value)
    # A prefetched history on this instance no longer tells the whole story.
    getattr(offer, "_prefetched_objects_cache", {}).pop("transitions", None)
    offer_transition_notify(offer=offer, transition=transition)
    return offer


def _require(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, extra={"fields": {field: [message]}})
    return value


def _check_certificates(offer: Offer, now: dt.datetime) -> None:
    """Refuse when a school the offer goes to requires a certificate the contact lacks."""
    violations = offer_certificate_violations(offer, today=timezone.localdate(now))
    if violations:
        raise Conflict(
            " ".join(v.message for v in violations),
            extra={
                "certificates": [
                    {
                        "school": v.school.name,
                        "school_id": v.school.pk,
                        "needed_on": v.needed_on.isoformat(),
                        "message": v.message,
                    }
                    for v in violations
                ]
            },
        )


def _check_submittable(offer: Offer, now: dt.datetime) -> None:
    if not offer_target_school_ids(offer):
        message = _("Kies minstens één school of een consortium om het aanbod bij in te dienen.")
        raise ApplicationError(message, extra={"fields": {"schools": [message]}})


@transaction.atomic
def offer_submit(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    """The company sends its draft (or its revision) to the schools for review."""
    return _transition(
        "submit", actor=actor, offer=offer, note=note, now=now, check=_check_submittable
    )


@transaction.atomic
def offer_review_start(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    """A teacher takes the offer in review; the company sees who is looking at it."""
    return _transition(
        "review_start", actor=actor, offer=offer, note=note, now=now, changes={"reviewer": actor}
    )


@transaction.atomic
def offer_publish(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    """Accept: students can see the offer. Refused when a certificate policy is not met."""
    return _transition(
        "publish",
        actor=actor,
        offer=offer,
        note=note,
        now=now,
        changes={"reviewer": actor, "change_request": ""},
        check=_check_certificates,
    )


@transaction.atomic
def offer_request_changes(
    *, actor: User, offer: Offer, message: str, now: dt.datetime | None = None
) -> Offer:
    """Ask the company to change the offer; `message` says what, and is shown to the company."""
    message = _require("message", message, _("Schrijf op welke aanpassing u vraagt."))
    return _transition(
        "request_changes",
        actor=actor,
        offer=offer,
        note=message,
        now=now,
        changes={"reviewer": actor, "change_request": message},
    )


@transaction.atomic
def offer_reject(
    *, actor: User, offer: Offer, reason: str, now: dt.datetime | None = None
) -> Offer:
    """Reject with a reason; the company sees the reason (students never do)."""
    reason = _require("reason", reason, _("Geef een reden: het bedrijf krijgt die te zien."))
    return _transition(
        "reject",
        actor=actor,
        offer=offer,
        note=reason,
        now=now,
        changes={"reviewer": actor, "rejection_reason": reason},
    )


@transaction.atomic
def offer_start(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    return _transition(
        "start", actor=actor, offer=offer, note=note, now=now, check=_check_certificates
    )


@transaction.atomic
def offer_complete(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    return _transition("complete", actor=actor, offer=offer, note=note, now=now)


@transaction.atomic
def offer_archive(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    return _transition("archive", actor=actor, offer=offer, note=note, now=now)


@transaction.atomic
def offer_withdraw(
    *, actor: User, offer: Offer, note: str = "", now: dt.datetime | None = None
) -> Offer:
    """The company pulls its offer back, from any state that is not final."""
    return _transition("withdraw", actor=actor, offer=offer, note=note, now=now)
