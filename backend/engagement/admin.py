from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from backend.engagement.models import (
    BookingFeedback,
    BookingTransition,
    CalendarFeed,
    DigestPreference,
    Event,
    EventBooking,
    EventSlot,
    EventTable,
    ExpertProfile,
    GuestLessonBooking,
    Meeting,
    MeetingParticipant,
    PartnerAttentionSetting,
    Tag,
)

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


@admin.register(Tag)
class TagAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ModelAdmin):
    list_display = ["user", "organisation", "headline", "consortium", "is_active"]
    list_filter = ["is_active", "consortium"]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
        "headline",
    ]
    autocomplete_fields = ["tags"]
    raw_id_fields = ["user", "organisation"]
    filter_horizontal = ["schools"]


class BookingTransitionInline(TabularInline):
    model = BookingTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GuestLessonBooking)
class GuestLessonBookingAdmin(ModelAdmin):
    list_display = ["topic", "expert", "school", "starts_at", "status"]
    list_filter = ["status", "format", "school"]
    search_fields = ["topic", "group", "expert__user__last_name", "school__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["expert", "requested_by", "kerntaak"]
    # Status changes go through the services (they log who and when), not through the admin.
    readonly_fields = ["status", "status_changed_at", "sequence", "agreement_id", "uid"]
    inlines = [BookingTransitionInline]


@admin.register(BookingFeedback)
class BookingFeedbackAdmin(ModelAdmin):
    list_display = ["booking", "author", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["booking__topic", "author__last_name", "text"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ModelAdmin):
    list_display = ["user", "updated_at"]
    search_fields = ["user__email"]
    exclude = ["token"]  # the secret stays secret, also for admins


class EventTableInline(TabularInline):
    model = EventTable
    extra = 0
    raw_id_fields = ["company", "host"]


@admin.register(Event)
class EventAdmin(ModelAdmin):
    list_display = ["title", "kind", "school", "starts_at", "organiser"]
    list_filter = ["kind", "school"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser"]
    inlines = [EventTableInline]


@admin.register(EventSlot)
class EventSlotAdmin(ModelAdmin):
    list_display = ["event", "starts_at", "ends_at"]
    list_filter = ["event"]


@admin.register(EventBooking)
class EventBookingAdmin(ModelAdmin):
    list_display = ["student", "table", "slot", "kind", "attendance", "cancelled_at"]
    list_filter = ["attendance", "kind", "slot__event"]
    search_fields = ["student__first_name", "student__last_name", "table__company__name"]
    raw_id_fields = ["student", "slot", "table", "attendance_recorded_by"]


class MeetingParticipantInline(TabularInline):
    model = MeetingParticipant
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(ModelAdmin):
    list_display = ["title", "kind", "starts_at", "organiser", "cancelled_at"]
    list_filter = ["kind", "school"]
    search_fields = ["title", "organiser__last_name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser", "cancelled_by"]
    inlines = [MeetingParticipantInline]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(ModelAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    search_fields = ["user__email"]


@admin.register(PartnerAttentionSetting)
class PartnerAttentionSettingAdmin(ModelAdmin):
    list_display = ["school", "quiet_weeks"]
    search_fields = ["school__name"]
