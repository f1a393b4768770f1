"""Declarations of backend.learning (issue 15): what happens after a student was placed.

Everything here is about one student (their subject), kept as long as the evidence it supports
(`RetentionRule.EVIDENCE`, counted from the student leaving) and deleted when the student is
erased: unlike `curriculum.WerkprocesEvidence` (the validated level the school keeps for the
diploma) these are the working records behind it. Who did something (the mentor who rated, the
coach who validated) is declared as `WHO_DID_IT`; the export shows them by role, never by name.
Free text that may name someone else is a `mentions` field."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from backend.privacy.models import RetentionRule as R
from backend.privacy.register.base import (
    WHO_DID_IT,
    Category,
    Erasure,
    ModelDeclaration,
    PersonalField,
    field,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

C = Category
TIMESTAMPS = ("id", "created_at", "updated_at")

COMPANY_FEEDBACK = _(
    "het bedrijf laat per werkproces weten wat de student liet zien, als bewijs voor de "
    "student en de school"
)
SELF_ASSESSMENT = _(
    "de student beoordeelt zichzelf per werkproces met een korte reflectie (STARR); de school "
    "valideert het als bewijs"
)
TRIADS = _("student, coach en praktijkbegeleider bespreken samen de voortgang tijdens de opdracht")
ACTIVITY_FEEDBACK = _("de activiteit en de begeleiding door het bedrijf verbeteren")
BADGE = _(
    "de student laat met een digitaal insigne (Open Badge) zien welk werkproces of welke "
    "kerntaak de school heeft gevalideerd"
)

# Who sees what, in the product (backend.learning.access and the pages of issue 15).
FEEDBACK_READERS = ("student", "coach", "school_staff", "company_own_feedback")
EVIDENCE_READERS = ("student", "coach", "school_staff")
TRIAD_READERS = ("triad_participants",)
ACTIVITY_FEEDBACK_READERS = ("student", "activity_feedback_summary")
BADGE_READERS = ("student", "school_staff", "badge_public")


def _fields(
    names: tuple[str, ...],
    category: Category,
    purpose: "StrOrPromise",
    recipients: tuple[str, ...],
) -> tuple[PersonalField, ...]:
    return tuple(field(name, category, purpose, recipients, R.EVIDENCE) for name in names)


def _who(*names: str, recipients: tuple[str, ...]) -> tuple[PersonalField, ...]:
    return tuple(field(name, C.EVIDENCE, WHO_DID_IT, recipients, R.EVIDENCE) for name in names)


DECLARATIONS = (
    ModelDeclaration(
        label="learning.CompanyFeedback",
        subjects=("student",),
        personal=(
            *_fields(
                ("student", "offer", "moment", "due_on", "comment", "submitted_at"),
                C.EVIDENCE,
                COMPANY_FEEDBACK,
                FEEDBACK_READERS,
            ),
            *_who("submitted_by", recipients=FEEDBACK_READERS),
        ),
        # When the company was reminded and how often: about the company's inbox, not the
        # student.
        not_personal=(*TIMESTAMPS, "last_reminded_on", "reminder_count"),
        erasure=Erasure.DELETE,
        mentions=("comment",),
    ),
    ModelDeclaration(
        label="learning.CompanyRating",
        subjects=("feedback__student",),
        personal=_fields(
            ("feedback", "werkproces", "level"), C.EVIDENCE, COMPANY_FEEDBACK, FEEDBACK_READERS
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="learning.SelfAssessment",
        subjects=("student",),
        personal=(
            *_fields(
                (
                    "student",
                    "offer",
                    "werkproces",
                    "level",
                    "situation",
                    "task",
                    "action",
                    "result",
                    "reflection",
                    "status",
                    "submitted_at",
                    "reviewed_at",
                    "review_reason",
                ),
                C.EVIDENCE,
                SELF_ASSESSMENT,
                EVIDENCE_READERS,
            ),
            *_who("reviewed_by", recipients=EVIDENCE_READERS),
        ),
        not_personal=TIMESTAMPS,
        erasure=Erasure.DELETE,
        mentions=("situation", "task", "action", "result", "reflection", "review_reason"),
    ),
    ModelDeclaration(
        label="learning.EvidenceAttachment",
        subjects=("self_assessment__student",),
        # The file itself is deleted from storage with the row (erasure and retention).
        personal=_fields(
            ("self_assessment", "file", "name", "content_type", "size"),
            C.EVIDENCE,
            SELF_ASSESSMENT,
            EVIDENCE_READERS,
        ),
        not_personal=TIMESTAMPS,
        erasure=Erasure.DELETE,
        # A file name may hold a name ("verslag Sanne de Boer.pdf").
        mentions=("name",),
    ),
    ModelDeclaration(
        label="learning.EvidenceStep",
        subjects=("self_assessment__student",),
        personal=(
            *_fields(
                ("self_assessment", "kind", "at", "level", "reason"),
                C.EVIDENCE,
                SELF_ASSESSMENT,
                EVIDENCE_READERS,
            ),
            *_who("actor", recipients=EVIDENCE_READERS),
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
        mentions=("reason",),
    ),
    ModelDeclaration(
        label="learning.TriadSeries",
        subjects=("student",),
        personal=(
            *_fields(
                (
                    "student",
                    "offer",
                    "coach",
                    "mentor",
                    "interval_days",
                    "first_on",
                    "last_on",
                    "cancelled_at",
                ),
                C.EVIDENCE,
                TRIADS,
                TRIAD_READERS,
            ),
            *_who("created_by", recipients=TRIAD_READERS),
        ),
        not_personal=TIMESTAMPS,
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="learning.TriadConversation",
        subjects=("series__student",),
        personal=(
            *_fields(
                ("series", "planned_on", "held_on", "notes"), C.EVIDENCE, TRIADS, TRIAD_READERS
            ),
            *_who("recorded_by", recipients=TRIAD_READERS),
        ),
        # When the coach was told a conversation was missed: the coach's reminder, not the
        # student's record.
        not_personal=(*TIMESTAMPS, "missed_alerted_at"),
        erasure=Erasure.DELETE,
        mentions=("notes",),
    ),
    ModelDeclaration(
        label="learning.ActivityFeedback",
        subjects=("student",),
        personal=_fields(
            ("student", "offer", "learned", "supported", "comment"),
            C.EVIDENCE,
            ACTIVITY_FEEDBACK,
            ACTIVITY_FEEDBACK_READERS,
        ),
        not_personal=TIMESTAMPS,
        erasure=Erasure.DELETE,
        mentions=("comment",),
    ),
    ModelDeclaration(
        label="learning.Badge",
        subjects=("student",),
        personal=(
            *_fields(
                (
                    "uid",
                    "student",
                    "school",
                    "kwalificatie",
                    "werkproces",
                    "kerntaak",
                    "issued_at",
                    "recipient_salt",
                    "recipient_hash",
                    "published_at",
                    "revoked_at",
                    "revocation_reason",
                ),
                C.EVIDENCE,
                BADGE,
                BADGE_READERS,
            ),
            *_who("issued_by", "revoked_by", recipients=("student", "school_staff")),
        ),
        not_personal=TIMESTAMPS,
        # Deleted: the public address of a published badge then answers "not found".
        erasure=Erasure.DELETE,
        mentions=("revocation_reason",),
    ),
)
