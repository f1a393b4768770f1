"""Declarations of backend.accounts: people, their memberships, enrolments and consents."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule as R
from backend.privacy.register.base import WHO_DID_IT, Category, Erasure, ModelDeclaration, field

C = Category
ACCOUNT = _("inloggen en het account beheren")
NAME = _("de persoon herkenbaar tonen aan wie met hem of haar samenwerkt")
ENROLMENT = _(
    "onderwijs organiseren: bepalen welke opdrachten bij de opleiding en het niveau passen"
)

DECLARATIONS = (
    ModelDeclaration(
        label="accounts.User",
        subjects=("pk",),
        personal=(
            field(
                "first_name",
                C.IDENTITY,
                NAME,
                ("self", "school_staff", "teammates", "company_first_name_only", "partners"),
                R.STUDENT_ACCOUNT,
                replacement="Verwijderde",
            ),
            field(
                "last_name",
                C.IDENTITY,
                NAME,
                ("self", "school_staff", "partners"),
                R.STUDENT_ACCOUNT,
                replacement="persoon",
            ),
            field(
                "email",
                C.CONTACT,
                _("inloggen, meldingen versturen en contact opnemen"),
                ("self", "school_staff", "partners", "koppel_staff"),
                R.STUDENT_ACCOUNT,
                replacement="erased-{pk}@invalid",
            ),
            field(
                "phone",
                C.CONTACT,
                _("contact opnemen over een opdracht of afspraak"),
                ("self", "organisation", "partners"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "preferred_language",
                C.COMMUNICATION,
                _("Koppel en berichten in de gekozen taal tonen"),
                ("self",),
                R.STUDENT_ACCOUNT,
            ),
            field("password", C.ACCOUNT_SECURITY, ACCOUNT, ("koppel_staff",), R.STUDENT_ACCOUNT),
            field(
                "last_login",
                C.ACCOUNT_SECURITY,
                ACCOUNT,
                ("self", "koppel_staff"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "date_joined",
                C.ACCOUNT_SECURITY,
                ACCOUNT,
                ("self", "koppel_staff"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "left_at",
                C.EDUCATION,
                _("openstaand werk overdragen en de bewaartermijnen laten ingaan bij vertrek"),
                ("self", "school_coordinators", "koppel_staff"),
                R.STUDENT_ACCOUNT,
                replacement=None,
            ),
        ),
        not_personal=("id", "is_superuser", "is_staff", "is_active"),
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="accounts.Membership",
        subjects=("user",),
        personal=(
            field(
                "user",
                C.IDENTITY,
                _("bepalen bij welke organisatie iemand in welke rol werkt of leert"),
                ("self", "organisation"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "job_title",
                C.IDENTITY,
                NAME,
                ("self", "organisation", "partners"),
                R.STUDENT_ACCOUNT,
            ),
            field("ended_by", C.IDENTITY, WHO_DID_IT, ("organisation",), R.STUDENT_ACCOUNT),
        ),
        not_personal=("id", "created_at", "updated_at", "organisation", "role", "ended_at"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="accounts.StudentEnrolment",
        subjects=("student",),
        personal=(
            field(
                "student", C.EDUCATION, ENROLMENT, ("student", "school_staff"), R.STUDENT_ACCOUNT
            ),
            field("school", C.EDUCATION, ENROLMENT, ("student", "school_staff"), R.STUDENT_ACCOUNT),
            field(
                "kwalificatie",
                C.EDUCATION,
                ENROLMENT,
                ("student", "school_staff", "company_first_name_only"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "student_number",
                C.EDUCATION,
                _("de student koppelen aan de studentenadministratie van de school"),
                ("student", "school_staff"),
                R.STUDENT_ACCOUNT,
                replacement="erased-{pk}",
            ),
            field("cohort", C.EDUCATION, ENROLMENT, ("student", "school_staff"), R.STUDENT_ACCOUNT),
            field(
                "leerweg", C.EDUCATION, ENROLMENT, ("student", "school_staff"), R.STUDENT_ACCOUNT
            ),
            field(
                "class_code",
                C.EDUCATION,
                _("teamgenoten uit de eigen klas kunnen vinden"),
                ("student", "school_staff"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "coach",
                C.EDUCATION,
                _("de coach (SLB) die de leerdoelen van de student bewaakt"),
                ("student", "school_staff"),
                R.STUDENT_ACCOUNT,
            ),
            field(
                "date_of_birth",
                C.EDUCATION,
                _("nagaan of de student minderjarig is"),
                ("student", "school_coordinators"),
                R.STUDENT_ACCOUNT,
                replacement=None,
            ),
            field(
                "exam_on",
                C.EDUCATION,
                _("de coach ziet wie binnenkort examen doet of aan de BPV begint"),
                ("student", "school_staff"),
                R.STUDENT_ACCOUNT,
                replacement=None,
            ),
            field(
                "bpv_starts_on",
                C.EDUCATION,
                _("de coach ziet wie binnenkort examen doet of aan de BPV begint"),
                ("student", "school_staff"),
                R.STUDENT_ACCOUNT,
                replacement=None,
            ),
            field(
                "care_notes",
                C.CARE,
                _("begeleiding afstemmen op wat de student nodig heeft"),
                ("care_readers",),
                R.CARE_NOTES,
            ),
        ),
        not_personal=("id", "created_at", "updated_at"),
        # Kept as a pseudonymised row: the access log of care-note reads points to it and is
        # append-only.
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="accounts.Certificate",
        subjects=("holder",),
        personal=(
            field(
                "holder",
                C.ACTIVITIES,
                _("nagaan of een gastdocent een geldig certificaat (zoals een VOG) heeft"),
                ("self", "school_coordinators"),
            ),
            *(
                field(
                    name,
                    C.ACTIVITIES,
                    _("nagaan of een gastdocent een geldig certificaat (zoals een VOG) heeft"),
                    ("self", "school_coordinators"),
                )
                for name in ("kind", "issued_on", "valid_until", "verified_at")
            ),
            field("verified_by", C.ACTIVITIES, WHO_DID_IT, ("school_coordinators",)),
        ),
        not_personal=("id", "created_at", "updated_at", "verified_for"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="accounts.Invitation",
        subjects=("email__iexact", "accepted_by"),
        personal=(
            field(
                "email",
                C.CONTACT,
                _("iemand uitnodigen voor een organisatie"),
                ("self", "organisation"),
            ),
            field("invited_by", C.ACCOUNT_SECURITY, WHO_DID_IT, ("organisation",)),
            field("accepted_by", C.ACCOUNT_SECURITY, WHO_DID_IT, ("organisation",)),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "organisation",
            "role",
            "token_hash",
            "expires_at",
            "accepted_at",
        ),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="accounts.EmailChange",
        subjects=("user",),
        personal=(
            field(
                "user",
                C.ACCOUNT_SECURITY,
                _("een wijziging van het e-mailadres laten bevestigen via het oude adres"),
                ("self", "school_coordinators"),
            ),
            field(
                "old_email",
                C.CONTACT,
                _("een wijziging van het e-mailadres laten bevestigen via het oude adres"),
                ("self", "school_coordinators"),
            ),
            field(
                "new_email",
                C.CONTACT,
                _("een wijziging van het e-mailadres laten bevestigen via het oude adres"),
                ("self", "school_coordinators"),
            ),
            field("requested_by", C.ACCOUNT_SECURITY, WHO_DID_IT, ("school_coordinators",)),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "token_hash",
            "school",
            "expires_at",
            "confirmed_at",
        ),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="accounts.PersonalDataRead",
        subjects=("student", "reader"),
        personal=(
            field(
                "student",
                C.ACCESS_LOG,
                _("verantwoorden wie gevoelige gegevens van een student heeft ingezien"),
                ("privacy_officer",),
                R.ACCESS_LOG,
            ),
            field(
                "enrolment",
                C.ACCESS_LOG,
                _("verantwoorden wie gevoelige gegevens van een student heeft ingezien"),
                ("privacy_officer",),
                R.ACCESS_LOG,
            ),
            field(
                "reader",
                C.ACCESS_LOG,
                _("verantwoorden wie gevoelige gegevens van een student heeft ingezien"),
                ("privacy_officer",),
                R.ACCESS_LOG,
            ),
            field(
                "reason",
                C.ACCESS_LOG,
                _("de reden van de inzage, als de lezer die gaf"),
                ("privacy_officer",),
                R.ACCESS_LOG,
            ),
            # What was read, through which page and when: a student's export shows them who
            # looked at what of theirs, and when (art. 15(1)(c): the recipients).
            *(
                field(
                    name,
                    C.ACCESS_LOG,
                    _("verantwoorden wie gevoelige gegevens van een student heeft ingezien"),
                    ("privacy_officer",),
                    R.ACCESS_LOG,
                )
                for name in ("kind", "purpose", "read_at")
            ),
        ),
        not_personal=("id", "school"),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "Het inzagelog is de verantwoording van de school over wie gevoelige gegevens las; "
            "het kan niet worden gewijzigd en vervalt pas na de bewaartermijn. De persoon wordt "
            "erin alleen nog als gepseudonimiseerd account genoemd."
        ),
        mentions=("reason",),
    ),
    ModelDeclaration(
        label="accounts.Consent",
        subjects=("person",),
        personal=tuple(
            field(
                name,
                C.CONSENT,
                _("aantonen waarvoor de persoon toestemming gaf, met welke tekst en wanneer"),
                ("self", "school_staff"),
            )
            for name in (
                "person",
                "purpose",
                "wording",
                "wording_version",
                "language",
                "given_at",
                "withdrawn_at",
            )
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
)
