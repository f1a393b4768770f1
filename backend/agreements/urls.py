from django.urls import path

from backend.agreements.apis import agreements as a
from backend.agreements.apis import commitments as c
from backend.agreements.apis import ledger as lg

urlpatterns = [
    path("", a.AgreementListApi.as_view(), name="agreement-list"),
    path(
        "from-offer/", a.AgreementCreateFromOfferApi.as_view(), name="agreement-create-from-offer"
    ),
    path("statuses/", a.AgreementStatusesApi.as_view(), name="agreement-statuses"),
    path("templates/", lg.TemplateListApi.as_view(), name="agreement-template-list"),
    path("<int:pk>/", a.AgreementDetailApi.as_view(), name="agreement-detail"),
    path("<int:pk>/change/", a.AgreementChangeApi.as_view(), name="agreement-change"),
    path("<int:pk>/versions/", a.AgreementVersionListApi.as_view(), name="agreement-version-list"),
    path(
        "<int:pk>/versions/<int:number>/",
        a.AgreementVersionDetailApi.as_view(),
        name="agreement-version-detail",
    ),
    path("<int:pk>/propose/", a.AgreementProposeApi.as_view(), name="agreement-propose"),
    path("<int:pk>/accept/", a.AgreementAcceptApi.as_view(), name="agreement-accept"),
    path("<int:pk>/activate/", a.AgreementActivateApi.as_view(), name="agreement-activate"),
    path("<int:pk>/fulfil/", a.AgreementFulfilApi.as_view(), name="agreement-fulfil"),
    path("<int:pk>/cancel/", a.AgreementCancelApi.as_view(), name="agreement-cancel"),
    path("<int:pk>/break/", a.AgreementBreakApi.as_view(), name="agreement-break"),
    path(
        "<int:pk>/participants/",
        a.AgreementParticipantsApi.as_view(),
        name="agreement-participants",
    ),
    path("<int:pk>/events/", a.AgreementEventListApi.as_view(), name="agreement-event-list"),
    path(
        "<int:pk>/commitments/", c.CommitmentCreateApi.as_view(), name="agreement-commitment-create"
    ),
    path(
        "<int:pk>/children/", lg.UmbrellaChildrenApi.as_view(), name="agreement-umbrella-children"
    ),
    path("commitments/", c.CommitmentListApi.as_view(), name="commitment-list"),
    path(
        "commitments/export.csv", c.CommitmentExportCsvApi.as_view(), name="commitment-export-csv"
    ),
    path("commitments/<int:pk>/status/", c.CommitmentStatusApi.as_view(), name="commitment-status"),
    path(
        "commitments/<int:pk>/history/", c.CommitmentHistoryApi.as_view(), name="commitment-history"
    ),
    path("handover/", c.HandoverApi.as_view(), name="agreement-handover"),
    path("takeover/", c.TakeoverApi.as_view(), name="agreement-takeover"),
    path("umbrella/", lg.UmbrellaCreateApi.as_view(), name="agreement-umbrella-create"),
    path(
        "collectives/<int:pk>/members/", lg.CollectiveMemberApi.as_view(), name="collective-members"
    ),
    path(
        "consortium/", lg.ConsortiumAgreementCreateApi.as_view(), name="agreement-consortium-create"
    ),
    path("pledges/", lg.PledgeListCreateApi.as_view(), name="pledge-list"),
    path(
        "pledges/<int:pk>/realisations/",
        lg.RealisationCreateApi.as_view(),
        name="pledge-realisation-create",
    ),
    path("ledger/<int:pk>/", lg.LedgerReportApi.as_view(), name="ledger-report"),
    path("ledger/<int:pk>/report.csv", lg.LedgerReportCsvApi.as_view(), name="ledger-report-csv"),
]
