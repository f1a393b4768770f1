"""The learning loop's demo (issue 15): every scenario shows portfolios at every stage, to the
named logins (student, coach, company), and the offers are mapped and placed."""

import datetime as dt

import pytest
from django.db.models import Count

from backend.accounts.models import User
from backend.allocations.models import PUBLISHED_PHASES, Assignment
from backend.curriculum.models import DEMONSTRATED_LEVELS, WerkprocesEvidence
from backend.learning.models import (
    MIN_ANSWERS_FOR_COMPANY,
    ActivityFeedback,
    Badge,
    CompanyFeedback,
    ReviewStatus,
    SelfAssessment,
    TriadConversation,
)
from backend.offers.models import WerkprocesMapping

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DOMAINS = ("digiwise.demo", "mica.demo", "glr.demo")


@pytest.fixture
def demo_db(db, monkeypatch):
    """The foundation and the learning area only (the other areas have their own tests)."""
    from backend.demo import learning
    from backend.demo import loader as demo

    monkeypatch.setattr(demo, "AREA_DEMOS", (learning,))
    demo.load(now=NOW)


def _login(kind, domain):
    return User.objects.get(email=f"{kind}@{domain}")


def _has_portfolios_at_every_stage(domain):
    company = _login("bedrijf", domain)
    coach = _login("coach", domain)
    assessments = SelfAssessment.objects.filter(offer__contact=company)
    feedback = CompanyFeedback.objects.filter(offer__contact=company)

    # Self-assessments in every state, and the coach validates them.
    assert set(assessments.values_list("status", flat=True)) == set(ReviewStatus.values)
    assert set(assessments.exclude(reviewed_by=None).values_list("reviewed_by", flat=True)) == {
        coach.pk
    }
    # Company feedback in, open (due later) and overdue.
    assert feedback.exclude(submitted_at=None).filter(ratings__isnull=False).exists()
    open_feedback = feedback.filter(submitted_at=None)
    assert open_feedback.filter(due_on__gte=TODAY).exists()
    assert open_feedback.filter(due_on__lt=TODAY).exists()
    # Students placed on the company's activities with nothing yet.
    placed = Assignment.objects.filter(
        offer__contact=company, round__phase__in=PUBLISHED_PHASES
    ).values_list("student_id", flat=True)
    assert set(placed) - set(assessments.values_list("student_id", flat=True))

    # A whole kerntaak demonstrated (validated evidence) with a published kerntaak badge.
    badge = Badge.objects.get(issued_by=coach, kerntaak__isnull=False, revoked_at=None)
    assert badge.published_at is not None
    kerntaak_codes = set(badge.kerntaak.werkprocessen.values_list("pk", flat=True))
    demonstrated = set(
        WerkprocesEvidence.objects.filter(
            student=badge.student, validated_at__isnull=False, level__in=DEMONSTRATED_LEVELS
        ).values_list("werkproces_id", flat=True)
    )
    assert kerntaak_codes <= demonstrated
    revoked = Badge.objects.get(issued_by=coach, revoked_at__isnull=False)
    assert revoked.revocation_reason

    # Driehoekgesprekken with the company's mentor: held, missed and planned.
    conversations = TriadConversation.objects.filter(series__mentor=company, series__coach=coach)
    assert conversations.filter(held_on__isnull=False).exclude(notes="").exists()
    assert conversations.filter(held_on=None, planned_on__lt=TODAY - dt.timedelta(days=2)).exists()
    assert conversations.filter(held_on=None, planned_on__gt=TODAY).exists()
    assert conversations.first().series.student == _login("student", domain)

    # One ended activity with enough answers for the company, one with fewer.
    answers = sorted(
        ActivityFeedback.objects.filter(offer__contact=company)
        .values("offer")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert answers[0] < MIN_ANSWERS_FOR_COMPANY <= answers[-1]


def _activities_are_mapped_and_placed(domain):
    company = _login("bedrijf", domain)
    for assessment in SelfAssessment.objects.filter(offer__contact=company).select_related(
        "student__enrolment"
    ):
        assert WerkprocesMapping.objects.filter(
            offer=assessment.offer_id, werkproces=assessment.werkproces_id
        ).exists()
        assert assessment.werkproces in assessment.student.enrolment.kwalificatie.werkprocessen()
        assert Assignment.objects.filter(
            student=assessment.student_id,
            offer=assessment.offer_id,
            round__phase__in=PUBLISHED_PHASES,
        ).exists()


def _students_have_exam_and_bpv_dates(domain):
    enrolment = _login("student", domain).enrolment
    assert enrolment.exam_on > TODAY
    assert enrolment.bpv_starts_on > TODAY
    coached = _login("coach", domain).coached_enrolments
    assert coached.filter(exam_on__isnull=False).count() >= 5
    assert coached.filter(exam_on__isnull=True).exists()


def test_each_scenario_shows_portfolios_at_every_stage_to_its_logins(demo_db):
    """One load for every check (the demo takes a while): per scenario, every stage."""
    for domain in DOMAINS:
        _has_portfolios_at_every_stage(domain)
        _activities_are_mapped_and_placed(domain)
        _students_have_exam_and_bpv_dates(domain)
    # Digiwise's named student is the showcase student herself.
    sanne = _login("student", "digiwise.demo")
    assert SelfAssessment.objects.filter(student=sanne).count() >= 5
    assert Badge.objects.filter(student=sanne, published_at__isnull=False).exists()
