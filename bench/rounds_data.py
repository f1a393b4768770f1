"""Bulk test data for the rounds benchmark: one school, N students, C challenges, choices.

Deterministic (random.Random(seed)); written with bulk_create so 10,000 students load in seconds.
Zipf-skewed popularity, 5-10 choices per student, capacities 1-6 with ~1.2x the students in total,
a third of the challenges with an eligibility rule (level range, programme or VOG), werkproces
mappings as goals, evidence so students have different open goals, ~20% with a valid VOG.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.utils import timezone

_counter = itertools.count(1)


def build_round(*, students: int, challenges: int, seed: int = 2026):
    """Create a round in phase 'allocating' with everyone's choices; returns (round, coordinator)."""
    from backend.accounts.models import (
        Certificate,
        Leerweg,
        Membership,
        Role,
        StudentEnrolment,
        User,
    )
    from backend.allocations.models import (
        AllocationRound,
        Choice,
        ChoiceList,
        Phase,
        RoundChallenge,
        RoundHost,
    )
    from backend.curriculum.models import (
        Kerntaak,
        Kwalificatie,
        Kwalificatiedossier,
        Werkproces,
        WerkprocesEvidence,
    )
    from backend.offers.models import Offer, OfferKind, OfferStatus, WerkprocesMapping
    from backend.organisations.models import Organisation

    rng = random.Random(seed)
    tag = next(_counter)
    now = timezone.now()
    school = Organisation.objects.create(name=f"Bench ROC {tag}", kind="school")
    coordinator = User.objects.create(
        email=f"coordinator{tag}@bench.test", first_name="Co", password="!"
    )
    Membership.objects.create(user=coordinator, organisation=school, role=Role.COORDINATOR)

    dossier = Kwalificatiedossier.objects.create(
        crebo=f"{90000 + tag}", title=f"Bench dossier {tag}", edition="2024"
    )
    kwalificaties = [
        Kwalificatie.objects.create(
            dossier=dossier, crebo=f"{91000 + tag * 10 + i}", title=f"Opleiding {i}", niveau=niveau
        )
        for i, niveau in enumerate((2, 3, 4, 4))
    ]
    kerntaak = Kerntaak.objects.create(dossier=dossier, code="B1-K1", title="Basis", kind="basis")
    werkprocessen = Werkproces.objects.bulk_create(
        [
            Werkproces(kerntaak=kerntaak, code=f"B1-K1-W{i}", title=f"Werkproces {i}")
            for i in range(1, 11)
        ]
    )

    users = User.objects.bulk_create(
        [
            User(
                email=f"s{tag}-{i}@bench.test",
                first_name=f"Student{i}",
                last_name="Bench",
                password="!",
            )
            for i in range(students)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=school, role=Role.STUDENT) for u in users], batch_size=2000
    )
    enrolled = [rng.choice(kwalificaties) for _ in users]
    StudentEnrolment.objects.bulk_create(
        [
            StudentEnrolment(
                student=u,
                school=school,
                kwalificatie=k,
                student_number=f"B{tag}{i:06d}",
                cohort=2025,
                leerweg=Leerweg.BOL,
                class_code=f"K{i % 40}",
            )
            for i, (u, k) in enumerate(zip(users, enrolled, strict=True))
        ],
        batch_size=2000,
    )
    today = timezone.localdate()
    Certificate.objects.bulk_create(
        [
            Certificate(
                holder=u,
                kind="VOG",
                issued_on=today - dt.timedelta(days=30),
                valid_until=today + dt.timedelta(days=300),
            )
            for u in users
            if rng.random() < 0.2
        ],
        batch_size=2000,
    )
    WerkprocesEvidence.objects.bulk_create(
        [
            WerkprocesEvidence(
                student=u,
                werkproces=w,
                level="voldoende",
                recorded_by=coordinator,
                validated_by=coordinator,
                validated_at=now,
            )
            for u in users
            for w in rng.sample(werkprocessen, rng.randrange(0, 4))
        ],
        batch_size=2000,
    )

    companies = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench bedrijf {tag}-{i}", kind="company")
            for i in range(max(1, challenges // 4))
        ]
    )
    contact = User.objects.create(
        email=f"contact{tag}@bench.test", first_name="Contact", password="!"
    )
    # Capacities uniform on 1..2k-1 with k = 1.2 x students per challenge: ~1.2x room in total.
    k = max(1, round(1.2 * students / challenges))
    offers = []
    for i in range(challenges):
        capacity = rng.randint(1, 2 * k - 1)
        rule = rng.randrange(9)
        offers.append(
            Offer(
                kind=OfferKind.CHALLENGE,
                owner=rng.choice(companies),
                contact=contact,
                title=f"Uitdaging {tag}-{i}",
                description="Bench",
                status=OfferStatus.PUBLISHED,
                max_students=capacity,
                niveau_min=3 if rule == 0 else 1,
                niveau_max=4,
                required_certificates=["VOG"] if rule == 1 else [],
            )
        )
    offers = Offer.objects.bulk_create(offers, batch_size=2000)
    Offer.programmes.through.objects.bulk_create(
        [
            Offer.programmes.through(offer_id=o.pk, kwalificatie_id=rng.choice(kwalificaties).pk)
            for i, o in enumerate(offers)
            if i % 9 == 2
        ]
    )
    WerkprocesMapping.objects.bulk_create(
        [
            WerkprocesMapping(offer=o, werkproces=w, coverage="full", mapped_by=coordinator)
            for o in offers
            for w in rng.sample(werkprocessen, 2)
        ],
        batch_size=2000,
    )
    allocation_round = AllocationRound.objects.create(
        name=f"Bench {students}",
        school=school,
        created_by=coordinator,
        min_choices=5,
        max_choices=10,
        choices_close_at=now - dt.timedelta(hours=1),
        objections_close_at=now + dt.timedelta(days=14),
        phase=Phase.ALLOCATING,
        phase_changed_at=now,
    )
    RoundChallenge.objects.bulk_create(
        [RoundChallenge(round=allocation_round, offer=o) for o in offers], batch_size=2000
    )
    RoundHost.objects.bulk_create(
        [
            RoundHost(round=allocation_round, organisation=c, capacity=rng.randint(2 * k, 6 * k))
            for c in companies
            if rng.random() < 0.3
        ]
    )
    # Zipf-skewed popularity: challenge k is drawn with weight 1/(k+1)^0.8.
    weights = [1 / (k + 1) ** 0.8 for k in range(challenges)]
    lists = ChoiceList.objects.bulk_create(
        [
            ChoiceList(round=allocation_round, student=u, submitted_at=now, updated_at=now)
            for u in users
        ],
        batch_size=2000,
    )
    choices = []
    for choice_list in lists:
        wanted = rng.randint(5, 10)
        picked: list[int] = []
        while len(picked) < wanted:
            for index in rng.choices(range(challenges), weights=weights, k=wanted):
                if index not in picked and len(picked) < wanted:
                    picked.append(index)
        choices.extend(
            Choice(choice_list=choice_list, offer_id=offers[index].pk, position=position)
            for position, index in enumerate(picked, 1)
        )
    Choice.objects.bulk_create(choices, batch_size=5000)
    return allocation_round, coordinator
