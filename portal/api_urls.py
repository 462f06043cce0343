"""The API's addresses: one router for every app's resources, the schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from portal.api.notifications import NotificationViewSet
from tenders.api.tenders import TenderViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tenders", TenderViewSet, basename="tender")
router.register("notifications", NotificationViewSet, basename="notification")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
