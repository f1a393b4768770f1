"""Who may see or do what in engagement: the one home of these rules.

Selectors filter with them, services refuse with them, and APIs and pages show or hide actions
with them (a page passes the answers to its template). The `*_ids` functions return ids so
callers can filter querysets without extra joins. State (is a booking still cancellable?) is the
model's; who may act on it is decided here."""

import datetime as dt
from typing import Literal

from django.db.models import Q

from backend.accounts.models import User
from backend.accounts.roles import STUDENT_ROLES
from backend.accounts.selectors import (
    company_ids,
    coordinator_school_ids,
    organisation_ids_for,
    staff_school_ids,
    students_visible_to,
)
from backend.agreements.models import AgreementParty, Commitment
from backend.agreements.selectors import agreements_visible_to
from backend.engagement.models import (
    Event,
    EventBooking,
    GuestLessonBooking,
    Meeting,
    MeetingParticipant,
)
from backend.organisations.selectors import consortium_ids_for_organisations

# Whom a person answers for on a guest lesson: the expert's side, the school's side, or neither.
BookingSide = Literal["expert", "school", ""]


# Where a person acts, by kind of work.


def teaching_school_ids(user: User) -> set[int]:
    """Schools where the user may request guest lessons and search experts."""
    return staff_school_ids(user)


def visible_consortium_ids(user: User) -> set[int]:
    return consortium_ids_for_organisations(teaching_school_ids(user))


def managed_company_ids(user: User) -> set[int]:
    """Companies whose experts and tables this user manages (as company contact)."""
    return company_ids(user)


def student_school_ids(user: User) -> set[int]:
    return organisation_ids_for(user, *STUDENT_ROLES)


def organiser_school_ids(user: User) -> set[int]:
    """Schools where the user may organise events and see attendance (coordinators and leads)."""
    return coordinator_school_ids(user)


# Experts.


def may_search_experts(user: User) -> bool:
    return user.is_staff or bool(teaching_school_ids(user))


def is_company_contact(user: User) -> bool:
    """Speaks for a company: keeps its experts, registers its tables at events."""
    return bool(managed_company_ids(user))


def may_keep_expert_profiles(user: User) -> bool:
    """Company contacts keep their company's expert profiles (the 'my experts' pages)."""
    return is_company_contact(user)


def may_manage_experts_of(user: User, company_id: int) -> bool:
    return user.is_staff or company_id in managed_company_ids(user)


# Guest lesson bookings.


def may_request_guest_lessons(user: User) -> bool:
    return bool(teaching_school_ids(user))


def may_request_guest_lesson_at(user: User, school_id: int) -> bool:
    return school_id in teaching_school_ids(user)


def may_list_bookings(user: User) -> bool:
    return user.is_staff or bool(teaching_school_ids(user) or managed_company_ids(user))


def booking_side(user: User, booking: GuestLessonBooking) -> BookingSide:
    """'expert' when the user answers for the expert, 'school' when for the school, else ''."""
    expert = booking.expert
    if expert.user_id == user.pk or expert.organisation_id in managed_company_ids(user):
        return "expert"
    if booking.requested_by_id == user.pk or booking.school_id in teaching_school_ids(user):
        return "school"
    return ""


def booking_may_answer(user: User, booking: GuestLessonBooking) -> bool:
    """The expert's side accepts, declines or proposes another moment for a new request."""
    return booking_side(user, booking) == "expert" and booking.awaits_expert_answer


def booking_may_answer_proposal(user: User, booking: GuestLessonBooking) -> bool:
    """The school's side takes or refuses the moment the expert proposed."""
    return booking_side(user, booking) == "school" and booking.awaits_school_answer


def booking_may_cancel(user: User, booking: GuestLessonBooking, *, now: dt.datetime) -> bool:
    """Either side calls off a lesson that is still on, before it starts."""
    return bool(booking_side(user, booking)) and booking.may_be_cancelled(now)


def booking_may_give_feedback(user: User, booking: GuestLessonBooking, *, now: dt.datetime) -> bool:
    """Either side gives feedback once the confirmed lesson is over."""
    return bool(booking_side(user, booking)) and booking.took_place(now)


# Events.


def is_student(user: User) -> bool:
    return bool(student_school_ids(user))


def may_organise_events(user: User) -> bool:
    return bool(organiser_school_ids(user))


def may_organise_events_at(user: User, school_id: int) -> bool:
    return user.is_staff or school_id in organiser_school_ids(user)


def event_can_organise(user: User, event: Event) -> bool:
    return (
        user.is_staff
        or event.organiser_id == user.pk
        or event.school_id in organiser_school_ids(user)
    )


def event_student_may_book(user: User, event: Event) -> bool:
    """Students of the organising school, or of its consortium when the event is open to it."""
    schools = student_school_ids(user)
    if not schools:
        return False
    if event.school_id in schools:
        return True
    return bool(
        event.consortium_id and event.consortium_id in consortium_ids_for_organisations(schools)
    )


def may_register_table_for(user: User, company_id: int) -> bool:
    return company_id in managed_company_ids(user)


def may_cancel_event_booking(user: User, booking: EventBooking) -> bool:
    return booking.student_id == user.pk


def may_record_event_attendance(user: User, booking: EventBooking) -> bool:
    """The organiser, or the company at its own table."""
    own_table = booking.table.company_id in managed_company_ids(user)
    return own_table or event_can_organise(user, booking.slot.event)


def may_see_event_booking(user: User, booking: EventBooking) -> bool:
    """The conversation's own people: the student and the company at the table."""
    return booking.student_id == user.pk or booking.table.company_id in managed_company_ids(user)


# Meetings.


def may_schedule_meetings(user: User) -> bool:
    return user.is_staff or bool(staff_school_ids(user))


def may_schedule_meeting_at(user: User, school_id: int) -> bool:
    return user.is_staff or school_id in staff_school_ids(user)


def meeting_can_manage(user: User, meeting: Meeting) -> bool:
    return (
        user.is_staff
        or meeting.organiser_id == user.pk
        or (meeting.school_id is not None and meeting.school_id in organiser_school_ids(user))
    )


def meeting_may_record_attendance(user: User, meeting: Meeting, *, now: dt.datetime) -> bool:
    """The organiser ticks who came, from the start, unless the meeting was cancelled."""
    return (
        meeting_can_manage(user, meeting) and not meeting.is_cancelled and meeting.has_started(now)
    )


def meeting_may_sign_off(participant: MeetingParticipant | None, *, now: dt.datetime) -> bool:
    """A participant lets the others know before the start, once."""
    if participant is None or participant.signed_off_at is not None:
        return False
    meeting = participant.meeting
    return not meeting.is_cancelled and not meeting.has_started(now)


def _shares_a_meeting(viewer: User, person: User) -> bool:
    return (
        Meeting.objects.filter(Q(organiser=viewer) | Q(participants__user=viewer))
        .filter(participants__user=person)
        .exists()
    )


def may_see_meeting_reliability(viewer: User, person: User) -> bool:
    """Everyone their own; school staff their school's students and staff, and the people they
    meet with."""
    if viewer.pk == person.pk:
        return True
    schools = staff_school_ids(viewer)
    if not schools:
        return False
    return (
        students_visible_to(viewer).filter(pk=person.pk).exists()
        or person.memberships.active().filter(organisation_id__in=schools).exists()
        or _shares_a_meeting(viewer, person)
    )


# Reliability ("afspraak is afspraak"), shown to the other side of an agreement.


def may_see_organisation_reliability(user: User, organisation_id: int) -> bool:
    """Members of the organisation, and anyone who shares an agreement with it."""
    if organisation_id in organisation_ids_for(user):
        return True
    return AgreementParty.objects.filter(
        organisation_id=organisation_id, agreement__in=agreements_visible_to(user)
    ).exists()


def may_see_person_reliability(user: User, person_id: int) -> bool:
    """The person themselves, and anyone who shares an agreement they hold commitments in."""
    if person_id == user.pk:
        return True
    return Commitment.objects.filter(
        owner_id=person_id, agreement__in=agreements_visible_to(user)
    ).exists()


# Partners.


def may_see_partner_attention(user: User) -> bool:
    return bool(organiser_school_ids(user))
