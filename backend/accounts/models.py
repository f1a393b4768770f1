from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class KoppelUserManager(UserManager["User"]):
    """Users log in with their e-mail address; there is no separate username (so the methods
    below take no `username`, unlike Django's own manager)."""

    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # e-mail logins: no username argument
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]  # e-mail logins: no username argument
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]  # the e-mail address is the login name
    email = models.EmailField(_("e-mailadres"), unique=True)
    preferred_language = models.CharField(
        _("taal"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    # Set when the person leaves; their open work is handed over (see agreements).
    left_at = models.DateTimeField(_("vertrokken op"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[KoppelUserManager] = KoppelUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        # Student lists sort by name (enrolments_visible_to): without it, a sort of every user.
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="user_name_order"),
            # The teammate search: names starting with what the student typed, any case, walked
            # in order so a page of results stops after a few rows (docs/performance.md).
            models.Index(
                Upper("first_name"), Upper("last_name"), F("id"), name="user_first_name_search"
            ),
            models.Index(
                Upper("last_name"), Upper("first_name"), F("id"), name="user_last_name_search"
            ),
            # The few who left: a round's participant count subtracts them from an index-only
            # count of the enrolments instead of joining every enrolment to its user.
            models.Index(fields=["id"], condition=Q(left_at__isnull=False), name="user_left"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    STUDENT = "student", _("student")
    TEACHER = "teacher", _("docent")
    COACH = "coach", _("coach / SLB")
    COORDINATOR = "coordinator", _("coördinator")
    COMPANY_CONTACT = "company_contact", _("contactpersoon bedrijf")
    PROGRAMME_LEAD = "programme_lead", _("programmaleider")
    INSTITUTION_ADMIN = "institution_admin", _("beheerder instelling")
    # The school's functionaris gegevensbescherming: sees the privacy requests, the access log,
    # the retention runs and the processing register of their institution, nothing else.
    PRIVACY_OFFICER = "privacy_officer", _("functionaris gegevensbescherming")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(ended_at__isnull=True)


class Membership(TimeStampedModel):
    """One login may hold several memberships: a teacher at one ROC and coach at another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    job_title = models.CharField(_("functie"), max_length=120, blank=True)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User,
        verbose_name=_("beëindigd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_at__isnull=True),
                name="membership_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"


class Leerweg(models.TextChoices):
    BOL = "BOL", _("BOL (beroepsopleidende leerweg)")
    BBL = "BBL", _("BBL (beroepsbegeleidende leerweg)")


class StudentEnrolment(TimeStampedModel):
    """A student's one programme enrolment at one school: opleiding (crebo + niveau), cohort."""

    student = models.OneToOneField(User, on_delete=models.CASCADE, related_name="enrolment")
    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="enrolments"
    )
    kwalificatie = models.ForeignKey(
        "curriculum.Kwalificatie", on_delete=models.PROTECT, related_name="enrolments"
    )
    student_number = models.CharField(_("studentnummer"), max_length=30)
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    leerweg = models.CharField(_("leerweg"), max_length=3, choices=Leerweg.choices)
    class_code = models.CharField(_("klas"), max_length=30, blank=True)
    coach = models.ForeignKey(
        User,
        verbose_name=_("coach"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_enrolments",
    )
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    # The next exam and BPV period: the coach's overview puts the closest first (issue 15).
    exam_on = models.DateField(_("examen gepland op"), null=True, blank=True)
    bpv_starts_on = models.DateField(_("BPV begint op"), null=True, blank=True)
    # Privacy: never shown to companies; only the student's own school staff may read it.
    care_notes = models.TextField(_("zorgnotities"), blank=True)

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        # The teammate search by class: one school's class, not the whole school.
        indexes = [
            models.Index(F("school"), Upper("class_code"), name="enrolment_school_class"),
            # A round's participants (schools, programmes, cohorts): counted index-only.
            models.Index(fields=["school", "kwalificatie", "cohort"], name="enrolment_round_scope"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_number"], name="enrolment_student_number_per_school"
            ),
            models.CheckConstraint(
                condition=Q(cohort__gte=2000) & Q(cohort__lte=2100), name="enrolment_cohort_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.student_number}, {self.school})"

    @property
    def niveau(self) -> int:
        return self.kwalificatie.niveau


class CertificateKind(models.TextChoices):
    VOG = "VOG", _("VOG (verklaring omtrent het gedrag)")
    BHV = "BHV", _("BHV (bedrijfshulpverlening)")
    VCA = "VCA", _("VCA (veiligheid)")


class Certificate(TimeStampedModel):
    """A certificate a person holds, e.g. a VOG, with its validity."""

    holder = models.ForeignKey(User, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("soort"), max_length=10, choices=CertificateKind.choices)
    issued_on = models.DateField(_("afgegeven op"))
    valid_until = models.DateField(_("geldig tot"))
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the original document was checked. Only a verified certificate counts for a policy;
    # verified_by may later become empty (the checker's login was deleted), verified_at stays.
    verified_at = models.DateTimeField(_("gecontroleerd op"), null=True, blank=True)
    # The school the checker acted for (None: Koppel staff).
    verified_for = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("gecontroleerd voor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="certificate_valid_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.holder} (tot {self.valid_until})"


class Invitation(TimeStampedModel):
    """An e-mail invitation to join an organisation in a role. Only a hash of the token is kept."""

    email = models.EmailField(_("e-mailadres"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("verloopt op"))
    accepted_at = models.DateTimeField(_("geaccepteerd op"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"


class EmailChange(TimeStampedModel):
    """A pending change of a login's e-mail address, e.g. from the student import. It only takes
    effect when confirmed through the link mailed to the OLD address (only a hash of the token is
    kept): whoever controls a school's export cannot move a login to an address of their choice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    old_email = models.EmailField(_("oud e-mailadres"))
    new_email = models.EmailField(_("nieuw e-mailadres"))
    token_hash = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wijziging e-mailadres")
        verbose_name_plural = _("wijzigingen e-mailadres")

    def __str__(self) -> str:
        return f"{self.old_email} → {self.new_email}"


class PersonalDataReadKind(models.TextChoices):
    CARE_NOTES = "care_notes", _("zorgnotities gelezen")
    EXPORT = "export", _("gegevens geëxporteerd")
    STUDENT_RECORD = "student_record", _("volledig dossier bekeken")


class AccessLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an access log row through the app. The one way
    to remove rows is `backend.accounts.services.sensitive_reads.purge_reads` (retention)."""


class PersonalDataReadQuerySet(models.QuerySet["PersonalDataRead"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AccessLogIsAppendOnly("Access log rows cannot be updated")

    def delete(self) -> NoReturn:
        raise AccessLogIsAppendOnly(
            "Access log rows cannot be deleted (retention: sensitive_reads.purge_reads)"
        )

    # bulk_update would bypass save(): refuse it too.
    def bulk_update(
        self,
        objs: Iterable["PersonalDataRead"],
        fields: Iterable[str],
        batch_size: int | None = None,
    ) -> NoReturn:
        raise AccessLogIsAppendOnly("Access log rows cannot be updated")


class PersonalDataRead(models.Model):
    """One sensitive read of a person's data: a care note, an export of everything Koppel holds
    about them, or a student's full record opened by staff. Who, when, whose, what, through which
    page or API, and why when the reader was asked. Append-only: the app never updates or deletes
    a row (the admin shows it read-only) and on PostgreSQL a trigger refuses both for every
    client. The privacy officer of the student's school reads it."""

    reader = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The school whose officer sees this read (the student's school at the time of the read).
    school = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enrolment = models.ForeignKey(
        StudentEnrolment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_data_reads",
    )
    kind = models.CharField(
        _("soort"),
        max_length=20,
        choices=PersonalDataReadKind.choices,
        default=PersonalDataReadKind.CARE_NOTES,
    )
    purpose = models.CharField(_("via"), max_length=100)
    reason = models.CharField(_("reden"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("gelezen op"), db_index=True)

    objects = PersonalDataReadQuerySet.as_manager()

    class Meta:
        ordering = ["-read_at"]
        verbose_name = _("inzage persoonsgegevens")
        verbose_name_plural = _("inzage persoonsgegevens")
        indexes = [
            # The officer's access log: one school's reads, newest first, a page at a time.
            models.Index(fields=["school", "-read_at", "-id"], name="data_read_school_order"),
            models.Index(fields=["student", "-read_at"], name="data_read_student_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reader} → {self.student} ({self.read_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AccessLogIsAppendOnly("Access log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AccessLogIsAppendOnly(
            "Access log rows cannot be deleted (retention: sensitive_reads.purge_reads)"
        )


class ConsentPurpose(models.TextChoices):
    """What a student may (or may not) agree to. Only where the law asks for consent: the rest of
    Koppel's processing rests on the school's public task and the agreements."""

    FOLLOW_UP_CONTACT = "follow_up_contact", _("contact na afloop van een opdracht of stage")
    EVENT_PHOTOS = "event_photos", _("foto's en video op evenementen")


class Consent(models.Model):
    """One consent given (and perhaps withdrawn later) by a person for one purpose, with the exact
    wording they saw. A new consent after a withdrawal is a new row, so the history stays."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("doel"), max_length=30, choices=ConsentPurpose.choices)
    wording = models.TextField(_("tekst waarmee toestemming is gegeven"))
    wording_version = models.CharField(_("versie van de tekst"), max_length=20)
    language = models.CharField(_("taal"), max_length=5, default="nl")
    given_at = models.DateTimeField(_("gegeven op"))
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_active_once",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_purpose_display()}"
