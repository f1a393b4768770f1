"""Seed the clause library and the first template per kind, so every installation has them."""

import datetime as dt

from django.db import migrations

CLAUSES = [
    # key, category, order, title_nl, title_en, text_nl, text_en
    (
        "parties-engagement", "parties", 10,
        "Partijen en looptijd", "Parties and duration",
        "Deze afspraak is gemaakt tussen {school} en {company} over \"{offer_title}\". "
        "Ze loopt van {start} tot en met {end}.",
        "This agreement is made between {school} and {company} about \"{offer_title}\". "
        "It runs from {start} up to and including {end}.",
    ),
    (
        "company-provides", "provides", 20,
        "Wat het bedrijf biedt", "What the company provides",
        "{company} biedt: {provides}",
        "{company} provides: {provides}",
    ),
    (
        "mentoring-hours", "mentoring", 30,
        "Begeleiding", "Mentoring",
        "{company} begeleidt de studenten in totaal {hours} uur. Er is één vast aanspreekpunt "
        "bij het bedrijf en één bij de school.",
        "{company} mentors the students for {hours} hours in total. There is one fixed contact "
        "at the company and one at the school.",
    ),
    (
        "dates-place", "dates_place", 40,
        "Data en plaats", "Dates and place",
        "Het werk gebeurt van {start} tot en met {end}, op deze plek: {place}.",
        "The work takes place from {start} up to and including {end}, at this place: {place}.",
    ),
    (
        "deliverables", "deliverables", 50,
        "Wat de studenten opleveren", "What the students deliver",
        "De studenten leveren op: {deliverables}. Het is leerwerk: de school beoordeelt wat de "
        "studenten leren, het bedrijf geeft feedback.",
        "The students deliver: {deliverables}. This is learning work: the school assesses what "
        "the students learn, the company gives feedback.",
    ),
    (
        "ip-confidentiality", "ip_confidentiality", 60,
        "Intellectueel eigendom en geheimhouding", "Intellectual property and confidentiality",
        "Wat de studenten maken, mogen zij en de school gebruiken voor hun opleiding en portfolio. "
        "{company} mag het resultaat gratis gebruiken. Vertrouwelijke informatie van {company} "
        "houden studenten en docenten geheim, ook na afloop.",
        "What the students make may be used by them and the school for their education and "
        "portfolio. {company} may use the result free of charge. Students and teachers keep "
        "confidential information of {company} secret, also afterwards.",
    ),
    (
        "insurance-safety", "insurance_safety", 70,
        "Verzekering en veiligheid", "Insurance and safety",
        "De studenten zijn verzekerd via {school}. {company} zorgt voor een veilige werkplek, "
        "legt de huisregels en veiligheidsregels uit op de eerste dag en meldt een ongeval "
        "dezelfde dag aan de school.",
        "The students are insured through {school}. {company} provides a safe workplace, explains "
        "the house and safety rules on the first day and reports any accident to the school the "
        "same day.",
    ),
    (
        "absence-cancellation", "absence_cancellation", 80,
        "Afwezigheid en annuleren", "Absence and cancellation",
        "Wie niet kan komen, meldt dat vooraf aan de andere partij. Een afspraak annuleren kan "
        "tot 5 werkdagen van tevoren, met een reden. Afspraak is afspraak.",
        "Whoever cannot come tells the other party in advance. An appointment can be cancelled up "
        "to 5 working days in advance, with a reason. A promise is a promise.",
    ),
    (
        "data-protection", "data_protection", 90,
        "Gegevensbescherming (AVG)", "Data protection (GDPR)",
        "{company} ziet van de studenten alleen voornaam, niveau en opleiding. Cijfers en "
        "zorggegevens blijven bij {school}. Persoonsgegevens worden alleen voor deze afspraak "
        "gebruikt en na afloop verwijderd.",
        "{company} sees only the students' first name, level and programme. Grades and care "
        "information stay with {school}. Personal data is used only for this agreement and "
        "deleted afterwards.",
    ),
    (
        "parties-umbrella", "parties", 10,
        "Raamafspraak", "Umbrella agreement",
        "{school} en {collective} spreken af dat studenten van {start} tot en met {end} bij de "
        "aangesloten bedrijven kunnen leren en rouleren. Per student of rotatie maken we een "
        "korte afspraak onder deze raamafspraak; de clausules hieronder gelden voor elke korte "
        "afspraak.",
        "{school} and {collective} agree that from {start} up to and including {end} students can "
        "learn at and rotate between the member companies. For each student or rotation a short "
        "agreement is made under this umbrella agreement; the clauses below apply to each of them.",
    ),
    (
        "parties-rotation", "parties", 10,
        "Afspraak onder de raamafspraak", "Agreement under the umbrella agreement",
        "Onder de raamafspraak \"{umbrella}\" leert {students} van {start} tot en met {end} bij "
        "{company}. De voorwaarden van de raamafspraak gelden.",
        "Under the umbrella agreement \"{umbrella}\", {students} learns at {company} from {start} "
        "up to and including {end}. The terms of the umbrella agreement apply.",
    ),
    (
        "parties-consortium", "parties", 10,
        "Consortium en looptijd", "Consortium and duration",
        "De partners van {consortium} ({members}) werken samen van {start} tot en met {end}. "
        "Elke partner houdt zich aan zijn toezeggingen voor cofinanciering en inzet.",
        "The partners of {consortium} ({members}) work together from {start} up to and including "
        "{end}. Each partner keeps its pledges for co-financing and effort.",
    ),
    (
        "co-financing", "financing", 85,
        "Cofinanciering", "Co-financing",
        "Elke partner legt toegezegde en gerealiseerde cofinanciering (geld of uren) vast in "
        "Koppel, ook bijdragen die rechtstreeks aan een opleider worden betaald, zodat het "
        "consortium per financier kan rapporteren.",
        "Each partner records pledged and realised co-financing (cash or hours) in Koppel, "
        "including contributions paid directly to a training provider, so the consortium can "
        "report per funder.",
    ),
]

TEMPLATES = [
    (
        "engagement", "Korte afspraak", "Short agreement",
        ["parties-engagement", "company-provides", "mentoring-hours", "dates-place",
         "deliverables", "ip-confidentiality", "insurance-safety", "absence-cancellation",
         "data-protection"],
    ),
    (
        "umbrella", "Raamafspraak met een bedrijvencollectief",
        "Umbrella agreement with a company collective",
        ["parties-umbrella", "company-provides", "mentoring-hours", "ip-confidentiality",
         "insurance-safety", "absence-cancellation", "data-protection"],
    ),
    (
        "rotation", "Afspraak onder een raamafspraak", "Agreement under an umbrella agreement",
        ["parties-rotation", "mentoring-hours", "dates-place", "deliverables",
         "absence-cancellation"],
    ),
    (
        "consortium", "Consortiumovereenkomst", "Consortium agreement",
        ["parties-consortium", "co-financing", "ip-confidentiality", "data-protection",
         "absence-cancellation"],
    ),
]


def seed(apps, schema_editor):
    Clause = apps.get_model("agreements", "Clause")
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    clauses = {}
    for key, category, order, title_nl, title_en, text_nl, text_en in CLAUSES:
        clauses[key], _ = Clause.objects.update_or_create(
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
    for kind, title_nl, title_en, keys in TEMPLATES:
        template, _ = AgreementTemplate.objects.update_or_create(
            kind=kind,
            version=1,
            defaults={
                "effective_on": dt.date(2025, 1, 1),
                "title_nl": title_nl,
                "title_en": title_en,
            },
        )
        template.clauses.set([clauses[key] for key in keys])


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
