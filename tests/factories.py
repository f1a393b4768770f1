"""factory_boy factories for the domain. Tests import these; nothing else imports tests/."""

import datetime as dt

import factory
from django.utils import timezone

from backend.accounts.models import Leerweg, Membership, Role, StudentEnrolment, User
from backend.accounts.selectors import forget_roles
from backend.curriculum.models import (
    Kerntaak,
    KerntaakKind,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
)
from backend.offers.models import Offer, OfferKind, OfferStatus
from backend.organisations.models import (
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Organisation,
    OrganisationKind,
)

PASSWORD = "koppel-test-wachtwoord"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.COMPANY


class SchoolFactory(OrganisationFactory):
    kind = OrganisationKind.SCHOOL
    # Real schools require two factors of their coordinating staff unless they switch it off;
    # test schools have it off, so tests that are not about two factors sign Bos in (and get
    # his API token) with the password alone. tests/backend/two_factor/ turns it on.
    require_two_factor = False
    name = factory.Sequence(lambda n: f"ROC {n}")
    brin = factory.Sequence(
        lambda n: f"{10 + n % 90:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
    )


class CompanyFactory(OrganisationFactory):
    kind = OrganisationKind.COMPANY
    kvk = factory.Sequence(lambda n: f"{40000000 + n:08d}")


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"Consortium {n}")


def consortium_member(consortium, organisation, role=ConsortiumRole.PARTNER):
    return ConsortiumMembership.objects.create(
        consortium=consortium, organisation=organisation, role=role
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@koppel.test")
    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(user, organisation, role):
    Membership.objects.create(user=user, organisation=organisation, role=role)
    forget_roles(user)
    return user


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kwalificatiedossier

    crebo = factory.Sequence(lambda n: f"{23000 + n}")
    title = factory.Sequence(lambda n: f"Dossier {n}")
    edition = "2024"


class KwalificatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kwalificatie

    dossier = factory.SubFactory(DossierFactory)
    crebo = factory.Sequence(lambda n: f"{25000 + n}")
    title = factory.Sequence(lambda n: f"Opleiding {n}")
    niveau = 4


def kwalificatie_with_werkprocessen(*, niveau=4, codes=("B1-K1-W1", "B1-K1-W2", "P1-K1-W1")):
    """A kwalificatie with a basis kerntaak and a profiel kerntaak, one werkproces per code."""
    kwalificatie = KwalificatieFactory(niveau=niveau)
    kerntaken = {}
    for code in codes:
        kerntaak_code = code.rsplit("-", 1)[0]
        if kerntaak_code not in kerntaken:
            kind = KerntaakKind.BASIS if code.startswith("B") else KerntaakKind.PROFIEL
            kerntaak = Kerntaak.objects.create(
                dossier=kwalificatie.dossier,
                code=kerntaak_code,
                title=f"Kerntaak {kerntaak_code}",
                kind=kind,
            )
            if kind == KerntaakKind.PROFIEL:
                kerntaak.kwalificaties.add(kwalificatie)
            kerntaken[kerntaak_code] = kerntaak
        Werkproces.objects.create(
            kerntaak=kerntaken[kerntaak_code], code=code, title=f"Werkproces {code}"
        )
    return kwalificatie


def student(*, school, kwalificatie, first_name="Student", number=None, cohort=2025, **fields):
    user = UserFactory(first_name=first_name)
    member(user, school, Role.STUDENT)
    StudentEnrolment.objects.create(
        student=user,
        school=school,
        kwalificatie=kwalificatie,
        student_number=number or f"S{user.pk:06d}",
        cohort=cohort,
        leerweg=Leerweg.BOL,
        **fields,
    )
    return user


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    kind = OfferKind.CHALLENGE
    owner = factory.SubFactory(CompanyFactory)
    contact = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Uitdaging {n}")
    description = "Help ons met een echte vraag."
    status = OfferStatus.DRAFT
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    max_students = 4

    @factory.post_generation
    def schools(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.schools.set(extracted)
