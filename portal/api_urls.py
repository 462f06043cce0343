"""The API's addresses: one router for every app's resources, the schema and its docs."""

from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from grants.api.views import AgreementViewSet, ReportViewSet, TrancheViewSet
from portal.api.file_jobs import FileJobViewSet
from portal.api.notifications import NotificationViewSet
from portal.api.views import not_found
from providers.api.views import ProviderViewSet
from tenders.api.awards import AwardViewSet
from tenders.api.bids import BidViewSet
from tenders.api.clarifications import ClarificationViewSet
from tenders.api.evaluations import EvaluationViewSet, ScoreSheetViewSet
from tenders.api.objections import ObjectionViewSet
from tenders.api.opening import PassphraseView
from tenders.api.tenders import TenderViewSet

# The documentation pages' title, in the reader's language.
TITLE = _("The social contracting portal's API")

router = SimpleRouter(use_regex_path=False)
router.register("tenders", TenderViewSet, basename="tender")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("providers", ProviderViewSet, basename="provider")
router.register("bids", BidViewSet, basename="bid")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")
router.register("awards", AwardViewSet, basename="award")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("reports", ReportViewSet, basename="report")
router.register("tranches", TrancheViewSet, basename="tranche")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("file-jobs", FileJobViewSet, basename="file-job")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page runs under the
    # Content Security Policy without inline scripts.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", title=TITLE),
        name="docs",
    ),
    path("opening-passphrase/", PassphraseView.as_view(), name="opening-passphrase"),
    path("", include(router.urls)),
    # Any other address, whatever characters it holds (a newline too).
    re_path(r"^[\s\S]*$", not_found),
]
