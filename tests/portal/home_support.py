"""What the home tests share: opening a user's home and counting its queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import ServiceType
from tests.conftest import sign_in


def home(client, user):
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def service(code):
    return ServiceType.objects.get(code=code)


def assert_constant_queries(client, user, grow, django_assert_num_queries):
    """The home of ``user`` makes as many queries after ``grow(3)`` as after ``grow(1)``."""
    grow(1)
    home(client, user)
    with CaptureQueriesContext(connection) as small:
        home(client, user)
    grow(3)
    with django_assert_num_queries(len(small.captured_queries)):
        home(client, user)
