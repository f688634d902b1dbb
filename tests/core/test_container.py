"""The container image and compose.yaml (docs/deployment.md) run what the Procfile runs, install
with the step CI runs, and check the health of what they start. (No Docker engine runs where the
tests do: these read the files; docs/deployment.md says what was built and run by hand.)"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def procfile() -> dict[str, str]:
    entries = (line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    return {name.strip(): command.strip() for name, command in entries}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_procfile_runs_web_worker_and_beat_apart():
    entries = procfile()

    assert set(entries) == {"web", "worker", "beat"}
    assert entries["web"].startswith(".venv/bin/gunicorn -c gunicorn.conf.py ")
    assert " worker " in entries["worker"] and "--beat" not in entries["worker"]
    assert " beat " in entries["beat"]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_runs_the_procfiles_commands(compose, service):
    assert " ".join(compose["services"][service]["command"]) == procfile()[service]


def test_compose_holds_the_whole_system_with_one_beat(compose):
    services = compose["services"]

    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert "deploy" not in services["beat"]  # never scaled: one beat


@pytest.mark.parametrize("service", ["web", "worker", "postgres", "redis"])
def test_compose_checks_the_health_of_each_long_running_service(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


def test_the_web_health_check_asks_healthz_and_readyz(compose):
    test = " ".join(compose["services"]["web"]["healthcheck"]["test"])

    assert "/healthz" in test and "/readyz" in test


def test_compose_uses_postgresql_and_redis_for_everything(compose):
    environment = compose["services"]["web"]["environment"]

    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["CELERY_BROKER_URL"].startswith("redis://")
    assert environment["CACHE_URL"].startswith("redis://")
    assert environment["REPAIRFLOW_ENV"] == "production"


def test_the_image_installs_with_the_step_ci_runs():
    installs = re.findall(r"^RUN (make \S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    ci = (ROOT / ".ci" / "run").read_text()

    assert installs == ["make .venv/.installed"]
    assert "\nmake .venv/.installed || status=1\n" in ci


def test_the_image_serves_the_procfiles_web():
    command = re.search(r"^CMD (\[.+\])$", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE).group(1)

    assert " ".join(yaml.safe_load(command)) == procfile()["web"]
