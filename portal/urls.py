from django.contrib import admin
from django.urls import include, path

from portal import passkeys

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("workflows.urls")),
    path("providers/", include("providers.urls")),
    path("tenders/", include("tenders.urls")),
    path("grants/", include("grants.urls")),
    path("api/", include("portal.api_urls")),
    path("data/ocds/", include("tenders.opendata.urls")),
    path("data/360giving/", include("grants.opendata.giving.urls")),
    path("accounts/passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),
    path("", include("portal.site_urls")),
]
