import datetime as dt

import time_machine
from django.core import mail

from backend.agreements import services
from backend.agreements.models import AgreementStatus, CommitmentStatus, CommitmentUpdate
from backend.agreements.tasks import (
    agreements_expire_task,
    commitment_escalations_task,
    commitment_reminders_task,
)
from backend.notifications.models import Notification


def test_reminders_go_out_three_days_and_one_day_before_and_only_once(
    cast, accepted, django_capture_on_commit_callbacks
):
    # Bos's first commitment is due 2027-03-08: 3 days before is 2027-03-05.
    with (
        time_machine.travel(dt.datetime(2027, 3, 5, 7, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert commitment_reminders_task() == 1
        assert commitment_reminders_task() == 0
    reminders = Notification.objects.filter(dedupe_key__contains="reminder")
    assert [(n.recipient, n.title) for n in reminders] == [
        (
            cast.bos,
            "Herinnering: 'Studenten voorbereiden en aan het bedrijf voorstellen' moet over 3 dagen klaar zijn",
        )
    ]
    assert len(mail.outbox) == 1
    with time_machine.travel(dt.datetime(2027, 3, 7, 7, 0, tzinfo=dt.UTC), tick=False):
        assert commitment_reminders_task() == 1
        assert commitment_reminders_task() == 0
    assert Notification.objects.filter(dedupe_key__contains="reminder").count() == 2


def test_no_reminder_for_done_commitments(cast, accepted, now):
    first = accepted.commitments.order_by("due_on").first()
    services.commitment_set_status(
        commitment=first, actor=cast.bos, status=CommitmentStatus.DONE, note="klaar", now=now
    )
    with time_machine.travel(dt.datetime(2027, 3, 5, 7, 0, tzinfo=dt.UTC), tick=False):
        assert commitment_reminders_task() == 0
    assert not Notification.objects.filter(dedupe_key__contains="reminder").exists()


def test_escalation_marks_overdue_once_and_tells_the_coordinator_and_owner(cast, accepted):
    jan_first = (
        accepted.commitments.filter(owner=cast.jan).order_by("due_on").first()
    )  # due 2027-03-15
    bos_first = (
        accepted.commitments.filter(owner=cast.bos).order_by("due_on").first()
    )  # due 2027-03-08
    with time_machine.travel(dt.datetime(2027, 3, 16, 7, 30, tzinfo=dt.UTC), tick=False):
        assert commitment_escalations_task() == 2
        assert commitment_escalations_task() == 0
    jan_first.refresh_from_db()
    assert jan_first.status == CommitmentStatus.OVERDUE
    assert CommitmentUpdate.objects.filter(commitment=jan_first, to_status="overdue").count() == 1
    escalations = Notification.objects.filter(dedupe_key=f"commitment-{jan_first.pk}-escalated")
    assert [n.recipient for n in escalations] == [cast.bos]
    assert (
        Notification.objects.filter(dedupe_key=f"commitment-{jan_first.pk}-overdue").get().recipient
        == cast.jan
    )
    # Bos owns the other one: he is told once as owner, not again as coordinator.
    assert list(
        Notification.objects.filter(
            dedupe_key__startswith=f"commitment-{bos_first.pk}-"
        ).values_list("recipient", flat=True)
    ) == [cast.bos.pk]
    assert Notification.objects.filter(dedupe_key__startswith="commitment-").count() == 3


def test_no_escalation_for_closed_agreements(cast, accepted, now):
    services.agreement_cancel(agreement=accepted, actor=cast.bos, now=now, reason="gestopt")
    with time_machine.travel(dt.datetime(2027, 5, 1, tzinfo=dt.UTC), tick=False):
        assert commitment_escalations_task() == 0


def test_the_expire_task_activates_and_expires_once(cast, accepted):
    with time_machine.travel(dt.datetime(2027, 3, 15, 1, 15, tzinfo=dt.UTC), tick=False):
        assert agreements_expire_task() == {"activated": 1, "expired": 0}
        assert agreements_expire_task() == {"activated": 0, "expired": 0}
    accepted.refresh_from_db()
    assert accepted.status == AgreementStatus.ACTIVE
    assert accepted.events.filter(kind="activated", actor__isnull=True).count() == 1
