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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.offers.models import Offer, OfferStatus, OfferTransition
from backend.offers.selectors import (
    offer_certificate_violations,
    offer_target_school_ids,
    user_is_offer_company,
    user_reviews_offer,
    user_runs_offer,
)
from backend.offers.services.notices import offer_transition_notify

S = OfferStatus
FINAL_STATUSES = (S.REJECTED, S.COMPLETED, S.ARCHIVED, S.WITHDRAWN)


@dataclass(frozen=True)
class Rule:
    action: str  # for messages: "publiceren"
    sources: tuple[str, ...]
    target: str
    may: Callable[[object, Offer], bool]
    who: str  # for the PermissionDenied message


def _company(user, offer):
    return user_is_offer_company(user, offer)


RULES = {
    "submit": Rule(
        gettext_lazy("indienen"),
        (S.DRAFT, S.CHANGES_REQUESTED),
        S.SUBMITTED,
        _company,
        gettext_lazy("contactpersonen van het bedrijf"),
    ),
    "review_start": Rule(
        gettext_lazy("in beoordeling nemen"),
        (S.SUBMITTED,),
        S.IN_REVIEW,
        user_reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "publish": Rule(
        gettext_lazy("publiceren"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.PUBLISHED,
        user_reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "request_changes": Rule(
        gettext_lazy("om aanpassing vragen"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.CHANGES_REQUESTED,
        user_reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "reject": Rule(
        gettext_lazy("afwijzen"),
        (S.SUBMITTED, S.IN_REVIEW),
        S.REJECTED,
        user_reviews_offer,
        gettext_lazy("docenten, coaches en coördinatoren van de school"),
    ),
    "start": Rule(
        gettext_lazy("starten"),
        (S.PUBLISHED,),
        S.RUNNING,
        user_runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "complete": Rule(
        gettext_lazy("afronden"),
        (S.RUNNING,),
        S.COMPLETED,
        user_runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "archive": Rule(
        gettext_lazy("archiveren"),
        (S.COMPLETED, S.REJECTED, S.WITHDRAWN),
        S.ARCHIVED,
        user_runs_offer,
        gettext_lazy("coördinatoren van de school"),
    ),
    "withdraw": Rule(
        gettext_lazy("intrekken"),
        tuple(s for s in S.values if s not in FINAL_STATUSES),
        S.WITHDRAWN,
        _company,
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


def _transition(
    name: str,
    *,
    actor,
    offer: Offer,
    note: str = "",
    now: dt.datetime | None = None,
    changes: dict | None = None,
    check: Callable[[Offer, dt.datetime], None] | None = None,
) -> Offer:
    rule = RULES[name]
    now = now or timezone.now()
    if not actor.is_authenticated or not (actor.is_staff or rule.may(actor, offer)):
        raise PermissionDenied(
            _("Alleen %(who)s mogen dit aanbod %(action)s.")
            % {"who": rule.who, "action": rule.action}
        )
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
    # Claim by update: only one of two people acting at once finds the expected status.
    moved = Offer.objects.filter(pk=offer.pk, status=offer.status).update(**changes)
    if moved != 1:
        current = Offer.objects.filter(pk=offer.pk).values_list("status", flat=True).first()
        raise Conflict(
            _("Iemand anders heeft dit aanbod net gewijzigd.")
            + " "
            + _state_message(rule, current or offer.status),
            extra={"status": current},
        )
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
def offer_submit(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    """The company sends its draft (or its revision) to the schools for review."""
    return _transition(
        "submit", actor=actor, offer=offer, note=note, now=now, check=_check_submittable
    )


@transaction.atomic
def offer_review_start(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    """A teacher takes the offer in review; the company sees who is looking at it."""
    return _transition(
        "review_start", actor=actor, offer=offer, note=note, now=now, changes={"reviewer": actor}
    )


@transaction.atomic
def offer_publish(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
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
def offer_request_changes(*, actor, offer: Offer, message: str, now=None) -> Offer:
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
def offer_reject(*, actor, offer: Offer, reason: str, now=None) -> Offer:
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
def offer_start(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    return _transition(
        "start", actor=actor, offer=offer, note=note, now=now, check=_check_certificates
    )


@transaction.atomic
def offer_complete(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    return _transition("complete", actor=actor, offer=offer, note=note, now=now)


@transaction.atomic
def offer_archive(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    return _transition("archive", actor=actor, offer=offer, note=note, now=now)


@transaction.atomic
def offer_withdraw(*, actor, offer: Offer, note: str = "", now=None) -> Offer:
    """The company pulls its offer back, from any state that is not final."""
    return _transition("withdraw", actor=actor, offer=offer, note=note, now=now)
