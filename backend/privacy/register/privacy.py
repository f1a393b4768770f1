"""Declarations of backend.privacy: the requests of people about their data and the retention
settings of a school."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.register.base import WHO_DID_IT, Category, Erasure, ModelDeclaration, field

C = Category.REQUESTS
REQUEST = _("een verzoek over persoonsgegevens binnen de wettelijke termijn afhandelen")
READERS = ("self", "privacy_officer")

DECLARATIONS = (
    ModelDeclaration(
        label="privacy.DataRequest",
        subjects=("subject", "submitted_by"),
        personal=(
            field("subject", C, REQUEST, READERS),
            field("details", C, REQUEST, READERS),
            field("submitted_by", C, REQUEST, READERS),
            field("handled_by", C, WHO_DID_IT, READERS),
            field("outcome", C, REQUEST, READERS),
            field("report", C, REQUEST, ("privacy_officer",)),
        ),
        not_personal=("id", "school", "kind", "status", "submitted_at", "due_on", "handled_at"),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "De school moet kunnen aantonen dat zij een verzoek heeft afgehandeld (art. 5 lid 2 "
            "AVG); het verzoek blijft bij het gepseudonimiseerde account, de toelichting wordt "
            "leeggemaakt."
        ),
        mentions=("outcome",),
    ),
    ModelDeclaration(
        label="privacy.RetentionPolicy",
        subjects=("changed_by",),
        personal=(field("changed_by", C, WHO_DID_IT, ("privacy_officer",)),),
        not_personal=("id", "school", "rule", "months", "changed_at"),
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="privacy.RetentionRun",
        subjects=("started_by",),
        personal=(field("started_by", C, WHO_DID_IT, ("privacy_officer",)),),
        not_personal=(
            "id",
            "school",
            "dry_run",
            "started_at",
            "finished_at",
            "as_of",
            "counts",
            "total",
        ),
        erasure=Erasure.PSEUDONYMISE,
    ),
)
