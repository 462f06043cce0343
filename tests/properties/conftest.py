"""The hypothesis profile of the form property tests and the fixture that sets up one form.

Each generated example runs inside a savepoint that is rolled back, so every example starts
from the scene the fixture built; the fixture itself runs once per test, which is why the
function-scoped-fixture health check is off for these profiles. The tests use the profile named
by ``HYPOTHESIS_FORMS_PROFILE`` (``forms`` by default; ``forms-deep`` runs many more examples per
form) without loading it globally, so other hypothesis tests keep their own settings.
"""

import pytest
from hypothesis import HealthCheck, settings

HEALTH_CHECKS = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "forms", max_examples=30, deadline=None, suppress_health_check=HEALTH_CHECKS
)
settings.register_profile(
    "forms-smoke", max_examples=3, deadline=None, suppress_health_check=HEALTH_CHECKS
)
settings.register_profile(
    "forms-deep", max_examples=500, deadline=None, suppress_health_check=HEALTH_CHECKS
)


@pytest.fixture
def target(request, db, client, endpoint):
    """The endpoint's scene built, its user logged in and its form read from the page."""
    from tests.properties.engine import Target

    return Target(client, endpoint)
