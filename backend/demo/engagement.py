"""Engagement demo data on top of the foundation demo (backend/core/demo): experts with and
without a valid VOG, guest lessons in every state, per scenario the events of its fixture
(`events`: meet & match days, company arenas; one past with attendance and no-shows, the rest
upcoming with tables of that scenario's companies), meetings with attendance, digest preferences.

Reads what the foundation made (schools, consortia, staff, company contacts, certificates) and
goes through the engagement services, with `now` moved back where a step happened in the past.
Deterministic: one `random.Random(SEED)`."""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import Membership, Role, User
from backend.core.errors import ApplicationError
from backend.demo.data import JsonObject, scenarios
from backend.engagement import services
from backend.engagement.models import (
    DigestFrequency,
    Event,
    EventAttendance,
    EventBooking,
    EventKind,
    EventTable,
    ExpertFormat,
    ExpertProfile,
    GuestLessonBooking,
    MeetingKind,
)
from backend.offers.models import Offer, OfferKind
from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    Organisation,
    PolicySubject,
)

SEED = 7
TAGS = (
    "cybersecurity",
    "webdevelopment",
    "UX-design",
    "cloud",
    "data-analyse",
    "netwerken",
    "marketing",
    "fotografie",
    "video",
    "grafisch ontwerp",
    "drukwerk",
    "ondernemen",
    "app-development",
    "3D-printen",
    "toegankelijkheid",
    "AI",
)
HEADLINES = (
    "Vertelt hoe een klein webbureau echte klanten helpt",
    "Laat zien hoe beveiliging in het mkb werkt",
    "Neemt studenten mee in het ontwerpproces van idee tot drukwerk",
    "Praat over werken als freelancer in de creatieve sector",
    "Geeft masterclasses over data en dashboards",
    "Opent de werkplaats voor een bedrijfsbezoek",
)
TOPICS = (
    "Werken bij een klant",
    "Beveiliging in de praktijk",
    "Van schets tot product",
    "Ondernemen als zzp'er",
    "Data vertellen met dashboards",
    "Een dag op de werkvloer",
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _in_christmas_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 4)


def _next_weekday(day: dt.date, offset_days: int) -> dt.date:
    """The first school day from `offset_days` on: no weekend, not in the Christmas break."""
    day = day + dt.timedelta(days=offset_days)
    while day.isoweekday() > 5 or _in_christmas_break(day):
        day += dt.timedelta(days=1)
    return day


def _members(role: str, organisation_ids: list[int] | None = None) -> list[Membership]:
    qs = Membership.objects.active().filter(role=role).select_related("user", "organisation")
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=organisation_ids)
    return list(qs.order_by("organisation__name", "user__email"))


def load(*, now: dt.datetime) -> None:
    rng = random.Random(SEED)
    _experts(rng)
    for school in Organisation.objects.schools().order_by("name"):
        teachers = [m.user for m in _members(Role.TEACHER, [school.pk])]
        if teachers:
            _bookings(rng, school=school, teachers=teachers, now=now)
    for scenario in scenarios():
        _scenario_events(rng, scenario, now=now)
    _meetings(rng, now=now)
    _preferences(rng)
    _lesson_times(rng)
    _vogs_to_check(now=now)


def _experts(rng: random.Random) -> int:
    """Up to two experts per company (at most 60): its first contacts, with whatever VOG the
    foundation demo gave them (valid, expired or none)."""
    contacts = _members(Role.COMPANY_CONTACT)
    made = 0
    per_company: dict[int, int] = {}
    for membership in contacts:
        company = membership.organisation
        if per_company.get(company.pk, 0) >= 2 or made >= 60:
            continue
        if ExpertProfile.objects.filter(user=membership.user).exists():
            continue
        formats = rng.sample([v for v, _ in ExpertFormat.choices], k=rng.randint(1, 3))
        services.expert_profile_create(
            actor=membership.user,
            user=membership.user,
            organisation=company,
            data={
                "headline": rng.choice(HEADLINES),
                "bio": f"{membership.user.first_name} werkt bij {company.name} "
                f"en vertelt graag over de praktijk.",
                "tags": rng.sample(TAGS, k=rng.randint(2, 4)),
                "formats": [ExpertFormat.GUEST_LESSON, *formats],
                "languages": ["nl", "en"] if rng.random() < 0.4 else ["nl"],
                "weekdays": sorted(rng.sample([1, 2, 3, 4, 5], k=rng.randint(2, 5))),
                "availability_note": rng.choice(
                    ["Liefst 's ochtends", "Niet in juli en augustus", "Na 14:00 uur", ""]
                ),
            },
        )
        per_company[company.pk] = per_company.get(company.pk, 0) + 1
        made += 1
    return made


def _visible_experts(school: Organisation) -> list[ExpertProfile]:
    consortia = ConsortiumMembership.objects.filter(organisation=school).values("consortium_id")
    return list(
        ExpertProfile.objects.filter(
            Q(consortium_id__in=consortia) | Q(schools=school), is_active=True
        )
        .select_related("user", "organisation")
        .distinct()
        .order_by("pk")
    )


def _bookings(
    rng: random.Random, *, school: Organisation, teachers: list[User], now: dt.datetime
) -> None:
    """Six bookings per school in different states; experts the school's VOG rule refuses are
    skipped (their badge shows in the search)."""
    today = timezone.localtime(now).date()
    plan = ["accepted_past", "accepted", "requested", "proposed", "declined", "cancelled"]
    for expert in _visible_experts(school):
        if not plan:
            break
        state = plan[0]
        teacher = rng.choice(teachers)
        past = state == "accepted_past"
        then = now - dt.timedelta(days=40) if past else now - dt.timedelta(days=3)
        day = _next_weekday(today, -21 if past else rng.randint(7, 35))
        try:
            booking = services.booking_request(
                actor=teacher,
                expert=expert,
                school=school,
                starts_at=_at(day, rng.choice([9, 11, 13])),
                duration_minutes=rng.choice([60, 90, 120]),
                group=f"{school.name[:3].upper()}{rng.randint(1, 4)}A",
                topic=rng.choice(TOPICS),
                location=f"{school.name}, lokaal {rng.randint(1, 3)}.{rng.randint(10, 40)}",
                now=then,
            )
        except ApplicationError:
            continue
        plan.pop(0)
        _answer(booking, state=state, teacher=teacher, later=then + dt.timedelta(days=1))


def _answer(booking: GuestLessonBooking, *, state: str, teacher: User, later: dt.datetime) -> None:
    """Move a fresh request on to `state`: the expert answers, then feedback or a cancellation."""
    expert = booking.expert.user
    if state in ("accepted", "accepted_past", "cancelled"):
        booking = services.booking_accept(
            actor=expert, booking=booking, note="Leuk, ik kom!", now=later
        )
    if state == "accepted_past":
        _feedback(booking, teacher=teacher)
    elif state == "proposed":
        services.booking_propose(
            actor=expert,
            booking=booking,
            starts_at=booking.starts_at + dt.timedelta(days=7),
            note="Die dag zit ik bij een klant; een week later kan wel.",
            now=later,
        )
    elif state == "declined":
        services.booking_decline(
            actor=expert, booking=booking, note="Te druk in die periode.", now=later
        )
    elif state == "cancelled":
        services.booking_cancel(
            actor=teacher, booking=booking, note="De klas gaat die dag op excursie.", now=later
        )


def _feedback(booking: GuestLessonBooking, *, teacher: User) -> None:
    after = booking.ends_at + dt.timedelta(hours=2)
    services.booking_feedback_give(
        actor=teacher,
        booking=booking,
        rating=5,
        text="De klas was enthousiast; echte voorbeelden werken.",
        now=after,
    )
    services.booking_feedback_give(
        actor=booking.expert.user,
        booking=booking,
        rating=4,
        text="Goede vragen van de studenten.",
        now=after,
    )


def _first_consortium(school: Organisation) -> Consortium | None:
    membership = (
        ConsortiumMembership.objects.filter(organisation=school)
        .select_related("consortium")
        .order_by("pk")
        .first()
    )
    return membership.consortium if membership else None


def _hosts(domain: str) -> list[Membership]:
    """The first contact of each of the scenario's first six companies (by e-mail domain)."""
    companies: dict[int, Membership] = {}
    for membership in _members(Role.COMPANY_CONTACT):
        email = membership.user.email
        if email.endswith((f"@{domain}", f".{domain}")):
            companies.setdefault(membership.organisation_id, membership)
    return list(companies.values())[:6]


def _students(school: Organisation, count: int) -> list[User]:
    """Up to `count` of the school's students (by membership, else by enrolment)."""
    students = [
        m.user
        for m in Membership.objects.active()
        .filter(role=Role.STUDENT, organisation=school)
        .select_related("user")
        .order_by("user__email")[:count]
    ]
    if students:
        return students
    return [e.student for e in school.enrolments.select_related("student").order_by("pk")[:count]]


def _organiser(school: Organisation) -> User | None:
    """The school's coordinator with the demo login, else its first coordinator."""
    coordinators = [m.user for m in _members(Role.COORDINATOR, [school.pk])]
    preferred = [u for u in coordinators if u.email.startswith("coordinator@")]
    return next(iter(preferred or coordinators), None)


def _scenario_events(rng: random.Random, scenario: JsonObject, *, now: dt.datetime) -> None:
    """The scenario's events, organised by a coordinator of the school named in the fixture and
    open to its consortium; a past one has attendance (two no-shows) and follow-ups."""
    names = {school["key"]: school["name"] for school in scenario["schools"]}
    hosts = _hosts(scenario["domain"])
    for spec in scenario.get("events", []):
        school = Organisation.objects.filter(name=names[spec["school"]]).first()
        organiser = _organiser(school) if school else None
        if school is None or organiser is None or not hosts:
            continue
        _event(rng, spec, school=school, organiser=organiser, hosts=hosts, now=now)


def _event(
    rng: random.Random,
    spec: JsonObject,
    *,
    school: Organisation,
    organiser: User,
    hosts: list[Membership],
    now: dt.datetime,
) -> None:
    today = timezone.localtime(now).date()
    past = spec["days"] < 0
    day = _next_weekday(today, spec["days"])
    created_at = now - dt.timedelta(days=30) if past else now
    starts_at = _at(day, spec["hour"])
    event = services.event_create(
        actor=organiser,
        school=school,
        consortium=_first_consortium(school),
        kind=EventKind(spec["kind"]),
        title=spec["title"],
        location=spec["location"],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=spec["hours"]),
        slot_minutes=10,
        description=spec["description"],
    )
    tables = _tables(rng, event, hosts=hosts, now=created_at)
    students = _students(school, spec["bookings"])
    bookings = _event_bookings(rng, event, tables, students=students, now=created_at)
    if past:
        _after_the_event(event, bookings, organiser=organiser)


def _tables(
    rng: random.Random, event: Event, *, hosts: list[Membership], now: dt.datetime
) -> list[EventTable]:
    return [
        services.event_table_register(
            actor=h.user,
            event=event,
            company=h.organisation,
            capacity=rng.choice([1, 2, 2, 3]),
            topic="Stages en opdrachten",
            offers_portfolio_review=rng.random() < 0.5,
            now=now,
        )
        for h in hosts
    ]


def _event_bookings(
    rng: random.Random,
    event: Event,
    tables: list[EventTable],
    *,
    students: list[User],
    now: dt.datetime,
) -> list[EventBooking]:
    """Each student tries two random slots at random tables; full ones are skipped."""
    slots = list(event.slots.order_by("starts_at"))
    bookings = []
    for student in students:
        for _ in range(2):
            slot, table = rng.choice(slots), rng.choice(tables)
            try:
                bookings.append(
                    services.event_book_slot(actor=student, slot=slot, table=table, now=now)
                )
            except ApplicationError:
                continue
    return bookings


def _after_the_event(event: Event, bookings: list[EventBooking], *, organiser: User) -> None:
    """Attendance recorded (two no-shows) and the follow-ups sent the next morning."""
    for index, booking in enumerate(bookings):
        services.event_attendance_record(
            actor=organiser,
            booking=booking,
            attendance=EventAttendance.NO_SHOW if index in (3, 11) else EventAttendance.PRESENT,
            now=event.ends_at,
        )
    services.event_follow_up_send(event=event, now=event.ends_at + dt.timedelta(hours=18))


def _meetings(rng: random.Random, *, now: dt.datetime) -> None:
    """A working group that met last week (one absent without notice, one signed off) and the
    next session; a three-way meeting next week for a student, coach and company mentor."""
    coaches = _members(Role.COACH)
    contacts = _members(Role.COMPANY_CONTACT)
    if not coaches or len(contacts) < 3:
        return
    coach, school = coaches[0].user, coaches[0].organisation
    members = [m.user for m in contacts[:4]]
    _last_working_group(coach, members, school=school, now=now)
    services.meeting_schedule(
        actor=coach,
        kind=MeetingKind.WORKING_GROUP,
        title="Werkgroep curriculum ICT",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=1, minutes=30),
        participants=members,
        location="Online",
        now=now,
        school=school,
    )
    enrolment = coach.coached_enrolments.select_related("student").order_by("pk").first()
    if enrolment:
        services.meeting_schedule(
            actor=coach,
            kind=MeetingKind.THREE_WAY,
            title=f"Driegesprek {enrolment.student.first_name}",
            starts_at=now + dt.timedelta(days=5, hours=2),
            ends_at=now + dt.timedelta(days=5, hours=3),
            participants=[enrolment.student, members[0]],
            location="Bij het bedrijf",
            now=now,
            school=school,
        )


def _last_working_group(
    coach: User, members: list[User], *, school: Organisation, now: dt.datetime
) -> None:
    """Last week's session: one member signed off the day before, one stayed away unannounced."""
    last_week = now - dt.timedelta(days=7)
    meeting = services.meeting_schedule(
        actor=coach,
        kind=MeetingKind.WORKING_GROUP,
        title="Werkgroep curriculum ICT",
        starts_at=last_week,
        ends_at=last_week + dt.timedelta(hours=1, minutes=30),
        participants=members,
        location="Online",
        agenda="1. Terugblik challenges\n2. Planning blok 3",
        now=last_week - dt.timedelta(days=14),
        school=school,
    )
    services.meeting_sign_off(
        actor=members[1],
        meeting=meeting,
        reason="Klantafspraak",
        now=last_week - dt.timedelta(days=1),
    )
    services.meeting_attendance_record(
        actor=coach,
        meeting=meeting,
        now=last_week + dt.timedelta(minutes=10),
        attendance={
            coach.pk: True,
            members[0].pk: True,
            members[1].pk: False,
            members[2].pk: False,
            **({members[3].pk: True} if len(members) > 3 else {}),
        },
    )


def _preferences(rng: random.Random) -> None:
    contacts = _members(Role.COMPANY_CONTACT)
    for index, membership in enumerate(contacts[:12]):
        frequency = (
            DigestFrequency.DAILY
            if index % 4 == 0
            else (DigestFrequency.OFF if index % 7 == 6 else DigestFrequency.WEEKLY)
        )
        services.digest_preference_set(user=membership.user, frequency=frequency)


# Guest lessons, workshops and masterclasses happen at a time of day: a school hour or a double.
LESSON_STARTS = (dt.time(9, 0), dt.time(10, 30), dt.time(13, 0), dt.time(14, 30))
LESSON_MINUTES = (45, 60, 90, 120)


def _lesson_times(rng: random.Random) -> None:
    """The demo's lesson-like offers with a date get a start time and a length, so their pages
    read "10 maart 2026, 13:00–14:30" like a real guest lesson."""
    lessons = Offer.objects.filter(
        kind__in=[OfferKind.GUEST_LESSON, OfferKind.WORKSHOP, OfferKind.MASTERCLASS],
        starts_on__isnull=False,
        start_time__isnull=True,
    ).order_by("pk")
    for offer in lessons:
        offer.start_time = rng.choice(LESSON_STARTS)
        offer.duration_minutes = rng.choice(LESSON_MINUTES)
        offer.save(update_fields=["start_time", "duration_minutes", "updated_at"])


def _vogs_to_check(*, now: dt.datetime) -> None:
    """Two experts of companies in a consortium with a school that asks guest teachers for a
    VOG, and no VOG yet, get one registered by their company: the school's coordinators find
    them on their "Certificaten controleren" page."""
    vog_schools = CertificatePolicy.objects.filter(
        certificate="VOG", applies_to=PolicySubject.GUEST_TEACHER
    ).values("organisation_id")
    consortia = ConsortiumMembership.objects.filter(organisation_id__in=vog_schools).values(
        "consortium_id"
    )
    experts = (
        ExpertProfile.objects.filter(consortium_id__in=consortia)
        .exclude(user__certificates__kind="VOG")
        .select_related("user", "organisation")
        .order_by("pk")[:2]
    )
    today = timezone.localtime(now).date()
    for expert in experts:
        services.expert_certificate_register(
            actor=expert.user,
            expert=expert,
            kind="VOG",
            issued_on=today - dt.timedelta(days=21),
            valid_until=today - dt.timedelta(days=21) + dt.timedelta(days=3 * 365 - 5),
            now=now,
        )
