"""The public tender list comes from the cache, and a recorded decision about a tender shows on
it at once, in every language, for the public and for officers alike."""

import pytest
from django.conf import settings
from django.urls import reverse

from tenders.services.tender import tender_cancel, tender_publish
from tests.conftest import sign_in
from tests.factories.tenders import TenderFactory

pytestmark = pytest.mark.django_db

LIST = reverse("tenders:list")


def listed(client, **query):
    return client.get(LIST, query).content.decode()


def test_a_newly_published_tender_appears_on_the_list_at_once(
    client, django_capture_on_commit_callbacks
):
    TenderFactory(published=True, title_en="Day care in Mary")
    assert "Day care in Mary" in listed(client)
    draft = TenderFactory(title_en="Home help in Dashoguz")

    with django_capture_on_commit_callbacks(execute=True):
        tender_publish(actor=draft.created_by, tender=draft)

    page = listed(client)
    assert "Home help in Dashoguz" in page and "Day care in Mary" in page


def test_a_cancelled_tender_leaves_the_open_tenders_at_once(
    client, django_capture_on_commit_callbacks
):
    tender = TenderFactory(published=True, title_en="Day care in Mary")
    assert "Day care in Mary" in listed(client)

    with django_capture_on_commit_callbacks(execute=True):
        tender_cancel(actor=tender.created_by, tender=tender, reason="The budget was withdrawn.")

    assert "Day care in Mary" not in listed(client)
    assert "Day care in Mary" in listed(client, state="cancelled")


def test_a_repeated_visit_reads_the_list_from_the_cache(client, django_assert_max_num_queries):
    TenderFactory.create_batch(3, published=True)
    listed(client)

    # Nothing is read from the database: neither the tenders nor the filters' choices.
    with django_assert_max_num_queries(0):
        assert client.get(LIST).status_code == 200


def test_each_language_gets_its_own_list(client):
    TenderFactory(published=True, title_en="Home help", title_ru="Помощь на дому")
    assert "Home help" in listed(client)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = listed(client)

    assert "Помощь на дому" in page and "Home help" not in page


def test_the_officers_link_is_not_shown_to_the_public_from_a_cached_list(client):
    tender = TenderFactory(published=True)
    sign_in(client, tender.created_by)
    assert reverse("tenders:manage") in listed(client)

    client.logout()

    page = listed(client)
    assert reverse("tenders:manage") not in page
    assert tender.title_en in page


def test_the_list_is_read_from_the_database_while_the_cache_is_down(client, settings):
    TenderFactory(published=True, title_en="Day care in Mary")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1.
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Day care in Mary" in response.content.decode()
