"""Declarations of backend.offers: an offer names its contact person and who presents it."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.register.base import (
    WHO_DID_IT,
    WORK_TOGETHER,
    Category,
    Erasure,
    ModelDeclaration,
    field,
    not_personal_model,
)

C = Category

DECLARATIONS = (
    ModelDeclaration(
        label="offers.Offer",
        subjects=("contact", "reviewer"),
        personal=(
            field("contact", C.CONTACT, WORK_TOGETHER, ("organisation", "partners")),
            field(
                "presenters",
                C.IDENTITY,
                _("laten zien wie een gastles of workshop geeft"),
                ("organisation", "partners", "student"),
            ),
            field("reviewer", C.ACTIVITIES, WHO_DID_IT, ("organisation", "school_staff")),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "kind",
            "owner",
            "title",
            "description",
            "expectations",
            "deliverables",
            "starts_on",
            "ends_on",
            "start_time",
            "duration_minutes",
            "location_kind",
            "location",
            "language",
            "min_students",
            "max_students",
            "team_size",
            "niveau_min",
            "niveau_max",
            "required_certificates",
            "consortium",
            "pok_reference",
            "status",
            "status_changed_at",
            "rejection_reason",
            "change_request",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=(
            "description",
            "expectations",
            "deliverables",
            "rejection_reason",
            "change_request",
        ),
    ),
    ModelDeclaration(
        label="offers.OfferTransition",
        subjects=("actor",),
        personal=(field("actor", C.ACTIVITIES, WHO_DID_IT, ("organisation", "school_staff")),),
        not_personal=("id", "offer", "from_status", "to_status", "at", "note"),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("note",),
    ),
    ModelDeclaration(
        label="offers.WerkprocesMapping",
        subjects=("mapped_by",),
        personal=(field("mapped_by", C.ACTIVITIES, WHO_DID_IT, ("school_staff",)),),
        not_personal=("id", "created_at", "updated_at", "offer", "werkproces", "coverage", "note"),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("note",),
    ),
    not_personal_model(
        "offers.CoverageScope", "id", "key", "consortium", "niveau_min", "niveau_max"
    ),
    not_personal_model(
        "offers.CoverageEntry", "id", "mapping", "offer", "werkproces", "scope", "title", "full"
    ),
    not_personal_model("offers.CoverageCount", "id", "scope", "werkproces", "challenges", "fully"),
)
