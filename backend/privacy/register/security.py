"""Declarations of backend.security, backend.two_factor and backend.sso: sign-in protection,
second factors and school sign-in (SSO)."""

from django.utils.translation import gettext_lazy as _

from backend.privacy.register.base import WHO_DID_IT, Category, Erasure, ModelDeclaration, field

C = Category.ACCOUNT_SECURITY
PROTECT = _("accounts beschermen tegen raden van wachtwoorden en misbruik")
SECOND = _("inloggen met een tweede factor en blokkeren na te veel foute codes")
SSO = _("inloggen via de school (SSO) en nieuwe medewerkers laten goedkeuren")
STAFF = ("koppel_staff",)

DECLARATIONS = (
    ModelDeclaration(
        label="security.SigninFailure",
        subjects=("email__iexact",),
        personal=tuple(field(n, C, PROTECT, STAFF) for n in ("email", "address", "created_at")),
        not_personal=("id",),
        erasure=Erasure.DELETE,
        # Failed sign-ins with the person's address come from whoever typed it: the network
        # addresses are not the person's own data and would expose a stranger's (or an
        # attacker's) address to them. Deleted on erasure all the same.
        exported=False,
    ),
    ModelDeclaration(
        label="security.AccountLock",
        subjects=("email__iexact",),
        personal=tuple(field(n, C, PROTECT, STAFF) for n in ("email", "locked_until", "strikes")),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="security.MailRequest",
        subjects=("email__iexact",),
        personal=tuple(
            field(n, C, PROTECT, STAFF) for n in ("email", "address", "created_at", "handled_at")
        ),
        not_personal=("id", "kind", "allowed"),
        erasure=Erasure.DELETE,
        # As with failed sign-ins: anyone may ask for a mail to an address; the requesting
        # network address is not the address owner's data.
        exported=False,
    ),
    ModelDeclaration(
        label="two_factor.SecondFactorLock",
        subjects=("user",),
        personal=tuple(
            field(n, C, SECOND, ("self", "koppel_staff"))
            for n in ("user", "failures", "strikes", "locked_until")
        ),
        not_personal=("id",),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="two_factor.SecondFactorEvent",
        subjects=("user", "actor"),
        personal=(
            field("user", C, SECOND, ("self", "school_coordinators", "koppel_staff")),
            field("actor", C, WHO_DID_IT, ("school_coordinators", "koppel_staff")),
            field("detail", C, SECOND, ("school_coordinators", "koppel_staff")),
        ),
        not_personal=("id", "kind", "organisation", "created_at"),
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="sso.RegisteredDomain",
        subjects=("created_by",),
        personal=(field("created_by", C, WHO_DID_IT, ("school_coordinators", "koppel_staff")),),
        not_personal=("id", "organisation", "domain", "student_matching", "created_at"),
        erasure=Erasure.PSEUDONYMISE,
    ),
    ModelDeclaration(
        label="sso.IdentityLink",
        subjects=("user",),
        personal=tuple(
            field(n, C, SSO, ("self", "koppel_staff"))
            for n in ("issuer", "subject", "user", "created_at", "last_used_at")
        ),
        not_personal=("id", "organisation"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="sso.PendingEmployee",
        subjects=("email__iexact",),
        personal=(
            *(
                field(n, C, SSO, ("school_coordinators", "koppel_staff"))
                for n in (
                    "issuer",
                    "subject",
                    "email",
                    "first_name",
                    "last_name",
                    "affiliation",
                    "requested_at",
                    "last_seen_at",
                )
            ),
            field("decided_by", C, WHO_DID_IT, ("school_coordinators", "koppel_staff")),
        ),
        not_personal=("id", "organisation", "status", "role", "decided_at"),
        erasure=Erasure.DELETE,
    ),
    ModelDeclaration(
        label="sso.SignInLogEntry",
        subjects=("user_id", "actor_id", "email__iexact"),
        personal=(
            *(
                field(n, C, SSO, ("school_coordinators", "koppel_staff"))
                for n in (
                    "issuer",
                    "subject",
                    "home_organisation",
                    "affiliation",
                    "email",
                    "user_id",
                )
            ),
            field("actor_id", C, WHO_DID_IT, ("school_coordinators", "koppel_staff")),
        ),
        not_personal=("id", "at", "outcome", "reason", "detail", "organisation_id"),
        erasure=Erasure.KEEP,
        keep_reason=_(
            "Het aanmeldlog is de beveiligingsverantwoording van de school en kan niet worden "
            "gewijzigd; het bevat alleen wat de school bij het aanmelden meestuurde."
        ),
        mentions=("detail",),
    ),
)
