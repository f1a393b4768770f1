from django.urls import path

from backend.organisations import apis

urlpatterns = [
    path("", apis.OrganisationListApi.as_view(), name="organisation-list"),
    path("<int:pk>/", apis.OrganisationDetailApi.as_view(), name="organisation-detail"),
    path("<int:pk>/succeed/", apis.OrganisationSucceedApi.as_view(), name="organisation-succeed"),
    path(
        "<int:pk>/memberships/",
        apis.OrganisationMembershipListApi.as_view(),
        name="organisation-memberships",
    ),
    path(
        "<int:pk>/certificate-policies/",
        apis.CertificatePolicyListApi.as_view(),
        name="certificate-policy-list",
    ),
    path("<int:pk>/school-policy/", apis.SchoolPolicyApi.as_view(), name="school-policy"),
    path(
        "certificate-policies/<int:pk>/",
        apis.CertificatePolicyDeleteApi.as_view(),
        name="certificate-policy-detail",
    ),
    path("locations/", apis.LocationListApi.as_view(), name="location-list"),
    path("locations/<int:pk>/", apis.LocationDetailApi.as_view(), name="location-detail"),
    path("consortia/", apis.ConsortiumListApi.as_view(), name="consortium-list"),
    path("consortia/<int:pk>/", apis.ConsortiumDetailApi.as_view(), name="consortium-detail"),
    path(
        "consortia/<int:pk>/members/",
        apis.ConsortiumMemberListApi.as_view(),
        name="consortium-member-list",
    ),
    path(
        "consortia/members/<int:pk>/",
        apis.ConsortiumMemberDetailApi.as_view(),
        name="consortium-member-detail",
    ),
    path(
        "consortia/members/<int:pk>/end/",
        apis.ConsortiumMemberEndApi.as_view(),
        name="consortium-member-end",
    ),
]
