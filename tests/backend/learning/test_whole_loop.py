"""The whole learning loop in one walk (issue 15, "must show"): a challenge mapped to two
werkprocessen; the matcher places Sanne on it; the company rates her; she assesses herself; her
coach validates; her portfolio now shows the werkproces as demonstrated; and in the next round the
engine no longer treats it as open, and her explanation names it as already shown."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from backend.accounts.selectors import open_werkproces_codes_for_students
from backend.allocations import services as rounds
from backend.allocations.models import Assignment, Phase
from backend.allocations.selectors.snapshot import round_snapshot
from backend.allocations.selectors.student import result_for_student
from backend.curriculum.models import ProgressLevel, Werkproces
from backend.learning.models import CompanyFeedback, Moment, ReviewStatus
from backend.learning.selectors.portfolio import portfolio_of
from backend.learning.services.company_feedback import (
    company_feedback_open_due,
    company_feedback_submit,
)
from backend.learning.services.self_assessment import self_assessment_save
from backend.learning.services.validation import evidence_validate
from backend.offers.models import Coverage, WerkprocesMapping
from tests.backend.allocations.conftest import published

STARR = {
    "situation": "De bakkerij wilde bestellingen online aannemen.",
    "task": "Ik moest de bestelpagina bouwen en testen.",
    "action": "Ik heb met Jan de wensen doorgelopen en een prototype gemaakt.",
    "result": "De pagina werkt; er kwamen de eerste week twaalf bestellingen binnen.",
    "reflection": "Volgende keer vraag ik eerder om feedback van de klant.",
}


def _challenge(cast, owner, contact, title, codes, *, starts_on, ends_on):
    offer = published(
        owner,
        contact,
        title,
        schools=[cast.vista],
        max_students=3,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    for code in codes:
        WerkprocesMapping.objects.create(
            offer=offer,
            werkproces=Werkproces.objects.get(
                code=code, kerntaak__dossier=cast.ict_niveau2.dossier
            ),
            coverage=Coverage.FULL,
            mapped_by=cast.devries,
        )
    return offer


def _round(cast, name, challenge, *, now):
    """A Vista round with one challenge: Sanne chooses it, the matcher runs, Bos publishes."""
    allocation_round = rounds.allocation_round_create(
        actor=cast.bos,
        name=name,
        school=cast.vista,
        challenges=[challenge],
        min_choices=1,
        max_choices=1,
        choices_close_at=now + dt.timedelta(days=7),
        objections_close_at=now + dt.timedelta(days=21),
        now=now,
    )
    rounds.allocation_round_open_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=now
    )
    rounds.choice_list_submit(
        allocation_round=allocation_round, student=cast.sanne, offer_ids=[challenge.pk], now=now
    )
    rounds.allocation_round_close_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=now + dt.timedelta(days=8)
    )
    run = rounds.allocation_run_start(allocation_round=allocation_round, actor=cast.bos)
    rounds.allocation_run_execute(run_id=run.pk)
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.REVIEW
    return allocation_round


def test_feedback_self_assessment_and_validation_close_an_open_werkproces_for_the_next_round(
    cast, client
):
    now = timezone.now()
    today = timezone.localdate()
    sanne = cast.sanne
    webshop = _challenge(
        cast,
        cast.bakkerij,
        cast.jan,
        "Webshop voor Bakkerij Jansen",
        ("B1-K1-W1", "P1-K1-W1"),
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=3),
    )
    w1 = Werkproces.objects.get(code="B1-K1-W1", kerntaak__dossier=cast.ict_niveau2.dossier)
    p1 = Werkproces.objects.get(code="P1-K1-W1", kerntaak__dossier=cast.ict_niveau2.dossier)

    # 1. The matcher places Sanne on the challenge; every werkproces is still open.
    first = _round(cast, "Blok 2", webshop, now=now - dt.timedelta(days=60))
    me = next(s for s in round_snapshot(first, today=today).students if s.user_id == sanne.pk)
    assert "B1-K1-W1" in me.open_goals
    rounds.allocation_round_publish(
        allocation_round=first, actor=cast.bos, now=now - dt.timedelta(days=50)
    )
    assert Assignment.objects.get(round=first, student=sanne).offer == webshop
    cell = portfolio_cell(sanne, "B1-K1-W1")
    assert not cell.is_demonstrated
    assert [offer.pk for offer in cell.activities] == [webshop.pk]

    # 2. The activity's last week: the company is asked for feedback and rates Sanne.
    assert company_feedback_open_due(now=now) == 1
    feedback = CompanyFeedback.objects.get(student=sanne, offer=webshop, moment=Moment.FINAL)
    company_feedback_submit(
        feedback=feedback,
        actor=cast.jan,
        levels={w1.pk: ProgressLevel.GOOD, p1.pk: ProgressLevel.PRACTISING},
        comment="Sanne werkte zelfstandig en dacht goed mee.",
        now=now,
    )
    # A company's rating alone does not make a werkproces demonstrated.
    assert "B1-K1-W1" in open_werkproces_codes_for_students([sanne.pk])[sanne.pk]

    # 3. Sanne assesses herself with a STARR reflection and submits it.
    assessment = self_assessment_save(
        student=sanne,
        offer=webshop,
        werkproces=w1,
        level=ProgressLevel.SUFFICIENT,
        submit=True,
        now=now,
        **STARR,
    )
    assert assessment.status == ReviewStatus.SUBMITTED
    assert "B1-K1-W1" in open_werkproces_codes_for_students([sanne.pk])[sanne.pk]
    assert portfolio_cell(sanne, "B1-K1-W1").is_pending

    # 4. Her coach validates it: now it counts.
    evidence_validate(
        self_assessment=assessment,
        actor=cast.devries,
        level=ProgressLevel.GOOD,
        note="Bevestigd door de feedback van Jan en het eindproduct.",
        now=now,
    )
    open_codes = open_werkproces_codes_for_students([sanne.pk])[sanne.pk]
    assert "B1-K1-W1" not in open_codes
    assert "P1-K1-W1" in open_codes
    portfolio = portfolio_of(sanne)
    cell = portfolio_cell(sanne, "B1-K1-W1")
    assert cell.is_demonstrated
    assert cell.level == ProgressLevel.GOOD
    assert [rating.level for rating in cell.ratings] == [ProgressLevel.GOOD]
    assert not portfolio_cell(sanne, "P1-K1-W1").is_demonstrated
    assert (portfolio.demonstrated, portfolio.total) == (1, 3)

    # 5. The next round: a challenge on B1-K1-W1 and B1-K1-W2. The engine sees only W2 as open,
    # and Sanne's explanation names W1 as already shown.
    app = _challenge(
        cast,
        cast.pixel,
        cast.eva,
        "App voor Pixelfabriek",
        ("B1-K1-W1", "B1-K1-W2"),
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=90),
    )
    second = _round(cast, "Blok 3", app, now=now)
    me = next(s for s in round_snapshot(second, today=today).students if s.user_id == sanne.pk)
    assert "B1-K1-W1" not in me.open_goals
    assert "B1-K1-W2" in me.open_goals
    second = rounds.allocation_round_publish(allocation_round=second, actor=cast.bos, now=now)
    result = result_for_student(second, sanne, now=now, enrolment=sanne.enrolment)
    assert [goal.code for goal in result.fits] == ["B1-K1-W2"]
    assert [goal.code for goal in result.shown] == ["B1-K1-W1"]

    # What Sanne sees: her result names W1 as already shown, her portfolio as demonstrated.
    client.force_login(sanne)
    page = client.get(reverse("frontend:round-student", args=[second.pk])).content.decode()
    shown = page.split('<ul class="shown-goals">', 1)[1].split("</ul>", 1)[0]
    assert "B1-K1-W1" in shown
    assert "B1-K1-W2" not in shown
    portfolio = client.get(reverse("frontend:my-portfolio")).content.decode()
    assert "Je hebt 1 van de 3 werkprocessen aangetoond." in portfolio


def portfolio_cell(student, code):
    return next(cell for cell in portfolio_of(student).cells if cell.werkproces.code == code)
