from typing import TYPE_CHECKING, Any

from django.contrib import admin

from backend.curriculum.models import (
    Kerntaak,
    Keuzedeel,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
    WerkprocesEvidence,
)

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic over their models; Django's own classes are
    # not subscriptable at runtime, so the type parameters exist for the type checker only.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class KwalificatieInline(TabularInline):
    model = Kwalificatie
    extra = 0
    fields = ("crebo", "title", "niveau")


class WerkprocesInline(TabularInline):
    model = Werkproces
    extra = 0
    fields = ("code", "title")


@admin.register(Kwalificatiedossier)
class KwalificatiedossierAdmin(ModelAdmin):
    list_display = ("title", "crebo", "edition", "valid_from", "valid_until")
    list_filter = ("edition", "valid_from")
    search_fields = ("title", "crebo", "kwalificaties__crebo", "kwalificaties__title")
    inlines = [KwalificatieInline]


@admin.register(Kwalificatie)
class KwalificatieAdmin(ModelAdmin):
    list_display = ("title", "crebo", "niveau", "dossier")
    list_filter = ("niveau", "dossier")
    list_select_related = ("dossier",)
    search_fields = ("title", "crebo", "dossier__title", "dossier__crebo")


@admin.register(Kerntaak)
class KerntaakAdmin(ModelAdmin):
    list_display = ("code", "title", "kind", "dossier")
    list_filter = ("kind", "dossier")
    list_select_related = ("dossier",)
    search_fields = ("code", "title", "dossier__title")
    filter_horizontal = ("kwalificaties",)
    inlines = [WerkprocesInline]


@admin.register(Werkproces)
class WerkprocesAdmin(ModelAdmin):
    list_display = ("code", "title", "kerntaak", "dossier")
    list_filter = ("kerntaak__kind", "kerntaak__dossier")
    list_select_related = ("kerntaak__dossier",)
    search_fields = ("code", "title", "description", "kerntaak__title")

    @admin.display(description="dossier", ordering="kerntaak__dossier__title")
    def dossier(self, werkproces: Werkproces) -> Kwalificatiedossier:
        return werkproces.kerntaak.dossier


@admin.register(Keuzedeel)
class KeuzedeelAdmin(ModelAdmin):
    list_display = ("code", "title", "sbu", "niveau")
    list_filter = ("niveau",)
    search_fields = ("code", "title")
    filter_horizontal = ("kwalificaties",)


@admin.register(WerkprocesEvidence)
class WerkprocesEvidenceAdmin(ModelAdmin):
    list_display = ("student", "werkproces", "level", "recorded_by", "created_at")
    list_filter = ("level", "werkproces__kerntaak__dossier")
    list_select_related = ("student", "werkproces", "recorded_by")
    search_fields = ("student__email", "student__last_name", "werkproces__code")
    raw_id_fields = ("student", "werkproces", "recorded_by", "offer")
    date_hierarchy = "created_at"
