from django.urls import path

from backend.curriculum import apis

urlpatterns = [
    path("dossiers/", apis.DossierListApi.as_view(), name="dossier-list"),
    path("dossiers/<int:pk>/", apis.DossierDetailApi.as_view(), name="dossier-detail"),
    path("kwalificaties/", apis.KwalificatieListApi.as_view(), name="kwalificatie-list"),
    path(
        "kwalificaties/<int:pk>/", apis.KwalificatieDetailApi.as_view(), name="kwalificatie-detail"
    ),
    path("werkprocessen/", apis.WerkprocesSearchApi.as_view(), name="werkproces-list"),
]
