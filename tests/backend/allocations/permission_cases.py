"""Every allocations route × every role (run by tests/backend/test_permission_matrix.py).

The world (tests/backend/permission_world.py) holds Vista rounds in every phase: preparing,
choosing (Sanne chose), review (two finished runs) and published (Sanne objected). Vista's
coordinators manage them, its teachers and coaches read them, Sanne takes part; Peters (Gilde,
same consortium) and Ahmed (Gilde) must see none of it.
"""

from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import Objection
from tests.backend.permission_matrix import Case
from tests.backend.permission_world import SIGNED_IN, VISTA_MANAGERS, VISTA_STAFF

APPS = ("allocations", "notifications")
MANAGERS = VISTA_MANAGERS | {"staff"}
READERS = VISTA_STAFF | {"staff"}


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def _round(phase, name, *more):
    return lambda w: url(name, getattr(w, f"round_{phase}").pk, *more(w) if more else ())


def _assignment(name):
    """An assignment route for Sanne in the round under review."""
    return lambda w: url(name, w.round_review.pk, w.sanne.pk)


def _closable(w):
    """The published round once Sanne's objection is settled."""
    services.objection_decline(objection=w.objection, actor=w.bos, answer="Helaas vol", now=w.now)
    return url("round-close", w.round_published.pk)


def _locked(w):
    services.assignment_lock(allocation_round=w.round_review, student=w.sanne, actor=w.bos)
    return url("assignment-unlock", w.round_review.pk, w.sanne.pk)


def _without_sannes_objection(w):
    Objection.objects.filter(round=w.round_published, student=w.sanne).delete()
    return url("round-my-objection", w.round_published.pk)


OBJECT_CASES = [
    Case("round detail", "get", _round("review", "round-detail"), READERS | {"student"}),
    Case(
        "round challenges",
        "put",
        _round("preparing", "round-challenges"),
        MANAGERS,
        lambda w: {"challenges": [w.webshop.pk], "capacities": {str(w.webshop.pk): 2}},
        apps=APPS,
    ),
    Case("round open", "post", _round("preparing", "round-open"), MANAGERS, apps=APPS),
    Case(
        "round close choices",
        "post",
        _round("choosing", "round-close-choices"),
        MANAGERS,
        apps=APPS,
    ),
    Case("round publish", "post", _round("review", "round-publish"), MANAGERS, apps=APPS),
    Case("round close", "post", _closable, MANAGERS, apps=APPS),
    Case("round events", "get", _round("review", "round-events"), READERS),
    Case("round runs", "get", _round("review", "round-runs"), READERS),
    Case(
        "round run start",
        "post",
        _round("review", "round-runs"),
        MANAGERS,
        lambda w: {"mode": "stable", "seed": 3},
        apps=APPS,
    ),
    Case("run detail", "get", lambda w: url("run-detail", w.run.pk), READERS),
    Case("run problem", "get", lambda w: url("run-problem", w.run.pk), READERS),
    Case("run result", "get", lambda w: url("run-result", w.run.pk), READERS),
    Case("run apply", "post", lambda w: url("run-apply", w.other_run.pk), MANAGERS, apps=APPS),
    Case(
        "run retry",
        "post",
        lambda w: url("run-retry", w.run.pk),
        set(),
        # Retrying a run that succeeded is a conflict for those who may retry.
        statuses=dict.fromkeys(MANAGERS, 409),
        apps=APPS,
    ),
    Case(
        "round compare",
        "get",
        lambda w: url("round-compare", w.round_review.pk) + f"?a={w.run.pk}&b={w.other_run.pk}",
        READERS,
    ),
    Case("round assignments", "get", _round("review", "round-assignments"), READERS),
    Case("round unassigned", "get", _round("review", "round-unassigned"), READERS),
    Case("round export", "get", _round("review", "round-export"), READERS),
    Case("assignment lock", "post", _assignment("assignment-lock"), MANAGERS, apps=APPS),
    Case("assignment unlock", "post", _locked, MANAGERS, apps=APPS),
    Case(
        "assignment override",
        "post",
        _assignment("assignment-override"),
        MANAGERS,
        lambda w: {"offer": w.app.pk, "reason": "Past beter"},
        apps=APPS,
    ),
    Case("round objections", "get", _round("published", "round-objections"), READERS),
    Case(
        "objection accept",
        "post",
        lambda w: url("objection-accept", w.objection.pk),
        MANAGERS,
        lambda w: {"offer": w.app.pk, "answer": "Akkoord"},
        apps=APPS,
    ),
    Case(
        "objection decline",
        "post",
        lambda w: url("objection-decline", w.objection.pk),
        MANAGERS,
        lambda w: {"answer": "Helaas vol"},
        apps=APPS,
    ),
    Case(
        "round open challenges",
        "get",
        _round("choosing", "round-open-challenges"),
        {"student"},
    ),
    Case("my choices", "get", _round("choosing", "round-my-choices"), {"student"}),
    Case(
        "my choices submit",
        "put",
        _round("choosing", "round-my-choices"),
        {"student"},
        lambda w: {"choices": [w.app.pk]},
        apps=APPS,
    ),
    Case("my result", "get", _round("published", "round-my-result"), {"student"}),
    Case(
        "my objection",
        "post",
        _without_sannes_objection,
        {"student"},
        lambda w: {"reason": "Ik wil iets anders"},
        apps=APPS,
    ),
]

# Another school's, consortium's or company's people learn nothing about Vista's rounds, runs and
# objections: not even that they exist (404, the same answer as for an id that does not exist).
OUTSIDERS = {
    "company_contact",
    "other_company_contact",
    "other_school_staff",
    "other_school_student",
    "other_consortium_staff",
}
for case in OBJECT_CASES:
    case.statuses = dict.fromkeys(OUTSIDERS, 404) | case.statuses

CASES = [
    Case("round list", "get", lambda w: url("round-list"), SIGNED_IN),
    Case(
        "round create",
        "post",
        lambda w: url("round-list"),
        MANAGERS,
        lambda w: {
            "name": "Blok 4",
            "school": w.vista.pk,
            "choices_close_at": "2030-03-01T12:00:00Z",
            "objections_close_at": "2030-03-15T12:00:00Z",
        },
        apps=APPS,
    ),
    Case(
        "team list",
        "get",
        lambda w: url("team-list"),
        {"company_contact", "other_company_contact", "staff"},
    ),
    *OBJECT_CASES,
]
