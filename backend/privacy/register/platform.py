"""Declarations of the platform: notifications, outgoing mail, the task outbox and the
third-party apps (Django admin, auth, sessions, API tokens, second-factor devices)."""

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

C = Category
NOTIFY = _("de persoon op de hoogte houden van wat er voor hem of haar verandert")
PREFERENCE = _("meldingen sturen zoals de persoon dat wil")
SIGN_IN = _("ingelogd blijven en veilig inloggen")
SECOND = _("inloggen met een tweede factor")

DECLARATIONS = (
    ModelDeclaration(
        label="notifications.Notification",
        subjects=("recipient",),
        personal=tuple(
            field(n, C.COMMUNICATION, NOTIFY, ("self",), R.NOTIFICATIONS)
            for n in ("recipient", "title", "body", "url", "created_at", "read_at", "emailed_at")
        ),
        not_personal=("id", "category", "dedupe_key", "wants_email"),
        erasure=Erasure.DELETE,
        # A notification to someone else may name the person ("Sanne heeft gekozen").
        mentions=("title", "body"),
    ),
    ModelDeclaration(
        label="notifications.NotificationPreference",
        subjects=("user",),
        personal=tuple(
            field(n, C.COMMUNICATION, PREFERENCE, ("self",))
            for n in ("user", "category", "in_app", "email")
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="core.OutgoingMail",
        subjects=("to__iexact",),
        personal=tuple(
            field(n, C.COMMUNICATION, NOTIFY, ("self", "koppel_staff"))
            for n in ("to", "subject", "body", "created_at", "sent_at")
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
        mentions=("subject", "body"),
    ),
    # The outbox holds task names and ids (no names or addresses) until the task has run.
    not_personal_model(
        "core.OutboxMessage",
        "id",
        "task",
        "kwargs",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "last_attempt_at",
        "dispatched_at",
        "last_error",
    ),
    not_personal_model("core.ServiceHeartbeat", "id", "name", "seen_at"),
    ModelDeclaration(
        label="admin.LogEntry",
        subjects=("user",),
        personal=(field("user", C.ACCOUNT_SECURITY, WHO_DID_IT, ("koppel_staff",)),),
        not_personal=(
            "id",
            "action_time",
            "content_type",
            "object_id",
            "object_repr",
            "action_flag",
            "change_message",
        ),
        erasure=Erasure.PSEUDONYMISE,
        # The name of a changed person is in object_repr.
        mentions=("object_repr", "change_message"),
    ),
    not_personal_model("auth.Permission", "id", "name", "content_type", "codename"),
    not_personal_model("auth.Group", "id", "name"),
    not_personal_model("contenttypes.ContentType", "id", "app_label", "model"),
    ModelDeclaration(
        label="sessions.Session",
        # The session data holds the user id in signed form: erasure decodes the sessions to find
        # a person's.
        subjects=(),
        personal=(field("session_data", C.ACCOUNT_SECURITY, SIGN_IN, ("koppel_staff",)),),
        not_personal=("session_key", "expire_date"),
        erasure=Erasure.DELETE,
        exported=False,
    ),
    ModelDeclaration(
        label="authtoken.Token",
        subjects=("user",),
        personal=(
            field("user", C.ACCOUNT_SECURITY, SIGN_IN, ("self",)),
            field("key", C.ACCOUNT_SECURITY, SIGN_IN, ("self",)),
            field("created", C.ACCOUNT_SECURITY, SIGN_IN, ("self",)),
        ),
        not_personal=(),
        erasure=Erasure.DELETE,
        # The key is a password for the API: never part of an export.
        exported=False,
    ),
    ModelDeclaration(
        label="otp_totp.TOTPDevice",
        subjects=("user",),
        personal=tuple(
            field(n, C.ACCOUNT_SECURITY, SECOND, ("self",))
            for n in ("user", "name", "created_at", "last_used_at", "key")
        ),
        not_personal=(
            "id",
            "confirmed",
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "step",
            "t0",
            "digits",
            "tolerance",
            "drift",
            "last_t",
        ),
        erasure=Erasure.DELETE,
        # The key is the secret of the authenticator app.
        exported=False,
    ),
    ModelDeclaration(
        label="otp_static.StaticDevice",
        subjects=("user",),
        personal=tuple(
            field(n, C.ACCOUNT_SECURITY, SECOND, ("self",))
            for n in ("user", "name", "created_at", "last_used_at")
        ),
        not_personal=(
            "id",
            "confirmed",
            "throttling_failure_timestamp",
            "throttling_failure_count",
        ),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="otp_static.StaticToken",
        subjects=("device__user",),
        personal=(
            field("device", C.ACCOUNT_SECURITY, SECOND, ("self",)),
            field("token", C.ACCOUNT_SECURITY, SECOND, ("self",)),
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
        # Backup codes are secrets.
        exported=False,
    ),
)
