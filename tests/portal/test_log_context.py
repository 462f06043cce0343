"""Structured logs: every line of a request names the request and the signed-in user."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from portal.log_context import ContextFilter
from tests.conftest import sign_in
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The root logger's lines as the production handler writes them, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    options = dict(settings.LOGGING["formatters"]["json"])
    factory = import_string(options.pop("()"))
    handler.setFormatter(factory(fmt=options.pop("format"), **options))
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


def test_every_answer_carries_a_new_request_id(client):
    first = client.get(reverse("health"))["X-Request-ID"]
    second = client.get(reverse("health"))["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_request_id_given_by_the_proxy_is_kept_and_a_malformed_one_replaced(client):
    given = client.get(reverse("health"), headers={"X-Request-ID": "proxy-4f2a9c1e"})
    assert given["X-Request-ID"] == "proxy-4f2a9c1e"
    forged = client.get(reverse("health"), headers={"X-Request-ID": "a b\nc"})
    assert forged["X-Request-ID"] != "a b\nc"


def test_a_request_is_logged_as_one_json_line_with_its_request_and_user(client, json_log):
    user = UserFactory()
    sign_in(client, user)

    response = client.get(reverse("workflows:notifications"))

    lines = [line for line in json_log() if line["logger"] == "portal.log_context"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == user.pk
    assert line["task_id"] is None
    assert line["message"].startswith("GET /notifications/ 200 in ")
    assert {"time", "level", "process"} <= set(line)


def test_nothing_of_a_request_is_left_on_lines_logged_after_it(client, json_log):
    sign_in(client, UserFactory())
    client.get(reverse("workflows:notifications"))
    logging.getLogger("portal").info("outside any request")
    assert json_log()[-1]["request_id"] is None
    assert json_log()[-1]["user_id"] is None
