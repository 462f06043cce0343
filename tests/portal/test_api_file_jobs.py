"""File jobs over the API: the owner follows them and starts a failed one again, through the
job page's service."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from portal.models import Role, TokenScope
from tests.factories.portal import UserFactory
from tests.portal.api_support import token_client
from tests.workflows.test_file_jobs import BROKEN, failed, owner, producers, start
from workflows.models import FileJob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "producers")]

__all__ = ["owner", "producers"]


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def retry(client, job):
    return client.post(f"/api/file-jobs/{job.pk}/retry/")


def test_the_owner_starts_a_failed_job_again_and_a_repeat_starts_one(owner):
    job = failed(owner)
    client = token_client(owner)
    assert client.get(f"/api/file-jobs/{job.pk}/").json()["state"] == "failed"
    again = retry(client, job)
    assert again.status_code == 201, again.json()
    assert again.json()["state"] == "queued"
    assert again.json()["kind"] == BROKEN
    assert retry(client, job).json()["id"] == again.json()["id"] != job.pk
    assert FileJob.objects.filter(owner=owner).count() == 2


def test_a_job_that_has_not_failed_is_a_conflict(owner):
    job = start(owner)
    response = retry(token_client(owner), job)
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    assert FileJob.objects.get() == job


def test_another_user_s_job_is_not_found(owner):
    job = failed(owner)
    response = retry(token_client(UserFactory(grant_officer=True)), job)
    assert response.status_code == 404
    assert BROKEN not in response.content.decode()
    assert FileJob.objects.get() == job


def test_an_owner_who_lost_the_role_is_refused_in_russian(owner):
    job = failed(owner)
    owner.groups.remove(Group.objects.get(name=Role.GRANT_OFFICER))
    owner.language = "ru"
    owner.save(update_fields=["language"])
    response = retry(token_client(owner), job)
    assert response.status_code == 403
    assert response.json()["detail"] == "У вас нет прав на это действие."
    assert FileJob.objects.get() == job


def test_a_read_only_token_cannot_start_a_job_again(owner):
    job = failed(owner)
    response = retry(token_client(owner, scope=TokenScope.READ), job)
    assert response.status_code == 403
    assert FileJob.objects.get() == job
