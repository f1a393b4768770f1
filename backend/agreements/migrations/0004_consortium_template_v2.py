"""Consortium agreements, version 2 of the template: the clauses about confidentiality and data
protection speak of the partners. Version 1 used {company} and {school}, which a consortium
agreement (every party a "member") left empty, so partners were asked to accept
"(nog niet ingevuld)". Agreements made under version 1 keep their text."""

import datetime as dt

from django.db import migrations

CLAUSES = [
    (
        "ip-confidentiality-consortium", "ip_confidentiality", 60,
        "Intellectueel eigendom en geheimhouding", "Intellectual property and confidentiality",
        "Wat studenten en docenten binnen {consortium} maken, mogen zij en hun school gebruiken "
        "voor onderwijs en portfolio; de partners mogen het resultaat gratis gebruiken. "
        "Vertrouwelijke informatie van een partner houden de andere partners geheim, ook na afloop.",
        "What students and teachers make within {consortium} may be used by them and their school "
        "for education and portfolio; the partners may use the result free of charge. The other "
        "partners keep a partner's confidential information secret, also afterwards.",
    ),
    (
        "data-protection-consortium", "data_protection", 90,
        "Gegevensbescherming (AVG)", "Data protection (GDPR)",
        "Bedrijven in {consortium} zien van studenten alleen voornaam, niveau en opleiding. "
        "Cijfers en zorggegevens blijven bij de school van de student. Persoonsgegevens worden "
        "alleen voor de samenwerking gebruikt en na afloop verwijderd.",
        "Companies in {consortium} see only the students' first name, level and programme. Grades "
        "and care information stay with the student's school. Personal data is used only for the "
        "cooperation and deleted afterwards.",
    ),
]
KEYS = [
    "parties-consortium",
    "co-financing",
    "ip-confidentiality-consortium",
    "data-protection-consortium",
    "absence-cancellation",
]


def seed(apps, schema_editor):
    Clause = apps.get_model("agreements", "Clause")
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    for key, category, order, title_nl, title_en, text_nl, text_en in CLAUSES:
        Clause.objects.update_or_create(
            key=key,
            defaults={
                "category": category,
                "order": order,
                "title_nl": title_nl,
                "title_en": title_en,
                "text_nl": text_nl,
                "text_en": text_en,
            },
        )
    template, _ = AgreementTemplate.objects.update_or_create(
        kind="consortium",
        version=2,
        defaults={
            "effective_on": dt.date(2025, 1, 1),
            "title_nl": "Consortiumovereenkomst",
            "title_en": "Consortium agreement",
        },
    )
    template.clauses.set(Clause.objects.filter(key__in=KEYS))


def unseed(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    AgreementTemplate.objects.filter(kind="consortium", version=2, agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_agreement_log_head")]

    operations = [migrations.RunPython(seed, unseed)]
