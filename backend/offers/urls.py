from django.urls import path

from backend.offers.apis import curation, lifecycle, offers

transitions = [
    ("submit", lifecycle.OfferSubmitApi),
    ("review", lifecycle.OfferReviewStartApi),
    ("publish", lifecycle.OfferPublishApi),
    ("request-changes", lifecycle.OfferRequestChangesApi),
    ("reject", lifecycle.OfferRejectApi),
    ("start", lifecycle.OfferStartApi),
    ("complete", lifecycle.OfferCompleteApi),
    ("archive", lifecycle.OfferArchiveApi),
    ("withdraw", lifecycle.OfferWithdrawApi),
]

urlpatterns = [
    path("", offers.OfferListApi.as_view(), name="offer-list"),
    path("review-queue/", curation.OfferReviewQueueApi.as_view(), name="offer-review-queue"),
    path("coverage/", curation.OfferCoverageApi.as_view(), name="offer-coverage"),
    path(
        "coverage/werkprocessen/<int:werkproces_id>/",
        curation.OfferCoverageWerkprocesApi.as_view(),
        name="offer-coverage-werkproces",
    ),
    path("<int:offer_id>/", offers.OfferDetailApi.as_view(), name="offer-detail"),
    path(
        "<int:offer_id>/transitions/",
        lifecycle.OfferTransitionListApi.as_view(),
        name="offer-transition-list",
    ),
    path(
        "<int:offer_id>/mappings/",
        curation.OfferMappingListApi.as_view(),
        name="offer-mapping-list",
    ),
    path(
        "<int:offer_id>/mappings/<int:mapping_id>/",
        curation.OfferMappingDetailApi.as_view(),
        name="offer-mapping-detail",
    ),
    *[
        path(f"<int:offer_id>/{action}/", view.as_view(), name=f"offer-{action}")
        for action, view in transitions
    ],
]
