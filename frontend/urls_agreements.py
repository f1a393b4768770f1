from django.urls import path

from frontend.views import agreements as views

urlpatterns = [
    path("agreements/", views.agreement_list_page, name="agreement-list"),
    path("agreements/attention/", views.agreement_attention_page, name="agreement-attention"),
    path("agreements/<int:pk>/", views.agreement_detail_page, name="agreement-detail"),
    path("agreements/<int:pk>/accept/", views.agreement_accept_page, name="agreement-accept"),
    path("agreements/<int:pk>/print/", views.agreement_print_page, name="agreement-print"),
    path(
        "agreements/commitments/<int:pk>/status/",
        views.commitment_status_page,
        name="agreement-commitment-status",
    ),
]
