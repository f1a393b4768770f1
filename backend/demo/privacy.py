"""Privacy demo data (issue 14): per scenario the showcase student has given consent for event
photos and has an open correction request; classmates have an access request that was answered,
a consent that was withdrawn and an erasure request the officer has not handled yet (one of them
overdue, so the officer's page shows what needs attention first); the student's coach read the
care notes and the coordinator opened the full record (the access log); and the privacy officer
ran a dry run of the retention periods.

Goes through the services, with `now` moved back where a step happened in the past."""

import datetime as dt

from backend.accounts.models import (
    ConsentPurpose,
    PersonalDataReadKind,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.services.care_notes import care_notes_read
from backend.accounts.services.consent import give_consent, withdraw_consent
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.demo.data import scenarios
from backend.privacy.models import RequestKind, RequestStatus
from backend.privacy.services.requests import close_request, submit_request
from backend.privacy.services.retention import apply_retention

DAY = dt.timedelta(days=1)


def load(*, now: dt.datetime) -> None:
    for scenario in scenarios():
        domain = scenario["domain"]
        student = User.objects.filter(email=f"student@{domain}").first()
        officer = User.objects.filter(email=f"privacy@{domain}").first()
        if student is None or officer is None:
            continue
        enrolment = StudentEnrolment.objects.select_related("school", "coach").get(student=student)
        classmates = list(
            StudentEnrolment.objects.filter(school=enrolment.school)
            .exclude(student=student)
            .select_related("student")
            .order_by("student_number")[:3]
        )
        _consents(student, classmates, now=now)
        _requests(student, classmates, officer, now=now)
        _reads(enrolment, now=now)
        apply_retention(enrolment.school, as_of=now - DAY, dry_run=True, by=officer)


def _consents(student: User, classmates: list[StudentEnrolment], *, now: dt.datetime) -> None:
    give_consent(person=student, purpose=ConsentPurpose.EVENT_PHOTOS, now=now - 60 * DAY)
    for enrolment in classmates[:2]:
        give_consent(
            person=enrolment.student, purpose=ConsentPurpose.FOLLOW_UP_CONTACT, now=now - 90 * DAY
        )
    if classmates:
        withdraw_consent(
            person=classmates[0].student,
            purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
            now=now - 10 * DAY,
        )


def _requests(
    student: User, classmates: list[StudentEnrolment], officer: User, *, now: dt.datetime
) -> None:
    submit_request(
        subject=student,
        kind=RequestKind.CORRECTION,
        details="Bij mijn opleiding staat BOL, maar ik volg de BBL sinds dit schooljaar.",
        by=student,
        now=now - 5 * DAY,
    )
    if len(classmates) < 3:
        return
    answered = submit_request(
        subject=classmates[0].student,
        kind=RequestKind.ACCESS,
        details="",
        by=classmates[0].student,
        now=now - 20 * DAY,
    )
    close_request(
        request=answered,
        by=officer,
        status=RequestStatus.DONE,
        outcome="Je gegevens staan klaar onder Privacy → Mijn gegevens; je kunt ze ook als "
        "bestand downloaden.",
        now=now - 18 * DAY,
    )
    for enrolment, days_ago in ((classmates[1], 35), (classmates[2], 3)):
        submit_request(
            subject=enrolment.student,
            kind=RequestKind.ERASURE,
            details="Ik stop met de opleiding en wil dat mijn gegevens worden verwijderd.",
            by=enrolment.student,
            now=now - days_ago * DAY,
        )


def _reads(enrolment: StudentEnrolment, *, now: dt.datetime) -> None:
    if enrolment.coach is not None:
        care_notes_read(
            enrolment=enrolment,
            reader=enrolment.coach,
            purpose="api:student-detail",
            now=now - 7 * DAY,
        )
    coordinator = (
        User.objects.filter(
            memberships__organisation=enrolment.school,
            memberships__role=Role.COORDINATOR,
            memberships__ended_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if coordinator is not None:
        record_sensitive_read(
            reader=coordinator,
            student=enrolment.student,
            kind=PersonalDataReadKind.STUDENT_RECORD,
            purpose="api:student-detail",
            now=now - 2 * DAY,
        )
