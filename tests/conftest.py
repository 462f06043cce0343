import os

import pytest
from django.db import connection


def in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition, reason):
    """Skip a test whose service is missing, except in CI, where a missing service fails it."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI requires {reason}")
    pytest.skip(f"needs {reason}")


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
