"""Settings as processes see them: production refuses to start without a secret key and host
names; development keeps its files in the var folder."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SETUP = "import django; django.setup(); print('started')"
SECRET = "a-production-secret-key-that-is-long-and-random-enough-0123456789"
PORTAL_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "EMAIL_", "AWS_", "PORTAL_")


def run(code, tmp_path, debug="false", **variables):
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(PORTAL_VARIABLES)
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG=debug,
        PORTAL_VAR_DIR=str(tmp_path),
        **variables,
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = run(SETUP, tmp_path, DJANGO_ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_the_development_key_refuses_to_start(tmp_path):
    result = run(
        SETUP,
        tmp_path,
        DJANGO_SECRET_KEY="insecure-development-key-change-me",
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = run(SETUP, tmp_path, DJANGO_SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "DJANGO_SECRET_KEY" not in result.stderr


def test_production_with_a_key_and_hosts_starts(tmp_path):
    result = run(
        SETUP, tmp_path, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="portal.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_production_settings_are_secure_by_default(tmp_path):
    code = SETUP.replace(
        "print('started')",
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)",
    )
    result = run(
        code, tmp_path, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="portal.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]


def test_loopback_http_relaxes_cookies_and_redirects_for_the_loopback_only(tmp_path):
    code = SETUP.replace(
        "print('started')",
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)",
    )
    loopback = {"DJANGO_SECRET_KEY": SECRET, "DJANGO_LOOPBACK_HTTP": "true"}

    relaxed = run(code, tmp_path, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", **loopback)
    refused = run(code, tmp_path, DJANGO_ALLOWED_HOSTS="127.0.0.1,portal.example.org", **loopback)

    assert relaxed.returncode == 0, relaxed.stderr
    assert relaxed.stdout.split() == ["False", "False", "False", "False", "0"]
    assert refused.returncode != 0
    assert "DJANGO_LOOPBACK_HTTP" in refused.stderr


@pytest.mark.parametrize(
    "check",
    [
        "security.W004",  # HSTS
        "security.W008",  # SSL redirect
        "security.W009",  # secret key strength
        "security.W012",  # session cookie secure
        "security.W016",  # CSRF cookie secure
        "security.W018",  # DEBUG
        "security.W020",  # ALLOWED_HOSTS
    ],
)
def test_the_deployment_check_finds_no_insecure_setting(tmp_path, check, deploy_report):
    assert check not in deploy_report


@pytest.fixture(scope="module")
def deploy_report(tmp_path_factory):
    result = run(
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, stdout=sys.stdout, stderr=sys.stdout)",
        tmp_path_factory.mktemp("deploy"),
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    report = result.stdout + result.stderr
    assert "System check identified" in report, report
    return report


def test_development_mail_files_go_to_the_var_folder(tmp_path):
    code = SETUP.replace(
        "print('started')",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)",
    )
    result = run(code, tmp_path, debug="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
    ]


def test_a_malformed_ocds_prefix_refuses_to_start(tmp_path):
    result = run(SETUP, tmp_path, debug="true", PORTAL_OCDS_PREFIX="ministry-2026")
    assert result.returncode != 0
    assert "PORTAL_OCDS_PREFIX" in result.stderr


def test_a_registered_ocds_prefix_is_the_one_used(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OCDS_PREFIX)"
    )
    result = run(code, tmp_path, debug="true", PORTAL_OCDS_PREFIX="ocds-213czf")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ocds-213czf"


def test_a_malformed_360giving_prefix_refuses_to_start(tmp_path):
    result = run(SETUP, tmp_path, debug="true", PORTAL_360GIVING_PREFIX="ocds-213czf")
    assert result.returncode != 0
    assert "PORTAL_360GIVING_PREFIX" in result.stderr


def test_a_given_360giving_prefix_is_the_one_used(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.GIVING_PREFIX)"
    )
    result = run(code, tmp_path, debug="true", PORTAL_360GIVING_PREFIX="360G-mlsp")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "360G-mlsp"


def test_the_deployment_checklist_finds_nothing_to_warn_about_in_production(tmp_path):
    code = (
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run(
        code, tmp_path, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="portal.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout
