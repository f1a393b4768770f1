"""Governance pages: co-financing, VOG policies, partners, consortium and umbrella agreements,
and scheduling meetings with partners."""

from django.urls import path

from frontend.views import governance as views
from frontend.views.engagement.meetings import meeting_new_page

urlpatterns = [
    path("samenwerking/", views.consortium_list_page, name="governance-consortium-list"),
    path(
        "samenwerking/consortia/<int:pk>/",
        views.consortium_detail_page,
        name="governance-consortium-detail",
    ),
    path(
        "samenwerking/consortia/<int:pk>/cofinanciering/",
        views.cofinancing_page,
        name="governance-cofinancing",
    ),
    path(
        "samenwerking/consortia/<int:pk>/cofinanciering/nieuw/",
        views.pledge_new_page,
        name="governance-pledge-new",
    ),
    path(
        "samenwerking/consortia/<int:pk>/cofinanciering/<int:pledge_pk>/realisatie/",
        views.realisation_new_page,
        name="governance-realisation-new",
    ),
    path(
        "samenwerking/overeenkomsten/",
        views.governance_agreements_page,
        name="governance-agreements",
    ),
    path("samenwerking/vog-beleid/", views.policy_page, name="governance-policies"),
    path("engagement/meetings/new/", meeting_new_page, name="engagement-meeting-new"),
]
