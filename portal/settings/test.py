"""Settings for the test suite: the base settings with a throw-away var folder and fast hashing."""

import tempfile
from pathlib import Path

from portal.settings.base import *  # noqa: F401,F403
from portal.settings.base import CELERY_BROKER_URL

TEST_VAR_DIR = Path(tempfile.mkdtemp(prefix="portal-test-"))
MEDIA_ROOT = TEST_VAR_DIR / "media"
STATIC_ROOT = TEST_VAR_DIR / "static"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(TEST_VAR_DIR / "celery"),
        "data_folder_out": str(TEST_VAR_DIR / "celery"),
        "store_processed": False,
    }
    (TEST_VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)
