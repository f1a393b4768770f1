import datetime as dt

from backend.allocations.tasks import allocation_choice_reminders_task
from backend.notifications.models import Notification
from tests.backend.allocations.conftest import NOW, choose, open_round


def test_students_without_choices_get_one_reminder_two_days_before_the_deadline(
    world, time_machine
):
    open_round(world)
    choose(world, world.cast.sanne, world.app)
    time_machine.move_to(NOW + dt.timedelta(days=4), tick=False)
    assert allocation_choice_reminders_task() == 0
    time_machine.move_to(NOW + dt.timedelta(days=5, hours=1), tick=False)
    assert allocation_choice_reminders_task() == 3
    assert allocation_choice_reminders_task() == 0
    time_machine.move_to(NOW + dt.timedelta(days=6), tick=False)
    assert allocation_choice_reminders_task() == 0
    reminded = set(
        Notification.objects.filter(category="allocation_reminder").values_list(
            "recipient_id", flat=True
        )
    )
    assert reminded == {u.pk for u in world.classmates}
    note = Notification.objects.filter(category="allocation_reminder").first()
    assert note.title == "Kies je uitdagingen voor Blok 3 challenges"
    assert note.body == "Je hebt nog geen keuzes ingeleverd. De keuzes sluiten op 09-03-2026 10:00."


def test_no_reminders_after_the_deadline_or_outside_choosing(world, time_machine):
    time_machine.move_to(NOW + dt.timedelta(days=6), tick=False)
    assert allocation_choice_reminders_task() == 0  # still preparing
    open_round(world)
    time_machine.move_to(NOW + dt.timedelta(days=8), tick=False)
    assert allocation_choice_reminders_task() == 0
    assert not Notification.objects.exists()
