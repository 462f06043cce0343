"""A live server that serves static files as production does: collected under hashed names
with gzip and Brotli copies (WhiteNoise's ``CompressedManifestStaticFilesStorage``) and answered
by WhiteNoise with its far-future Cache-Control, pages gzip-compressed by the portal's middleware.
Only the static files no main page uses (the admin's, the API's schema pages') stay out."""

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
LEFT_OUT = ["admin", "drf_spectacular_sidecar", "rest_framework"]


def production_storages(settings):
    return {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, django_db_blocker):
    from django.conf import settings

    folder = tmp_path_factory.mktemp("collected-static")
    with override_settings(STATIC_ROOT=folder, STORAGES=production_storages(settings)):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=LEFT_OUT)
    return folder


@pytest.fixture
def production_server(transactional_db, collected_static, settings):
    """The server's address; every request goes through the middleware, WhiteNoise's first."""
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = production_storages(settings)
    server = LiveServer("localhost", start=False)
    # Without Django's own static handler in front, WhiteNoise answers for /static/.
    server.thread.static_handler = lambda application: application
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
