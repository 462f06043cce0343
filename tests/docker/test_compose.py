"""The production stack, read without a Docker engine: the compose file, start scripts and
Dockerfile agree with each other and with the settings module."""

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
SETTINGS = ROOT / "portal" / "settings" / "base.py"
CHECKS = ROOT / "portal" / "settings" / "checks.py"

APP_SERVICES = {"web": "start-web.sh", "worker": "start-worker.sh", "beat": "start-beat.sh"}
SERVICES = {*APP_SERVICES, "postgres", "redis", "minio", "createbucket"}
# What this stack must hand the portal besides what the start-up checks insist on.
STACK_NEEDS = {
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "PORTAL_SITE_URL",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def settings_variables():
    """Names of the environment variables the settings module reads through django-environ."""
    pattern = r"env\.(?:str|bool|list|int|db_url|email_url)\(\s*\"([A-Z0-9_]+)\""
    return set(re.findall(pattern, SETTINGS.read_text()))


def production_required_variables():
    """Variables the start-up checks name when they refuse to start, but for the switches a
    production stack leaves off (debug, and plain HTTP on the loopback address)."""
    named = set(re.findall(r"\b(DJANGO_[A-Z_]+)\b", CHECKS.read_text()))
    return named - {"DJANGO_DEBUG", "DJANGO_LOOPBACK_HTTP"}


def one_shot(name, services):
    waited_for = any(
        isinstance(other.get("depends_on"), dict)
        and other["depends_on"].get(name, {}).get("condition") == "service_completed_successfully"
        for other in services.values()
    )
    return waited_for and services[name].get("restart") == "no"


def test_every_service_of_the_stack_exists(services):
    assert set(services) == SERVICES


def test_the_settings_module_is_read_for_its_variables():
    found = settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_URL"} <= found
    assert production_required_variables() == {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_run_their_start_script(services, name):
    command = services[name]["command"]
    assert command == [f"/app/docker/{APP_SERVICES[name]}"]
    script = DOCKER / APP_SERVICES[name]
    assert script.is_file()
    assert os.access(script, os.X_OK)
    assert script.read_text().startswith("#!/bin/sh\n")
    assert "set -eu" in script.read_text()


def test_the_web_start_script_migrates_before_serving():
    script = (DOCKER / "start-web.sh").read_text()
    assert script.index("manage.py migrate") < script.index("exec gunicorn portal.wsgi")


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_pass_only_variables_the_settings_read(services, name):
    passed = set(services[name]["environment"])
    assert passed - settings_variables() == set()


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_get_every_variable_production_needs(services, name):
    environment = services[name]["environment"]
    assert production_required_variables() | STACK_NEEDS <= set(environment)
    assert environment["DJANGO_DEBUG"] == "false"
    for required in production_required_variables():
        assert re.fullmatch(rf"\$\{{{required}:\?[^}}]+\}}", environment[required]), (
            f"{required} must be demanded from the operator, not defaulted"
        )


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_long_running_service_has_a_healthcheck(services, name):
    if one_shot(name, services):
        assert "healthcheck" not in services[name]
        return
    test = services[name]["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1


def test_createbucket_is_a_one_shot_that_web_waits_for(services):
    assert one_shot("createbucket", services)
    assert "mc mb --ignore-existing" in " ".join(services["createbucket"]["entrypoint"])


def test_dependencies_name_existing_services(services):
    for service in services.values():
        assert set(service.get("depends_on", {})) <= set(services)


def test_volumes_are_named(compose, services):
    declared = set(compose["volumes"])
    used = set()
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert not source.startswith((".", "/", "~")), f"bind mount {volume}"
            used.add(source)
    assert used == declared


def test_the_final_image_stage_runs_as_a_non_root_user():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    stages = re.split(r"^FROM\s", dockerfile, flags=re.MULTILINE)
    final = stages[-1]
    assert final.startswith("python:3.11-slim")
    users = re.findall(r"^USER\s+(\S+)", final, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0", "0:0"}
    assert re.search(r"^FROM python:3\.11-slim AS builder", dockerfile, flags=re.MULTILINE)
    assert "COPY --from=builder /opt/venv /opt/venv" in final
    assert "collectstatic --noinput" in final
