import datetime as dt

import pytest
from django.core import mail

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.notifications.models import Notification
from backend.offers.models import Offer, OfferStatus, OfferTransition
from backend.offers.services import (
    offer_archive,
    offer_complete,
    offer_publish,
    offer_reject,
    offer_request_changes,
    offer_review_start,
    offer_start,
    offer_submit,
    offer_withdraw,
)
from backend.offers.services.notices import offer_transition_notify
from tests.factories import UserFactory

S = OfferStatus

# The specification, written out: transition → (service, who acts, extra arguments, from, to).
TRANSITIONS = {
    "submit": (offer_submit, "jan", {}, {S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED),
    "review_start": (offer_review_start, "devries", {}, {S.SUBMITTED}, S.IN_REVIEW),
    "publish": (offer_publish, "devries", {}, {S.SUBMITTED, S.IN_REVIEW}, S.PUBLISHED),
    "request_changes": (
        offer_request_changes,
        "devries",
        {"message": "Voeg een planning per week toe."},
        {S.SUBMITTED, S.IN_REVIEW},
        S.CHANGES_REQUESTED,
    ),
    "reject": (
        offer_reject,
        "devries",
        {"reason": "Dit is een webshop bouwen zonder leerwaarde."},
        {S.SUBMITTED, S.IN_REVIEW},
        S.REJECTED,
    ),
    "start": (offer_start, "bos", {}, {S.PUBLISHED}, S.RUNNING),
    "complete": (offer_complete, "bos", {}, {S.RUNNING}, S.COMPLETED),
    "archive": (offer_archive, "bos", {}, {S.COMPLETED, S.REJECTED, S.WITHDRAWN}, S.ARCHIVED),
    "withdraw": (
        offer_withdraw,
        "jan",
        {},
        {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.PUBLISHED, S.RUNNING},
        S.WITHDRAWN,
    ),
}
ALLOWED = [(name, source) for name, spec in TRANSITIONS.items() for source in sorted(spec[3])]
REFUSED = [
    (name, source)
    for name, spec in TRANSITIONS.items()
    for source in S.values
    if source not in spec[3]
]


def _call(cast, name, offer, now, actor=None):
    service, who, extra, _sources, _target = TRANSITIONS[name]
    return service(actor=actor or getattr(cast, who), offer=offer, now=now, **extra)


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_it_moves_the_offer_and_records_who_when_and_why(cast, make_offer, now, name, source):
    offer = make_offer(source)
    before = OfferTransition.objects.filter(offer=offer).count()

    _call(cast, name, offer, now)

    offer.refresh_from_db()
    target = TRANSITIONS[name][4]
    assert offer.status == target
    assert offer.status_changed_at == now
    assert OfferTransition.objects.filter(offer=offer).count() == before + 1
    transition = OfferTransition.objects.filter(offer=offer).last()
    actor = getattr(cast, TRANSITIONS[name][1])
    assert (transition.from_status, transition.to_status, transition.actor, transition.at) == (
        source,
        target,
        actor,
        now,
    )
    assert transition.note == next(iter(TRANSITIONS[name][2].values()), "")


@pytest.mark.parametrize(("name", "source"), REFUSED)
def test_it_refuses_a_transition_from_the_wrong_state_and_changes_nothing(
    cast, make_offer, now, name, source
):
    offer = make_offer(source)
    before = OfferTransition.objects.filter(offer=offer).count()

    with pytest.raises(Conflict) as refused:
        _call(cast, name, offer, now)

    label = str(S(source).label)
    assert label in refused.value.message
    offer.refresh_from_db()
    assert offer.status == source
    assert OfferTransition.objects.filter(offer=offer).count() == before
    assert Notification.objects.count() == 0


def test_it_says_an_offer_is_already_published(cast, make_offer, now):
    offer = make_offer(S.PUBLISHED)
    with pytest.raises(Conflict) as refused:
        offer_publish(actor=cast.devries, offer=offer, now=now)
    assert refused.value.message == "Dit aanbod is al gepubliceerd."
    assert refused.value.status_code == 409


def test_two_reviewers_clicking_at_once_make_one_transition(cast, make_offer, now):
    offer = make_offer(S.IN_REVIEW)
    seen_by_de_vries = Offer.objects.get(pk=offer.pk)
    seen_by_bos = Offer.objects.get(pk=offer.pk)

    offer_publish(actor=cast.devries, offer=seen_by_de_vries, now=now)
    with pytest.raises(Conflict) as refused:
        offer_reject(actor=cast.bos, offer=seen_by_bos, reason="Te vaag.", now=now)

    assert "Iemand anders heeft dit aanbod net gewijzigd" in refused.value.message
    assert "gepubliceerd" in refused.value.message
    offer.refresh_from_db()
    assert (offer.status, offer.rejection_reason, offer.reviewer) == (S.PUBLISHED, "", cast.devries)
    assert list(
        OfferTransition.objects.filter(offer=offer, at=now).values_list("to_status", flat=True)
    ) == [S.PUBLISHED]
    assert Notification.objects.filter(recipient=cast.jan).count() == 1


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("submit", "devries"),
        ("submit", "eva"),
        ("publish", "jan"),
        ("publish", "peters"),
        ("publish", "sanne"),
        ("reject", "eva"),
        ("start", "devries"),
        ("start", "jan"),
        ("complete", "peters"),
        ("archive", "devries"),
        ("withdraw", "eva"),
        ("withdraw", "bos"),
    ],
)
def test_it_refuses_people_who_may_not_make_the_transition(cast, make_offer, now, name, who):
    source = sorted(TRANSITIONS[name][3])[0]
    offer = make_offer(source)

    with pytest.raises(PermissionDenied):
        _call(cast, name, offer, now, actor=getattr(cast, who))

    offer.refresh_from_db()
    assert offer.status == source
    assert not OfferTransition.objects.filter(offer=offer, at=now).exists()


def test_a_teacher_of_a_consortium_school_may_review_an_offer_submitted_to_the_consortium(
    cast, make_offer, now
):
    offer = make_offer(S.SUBMITTED, schools=[], consortium=cast.consortium)
    offer_review_start(actor=cast.peters, offer=offer, now=now)
    offer.refresh_from_db()
    assert (offer.status, offer.reviewer) == (S.IN_REVIEW, cast.peters)


def test_staff_may_make_any_transition(cast, make_offer, now):
    admin = UserFactory(is_staff=True)
    offer = make_offer(S.DRAFT)
    offer_submit(actor=admin, offer=offer, now=now)
    offer_publish(actor=admin, offer=offer, now=now)
    offer.refresh_from_db()
    assert offer.status == S.PUBLISHED


def test_submitting_needs_a_school_or_consortium(cast, make_offer, now):
    offer = make_offer(S.DRAFT, schools=[])
    with pytest.raises(ApplicationError) as refused:
        offer_submit(actor=cast.jan, offer=offer, now=now)
    assert refused.value.extra["fields"]["schools"]
    offer.refresh_from_db()
    assert offer.status == S.DRAFT


@pytest.mark.parametrize(
    ("service", "argument", "field"),
    [(offer_reject, "reason", "reason"), (offer_request_changes, "message", "message")],
)
def test_rejecting_or_asking_changes_needs_a_text_for_the_company(
    cast, make_offer, now, service, argument, field
):
    offer = make_offer(S.IN_REVIEW)
    with pytest.raises(ApplicationError) as refused:
        service(actor=cast.devries, offer=offer, now=now, **{argument: "   "})
    assert list(refused.value.extra["fields"]) == [field]
    offer.refresh_from_db()
    assert offer.status == S.IN_REVIEW


def test_the_company_sees_the_rejection_reason_and_hears_about_it(
    cast, make_offer, now, django_capture_on_commit_callbacks
):
    offer = make_offer(S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        offer_reject(actor=cast.devries, offer=offer, reason="Geen leerwaarde.", now=now)

    offer.refresh_from_db()
    assert offer.rejection_reason == "Geen leerwaarde."
    notification = Notification.objects.get()
    assert notification.recipient == cast.jan
    assert notification.category == "offer_status"
    assert notification.title == f"Uw aanbod “{offer.title}” is afgewezen"
    assert notification.body == "Reden: Geen leerwaarde."
    assert [m.to for m in mail.outbox] == [[cast.jan.email]]


def test_the_company_hears_about_every_status_change_it_did_not_make(cast, make_offer, now):
    offer = make_offer(S.DRAFT)
    steps = [
        (offer_submit, cast.jan, {}),
        (offer_review_start, cast.devries, {}),
        (offer_request_changes, cast.devries, {"message": "Welke week?"}),
        (offer_submit, cast.jan, {}),
        (offer_publish, cast.devries, {}),
        (offer_start, cast.bos, {}),
        (offer_complete, cast.bos, {}),
        (offer_archive, cast.bos, {}),
    ]
    for number, (service, actor, extra) in enumerate(steps):
        service(actor=actor, offer=offer, now=now + dt.timedelta(minutes=number), **extra)

    titles = list(
        Notification.objects.filter(recipient=cast.jan)
        .order_by("created_at")
        .values_list("title", flat=True)
    )
    title = offer.title
    assert titles == [
        f"Een docent beoordeelt nu uw aanbod “{title}”",
        f"De school vraagt een aanpassing van “{title}”",
        f"Uw aanbod “{title}” is gepubliceerd",
        f"Uw aanbod “{title}” is gestart",
        f"Uw aanbod “{title}” is afgerond",
        f"Uw aanbod “{title}” is gearchiveerd",
    ]


def test_the_school_coordinators_hear_about_a_submission_and_a_resubmission(cast, make_offer, now):
    offer = make_offer(S.DRAFT)
    offer_submit(actor=cast.jan, offer=offer, now=now)
    assert list(Notification.objects.values_list("recipient__email", "category")) == [
        (cast.bos.email, "offer_review")
    ]

    offer_request_changes(actor=cast.devries, offer=offer, message="Datum?", now=now)
    offer_submit(actor=cast.jan, offer=offer, now=now + dt.timedelta(hours=1))
    resubmitted = Notification.objects.filter(category="offer_review", title__contains="opnieuw")
    assert sorted(resubmitted.values_list("recipient__email", flat=True)) == sorted(
        [cast.bos.email, cast.devries.email]
    )


def test_a_notification_is_not_sent_twice_for_the_same_transition(
    cast, make_offer, now, django_capture_on_commit_callbacks
):
    offer = make_offer(S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        offer_publish(actor=cast.devries, offer=offer, now=now)
        transition = OfferTransition.objects.filter(offer=offer).last()
        again = offer_transition_notify(offer=offer, transition=transition)

    assert again == 0
    assert Notification.objects.filter(recipient=cast.jan).count() == 1
    assert len(mail.outbox) == 1


def test_publishing_clears_an_old_change_request_and_records_the_reviewer(cast, make_offer, now):
    offer = make_offer(S.SUBMITTED, change_request="Oude vraag")
    offer_publish(actor=cast.bos, offer=offer, now=now)
    offer.refresh_from_db()
    assert (offer.change_request, offer.reviewer) == ("", cast.bos)


def test_the_returned_offer_tells_the_new_story_even_when_its_history_was_prefetched(
    cast, make_offer, now
):
    from backend.offers.selectors import offer_status_summary, offers_visible_to

    offer = make_offer(S.PUBLISHED)
    loaded = offers_visible_to(cast.bos).get(pk=offer.pk)
    assert len(loaded.transitions.all()) == 2

    offer_start(actor=cast.bos, offer=loaded, now=now)

    assert offer_status_summary(loaded, now).text == "Loopt sinds vandaag, door Marleen Bos"
