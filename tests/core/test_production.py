"""Production mode (REPAIRFLOW_ENV=production): it refuses to start without its own secret key,
hosts and database, and `check --deploy` finds nothing to warn about; development mode runs on
its embedded defaults with no environment at all. Settings are read once per process, so each
mode is started as a process of its own."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from repairflow.core.middleware import ForwardedProtoMiddleware
from repairflow.settings import DEVELOPMENT_SECRET_KEY, production_problems

OWN_KEY = "q7Vw2-Lr9Xk_Zt4Bn8Hs3Jd6Fg1Mp5Qc0Ye7Ua2Wi9Oe4Rt8Yu6"
PRODUCTION = {
    "REPAIRFLOW_ENV": "production",
    "SECRET_KEY": OWN_KEY,
    "ALLOWED_HOSTS": "credit.example.gov.cn",
    "DATABASE_URL": "postgres://repairflow@127.0.0.1:5432/repairflow",
}
# What a .env file or the test run's own environment could otherwise supply.
SETTINGS_VARIABLES = ("REPAIRFLOW_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "TRUSTED_PROXIES")
CHECK_DEPLOY = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', '--deploy', '--fail-level', 'WARNING')"
)


def start(tmp_path, code: str, **variables) -> subprocess.CompletedProcess:
    """`code` run by a new Python process in the project, with `variables` as its settings'
    environment (a variable given as "" is set, empty, so that no .env file fills it in)."""
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    environment.update(REPAIRFLOW_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="repairflow.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy(tmp_path):
    started = start(tmp_path, CHECK_DEPLOY, **PRODUCTION)

    assert started.returncode == 0, started.stderr
    assert "no issues" in started.stdout


def test_production_mode_refuses_to_start_without_its_own_settings(tmp_path):
    started = start(
        tmp_path, CHECK_DEPLOY, REPAIRFLOW_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="", DATABASE_URL=""
    )

    assert started.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: REPAIRFLOW_ENV=production refuses to start" in started.stderr
    assert "SECRET_KEY is not set" in started.stderr
    assert "ALLOWED_HOSTS is not set" in started.stderr
    assert "DATABASE_URL is not set" in started.stderr


def test_production_mode_refuses_the_development_key(tmp_path):
    started = start(tmp_path, CHECK_DEPLOY, **{**PRODUCTION, "SECRET_KEY": DEVELOPMENT_SECRET_KEY})

    assert started.returncode != 0
    assert "SECRET_KEY is the development key of .env.example" in started.stderr


def test_development_mode_starts_with_no_environment_at_all(tmp_path):
    started = start(
        tmp_path,
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--fail-level', 'WARNING')",
    )

    assert started.returncode == 0, started.stderr


def test_an_unknown_mode_is_refused(tmp_path):
    started = start(tmp_path, CHECK_DEPLOY, REPAIRFLOW_ENV="prod")

    assert started.returncode != 0
    assert "REPAIRFLOW_ENV must be 'development' or 'production', not 'prod'" in started.stderr


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is the development key of .env.example"),
        ({"SECRET_KEY": "short-but-random-Xk29"}, "SECRET_KEY is insecure"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is insecure"),
        ({"SECRET_KEY": "django-insecure-" + OWN_KEY}, "SECRET_KEY is insecure"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name the site's hosts, not '*'"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"DEBUG": "true"}, "DEBUG is on"),
    ],
)
def test_each_missing_production_setting_is_named(change, problem):
    problems = production_problems({**PRODUCTION, **change})

    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_a_complete_production_environment_lacks_nothing():
    assert production_problems({**PRODUCTION, "DEBUG": "false"}) == []


@pytest.mark.parametrize(("remote", "secure"), [("10.0.0.5", True), ("203.0.113.9", False)])
def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings, remote, secure):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https")
    seen = []

    ForwardedProtoMiddleware(lambda request: seen.append(request.is_secure()))(request)

    assert seen == [secure]


def test_production_mode_redirects_plain_http_to_https_but_not_the_health_checks(tmp_path):
    started = start(
        tmp_path,
        "import django; django.setup(); from django.test import Client; client = Client(); "
        "page = client.get('/accounts/login/', HTTP_HOST='credit.example.gov.cn'); "
        "print(page.status_code, page['Location']); "
        "print(client.get('/healthz', HTTP_HOST='credit.example.gov.cn').status_code)",
        **PRODUCTION,
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split("\n")[:2] == ["301 https://credit.example.gov.cn/accounts/login/", "200"]
