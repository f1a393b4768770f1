"""Werkproces evidence: what some students already showed, recorded by their coach."""

from backend.accounts.models import StudentEnrolment
from backend.curriculum.models import ProgressLevel, WerkprocesEvidence
from backend.demo.context import Demo, Scenario
from backend.offers.models import Offer, OfferStatus

LEVELS = (
    ProgressLevel.NEVER,
    ProgressLevel.PRACTISING,
    ProgressLevel.SUFFICIENT,
    ProgressLevel.GOOD,
)
WEIGHTS = (1, 4, 4, 2)


def build(demo: Demo, scenario: Scenario, offers: list[Offer]) -> None:
    done = [o for o in offers if o.status in (OfferStatus.RUNNING, OfferStatus.COMPLETED)]
    named = set(scenario.named.values())
    rows = []
    enrolments = (
        StudentEnrolment.objects.filter(school__in=scenario.schools.values())
        .select_related("coach")
        .order_by("pk")
    )
    for enrolment in enrolments:
        werkprocessen = demo.werkprocessen.get(enrolment.kwalificatie_id, [])
        is_named = enrolment.student in named
        if not werkprocessen or not (is_named or demo.rng.random() < 0.35):
            continue
        chosen = demo.rng.sample(werkprocessen, k=min(len(werkprocessen), demo.rng.randint(1, 4)))
        for index, werkproces in enumerate(chosen):
            level = (
                (ProgressLevel.SUFFICIENT, ProgressLevel.PRACTISING)[index % 2]
                if is_named
                else demo.rng.choices(LEVELS, WEIGHTS)[0]
            )
            rows.append(
                WerkprocesEvidence(
                    student=enrolment.student,
                    werkproces=werkproces,
                    level=level,
                    recorded_by=enrolment.coach or enrolment.student,
                    validated_by=enrolment.coach,
                    validated_at=demo.now if enrolment.coach else None,
                    offer=demo.rng.choice(done) if done and demo.rng.random() < 0.6 else None,
                    note="Beoordeeld na de eindpresentatie."
                    if level in (ProgressLevel.SUFFICIENT, ProgressLevel.GOOD)
                    else "Nog oefenen; volgende opdracht kiezen die hierop aansluit.",
                )
            )
    WerkprocesEvidence.objects.bulk_create(rows)
