"""The portal's own settings plus what the benchmark needs: a floor view (``bench.urls``) and a
count of database queries in each response's ``X-Bench-Queries`` header. Never a site's
settings."""

from portal.settings import *  # noqa: F401,F403
from portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
