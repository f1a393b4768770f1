"""What a school's retention periods make due (the plan of a retention run), and the pages' reads:
the periods per rule, the runs.

A plan is data only: per rule the cut-off it counted back to and, per model, the ids of the rows
it removes (or empties). `backend.privacy.services.retention.apply_retention` executes exactly
those ids; a dry run stores the same counts without touching them. Everything is counted from
`as_of` back by the school's period (`backend.privacy.retention`), strictly before the cut-off:
a student who left on the cut-off instant itself is not due yet.

Whose data is "of the school": a student's is their enrolment's school's (`StudentEnrolment.
school`); an event's, a round's, an agreement's and an access log row's is the school it names."""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import PersonalDataRead, StudentEnrolment, User
from backend.agreements.models import Acceptance, Agreement, AgreementStatus
from backend.allocations.models import (
    AllocationRun,
    Choice,
    ChoiceList,
    Objection,
    RunPlacement,
)
from backend.curriculum.models import WerkprocesEvidence
from backend.engagement.models import (
    BookingFeedback,
    EventBooking,
    GuestLessonBooking,
    MeetingParticipant,
)
from backend.learning.models import (
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    CompanyRating,
    EvidenceAttachment,
    EvidenceStep,
    SelfAssessment,
    TriadConversation,
    TriadSeries,
)
from backend.notifications.models import Notification
from backend.organisations.models import Organisation
from backend.privacy.access import officer_schools
from backend.privacy.models import RetentionPolicy, RetentionRule, RetentionRun
from backend.privacy.retention import DEFAULT_MONTHS, school_months
from backend.privacy.selectors.requests import has_work_account

# What an objection's free text becomes: a declined objection must keep an answer (a database
# constraint), so it says the text was removed rather than being empty.
REMOVED_TEXT = "[verwijderd na de bewaartermijn]"

# The statuses in which an agreement has ended (its `status_changed_at` says when).
ENDED_AGREEMENT_STATUSES = (
    AgreementStatus.FULFILLED,
    AgreementStatus.CANCELLED,
    AgreementStatus.EXPIRED,
    AgreementStatus.BROKEN,
)

# The student_account rule erases a person through erasure (backend.privacy.services.erasure),
# which gives them this e-mail address: an erased person is never due again.
ERASED_EMAIL = Q(email__startswith="erased-", email__endswith="@invalid")

# The order rules are applied in. The account goes last: erasure may remove rows the other rules
# name, and those rules then find them gone instead of erasure finding them changed.
RULE_ORDER = (
    RetentionRule.CARE_NOTES,
    RetentionRule.CHOICES,
    RetentionRule.EVIDENCE,
    RetentionRule.ACTIVITIES,
    RetentionRule.NOTIFICATIONS,
    RetentionRule.AGREEMENTS,
    RetentionRule.ACCESS_LOG,
    RetentionRule.STUDENT_ACCOUNT,
)

AGREEMENT_PARTICIPANTS = Agreement.participants.through._meta.label


@dataclass(frozen=True)
class Removal:
    """The rows of one model a rule removes or empties: `label` is the model's label
    ("allocations.ChoiceList"), `ids` their primary keys."""

    label: str
    ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class RulePlan:
    rule: RetentionRule
    months: int
    cutoff: dt.datetime
    removals: tuple[Removal, ...]

    @property
    def total(self) -> int:
        return sum(removal.count for removal in self.removals)


@dataclass(frozen=True)
class RetentionPlan:
    school: Organisation
    as_of: dt.datetime
    rules: tuple[RulePlan, ...]

    @property
    def total(self) -> int:
        return sum(rule.total for rule in self.rules)

    def counts(self) -> dict[str, dict[str, int]]:
        """{"rule": {"model label": count}} for every rule and model, zeros included."""
        return {
            plan.rule.value: {removal.label: removal.count for removal in plan.removals}
            for plan in self.rules
        }

    def removal(self, rule: RetentionRule, label: str) -> Removal:
        for plan in self.rules:
            if plan.rule == rule:
                for removal in plan.removals:
                    if removal.label == label:
                        return removal
        raise KeyError((rule, label))


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local time `months` calendar months earlier (31 March minus one month is the last
    day of February)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return timezone.make_aware(naive, local.tzinfo)


def _ids(queryset: QuerySet) -> tuple[int, ...]:  # type: ignore[type-arg]
    return tuple(queryset.order_by("pk").values_list("pk", flat=True).distinct())


def _students(school: Organisation) -> "QuerySet[StudentEnrolment, Any]":
    """The ids of the school's students (a subquery)."""
    return StudentEnrolment.objects.filter(school=school).values("student_id")


def _left_before(school: Organisation, cutoff: dt.datetime) -> "QuerySet[StudentEnrolment, Any]":
    """The ids of the school's students who left before the cut-off (a subquery)."""
    return StudentEnrolment.objects.filter(school=school, student__left_at__lt=cutoff).values(
        "student_id"
    )


def _care_notes(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    enrolments = StudentEnrolment.objects.filter(
        school=school, student__left_at__lt=cutoff
    ).exclude(care_notes="")
    return (Removal(StudentEnrolment._meta.label, _ids(enrolments)),)


def _choices(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    """The school's students' choice lists (with their choices and teammates) in rounds published
    before the cut-off, the explanations of their placements in every run of those rounds, the
    free text of their objections, and the stored problem and result documents of the school's
    own rounds. The assignments stay: they are the school's record of where the student went."""
    published = Q(round__published_at__lt=cutoff)
    of_school = Q(student_id__in=_students(school)) | Q(round__school=school)
    lists = ChoiceList.objects.filter(published & of_school)
    choices = Choice.objects.filter(choice_list__in=lists.values("pk"))
    placements = RunPlacement.objects.filter(
        Q(run__round__published_at__lt=cutoff),
        Q(student_id__in=_students(school)) | Q(run__round__school=school),
    ).filter(~Q(explanation={}) | ~Q(reason=""))
    objections = Objection.objects.filter(published & of_school).filter(
        ~Q(reason="") | (~Q(answer="") & ~Q(answer=REMOVED_TEXT))
    )
    # A consortium round's documents hold every member school's students; they stay until a
    # later change decides which school's period governs them (docs/privacy.md, "Retention").
    runs = AllocationRun.objects.filter(
        round__school=school, round__published_at__lt=cutoff
    ).filter(Q(problem__isnull=False) | Q(result__isnull=False))
    return (
        Removal(ChoiceList._meta.label, _ids(lists)),
        Removal(Choice._meta.label, _ids(choices)),
        Removal(RunPlacement._meta.label, _ids(placements)),
        Removal(Objection._meta.label, _ids(objections)),
        Removal(AllocationRun._meta.label, _ids(runs)),
    )


def _student_account(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    # Someone who also works (an officer, a teacher, Koppel staff) keeps their account.
    people = (
        User.objects.filter(pk__in=_left_before(school, cutoff))
        .exclude(ERASED_EMAIL)
        .exclude(has_work_account())
    )
    return (Removal(User._meta.label, _ids(people)),)


def _evidence(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    """Evidence of the school's students who left before the cut-off, whether or not their
    account has been erased already (erasure keeps evidence that counts towards a diploma), and
    the learning records behind it (issue 15): self-assessments with their attachments (the files
    too) and steps, the company's feedback and ratings, driehoekgesprekken, the student's
    feedback on activities and their badges. Children are listed before their parents, so each
    is counted and an attachment's file is found before its row goes."""
    left = _left_before(school, cutoff)
    evidence = WerkprocesEvidence.objects.filter(student_id__in=left)
    return (
        Removal(WerkprocesEvidence._meta.label, _ids(evidence)),
        Removal(
            EvidenceAttachment._meta.label,
            _ids(EvidenceAttachment.objects.filter(self_assessment__student_id__in=left)),
        ),
        Removal(
            EvidenceStep._meta.label,
            _ids(EvidenceStep.objects.filter(self_assessment__student_id__in=left)),
        ),
        Removal(
            SelfAssessment._meta.label, _ids(SelfAssessment.objects.filter(student_id__in=left))
        ),
        Removal(
            CompanyRating._meta.label,
            _ids(CompanyRating.objects.filter(feedback__student_id__in=left)),
        ),
        Removal(
            CompanyFeedback._meta.label, _ids(CompanyFeedback.objects.filter(student_id__in=left))
        ),
        Removal(
            TriadConversation._meta.label,
            _ids(TriadConversation.objects.filter(series__student_id__in=left)),
        ),
        Removal(TriadSeries._meta.label, _ids(TriadSeries.objects.filter(student_id__in=left))),
        Removal(
            ActivityFeedback._meta.label, _ids(ActivityFeedback.objects.filter(student_id__in=left))
        ),
        Removal(Badge._meta.label, _ids(Badge.objects.filter(student_id__in=left))),
    )


def _activities(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    """The bookings (and attendance) at the school's events and who took part in the school's
    meetings, once the event or meeting ended before the cut-off; the free text of the school's
    guest lessons that started before it (the booking itself stays: the school's record of the
    lesson, with its status and rating)."""
    bookings = EventBooking.objects.filter(
        slot__event__school=school, slot__event__ends_at__lt=cutoff
    )
    participants = MeetingParticipant.objects.filter(
        meeting__school=school, meeting__ends_at__lt=cutoff
    )
    lessons = GuestLessonBooking.objects.filter(school=school, starts_at__lt=cutoff)
    lesson_texts = lessons.filter(~Q(message="") | ~Q(answer_note=""))
    feedback = BookingFeedback.objects.filter(booking__in=lessons.values("pk")).exclude(text="")
    return (
        Removal(EventBooking._meta.label, _ids(bookings)),
        Removal(MeetingParticipant._meta.label, _ids(participants)),
        Removal(GuestLessonBooking._meta.label, _ids(lesson_texts)),
        Removal(BookingFeedback._meta.label, _ids(feedback)),
    )


def _notifications(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    notifications = Notification.objects.filter(
        recipient_id__in=_students(school), created_at__lt=cutoff
    )
    return (Removal(Notification._meta.label, _ids(notifications)),)


def ended_agreements(school: Organisation, cutoff: dt.datetime) -> QuerySet[Agreement]:
    """The agreements the school is a party to that ended before the cut-off: closed (fulfilled,
    cancelled, expired, broken) before it, or past their end date (`ends_on` before the cut-off's
    day), whichever came first."""
    ended = Q(status__in=ENDED_AGREEMENT_STATUSES, status_changed_at__lt=cutoff) | Q(
        ends_on__lt=timezone.localdate(cutoff)
    )
    return Agreement.objects.filter(ended, parties__organisation=school)


def _agreements(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    """The people in an ended agreement, not the agreement: its versions, parties and the
    hash-chained log stay (they name people by id only, so the chain keeps verifying). Removed:
    which of the school's students worked under it, and where each acceptance came from (IP
    address, browser)."""
    agreements = ended_agreements(school, cutoff).values("pk")
    participants = Agreement.participants.through.objects.filter(
        agreement_id__in=agreements, user_id__in=_students(school)
    )
    acceptances = Acceptance.objects.filter(version__agreement_id__in=agreements).filter(
        Q(ip_address__isnull=False) | ~Q(user_agent="")
    )
    return (
        Removal(AGREEMENT_PARTICIPANTS, _ids(participants)),
        Removal(Acceptance._meta.label, _ids(acceptances)),
    )


def _access_log(school: Organisation, cutoff: dt.datetime) -> tuple[Removal, ...]:
    reads = PersonalDataRead.objects.filter(school=school, read_at__lt=cutoff)
    return (Removal(PersonalDataRead._meta.label, _ids(reads)),)


PLANNERS = {
    RetentionRule.CARE_NOTES: _care_notes,
    RetentionRule.CHOICES: _choices,
    RetentionRule.STUDENT_ACCOUNT: _student_account,
    RetentionRule.EVIDENCE: _evidence,
    RetentionRule.ACTIVITIES: _activities,
    RetentionRule.NOTIFICATIONS: _notifications,
    RetentionRule.AGREEMENTS: _agreements,
    RetentionRule.ACCESS_LOG: _access_log,
}


def retention_plan(school: Organisation, *, as_of: dt.datetime) -> "RetentionPlan":
    """Everything the school's periods make due at `as_of`, per rule and model (ids)."""
    months = school_months(school)
    rules = []
    for rule in RULE_ORDER:
        cutoff = months_before(as_of, months[rule])
        rules.append(RulePlan(rule, months[rule], cutoff, PLANNERS[rule](school, cutoff)))
    return RetentionPlan(school=school, as_of=as_of, rules=tuple(rules))


# The pages.


@dataclass(frozen=True)
class PeriodRow:
    rule: RetentionRule
    months: int
    default: int
    own: RetentionPolicy | None

    @property
    def is_default(self) -> bool:
        return self.own is None


def retention_periods(school: Organisation) -> list[PeriodRow]:
    """Every rule with the school's period, the default and the school's own row (if any)."""
    own = {policy.rule: policy for policy in RetentionPolicy.objects.filter(school=school)}
    rows = []
    for rule in RULE_ORDER:
        policy = own.get(rule.value)
        months = policy.months if policy else DEFAULT_MONTHS[rule]
        rows.append(PeriodRow(rule, months, DEFAULT_MONTHS[rule], policy))
    return rows


def retention_runs(
    schools: Iterable[Organisation] | QuerySet[Organisation],
) -> QuerySet[RetentionRun]:
    """The runs of the schools, newest first, with their school and who started them."""
    return RetentionRun.objects.filter(school__in=schools).select_related("school", "started_by")


def retention_run_for(
    schools: Iterable[Organisation] | QuerySet[Organisation], pk: int
) -> RetentionRun | None:
    """One run of the schools, else None (the page answers 404)."""
    return retention_runs(schools).filter(pk=pk).first()


def last_retention_run(school: Organisation) -> RetentionRun | None:
    return RetentionRun.objects.filter(school=school).first()


def officer_retention_schools(officer: User) -> QuerySet[Organisation]:
    """The schools whose retention the officer manages (their institution), by name."""
    return officer_schools(officer).order_by("name", "pk")


# What each model's count means, in words, for the run page.
REMOVAL_TEXTS = {
    StudentEnrolment._meta.label: _("zorgnotities van een inschrijving geleegd"),
    ChoiceList._meta.label: _("keuzelijsten verwijderd"),
    Choice._meta.label: _("keuzes verwijderd"),
    RunPlacement._meta.label: _("uitleg van een plaatsing in een run gewist"),
    Objection._meta.label: _("tekst van bezwaren gewist"),
    AllocationRun._meta.label: _("opgeslagen invoer en uitkomst van runs gewist"),
    User._meta.label: _("accounts verwijderd (gepseudonimiseerd)"),
    WerkprocesEvidence._meta.label: _("bewijzen per werkproces verwijderd"),
    EvidenceAttachment._meta.label: _("bijlagen bij zelfbeoordelingen verwijderd (met bestand)"),
    EvidenceStep._meta.label: _("stappen in de beoordeling verwijderd"),
    SelfAssessment._meta.label: _("zelfbeoordelingen verwijderd"),
    CompanyRating._meta.label: _("beoordelingen per werkproces door bedrijven verwijderd"),
    CompanyFeedback._meta.label: _("feedback van bedrijven verwijderd"),
    TriadConversation._meta.label: _("driehoekgesprekken verwijderd"),
    TriadSeries._meta.label: _("reeksen driehoekgesprekken verwijderd"),
    ActivityFeedback._meta.label: _("feedback van studenten op activiteiten verwijderd"),
    Badge._meta.label: _("badges verwijderd"),
    EventBooking._meta.label: _("gespreksboekingen bij evenementen verwijderd"),
    MeetingParticipant._meta.label: _("deelnames aan overleggen verwijderd"),
    GuestLessonBooking._meta.label: _("toelichtingen bij gastlessen gewist"),
    BookingFeedback._meta.label: _("toelichtingen bij feedback op gastlessen gewist"),
    Notification._meta.label: _("meldingen verwijderd"),
    AGREEMENT_PARTICIPANTS: _("studenten als deelnemer van een afspraak weggehaald"),
    Acceptance._meta.label: _("IP-adres en browser van acceptaties gewist"),
    PersonalDataRead._meta.label: _("regels uit het inzagelog verwijderd"),
}


@dataclass(frozen=True)
class RunLine:
    rule: RetentionRule
    label: str
    text: str
    count: int


def retention_run_lines(run: RetentionRun) -> list[RunLine]:
    """The run's counts per rule and model, in words, in the order the rules apply."""
    lines = []
    for rule in RULE_ORDER:
        for label, count in (run.counts.get(rule.value) or {}).items():
            lines.append(RunLine(rule, label, str(REMOVAL_TEXTS.get(label, label)), count))
    return lines
