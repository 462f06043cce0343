"""Settings for the test suite: the base settings with a throw-away var folder and fast hashing."""

import tempfile
from datetime import timedelta
from pathlib import Path

from portal.settings.base import *  # noqa: F401,F403
from portal.settings.base import (
    CELERY_BEAT_SCHEDULE,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    EMAIL_BACKEND,
    INSTALLED_APPS,
    env,
)

TEST_VAR_DIR = Path(tempfile.mkdtemp(prefix="portal-test-"))
# A worker started by the integration tests is pointed at the test run's media folder, so
# the test reads the files the worker stored.
MEDIA_ROOT = Path(env.str("PORTAL_TEST_MEDIA_ROOT", default=str(TEST_VAR_DIR / "media")))
STATIC_ROOT = TEST_VAR_DIR / "static"
STATIC_ROOT.mkdir()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OPENING_SCRYPT_COST = 2**10
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(TEST_VAR_DIR / "celery"),
        "data_folder_out": str(TEST_VAR_DIR / "celery"),
        "control_folder": str(TEST_VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    (TEST_VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)

# A small workflow that exists only for the workflow engine's tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_app"]

# Worker integration tests start workers with a slow mail backend and a short visibility
# timeout, so they can kill a worker mid-delivery and see the message come back.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
if "visibility_timeout" in CELERY_BROKER_TRANSPORT_OPTIONS:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }

# The scheduler fault tests run the deadline sweeps every few seconds instead of every minute,
# and the worker fault tests relay interrupted file jobs every few seconds.
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "run-deadline-sweeps": {
        "task": "workflows.run_sweeps",
        "schedule": timedelta(seconds=env.int("PORTAL_TEST_SWEEP_SECONDS", default=60)),
    },
    "relay-file-jobs": {
        "task": "workflows.relay_file_jobs",
        "schedule": timedelta(seconds=env.int("PORTAL_TEST_RELAY_SECONDS", default=30)),
    },
}
