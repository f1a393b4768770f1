from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import (
    CareNotesRead,
    Certificate,
    EmailChange,
    Invitation,
    Membership,
    StudentEnrolment,
    User,
)
from backend.accounts.services.care_notes import care_notes_admin_read


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["organisation", "role", "job_title", "ended_at", "ended_by"]
    raw_id_fields = ["organisation", "ended_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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

    def get_queryset(self, request):
        # The role filter joins memberships; distinct keeps one row per person.
        return super().get_queryset(request).distinct()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "job_title", "ended_at"]
    list_filter = ["role", "organisation__kind", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    raw_id_fields = ["user", "organisation", "ended_by"]
    list_select_related = ["user", "organisation"]


@admin.register(StudentEnrolment)
class StudentEnrolmentAdmin(admin.ModelAdmin):
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The form shows the care notes: record the read like every other.
        enrolment = self.get_object(request, object_id)
        if enrolment is not None and request.method == "GET":
            care_notes_admin_read(enrolment=enrolment, reader=request.user)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["holder", "kind", "issued_on", "valid_until", "verified_by", "verified_at"]
    list_filter = ["kind", "valid_until", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["holder__email", "holder__first_name", "holder__last_name"]
    raw_id_fields = ["holder"]
    # Verification goes through certificate_verify, which records who and when.
    readonly_fields = ["verified_by", "verified_at", "verified_for"]
    list_select_related = ["holder", "verified_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    # The token itself is never stored; the hash is shown only to trace a link.
    readonly_fields = ["token_hash", "accepted_at", "accepted_by", "created_at"]
    list_select_related = ["organisation", "invited_by"]

    def has_add_permission(self, request) -> bool:
        # Invitations are sent through the service, which mails the token link.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs and records made by services: visible, never edited or deleted by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CareNotesRead)
class CareNotesReadAdmin(ReadOnlyAdmin):
    list_display = ["read_at", "reader", "student", "purpose"]
    list_filter = ["purpose"]
    search_fields = ["reader__email", "student__email", "enrolment__student_number"]
    list_select_related = ["reader", "student"]


@admin.register(EmailChange)
class EmailChangeAdmin(ReadOnlyAdmin):
    list_display = ["old_email", "new_email", "school", "created_at", "expires_at", "confirmed_at"]
    search_fields = ["old_email", "new_email"]
    list_select_related = ["school"]
    # The token itself is never stored.
    exclude = ["token_hash"]
