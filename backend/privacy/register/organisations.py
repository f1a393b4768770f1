"""Declarations of backend.organisations and backend.curriculum: organisations and the national
qualification files hold no personal data; a student's evidence per werkproces does."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule as R
from backend.privacy.register.base import (
    WHO_DID_IT,
    Category,
    Erasure,
    ModelDeclaration,
    field,
    not_personal_model,
)

TIMESTAMPS = ("id", "created_at", "updated_at")
EVIDENCE = _("vastleggen wat de student per werkproces heeft laten zien, voor het diploma")

DECLARATIONS = (
    # Organisations are schools, companies and collectives; a company's address and KvK number are
    # business data, not data about a person.
    not_personal_model(
        "organisations.Organisation",
        *TIMESTAMPS,
        "name",
        "kind",
        "brin",
        "kvk",
        "website",
        "description",
        "employee_count",
        "succeeded_by",
        "succeeded_on",
        "coordinators_may_import_students",
        "care_notes_roles",
        "require_two_factor",
    ),
    not_personal_model(
        "organisations.Location", *TIMESTAMPS, "organisation", "name", "street", "postcode", "city"
    ),
    not_personal_model(
        "organisations.Consortium", *TIMESTAMPS, "name", "description", "starts_on", "ends_on"
    ),
    not_personal_model(
        "organisations.ConsortiumMembership",
        *TIMESTAMPS,
        "consortium",
        "organisation",
        "role",
        "joined_on",
        "left_on",
    ),
    not_personal_model(
        "organisations.CertificatePolicy",
        *TIMESTAMPS,
        "organisation",
        "certificate",
        "applies_to",
        "note",
    ),
    not_personal_model(
        "curriculum.Kwalificatiedossier",
        *TIMESTAMPS,
        "crebo",
        "title",
        "edition",
        "valid_from",
        "valid_until",
        "source",
        "source_note",
    ),
    not_personal_model(
        "curriculum.Kwalificatie", *TIMESTAMPS, "dossier", "crebo", "title", "niveau"
    ),
    not_personal_model("curriculum.Kerntaak", *TIMESTAMPS, "dossier", "code", "title", "kind"),
    not_personal_model(
        "curriculum.Werkproces", *TIMESTAMPS, "kerntaak", "code", "title", "description"
    ),
    not_personal_model("curriculum.Keuzedeel", *TIMESTAMPS, "code", "title", "sbu", "niveau"),
    ModelDeclaration(
        label="curriculum.WerkprocesEvidence",
        subjects=("student",),
        personal=(
            *(
                field(
                    name,
                    Category.EVIDENCE,
                    EVIDENCE,
                    ("student", "coach", "school_staff"),
                    R.EVIDENCE,
                )
                for name in ("student", "werkproces", "level", "offer", "note")
            ),
            *(
                field(
                    name,
                    Category.EVIDENCE,
                    WHO_DID_IT,
                    ("student", "school_staff"),
                    R.EVIDENCE,
                )
                for name in ("recorded_by", "validated_by", "validated_at")
            ),
        ),
        not_personal=TIMESTAMPS,
        erasure=Erasure.KEEP,
        keep_reason=_(
            "Bewijs dat meetelt voor het diploma moet de school bewaren zolang haar "
            "examenregels dat vragen; het blijft staan bij het gepseudonimiseerde account."
        ),
        mentions=("note",),
    ),
)
