"""Declarations of backend.agreements: the people who made, accepted and carry out agreements.
An accepted agreement and its hash-chained log are kept (the log names people only by id)."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule as R
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
PARTIES = ("agreement_parties",)
KEEP_AGREEMENT = _(
    "Een afspraak is een overeenkomst die de school volgens haar archiefregels bewaart; de "
    "persoon staat er daarna alleen nog als gepseudonimiseerd account in."
)

DECLARATIONS = (
    ModelDeclaration(
        label="agreements.Agreement",
        subjects=("created_by", "participants"),
        personal=(field("created_by", C.AGREEMENTS, WHO_DID_IT, PARTIES),),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "kind",
            "title",
            "template",
            "offer",
            "parent",
            "consortium",
            "status",
            "status_reason",
            "status_changed_at",
            "starts_on",
            "ends_on",
            "mentoring_hours",
            "place",
            "provides",
            "deliverables",
        ),
        erasure=Erasure.KEEP,
        keep_reason=KEEP_AGREEMENT,
        # `provides` names the company's contact person.
        mentions=("status_reason", "place", "provides", "deliverables"),
    ),
    ModelDeclaration(
        label="agreements.AgreementParty",
        subjects=("contact",),
        personal=(field("contact", C.AGREEMENTS, WORK_TOGETHER, PARTIES),),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "agreement",
            "organisation",
            "role",
            "previous_organisation",
            "needs_reconfirmation",
            "reconfirmation_reason",
        ),
        erasure=Erasure.KEEP,
        keep_reason=KEEP_AGREEMENT,
        mentions=("reconfirmation_reason",),
    ),
    ModelDeclaration(
        label="agreements.AgreementVersion",
        subjects=("created_by",),
        personal=(field("created_by", C.AGREEMENTS, WHO_DID_IT, PARTIES),),
        not_personal=(
            "id",
            "agreement",
            "number",
            "terms",
            "clauses",
            "content_hash",
            "change_note",
            "created_at",
        ),
        erasure=Erasure.KEEP,
        keep_reason=KEEP_AGREEMENT,
        # The filled-in terms list the participating students' first names and the rendered
        # clauses the contact person's name.
        mentions=("terms", "clauses", "change_note"),
    ),
    ModelDeclaration(
        label="agreements.Acceptance",
        subjects=("person",),
        personal=(
            field(
                "person",
                C.AGREEMENTS,
                _("aantonen wie een afspraak namens een partij accepteerde, wanneer en vanaf waar"),
                PARTIES,
            ),
            field(
                "ip_address",
                C.AGREEMENTS,
                _("aantonen wie een afspraak namens een partij accepteerde, wanneer en vanaf waar"),
                ("koppel_staff",),
                R.AGREEMENTS,
                replacement=None,
            ),
            field(
                "user_agent",
                C.AGREEMENTS,
                _("aantonen wie een afspraak namens een partij accepteerde, wanneer en vanaf waar"),
                ("koppel_staff",),
                R.AGREEMENTS,
            ),
        ),
        not_personal=("id", "version", "party", "organisation", "role", "accepted_at"),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "Een acceptatie is het bewijs dat een partij instemde; de school bewaart het zo lang "
            "als de afspraak zelf."
        ),
    ),
    ModelDeclaration(
        label="agreements.Commitment",
        subjects=("owner",),
        personal=(
            field(
                "owner",
                C.AGREEMENTS,
                _("toezeggingen bij één persoon beleggen en opvolgen"),
                ("agreement_parties",),
            ),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "agreement",
            "title",
            "description",
            "organisation",
            "due_on",
            "status",
            "done_at",
            "escalated_at",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("title", "description"),
    ),
    ModelDeclaration(
        label="agreements.CommitmentUpdate",
        subjects=("from_owner", "to_owner", "actor"),
        personal=tuple(
            field(name, C.AGREEMENTS, WHO_DID_IT, PARTIES)
            for name in ("from_owner", "to_owner", "actor")
        ),
        not_personal=("id", "commitment", "from_status", "to_status", "note", "at"),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("note",),
    ),
    not_personal_model(
        "agreements.CollectiveMember",
        "id",
        "created_at",
        "updated_at",
        "collective",
        "company",
        "joined_on",
        "left_on",
    ),
    ModelDeclaration(
        label="agreements.Pledge",
        subjects=("created_by",),
        personal=(field("created_by", C.AGREEMENTS, WHO_DID_IT, PARTIES),),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "consortium",
            "partner",
            "funder",
            "kind",
            "amount",
            "hours",
            "period_start",
            "period_end",
            "note",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("note",),
    ),
    ModelDeclaration(
        label="agreements.Realisation",
        subjects=("recorded_by",),
        personal=(field("recorded_by", C.AGREEMENTS, WHO_DID_IT, PARTIES),),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "pledge",
            "on",
            "amount",
            "hours",
            "evidence",
            "paid_directly_to",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("evidence",),
    ),
    ModelDeclaration(
        label="agreements.AgreementEvent",
        subjects=("actor",),
        personal=(
            field("actor", C.AGREEMENTS, WHO_DID_IT, PARTIES),
            field(
                "payload",
                C.AGREEMENTS,
                _(
                    "onveranderlijk vastleggen wat er met een afspraak gebeurde (personen bij nummer)"
                ),
                PARTIES,
            ),
        ),
        not_personal=("id", "agreement", "sequence", "kind", "at", "prev_hash", "hash"),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "Het log van een afspraak is een onveranderlijke keten; het noemt personen alleen bij "
            "nummer, zodat het na verwijdering van de persoon controleerbaar blijft."
        ),
    ),
    not_personal_model("agreements.AgreementLogHead", "agreement", "sequence", "hash"),
    not_personal_model(
        "agreements.Clause",
        "id",
        "key",
        "category",
        "order",
        "title_nl",
        "title_en",
        "text_nl",
        "text_en",
    ),
    not_personal_model(
        "agreements.AgreementTemplate",
        "id",
        "kind",
        "version",
        "effective_on",
        "title_nl",
        "title_en",
    ),
)
