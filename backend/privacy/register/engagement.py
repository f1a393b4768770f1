"""Declarations of backend.engagement: experts, guest lessons, events and meetings."""

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
EXPERT = _("scholen laten zoeken naar een gastspreker met de juiste expertise")
EVENT = _("plaatsen bij een evenement reserveren en de aanwezigheid bijhouden")
MEETING = _("overleggen plannen en bijhouden wie er was")
FEEDBACK = _("terugkoppeling op een gastles vastleggen")

DECLARATIONS = (
    not_personal_model("engagement.Tag", "id", "name", "slug"),
    ModelDeclaration(
        label="engagement.ExpertProfile",
        subjects=("user",),
        personal=tuple(
            field(name, C.ACTIVITIES, EXPERT, ("self", "organisation", "experts_finders"))
            for name in (
                "user",
                "headline",
                "bio",
                "languages",
                "formats",
                "weekdays",
                "available_from",
                "available_until",
                "availability_note",
            )
        ),
        not_personal=("id", "created_at", "updated_at", "organisation", "consortium", "is_active"),
        # The bookings protect the profile: it stays, emptied and no longer searchable.
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="engagement.GuestLessonBooking",
        subjects=("requested_by", "expert__user"),
        personal=(
            field("requested_by", C.ACTIVITIES, WORK_TOGETHER, ("school_staff", "partners")),
            field("expert", C.ACTIVITIES, WORK_TOGETHER, ("school_staff", "partners")),
            field(
                "message",
                C.ACTIVITIES,
                _("een gastles afstemmen tussen school en gastspreker"),
                ("school_staff", "partners"),
                R.ACTIVITIES,
            ),
            field(
                "answer_note",
                C.ACTIVITIES,
                _("een gastles afstemmen tussen school en gastspreker"),
                ("school_staff", "partners"),
                R.ACTIVITIES,
            ),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "uid",
            "school",
            "format",
            "starts_at",
            "duration_minutes",
            "group",
            "topic",
            "kerntaak",
            "location",
            "status",
            "proposed_starts_at",
            "status_changed_at",
            "sequence",
            "agreement_id",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("topic", "location"),
    ),
    ModelDeclaration(
        label="engagement.BookingTransition",
        subjects=("actor",),
        personal=(field("actor", C.ACTIVITIES, WHO_DID_IT, ("school_staff", "partners")),),
        not_personal=("id", "booking", "from_status", "to_status", "at", "note"),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("note",),
    ),
    ModelDeclaration(
        label="engagement.BookingFeedback",
        subjects=("author",),
        # Retention empties the text; the rating stays with the lesson.
        personal=(
            field("author", C.ACTIVITIES, FEEDBACK, ("school_staff", "partners")),
            field("rating", C.ACTIVITIES, FEEDBACK, ("school_staff", "partners")),
            field("text", C.ACTIVITIES, FEEDBACK, ("school_staff", "partners"), R.ACTIVITIES),
        ),
        not_personal=("id", "created_at", "updated_at", "booking"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="engagement.CalendarFeed",
        subjects=("user",),
        personal=(
            field(
                "user",
                C.ACCOUNT_SECURITY,
                _("afspraken in de eigen agenda tonen via een persoonlijke link"),
                ("self",),
            ),
            field(
                "token",
                C.ACCOUNT_SECURITY,
                _("afspraken in de eigen agenda tonen via een persoonlijke link"),
                ("self",),
            ),
        ),
        not_personal=("id", "created_at", "updated_at"),
        erasure=Erasure.DELETE,
        # The token opens the person's calendar: a secret, not handed out in an export.
        exported=False,
    ),
    ModelDeclaration(
        label="engagement.DigestPreference",
        subjects=("user",),
        personal=tuple(
            field(
                name,
                C.COMMUNICATION,
                _("het overzicht per e-mail zo vaak sturen als de persoon wil"),
                ("self",),
            )
            for name in ("user", "frequency")
        ),
        not_personal=("id", "updated_at"),
        erasure=Erasure.DELETE,
    ),
    not_personal_model("engagement.PartnerAttentionSetting", "id", "school", "quiet_weeks"),
    ModelDeclaration(
        label="engagement.Event",
        subjects=("organiser",),
        personal=(
            field(
                "organiser", C.ACTIVITIES, WORK_TOGETHER, ("school_staff", "partners", "student")
            ),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "uid",
            "kind",
            "title",
            "description",
            "school",
            "consortium",
            "location",
            "starts_at",
            "ends_at",
            "slot_minutes",
            "followed_up_at",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("description",),
    ),
    not_personal_model("engagement.EventSlot", "id", "event", "starts_at", "ends_at"),
    ModelDeclaration(
        label="engagement.EventTable",
        subjects=("host",),
        personal=(
            field("host", C.ACTIVITIES, WORK_TOGETHER, ("school_staff", "partners", "student")),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "event",
            "company",
            "capacity",
            "topic",
            "offers_portfolio_review",
        ),
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="engagement.EventBooking",
        subjects=("student",),
        personal=(
            *(
                field(
                    name,
                    C.ACTIVITIES,
                    EVENT,
                    ("student", "school_staff", "event_people"),
                    R.ACTIVITIES,
                )
                for name in (
                    "student",
                    "slot",
                    "table",
                    "seat",
                    "kind",
                    "attendance",
                    "cancelled_at",
                )
            ),
            field(
                "attendance_recorded_by", C.ACTIVITIES, WHO_DID_IT, ("school_staff",), R.ACTIVITIES
            ),
        ),
        not_personal=("id", "created_at", "updated_at"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="engagement.Meeting",
        subjects=("organiser", "cancelled_by"),
        personal=(
            field("organiser", C.ACTIVITIES, MEETING, ("meeting_participants",)),
            field("cancelled_by", C.ACTIVITIES, WHO_DID_IT, ("meeting_participants",)),
        ),
        not_personal=(
            "id",
            "created_at",
            "updated_at",
            "uid",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
            "school",
            "cancelled_at",
            "sequence",
        ),
        erasure=Erasure.PSEUDONYMISE,
        mentions=("agenda",),
    ),
    ModelDeclaration(
        label="engagement.MeetingParticipant",
        subjects=("user",),
        personal=tuple(
            field(name, C.ACTIVITIES, MEETING, ("meeting_participants",), R.ACTIVITIES)
            for name in (
                "user",
                "signed_off_at",
                "sign_off_reason",
                "attendance",
                "attendance_recorded_at",
            )
        ),
        not_personal=("id", "meeting"),
        erasure=Erasure.DELETE,
    ),
)
