"""Staff, company contacts, students (bulk), the memorable logins and certificates (VOG)."""

import datetime as dt

from backend.accounts.models import (
    Certificate,
    CertificateKind,
    Leerweg,
    Membership,
    Role,
    StudentEnrolment,
    User,
)
from backend.demo.context import Demo, Scenario
from backend.demo.data import JsonObject, names, slug
from backend.organisations.models import Organisation

# (person, organisation, role, job title): one membership to create.
MemberRow = tuple[User, Organisation, str, str]

COHORTS = (2023, 2024, 2025, 2026)
# The year group of the memorable student logins (and of the demo's allocation rounds).
SHOWCASE_COHORT = 2025
CARE_NOTES = ("Extra tijd bij toetsen.", "Dyslexie: toetsen in groter lettertype.", "")
ROLE_LOGIN_ORDER = (
    Role.STUDENT,
    Role.TEACHER,
    Role.COACH,
    Role.COORDINATOR,
    Role.COMPANY_CONTACT,
    Role.PROGRAMME_LEAD,
    Role.INSTITUTION_ADMIN,
    Role.PRIVACY_OFFICER,
)


def build(demo: Demo, scenario: Scenario) -> None:
    named = _named_logins(demo, scenario)
    generated = _staff(demo, scenario) + _contacts(demo, scenario)
    # A person with two roles appears twice in the rows; create each person once.
    User.objects.bulk_create(list({id(user): user for user, _, _, _ in named + generated}.values()))
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=organisation, role=role, job_title=job_title)
            for user, organisation, role, job_title in named + generated
            if role != Role.STUDENT
        ]
    )
    for user, organisation, role, _ in named + generated:
        if role == Role.COMPANY_CONTACT:
            scenario.contacts[organisation.pk].append(user)
        elif role != Role.STUDENT:
            scenario.staff[(_school_key(scenario, organisation), role)].append(user)
    _students(demo, scenario, named)
    _certificates(demo, scenario)


def _user(demo: Demo, first: str, last: str, domain: str, email: str | None = None) -> User:
    if email is None:
        base = f"{slug(first)}.{slug(last)}"
        email, n = f"{base}@{domain}", 1
        while email in demo.emails:
            n += 1
            email = f"{base}{n}@{domain}"
    demo.emails.add(email)
    return User(
        email=email,
        first_name=first,
        last_name=last,
        password=demo.password_hash,
        date_joined=demo.now,
    )


def _random_name(demo: Demo) -> tuple[str, str]:
    return demo.rng.choice(names()["first_names"]), demo.rng.choice(names()["last_names"])


def _school_key(scenario: Scenario, organisation: Organisation) -> str:
    return next(key for key, school in scenario.schools.items() if school.pk == organisation.pk)


def _named_logins(demo: Demo, scenario: Scenario) -> list[MemberRow]:
    rows: list[MemberRow] = []
    for login in scenario.data["logins"]:
        organisation = scenario.organisation(login["organisation"])
        user = _user(demo, login["first_name"], login["last_name"], "", email=login["email"])
        scenario.named[login["email"]] = user
        rows.append((user, organisation, login["role"], login.get("job_title", "")))
        # A coach is also a teacher. The programme lead does not teach in the demo, so their
        # login shows the programme lead's own menu.
        if login["role"] == Role.COACH:
            rows.append((user, organisation, Role.TEACHER, ""))
    return rows


def _staff(demo: Demo, scenario: Scenario) -> list[MemberRow]:
    rows: list[MemberRow] = []
    for school in scenario.data["schools"]:
        organisation = scenario.schools[school["key"]]
        domain = f"{slug(school['key'])}.{scenario.domain}"
        counts = (
            (Role.TEACHER, school["teachers"], ""),
            (Role.COACH, school["coaches"], ""),
            (Role.COORDINATOR, school["coordinators"], school.get("intake_team", "")),
        )
        for role, count, job_title in counts:
            for _ in range(count):
                user = _user(demo, *_random_name(demo), domain)
                rows.append((user, organisation, role, job_title))
                if role == Role.COACH:
                    rows.append((user, organisation, Role.TEACHER, ""))
        if school["kind"] == "school" and not any(
            login["organisation"] == school["key"] and login["role"] == Role.PROGRAMME_LEAD
            for login in scenario.data["logins"]
        ):
            rows.append(
                (_user(demo, *_random_name(demo), domain), organisation, Role.PROGRAMME_LEAD, "")
            )
    return rows


def _contacts(demo: Demo, scenario: Scenario) -> list[MemberRow]:
    rows: list[MemberRow] = []
    named_per_company: dict[str, int] = {}
    for login in scenario.data["logins"]:
        if login["role"] == Role.COMPANY_CONTACT:
            named_per_company[login["organisation"]] = (
                named_per_company.get(login["organisation"], 0) + 1
            )
    for company in scenario.data["companies"]:
        organisation = scenario.companies[company["name"]]
        domain = f"{slug(company['name']).replace('.', '')[:30]}.{scenario.domain}"
        rows.extend(
            (
                _user(demo, *_random_name(demo), domain),
                organisation,
                Role.COMPANY_CONTACT,
                demo.rng.choice(("eigenaar", "praktijkopleider", "HR", "teamleider")),
            )
            for _ in range(company["contacts"] - named_per_company.get(company["name"], 0))
        )
    return rows


def _students(demo: Demo, scenario: Scenario, named: list[MemberRow]) -> None:
    users: list[User] = []
    enrolments: list[StudentEnrolment] = []
    named_students = {
        login["organisation"]: login
        for login in scenario.data["logins"]
        if login["role"] == Role.STUDENT
    }
    for school in scenario.data["schools"]:
        if not school.get("students"):
            continue
        organisation = scenario.schools[school["key"]]
        coaches = scenario.staff[(school["key"], Role.COACH)]
        crebos = list(school["kwalificaties"])
        weights = list(school["kwalificaties"].values())
        domain = f"student.{slug(school['key'])}.{scenario.domain}"
        named_student = named_students.get(school["key"])
        for n in range(school["students"]):
            if n == 0 and named_student:
                user = scenario.named[named_student["email"]]
                crebo = named_student["kwalificatie"]
                cohort = SHOWCASE_COHORT
            else:
                user = _user(demo, *_random_name(demo), domain)
                users.append(user)
                crebo = demo.rng.choices(crebos, weights)[0]
                cohort = demo.rng.choice(COHORTS)
            coach = coaches[n % len(coaches)] if coaches else None
            enrolments.append(
                _enrolment(
                    demo, school, user, n, crebo, cohort, organisation=organisation, coach=coach
                )
            )
            scenario.students[school["key"]].append(user)
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [Membership(user=e.student, organisation=e.school, role=Role.STUDENT) for e in enrolments]
    )
    StudentEnrolment.objects.bulk_create(enrolments)


def _enrolment(
    demo: Demo,
    school: JsonObject,
    user: User,
    n: int,
    crebo: str,
    cohort: int,
    *,
    organisation: Organisation,
    coach: User | None,
) -> StudentEnrolment:
    """Student number `n` of `school`; the random draws in the order the demo has always made
    them (leerweg, birth date, care notes), so the same seed gives the same students."""
    kwalificatie = demo.kwalificaties[crebo]
    return StudentEnrolment(
        student=user,
        school=organisation,
        kwalificatie=kwalificatie,
        student_number=f"{school['class_prefix']}{cohort % 100:02d}{n + 1:04d}",
        cohort=cohort,
        leerweg=Leerweg.BBL if demo.rng.random() < 0.15 else Leerweg.BOL,
        class_code=f"{school['class_prefix']}{kwalificatie.niveau}"
        f"{'ABC'[n % 3]}-{cohort % 100:02d}",
        coach=coach,
        date_of_birth=dt.date(
            cohort - demo.rng.randint(16, 19),
            demo.rng.randint(1, 12),
            demo.rng.randint(1, 28),
        ),
        care_notes=demo.rng.choice(CARE_NOTES) if demo.rng.random() < 0.1 else "",
    )


def _certificates(demo: Demo, scenario: Scenario) -> None:
    """About half the company contacts hold a VOG; some of those have expired."""
    rows = []
    for contacts in scenario.contacts.values():
        for index, contact in enumerate(contacts):
            is_named = contact.email in scenario.named
            if not is_named and demo.rng.random() > 0.5:
                continue
            expired = not is_named and (index == 1 or demo.rng.random() < 0.2)
            if expired:
                issued = demo.today - dt.timedelta(days=demo.rng.randint(1200, 1800))
            else:
                issued = demo.today - dt.timedelta(days=demo.rng.randint(20, 900))
            rows.append(
                Certificate(
                    holder=contact,
                    kind=CertificateKind.VOG,
                    issued_on=issued,
                    valid_until=issued + dt.timedelta(days=3 * 365),
                    # Checked by a school a week after issue: only checked VOGs count.
                    verified_at=dt.datetime.combine(
                        issued + dt.timedelta(days=7), dt.time(12), tzinfo=dt.UTC
                    ),
                )
            )
    Certificate.objects.bulk_create(rows)
