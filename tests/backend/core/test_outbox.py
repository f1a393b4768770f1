"""The transactional outbox: a task is recorded with the change, published after commit, kept when
the broker is down and published by the dispatcher once it is back; consumers run once."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.accounts.services.mail import mail_after_commit
from backend.core.models import OutboxMessage, OutboxStatus, OutgoingMail
from backend.core.outbox import outbox_dispatch_pending, outbox_enqueue
from backend.notifications.models import Notification
from backend.notifications.services import notify
from backend.offers.models import OfferStatus
from tests.backend.core.broker import install_fake_broker
from tests.conftest import as_user
from tests.factories import OfferFactory

ROOT = Path(__file__).resolve().parents[3]
TASK = "backend.core.tasks.outgoing_mail_send_task"


@pytest.fixture
def broker(monkeypatch):
    return install_fake_broker(monkeypatch)


def later(minutes: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_it_writes_the_row_in_the_callers_transaction_and_rolls_back_with_it(db, broker):
    inside: list[int] = []

    def change_that_fails() -> None:
        with transaction.atomic():
            mail_after_commit(to="sanne@vista.test", subject="Welkom", body="Hallo")
            inside.append(OutboxMessage.objects.count())
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()
    assert inside == [1]  # the row was there inside the transaction
    assert not OutboxMessage.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert broker.published == []


def test_it_publishes_after_commit_and_marks_the_row_dispatched(
    db, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_after_commit(to="sanne@vista.test", subject="Welkom", body="Hallo")
    assert broker.published == []  # nothing before commit
    for callback in callbacks:
        callback()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.DISPATCHED, 1, "")
    assert broker.published == [(TASK, {"mail_id": OutgoingMail.objects.get().pk})]


def test_with_the_broker_down_the_row_stays_pending_and_counts_the_attempt(
    db, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=TASK, kwargs={"mail_id": 1})
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "Connection refused" in row.last_error
    assert row.next_attempt_at > row.last_attempt_at
    # The dispatcher leaves it alone until its backoff has passed.
    assert outbox_dispatch_pending(now=row.last_attempt_at) == 0
    assert OutboxMessage.objects.get().attempts == 1


def test_the_dispatcher_publishes_pending_rows_once_the_broker_is_back(
    db, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        for mail_id in (1, 2):
            outbox_enqueue(task=TASK, kwargs={"mail_id": mail_id})
    broker.up = True
    assert outbox_dispatch_pending(now=later(5)) == 2
    assert broker.published == [(TASK, {"mail_id": 1}), (TASK, {"mail_id": 2})]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"dispatched"}
    assert outbox_dispatch_pending(now=later(60)) == 0  # dispatched rows are never sent again


def test_the_dispatcher_stops_at_the_first_failure_and_gives_up_after_max_attempts(
    db, broker, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    broker.up = False
    for mail_id in (1, 2):
        outbox_enqueue(task=TASK, kwargs={"mail_id": mail_id})  # no commit hooks: only the rows
    first, second = OutboxMessage.objects.order_by("pk")
    when = later(2)
    for _ in range(3):
        assert outbox_dispatch_pending(now=when) == 0
        when += dt.timedelta(hours=2)
    first.refresh_from_db()
    second.refresh_from_db()
    # The broker is down: once the first row failed, a pass does not try the rest in vain.
    assert (first.status, first.attempts) == (OutboxStatus.FAILED, 3)
    assert (second.status, second.attempts) == (OutboxStatus.PENDING, 0)
    broker.up = True
    call_command("outbox_dispatch", "--requeue-failed", stdout=io.StringIO())
    assert {row.status for row in OutboxMessage.objects.all()} == {OutboxStatus.DISPATCHED}


def test_an_account_mail_is_sent_once_even_when_its_task_arrives_twice(
    db, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(to="sanne@vista.test", subject="Wachtwoord", body="Link: /reset/abc/")
    broker.published = broker.published * 2  # redelivered
    broker.deliver()
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("[Koppel] Wachtwoord", ["sanne@vista.test"])
    ]
    sent = OutgoingMail.objects.get()
    assert sent.sent_at is not None
    assert sent.body == ""  # the one-time link is not kept once sent


def test_a_notification_e_mail_task_delivered_twice_sends_one_mail(
    cast, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=cast.sanne, category="offer_status", title="Nieuw")
    broker.published = broker.published * 2
    broker.deliver()
    assert [m.to for m in mail.outbox] == [[cast.sanne.email]]
    assert Notification.objects.get().emailed_at is not None


def test_a_failed_send_releases_the_claim_so_a_retry_sends_it(db, monkeypatch):
    from backend.core import mail as core_mail

    mail_after_commit(to="sanne@vista.test", subject="Welkom", body="Hallo")
    row = OutgoingMail.objects.get()

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(core_mail, "send_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        core_mail.outgoing_mail_send(mail_id=row.pk)
    assert OutgoingMail.objects.get().sent_at is None
    monkeypatch.undo()
    assert core_mail.outgoing_mail_send(mail_id=row.pk) is True
    assert len(mail.outbox) == 1


def test_publishing_an_offer_with_the_broker_down_answers_200_and_mails_once_when_back(
    cast, broker, django_capture_on_commit_callbacks
):
    offer = OfferFactory(
        owner=cast.bakkerij, contact=cast.jan, status=OfferStatus.IN_REVIEW, schools=[cast.vista]
    )
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(cast.devries).post(reverse("api:offer-publish", args=[offer.pk]))
    assert response.status_code == 200, response.content
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    notification = Notification.objects.get(recipient=cast.jan)
    assert notification.emailed_at is None
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING

    broker.up = True
    assert outbox_dispatch_pending(now=later(2)) == 1
    broker.published = broker.published * 2  # and the broker delivers it twice
    broker.deliver()
    assert [m.to for m in mail.outbox] == [[cast.jan.email]]
    assert outbox_dispatch_pending(now=later(120)) == 0
    assert len(mail.outbox) == 1


def test_no_task_is_published_outside_the_outbox():
    """Every `.delay(` / `.apply_async(` in backend/ bypasses the outbox (and is lost when the
    broker is down); only the outbox itself may publish."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "backend").rglob("*.py")
        if path.name != "outbox.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(delay|apply_async|send_task)\(", line)
    ]
    assert offenders == []


def test_pruning_forgets_old_published_rows_and_sent_mails_but_keeps_unsent_work(db):
    from backend.core.tasks import outbox_prune_task

    now = timezone.now()
    old, recent = now - dt.timedelta(days=15), now - dt.timedelta(days=13)

    def row(status, dispatched_at=None):
        return OutboxMessage.objects.create(
            task="t",
            status=status,
            created_at=old,
            next_attempt_at=old,
            dispatched_at=dispatched_at,
        )

    def sent_mail(sent_at):
        return OutgoingMail.objects.create(
            to="a@example.org", subject="s", body="", created_at=old, sent_at=sent_at
        )

    old_row, recent_row = row(OutboxStatus.DISPATCHED, old), row(OutboxStatus.DISPATCHED, recent)
    pending, failed = row(OutboxStatus.PENDING), row(OutboxStatus.FAILED)
    old_mail, recent_mail, unsent = sent_mail(old), sent_mail(recent), sent_mail(None)

    assert outbox_prune_task() == 2
    assert outbox_prune_task() == 0  # idempotent

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        recent_row.pk,
        pending.pk,
        failed.pk,
    }
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {recent_mail.pk, unsent.pk}
    assert not OutboxMessage.objects.filter(pk=old_row.pk).exists()
    assert not OutgoingMail.objects.filter(pk=old_mail.pk).exists()
