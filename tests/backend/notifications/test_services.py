import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from backend.core.links import PageLink
from backend.notifications.emails import notification_emails_send
from backend.notifications.models import Notification
from backend.notifications.services import (
    Message,
    message_for,
    notification_mark_read,
    notify,
    notify_many,
    preference_set,
)
from backend.notifications.tasks import send_notification_emails_task

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_it_stores_a_message_and_emails_it_after_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            recipient=cast.jan,
            category="offer_status",
            title="Gepubliceerd",
            body="Hoera",
            link=PageLink("offer-detail", 1),
            now=NOW,
        )
    assert Notification.objects.get() == notification
    assert [(m.subject, m.to) for m in mail.outbox] == [("[Koppel] Gepubliceerd", [cast.jan.email])]
    assert "Hoera" in mail.outbox[0].body
    assert reverse("frontend:offer-detail", args=[1]) in mail.outbox[0].body


def test_a_message_is_written_in_the_recipients_language_and_links_by_name(cast):
    cast.jan.preferred_language = "en"
    title = gettext_lazy("Concept opgeslagen.")

    message = message_for(
        cast.jan,
        category="offer_status",
        title=title,
        body=lambda: gettext("Het aanbod is ingetrokken."),
        link=PageLink("offer-detail", 7),
        dedupe_key="k",
    )

    assert message.title == "Draft saved."
    assert message.body == "The offer has been withdrawn."
    assert message.url == reverse("frontend:offer-detail", args=[7])
    assert (message.recipient_id, message.category, message.dedupe_key) == (
        cast.jan.pk,
        "offer_status",
        "k",
    )


def test_a_recipient_without_a_language_reads_dutch(cast):
    cast.jan.preferred_language = ""
    message = message_for(cast.jan, category="x", title=gettext_lazy("Concept opgeslagen."))
    assert message.title == "Concept opgeslagen."
    assert message.url == ""


def test_no_email_is_sent_before_the_transaction_commits(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=cast.jan, category="x", title="Nog niet", now=NOW)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_same_dedupe_key_makes_one_notification(cast):
    first = notify(recipient=cast.jan, category="x", title="Herinnering", dedupe_key="k1", now=NOW)
    second = notify(recipient=cast.jan, category="x", title="Herinnering", dedupe_key="k1", now=NOW)
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1


def test_it_returns_only_the_new_notifications_even_at_the_same_moment(cast):
    notify(recipient=cast.jan, category="x", title="Eerste", now=NOW)
    created = notify_many(
        messages=[
            Message(cast.jan.pk, "x", "Tweede"),
            Message(cast.jan.pk, "x", "Derde", dedupe_key="d"),
            Message(cast.eva.pk, "x", "Voor Eva", dedupe_key="d"),
        ],
        now=NOW,
    )
    assert sorted(n.title for n in created) == ["Derde", "Tweede", "Voor Eva"]
    assert Notification.objects.count() == 4


def test_preferences_turn_off_email_or_everything(cast, django_capture_on_commit_callbacks):
    preference_set(user=cast.jan, category="quiet", in_app=True, email=False)
    preference_set(user=cast.jan, category="off", in_app=False, email=False)
    preference_set(user=cast.jan, category="mail", in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        quiet = notify(recipient=cast.jan, category="quiet", title="Stil", now=NOW)
        off = notify(recipient=cast.jan, category="off", title="Uit", now=NOW)
        mailed = notify(recipient=cast.jan, category="mail", title="Post", now=NOW)
    assert off is None
    assert (quiet.wants_email, quiet.read_at) == (False, None)
    assert (mailed.wants_email, mailed.read_at) == (True, NOW)
    assert [m.subject for m in mail.outbox] == ["[Koppel] Post"]


def test_the_email_task_sends_each_email_once_when_run_twice(cast):
    notification = notify(recipient=cast.jan, category="x", title="Eén keer", now=NOW)
    assert send_notification_emails_task(notification_ids=[notification.pk]) == 1
    assert send_notification_emails_task(notification_ids=[notification.pk]) == 0
    assert notification_emails_send(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_marking_read_touches_only_my_own_unread_notifications(cast):
    mine = notify(recipient=cast.jan, category="x", title="Mijn", now=NOW)
    hers = notify(recipient=cast.eva, category="x", title="Van Eva", now=NOW)
    later = NOW + dt.timedelta(hours=1)
    assert (
        notification_mark_read(user=cast.jan, notification_ids=[mine.pk, hers.pk], now=later) == 1
    )
    assert notification_mark_read(user=cast.jan, notification_ids=[mine.pk], now=later) == 0
    mine.refresh_from_db()
    hers.refresh_from_db()
    assert (mine.read_at, hers.read_at) == (later, None)
