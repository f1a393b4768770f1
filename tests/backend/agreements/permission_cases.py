"""Every agreements route × every role (run by tests/backend/test_permission_matrix.py).

The world (tests/backend/permission_world.py): a proposed agreement between Vista (coordinator
Bos) and Bakkerij Jansen (contact Jan) with Sanne as participant and a commitment of Jan; a
pledge in Digiwise Limburg's ledger; a companies' collective. Gilde (Peters) and Pixelfabriek
(Eva) are in the same consortium but no party to the agreement.
"""

import dataclasses
import datetime as dt

from django.urls import reverse

from backend.accounts.models import Role
from backend.agreements import services
from backend.agreements.models import Agreement, AgreementStatus
from backend.offers.models import OfferStatus
from backend.organisations.models import Organisation
from tests.backend.permission_matrix import Case
from tests.backend.permission_world import SIGNED_IN, VISTA_MANAGERS, VISTA_STAFF
from tests.factories import OfferFactory, UserFactory, member

APPS = ("agreements", "notifications")
# Parties may manage: Vista's coordinators and Jan for Bakkerij; staff may do anything.
PARTIES = VISTA_MANAGERS | {"company_contact", "staff"}
# Readers: everyone at a party organisation, the participating student, and staff.
READERS = PARTIES | VISTA_STAFF | {"student"}
SCHOOL_SIDE = VISTA_MANAGERS | {"staff"}
# Staff of the consortium's members (Vista, Gilde, Pixelfabriek; Bakkerij is no member).
CONSORTIUM_READERS = VISTA_STAFF | {
    "other_school_staff",
    "other_company_contact",
    "staff",
}


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def _on(name):
    return lambda w: url(name, w.agreement.pk)


def _fresh_offer(w):
    return OfferFactory(
        owner=w.bakkerij, contact=w.jan, status=OfferStatus.PUBLISHED, schools=[w.vista]
    )


def _in_status(w, *steps):
    """A new agreement of Vista and Bakkerij walked through `steps` by its parties."""
    offer = _fresh_offer(w)
    draft = services.offer_agreement_draft(offer=offer, school=w.vista, actor=w.bos, now=w.now)
    agreement = services.agreement_create_from_offer(
        offer=offer,
        school=w.vista,
        actor=w.bos,
        now=w.now,
        draft=dataclasses.replace(draft, mentoring_hours=6, deliverables="een webshop"),
    )
    for step in steps:
        if step == "proposed":
            services.agreement_propose(agreement=agreement, actor=w.bos, now=w.now)
        if step == "accepted":
            services.agreement_accept(agreement=agreement, actor=w.jan, now=w.now)
            services.agreement_accept(agreement=agreement, actor=w.bos, now=w.now)
        if step == "active":
            services.agreement_activate(agreement=agreement, actor=w.bos, now=w.now)
    return agreement


def _transition(name, *steps):
    return lambda w: url(name, _in_status(w, *steps).pk)


def _umbrella(w):
    umbrella = services.umbrella_create(
        school=w.vista,
        collective=w.collective,
        actor=w.bos,
        now=w.now,
        title="Raamafspraak Parkstad",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        mentoring_hours=4,
        provides="een werkplek en een vaste begeleider",
    )
    # Both sides accepted it (the collective has no contact in the world to click accept).
    Agreement.objects.filter(pk=umbrella.pk).update(status=AgreementStatus.ACCEPTED)
    return umbrella


def _fulfillable(w):
    """An active agreement whose commitments are all settled."""
    agreement = _in_status(w, "proposed", "accepted", "active")
    agreement.commitments.update(status="waived")
    return url("agreement-fulfil", agreement.pk)


def _handover(w):
    """Jan leaves Bakkerij Jansen; his colleague Kim takes over."""
    kim = UserFactory(first_name="Kim", last_name="Jansen")
    member(kim, w.bakkerij, Role.COMPANY_CONTACT)
    return {"leaving_user": w.jan.pk, "new_owner": kim.pk}


def _succeeded(w):
    """Bakkerij Jansen taken over by Pixelfabriek (what organisation-succeed records)."""
    Organisation.objects.filter(pk=w.bakkerij.pk).update(succeeded_by=w.pixel)
    return {"organisation": w.bakkerij.pk}


CASES = [
    Case("agreement list", "get", lambda w: url("agreement-list"), SIGNED_IN),
    Case("agreement statuses", "get", lambda w: url("agreement-statuses"), SIGNED_IN),
    Case("agreement templates", "get", lambda w: url("agreement-template-list"), SIGNED_IN),
    Case("agreement detail", "get", _on("agreement-detail"), READERS),
    Case("agreement versions", "get", _on("agreement-version-list"), READERS),
    Case(
        "agreement version detail",
        "get",
        lambda w: url("agreement-version-detail", w.agreement.pk, 1),
        READERS,
    ),
    Case("agreement events", "get", _on("agreement-event-list"), READERS),
    Case(
        "agreement from offer",
        "post",
        lambda w: url("agreement-create-from-offer"),
        PARTIES,
        lambda w: {"offer": _fresh_offer(w).pk, "school": w.vista.pk},
        apps=APPS,
        # The offer went to Vista only: outsiders get the answer for an unknown offer id.
        statuses=dict.fromkeys(
            {
                "other_company_contact",
                "other_school_staff",
                "other_school_student",
                "other_consortium_staff",
            },
            400,
        ),
    ),
    Case(
        "agreement version edit",
        "patch",
        lambda w: url("agreement-version-detail", w.agreement.pk, 1),
        PARTIES,
        lambda w: {"mentoring_hours": 12},
        apps=APPS,
    ),
    Case(
        "agreement change",
        "post",
        _on("agreement-change"),
        PARTIES,
        lambda w: {"mentoring_hours": 6, "note": "minder"},
        apps=APPS,
    ),
    Case("agreement propose", "post", _transition("agreement-propose"), PARTIES, apps=APPS),
    Case(
        "agreement accept",
        "post",
        _on("agreement-accept"),
        PARTIES - {"staff"},  # staff is no party: it cannot sign for one
        apps=APPS,
    ),
    Case(
        "agreement activate",
        "post",
        _transition("agreement-activate", "proposed", "accepted"),
        SCHOOL_SIDE,
        apps=APPS,
    ),
    Case(
        "agreement fulfil",
        "post",
        _fulfillable,
        SCHOOL_SIDE,
        apps=APPS,
    ),
    Case(
        "agreement cancel",
        "post",
        _on("agreement-cancel"),
        PARTIES,
        lambda w: {"reason": "Geen tijd"},
        apps=APPS,
    ),
    Case(
        "agreement break",
        "post",
        _transition("agreement-break", "proposed", "accepted", "active"),
        SCHOOL_SIDE,
        lambda w: {"reason": "Niet nagekomen"},
        apps=APPS,
    ),
    Case(
        "agreement participants",
        "post",
        _on("agreement-participants"),
        SCHOOL_SIDE,
        lambda w: {"students": [w.sanne.pk, w.classmate.pk]},
        apps=APPS,
    ),
    Case(
        "agreement commitment create",
        "post",
        _on("agreement-commitment-create"),
        PARTIES,
        lambda w: {"title": "Eindpresentatie", "owner": w.jan.pk, "due_on": "2027-06-01"},
        apps=APPS,
    ),
    Case("commitment list", "get", lambda w: url("commitment-list"), SIGNED_IN),
    Case(
        "commitment export",
        "get",
        lambda w: url("commitment-export-csv"),
        # Staff of any school or company may export; the rows are scoped to what they see.
        SIGNED_IN - {"student", "other_school_student"},
    ),
    Case(
        "commitment history",
        "get",
        lambda w: url("commitment-history", w.commitment.pk),
        READERS,
    ),
    Case(
        "commitment status",
        "post",
        lambda w: url("commitment-status", w.commitment.pk),
        {"company_contact", *SCHOOL_SIDE},
        lambda w: {"status": "done", "note": "Gedaan"},
        apps=APPS,
    ),
    Case(
        "reliability of an organisation",
        "get",
        lambda w: url("reliability-organisation", w.bakkerij.pk),
        READERS,
    ),
    Case(
        "reliability of a person",
        "get",
        lambda w: url("reliability-person", w.jan.pk),
        READERS,
    ),
    Case(
        "handover",
        "post",
        lambda w: url("agreement-handover"),
        {"company_contact", "staff"},
        _handover,
        apps=APPS,
    ),
    Case(
        "takeover",
        "post",
        lambda w: url("agreement-takeover"),
        # The contacts of both the old and the successor company may move the agreements.
        {"company_contact", "other_company_contact", "staff"},
        _succeeded,
        apps=APPS,
    ),
    Case(
        "umbrella create",
        "post",
        lambda w: url("agreement-umbrella-create"),
        SCHOOL_SIDE,
        lambda w: {
            "school": w.vista.pk,
            "collective": w.collective.pk,
            "title": "Raamafspraak",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        apps=APPS,
    ),
    Case(
        "umbrella children",
        "post",
        lambda w: url("agreement-umbrella-children", _umbrella(w).pk),
        SCHOOL_SIDE,
        lambda w: {
            "rotations": [
                {
                    "company": w.bakkerij.pk,
                    "students": [w.sanne.pk],
                    "starts_on": "2027-02-01",
                    "ends_on": "2027-03-01",
                    "deliverables": "een schap met eigen baksels",
                }
            ]
        },
        apps=APPS,
    ),
    Case(
        "collective members",
        "get",
        lambda w: url("collective-members", w.collective.pk),
        # Companies are not public: Koppel staff and school staff of any school see them all,
        # a member's contact sees its fellow members; students and outsiders get a 404.
        VISTA_STAFF | {"company_contact", "other_school_staff", "other_consortium_staff", "staff"},
    ),
    Case(
        "collective member add",
        "post",
        lambda w: url("collective-members", w.collective.pk),
        {"staff"},
        lambda w: {"company": w.pixel.pk, "joined_on": "2027-01-01"},
        apps=APPS,
    ),
    Case(
        "consortium agreement create",
        "post",
        lambda w: url("agreement-consortium-create"),
        SCHOOL_SIDE | {"other_school_staff"},  # a coordinator of any member school
        lambda w: {
            "consortium": w.consortium.pk,
            "starts_on": "2027-01-01",
            "ends_on": "2030-12-31",
        },
        apps=APPS,
    ),
    Case(
        "pledge list",
        "get",
        lambda w: url("pledge-list") + f"?consortium={w.consortium.pk}",
        CONSORTIUM_READERS,
    ),
    Case(
        "pledge create",
        "post",
        lambda w: url("pledge-list"),
        SCHOOL_SIDE | {"other_school_staff"},  # member schools' coordinators keep the ledger
        lambda w: {
            "consortium": w.consortium.pk,
            "partner": w.vista.pk,
            "funder": w.funder.pk,
            "kind": "in_kind",
            "hours": "40.0",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
        apps=APPS,
    ),
    Case(
        "pledge realisation",
        "post",
        lambda w: url("pledge-realisation-create", w.pledge.pk),
        SCHOOL_SIDE | {"other_school_staff"},
        lambda w: {"on": "2027-02-01", "amount": "250.00", "evidence": "factuur 12"},
        apps=APPS,
    ),
    Case(
        "ledger report",
        "get",
        lambda w: url("ledger-report", w.consortium.pk),
        CONSORTIUM_READERS,
    ),
    Case(
        "ledger report csv",
        "get",
        lambda w: url("ledger-report-csv", w.consortium.pk),
        CONSORTIUM_READERS,
    ),
]

# People of other schools, companies and consortia learn nothing about an agreement they are no
# party to, not even that it exists (404, as for an id that does not exist).
OUTSIDERS = {
    "other_company_contact",
    "other_school_staff",
    "other_school_student",
    "other_consortium_staff",
}
ABOUT_ONE_AGREEMENT = {
    "agreement detail",
    "agreement versions",
    "agreement version detail",
    "agreement events",
    "agreement version edit",
    "agreement change",
    "agreement propose",
    "agreement accept",
    "agreement activate",
    "agreement fulfil",
    "agreement cancel",
    "agreement break",
    "agreement participants",
    "agreement commitment create",
    "commitment history",
    "commitment status",
    "reliability of an organisation",
    "reliability of a person",
}
for case in CASES:
    if case.name in ABOUT_ONE_AGREEMENT:
        case.statuses = dict.fromkeys(OUTSIDERS, 404) | case.statuses
