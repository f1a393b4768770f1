"""Finding experts, and whether a school's certificate policy lets one teach there."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.accounts.models import CertificateKind, User
from backend.accounts.selectors import policy_certificates
from backend.engagement.models import ExpertProfile, Tag, tag_slug
from backend.engagement.models.experts import ExpertProfileQuerySet
from backend.engagement.selectors.access import (
    managed_company_ids,
    teaching_school_ids,
    visible_consortium_ids,
)
from backend.organisations.models import CertificatePolicy, Organisation, PolicySubject
from backend.organisations.selectors import certificate_policy_violations


@dataclass(frozen=True)
class PolicyProblem:
    """One reason a person may not teach as a guest at one school on one day."""

    school_id: int
    school_name: str
    certificate: str
    badge: str  # short, for search results: "VOG nodig voor Vista college"
    message: str  # why, and what to do


def _problem(
    *,
    person: User,
    school_id: int,
    school_name: str,
    certificate: str,
    best: dt.date | None,
    on: dt.date,
) -> PolicyProblem:
    name = person.get_full_name() or person.email
    why = _("%(school)s vraagt een geldige %(cert)s van gastdocenten.") % {
        "school": school_name,
        "cert": certificate,
    }
    if best is None:
        state = _("%(name)s heeft geen %(cert)s geregistreerd in Koppel.") % {
            "name": name,
            "cert": certificate,
        }
    else:
        state = _("De %(cert)s van %(name)s is geldig tot %(until)s; de gastles is op %(on)s.") % {
            "cert": certificate,
            "name": name,
            "until": date_format(best, "j F Y"),
            "on": date_format(on, "j F Y"),
        }
    todo = _(
        "Wat nu: %(name)s vraagt een (nieuwe) %(cert)s aan bij Justis en laat die registreren "
        "in Koppel, of kies een andere expert of een datum waarop de %(cert)s geldig is."
    ) % {"name": name, "cert": certificate}
    return PolicyProblem(
        school_id=school_id,
        school_name=school_name,
        certificate=certificate,
        badge=_("%(cert)s nodig voor %(school)s") % {"cert": certificate, "school": school_name},
        message=f"{why} {state} {todo}",
    )


def _certificates_held(
    people: list[User], kinds: set[str], *, on: dt.date
) -> tuple[set[tuple[int, str]], dict[tuple[int, str], dt.date]]:
    """Per (person id, certificate kind): whether one is valid on `on`, and the latest end date
    of any. Only verified certificates count (accounts.selectors.policy_certificates)."""
    latest: dict[tuple[int, str], dt.date] = {}
    valid: set[tuple[int, str]] = set()
    for holder_id, kind, issued_on, valid_until in (
        policy_certificates()
        .filter(holder_id__in=[p.pk for p in people], kind__in=kinds)
        .values_list("holder_id", "kind", "issued_on", "valid_until")
    ):
        if issued_on <= on <= valid_until:
            valid.add((holder_id, kind))
        if valid_until > latest.get((holder_id, kind), dt.date.min):
            latest[(holder_id, kind)] = valid_until
    return valid, latest


def guest_teacher_policy_problems(
    *, people: list[User], school_ids: set[int], on: dt.date
) -> dict[int, list[PolicyProblem]]:
    """For each person (user id), the guest-teacher policies of `school_ids` they do not meet on
    day `on`. Two queries whatever the number of people and schools."""
    if not people or not school_ids:
        return {}
    policies = list(
        CertificatePolicy.objects.filter(
            organisation_id__in=school_ids, applies_to=PolicySubject.GUEST_TEACHER
        )
        .select_related("organisation")
        .order_by("organisation__name", "certificate")
    )
    if not policies:
        return {}
    valid, latest = _certificates_held(people, {p.certificate for p in policies}, on=on)
    problems: dict[int, list[PolicyProblem]] = {}
    for person in people:
        for policy in policies:
            if (person.pk, policy.certificate) in valid:
                continue
            problems.setdefault(person.pk, []).append(
                _problem(
                    person=person,
                    school_id=policy.organisation_id,
                    school_name=policy.organisation.name,
                    certificate=policy.certificate,
                    best=latest.get((person.pk, policy.certificate)),
                    on=on,
                )
            )
    return problems


def guest_teacher_problems_at(*, person: User, school: Organisation, on: dt.date) -> list[str]:
    """Messages saying why `person` may not teach as a guest at `school` on `on` (empty: allowed),
    each saying what to do. The organisations app owns this rule for single people; the bulk
    `guest_teacher_policy_problems` above applies the same rule to a page of search results."""
    return certificate_policy_violations(
        person=person, school=school, subject=PolicySubject.GUEST_TEACHER, on=on
    )


def experts_visible_to(user: User) -> ExpertProfileQuerySet:
    """Active experts a teacher may find: shared with their consortium or named schools;
    company contacts also see their own company's experts (active or not)."""
    if user.is_staff:
        return ExpertProfile.objects.all()
    schools = teaching_school_ids(user)
    consortia = visible_consortium_ids(user)
    companies = managed_company_ids(user)
    condition = Q(pk__in=[])
    if schools:
        named_school = Exists(
            ExpertProfile.schools.through.objects.filter(
                expertprofile_id=OuterRef("pk"), organisation_id__in=schools
            )
        )
        condition |= Q(is_active=True) & (Q(consortium_id__in=consortia) | Q(named_school))
    if companies:
        condition |= Q(organisation_id__in=companies)
    return ExpertProfile.objects.filter(condition)


def experts_managed_by(user: User) -> QuerySet[ExpertProfile]:
    return (
        ExpertProfile.objects.filter(organisation_id__in=managed_company_ids(user))
        .select_related("user", "organisation", "consortium")
        .prefetch_related("tags", "schools")
    )


def _with_words(qs: ExpertProfileQuerySet, words: str) -> ExpertProfileQuerySet:
    """Each word must occur in the name, company, headline, text, availability or a tag."""
    for word in words.split():
        slug = tag_slug(word)
        tag_match = Exists(
            Tag.objects.filter(experts=OuterRef("pk")).filter(
                Q(name__icontains=word) | Q(slug__icontains=slug or word)
            )
        )
        qs = qs.filter(
            Q(headline__icontains=word)
            | Q(bio__icontains=word)
            | Q(availability_note__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(tag_match)
        )
    return qs


def _available(
    qs: ExpertProfileQuerySet, *, on: dt.date | None, weekday: int | None
) -> ExpertProfileQuerySet:
    """Available on day `on` (its dates and weekday), or else on `weekday`."""
    if on is not None:
        return qs.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=on),
            Q(available_until__isnull=True) | Q(available_until__gte=on),
        ).available_on_weekday(on.isoweekday())
    if weekday:
        return qs.available_on_weekday(weekday)
    return qs


def expert_search(
    *,
    user: User,
    words: str = "",
    tags: list[str] | None = None,
    expert_format: str = "",
    language: str = "",
    on: dt.date | None = None,
    weekday: int | None = None,
) -> QuerySet[ExpertProfile]:
    """Experts visible to `user` matching every given filter. `words`: each word must occur in
    the name, company, headline, text, availability or a tag. `on`: available that day."""
    qs = _with_words(experts_visible_to(user), words)
    for tag in tags or []:
        qs = qs.filter(Exists(Tag.objects.filter(experts=OuterRef("pk"), slug=tag_slug(tag))))
    if expert_format:
        qs = qs.with_format(expert_format)
    if language:
        qs = qs.with_language(language)
    return (
        _available(qs, on=on, weekday=weekday)
        .select_related("user", "organisation", "consortium")
        .prefetch_related("tags")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def policy_badges_for(
    *, experts: list[ExpertProfile], school_ids: set[int], on: dt.date
) -> dict[int, list[PolicyProblem]]:
    """Per expert profile id: the policies of these schools the expert does not meet on `on`."""
    by_user = guest_teacher_policy_problems(
        people=[expert.user for expert in experts], school_ids=school_ids, on=on
    )
    return {expert.pk: by_user.get(expert.user_id, []) for expert in experts}


def expert_school_choices() -> QuerySet[Organisation]:
    """Schools an expert profile can be shared with by name (outside the consortium)."""
    return Organisation.objects.schools().order_by("name")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.filter(experts__is_active=True).distinct().order_by("slug")


@dataclass(frozen=True)
class PolicyRequirement:
    """A school's rule that guest teachers hold a certificate, to show before anyone books."""

    school_id: int
    school_name: str
    certificate: str  # "VOG"
    certificate_label: str  # "VOG (verklaring omtrent het gedrag)"
    note: str


def guest_teacher_requirements(*, school_ids: set[int]) -> list[PolicyRequirement]:
    """The certificates these schools require from guest teachers, by school name. One query."""
    if not school_ids:
        return []
    labels = dict(CertificateKind.choices)
    return [
        PolicyRequirement(
            school_id=policy.organisation_id,
            school_name=policy.organisation.name,
            certificate=policy.certificate,
            certificate_label=str(labels.get(policy.certificate, policy.certificate)),
            note=policy.note,
        )
        for policy in CertificatePolicy.objects.filter(
            organisation_id__in=school_ids, applies_to=PolicySubject.GUEST_TEACHER
        )
        .select_related("organisation")
        .order_by("organisation__name", "certificate")
    ]


def availability_warnings(expert: ExpertProfile, *, on: dt.date) -> list[str]:
    """Why `on` falls outside what the expert said about their availability (weekdays, a date
    window); empty when it fits. A warning, not a refusal: the expert may still say yes."""
    name = expert.user.get_full_name() or expert.user.email
    warnings = []
    if expert.weekday_list and on.isoweekday() not in expert.weekday_list:
        warnings.append(
            _("%(name)s is meestal alleen beschikbaar op %(days)s; %(date)s is een %(day)s.")
            % {
                "name": name,
                "days": ", ".join(expert.weekday_labels),
                "date": date_format(on, "j F Y"),
                "day": date_format(on, "l"),
            }
        )
    if expert.available_from and on < expert.available_from:
        warnings.append(
            _("%(name)s is pas beschikbaar vanaf %(from)s.")
            % {"name": name, "from": date_format(expert.available_from, "j F Y")}
        )
    if expert.available_until and on > expert.available_until:
        warnings.append(
            _("%(name)s is beschikbaar tot en met %(until)s.")
            % {"name": name, "until": date_format(expert.available_until, "j F Y")}
        )
    return warnings
