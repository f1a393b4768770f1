from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import (
    Certificate,
    EmailChange,
    Invitation,
    Membership,
    PersonalDataRead,
    PersonalDataReadKind,
    StudentEnrolment,
    User,
)
from backend.accounts.services.care_notes import care_notes_admin_read
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.core.admin import ReadOnlyAdminMixin

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class MembershipInline(TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["organisation", "role", "job_title", "ended_at", "ended_by"]
    raw_id_fields = ["organisation", "ended_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # generic only in django-stubs
    """E-mail based: there is no username."""

    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "left_at"]
    list_filter = ["memberships__role", "is_active", "is_staff", "preferred_language"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persoon"), {"fields": ("first_name", "last_name", "phone", "preferred_language")}),
        (
            _("Rechten"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Datums"), {"fields": ("last_login", "date_joined", "left_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # The role filter joins memberships; distinct keeps one row per person.
        return super().get_queryset(request).distinct()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A student's account opened by Koppel staff: in the school's access log.
        if request.method == "GET":
            person = self.get_object(request, object_id)
            if person is not None and StudentEnrolment.objects.filter(student=person).exists():
                record_sensitive_read(
                    reader=cast(User, request.user),
                    student=person,
                    kind=PersonalDataReadKind.STUDENT_RECORD,
                    purpose="admin:accounts_user_change",
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ["user", "organisation", "role", "job_title", "ended_at"]
    list_filter = ["role", "organisation__kind", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    raw_id_fields = ["user", "organisation", "ended_by"]
    list_select_related = ["user", "organisation"]


@admin.register(StudentEnrolment)
class StudentEnrolmentAdmin(ModelAdmin):
    list_display = [
        "student",
        "student_number",
        "school",
        "kwalificatie",
        "cohort",
        "leerweg",
        "class_code",
    ]
    list_filter = ["school", "cohort", "leerweg", "kwalificatie__niveau"]
    search_fields = [
        "student_number",
        "student__email",
        "student__first_name",
        "student__last_name",
        "kwalificatie__crebo",
    ]
    raw_id_fields = ["student", "coach", "kwalificatie", "school"]
    list_select_related = ["student", "school", "kwalificatie"]
    fieldsets = (
        (None, {"fields": ("student", "school", "student_number")}),
        (_("Opleiding"), {"fields": ("kwalificatie", "cohort", "leerweg", "class_code", "coach")}),
        (
            _("Vertrouwelijk (nooit zichtbaar voor bedrijven)"),
            {"fields": ("date_of_birth", "care_notes")},
        ),
    )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The form shows the student's record and care notes: record both reads like every other.
        enrolment = self.get_object(request, object_id)
        if enrolment is not None and request.method == "GET":
            record_sensitive_read(
                reader=cast(User, request.user),
                student=enrolment.student,
                enrolment=enrolment,
                kind=PersonalDataReadKind.STUDENT_RECORD,
                purpose="admin:accounts_studentenrolment_change",
            )
            care_notes_admin_read(enrolment=enrolment, reader=cast(User, request.user))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Certificate)
class CertificateAdmin(ModelAdmin):
    list_display = ["holder", "kind", "issued_on", "valid_until", "verified_by", "verified_at"]
    list_filter = ["kind", "valid_until", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["holder__email", "holder__first_name", "holder__last_name"]
    raw_id_fields = ["holder"]
    # Verification goes through certificate_verify, which records who and when.
    readonly_fields = ["verified_by", "verified_at", "verified_for"]
    list_select_related = ["holder", "verified_by"]


@admin.register(Invitation)
class InvitationAdmin(ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    # The token itself is never stored; the hash is shown only to trace a link.
    readonly_fields = ["token_hash", "accepted_at", "accepted_by", "created_at"]
    list_select_related = ["organisation", "invited_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are sent through the service, which mails the token link.
        return False


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["read_at", "kind", "reader", "student", "purpose"]
    list_filter = ["kind", "purpose"]
    search_fields = ["reader__email", "student__email", "enrolment__student_number"]
    list_select_related = ["reader", "student"]


@admin.register(EmailChange)
class EmailChangeAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["old_email", "new_email", "school", "created_at", "expires_at", "confirmed_at"]
    search_fields = ["old_email", "new_email"]
    list_select_related = ["school"]
    # The token itself is never stored.
    exclude = ["token_hash"]
