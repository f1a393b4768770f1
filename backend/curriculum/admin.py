from django.contrib import admin

from backend.curriculum.models import (
    Kerntaak,
    Keuzedeel,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
    WerkprocesEvidence,
)


class KwalificatieInline(admin.TabularInline):
    model = Kwalificatie
    extra = 0
    fields = ("crebo", "title", "niveau")


class WerkprocesInline(admin.TabularInline):
    model = Werkproces
    extra = 0
    fields = ("code", "title")


@admin.register(Kwalificatiedossier)
class KwalificatiedossierAdmin(admin.ModelAdmin):
    list_display = ("title", "crebo", "edition", "valid_from", "valid_until")
    list_filter = ("edition", "valid_from")
    search_fields = ("title", "crebo", "kwalificaties__crebo", "kwalificaties__title")
    inlines = [KwalificatieInline]


@admin.register(Kwalificatie)
class KwalificatieAdmin(admin.ModelAdmin):
    list_display = ("title", "crebo", "niveau", "dossier")
    list_filter = ("niveau", "dossier")
    list_select_related = ("dossier",)
    search_fields = ("title", "crebo", "dossier__title", "dossier__crebo")


@admin.register(Kerntaak)
class KerntaakAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "dossier")
    list_filter = ("kind", "dossier")
    list_select_related = ("dossier",)
    search_fields = ("code", "title", "dossier__title")
    filter_horizontal = ("kwalificaties",)
    inlines = [WerkprocesInline]


@admin.register(Werkproces)
class WerkprocesAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kerntaak", "dossier")
    list_filter = ("kerntaak__kind", "kerntaak__dossier")
    list_select_related = ("kerntaak__dossier",)
    search_fields = ("code", "title", "description", "kerntaak__title")

    @admin.display(description="dossier", ordering="kerntaak__dossier__title")
    def dossier(self, werkproces):
        return werkproces.kerntaak.dossier


@admin.register(Keuzedeel)
class KeuzedeelAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "sbu", "niveau")
    list_filter = ("niveau",)
    search_fields = ("code", "title")
    filter_horizontal = ("kwalificaties",)


@admin.register(WerkprocesEvidence)
class WerkprocesEvidenceAdmin(admin.ModelAdmin):
    list_display = ("student", "werkproces", "level", "recorded_by", "created_at")
    list_filter = ("level", "werkproces__kerntaak__dossier")
    list_select_related = ("student", "werkproces", "recorded_by")
    search_fields = ("student__email", "student__last_name", "werkproces__code")
    raw_id_fields = ("student", "werkproces", "recorded_by", "offer")
    date_hierarchy = "created_at"
