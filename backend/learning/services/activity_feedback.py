"""The students' feedback on an activity after it ended: two questions on a 1-5 scale and a
comment. The company reads it only as an aggregate of whole batches of five answers
(`selectors.activity_feedback.offer_feedback_summary`), never with names.

- `activity_feedback_give`: the student, once, on an activity they were placed on that ended.
- `activity_feedback_invite`: the daily task asks students whose activity ended in the last 30
  days and who have not answered (once per student and activity).
- `may_see_offer_feedback`: who reads the aggregate (the company, the schools it went to).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.core.links import PageLink
from backend.learning.access import is_company_of
from backend.learning.models import MIN_ANSWERS_FOR_COMPANY, ActivityFeedback
from backend.learning.selectors.activity_feedback import (
    activity_feedback_of,
    feedback_invitations_due,
)
from backend.learning.selectors.placements import activity_has_ended, is_placed_on
from backend.notifications.services import Message, message_for, notify, notify_many
from backend.offers.models import Offer
from backend.offers.selectors.visibility import offer_target_school_ids

CATEGORY = "learning_activity_feedback"
SCALE = range(1, 6)
COMMENT_MAX_LENGTH = 1000
# Students are asked for feedback on activities that ended at most this long ago.
INVITE_WINDOW = dt.timedelta(days=30)


def may_see_offer_feedback(user: User, offer: Offer) -> bool:
    """The aggregate of the students' feedback: contacts of the company that owns the offer and
    school staff of a school the offer was submitted to (directly or through its consortium)."""
    if not user.is_authenticated:
        return False
    if is_company_of(user, offer):
        return True
    schools = staff_school_ids(user)
    return bool(schools and schools & offer_target_school_ids(offer))


def _already_given(feedback: ActivityFeedback) -> Conflict:
    return Conflict(
        _("Je hebt al feedback gegeven op deze activiteit, op %(date)s. Dat kan één keer.")
        % {"date": date_format(timezone.localtime(feedback.created_at), "j F Y")}
    )


def _check_may_give(*, student: User, offer: Offer, today: dt.date) -> None:
    if not is_placed_on(student.pk, offer.pk):
        raise PermissionDenied(
            _("Je kunt alleen feedback geven op een activiteit waarvoor je bent ingedeeld.")
        )
    if not activity_has_ended(offer, today=today):
        raise ApplicationError(
            _("Deze activiteit loopt nog tot %(date)s. Je kunt feedback geven als ze voorbij is.")
            % {"date": date_format(offer.ends_on, "j F Y")}
            if offer.ends_on
            else _("Deze activiteit loopt nog. Je kunt feedback geven als ze voorbij is.")
        )
    given = activity_feedback_of(student.pk, offer.pk)
    if given is not None:
        raise _already_given(given)


def _scale_error(value: Any) -> str | None:
    # bool is an int in Python; True is not an answer on a 1-5 scale.
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        return _("Kies een getal van 1 tot en met 5.")
    return None


def _field_errors(*, learned: Any, supported: Any, comment: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in (("learned", learned), ("supported", supported)):
        if message := _scale_error(value):
            errors[name] = [message]
    if "\x00" in comment:
        errors["comment"] = [_("Je opmerking bevat een teken dat niet kan worden opgeslagen.")]
    elif len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [
            _("Je opmerking is %(length)d tekens; het mogen er hoogstens %(max)d zijn.")
            % {"length": len(comment), "max": COMMENT_MAX_LENGTH}
        ]
    return errors


def _announce_batch(offer: Offer, *, now: dt.datetime) -> None:
    """Tell the offer's contact when a new batch of five makes the summary change (never per
    answer: the message could otherwise be tied to one student)."""
    count = ActivityFeedback.objects.filter(offer_id=offer.pk).count()
    if count % MIN_ANSWERS_FOR_COMPANY:
        return
    notify(
        recipient=offer.contact,
        category=CATEGORY,
        title=gettext_lazy("Nieuwe feedback van studenten"),
        body=lambda: (
            _("%(count)d studenten gaven feedback op “%(title)s”. Bekijk de samenvatting.")
            % {"count": count, "title": offer.title}
        ),
        link=PageLink("offer-student-feedback", offer.pk),
        dedupe_key=f"activity-feedback-batch:{offer.pk}:{count}",
        now=now,
    )


@transaction.atomic
def activity_feedback_give(
    *, student: User, offer: Offer, learned: int, supported: int, comment: str, now: dt.datetime
) -> ActivityFeedback:
    """Record the student's answers: `learned` ("ik heb veel geleerd") and `supported` ("het
    bedrijf begeleidde ons goed") on 1-5, and a comment of at most 1000 characters.

    Refused (PermissionDenied) unless the student was placed on the offer in a published round;
    refused while the activity runs and when the student answered before (Conflict). Wrong values
    raise an ApplicationError naming each field. Notifies the company only when the answer
    completes a batch of five."""
    # One answer at a time per offer: the batch count and the notification stay exact.
    locked = Offer.objects.select_for_update().select_related("contact").get(pk=offer.pk)
    _check_may_give(student=student, offer=locked, today=timezone.localdate(now))
    comment = (comment or "").strip()
    errors = _field_errors(learned=learned, supported=supported, comment=comment)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})
    try:
        with transaction.atomic():
            feedback = ActivityFeedback.objects.create(
                student=student,
                offer=locked,
                learned=learned,
                supported=supported,
                comment=comment,
            )
    except IntegrityError:
        # Another request of the same student got there first.
        given = activity_feedback_of(student.pk, offer.pk)
        if given is None:
            raise
        raise _already_given(given) from None
    _announce_batch(locked, now=now)
    return feedback


def _invitation(student: User, offer: Offer) -> Message:
    return message_for(
        student,
        category=CATEGORY,
        title=lambda: _("Hoe was “%(title)s”?") % {"title": offer.title},
        body=gettext_lazy(
            "De activiteit is voorbij. Vertel in een minuut wat je hebt geleerd en hoe het bedrijf "
            "je begeleidde. Het bedrijf ziet je naam niet."
        ),
        link=PageLink("activity-feedback", offer.pk),
        dedupe_key=f"activity-feedback-invite:{offer.pk}:{student.pk}",
    )


@transaction.atomic
def activity_feedback_invite(*, now: dt.datetime) -> int:
    """Ask every student whose activity ended in the last 30 days and who gave no feedback on it
    yet. Once per student and activity (the dedupe key), so running it twice sends nothing twice.
    Returns the number of invitations sent."""
    due = feedback_invitations_due(today=timezone.localdate(now), since=now - INVITE_WINDOW)
    messages = [_invitation(assignment.student, assignment.offer) for assignment in due]
    return len(notify_many(messages=messages, now=now))
