"""Served as in production (docs/deployment.md): gunicorn with its access log in the logs' JSON
shape and refusing more database connections than the budget; static files by WhiteNoise (hashed,
compressed, cached for a year in production); throttle counters in a cache every process shares.
Settings are read once per process, so each configuration is started as a process of its own."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection

from repairflow.core.checks import check_database_connections

BIN = Path(sys.executable).parent
OWN_KEY = "q7Vw2-Lr9Xk_Zt4Bn8Hs3Jd6Fg1Mp5Qc0Ye7Ua2Wi9Oe4Rt8Yu6"
PRODUCTION = {
    "REPAIRFLOW_ENV": "production",
    "SECRET_KEY": OWN_KEY,
    "ALLOWED_HOSTS": "credit.example.gov.cn",
    "DATABASE_URL": "postgres://repairflow@127.0.0.1:5432/repairflow",  # never connected to here
}
# What a .env file or the test run's own environment could otherwise supply.
SETTINGS_VARIABLES = (
    "REPAIRFLOW_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DEBUG",
    "TRUSTED_PROXIES",
    "CACHE_URL",
    "LOG_FORMAT",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "CELERY_WORKER_CONCURRENCY",
    "DATABASE_MAX_CONNECTIONS",
    "STATIC_ROOT",
)


def environment(tmp_path, **variables) -> dict[str, str]:
    """The environment of a new process of the project: `variables` as its settings (a variable
    given as "" is set, empty, so that no .env file fills it in), runtime files under tmp_path."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(REPAIRFLOW_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="repairflow.settings", **variables)
    return env


def run(tmp_path, arguments: list[str], **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        arguments,
        cwd=settings.BASE_DIR,
        env=environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def python(tmp_path, code: str, **variables) -> subprocess.CompletedProcess:
    return run(tmp_path, [sys.executable, "-c", code], **variables)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- gunicorn -------------------------------------------------------------------------------


@contextmanager
def gunicorn_serving(tmp_path, **variables) -> Iterator[SimpleNamespace]:
    """gunicorn started as the Procfile starts it, on a free port of 127.0.0.1 with `variables`,
    once it answers `/healthz`: `.port`; stopped (SIGTERM) on leaving, what it wrote to standard
    output and error then `.output` and `.errors`."""
    served = SimpleNamespace(port=free_port(), output="", errors="")
    server = subprocess.Popen(
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "repairflow.wsgi"],
        cwd=settings.BASE_DIR,
        env=environment(tmp_path, HOST="127.0.0.1", PORT=str(served.port), **variables),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{served.port}/healthz?from=start", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
        yield served
    finally:
        server.send_signal(signal.SIGTERM)
        served.output, served.errors = server.communicate(timeout=60)


def test_gunicorn_serves_with_its_access_log_as_json_lines_carrying_the_request_id(tmp_path):
    with gunicorn_serving(
        tmp_path, LOG_FORMAT="json", WEB_CONCURRENCY="1", WEB_THREADS="2", TRUSTED_PROXIES="127.0.0.1"
    ) as served:
        request = urllib.request.Request(
            f"http://127.0.0.1:{served.port}/healthz?from=test", headers={"X-Request-ID": "proxy-id-1"}
        )
        response = urllib.request.urlopen(request, timeout=5)
        assert response.status == 200
        assert response.headers["Server"] == "gunicorn"
        assert response.headers["X-Request-ID"] == "proxy-id-1"

    output, errors = served.output, served.errors
    written = (output + errors).splitlines()  # the access log on standard output, the rest on error
    lines = [json.loads(line) for line in written if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access" and line["request_id"] == "proxy-id-1"]
    assert len(access) == 1, written
    assert {name: access[0][name] for name in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/healthz?from=test",
        "status": 200,
    }
    assert access[0]["duration_ms"] >= 0 and access[0]["remote_addr"] == "127.0.0.1"
    assert access[0]["message"].startswith("GET /healthz?from=test 200 ")
    # gunicorn's own lines are JSON too: every line it wrote was
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    assert all(line.startswith("{") for line in written if line.strip()), written


def test_a_process_takes_a_connection_only_when_a_thread_is_free_to_answer_it(tmp_path):
    # Two processes of one thread; whichever takes the first connection is kept busy reading a
    # request whose headers never end. A process taking connections greedily would take about half
    # of the requests after it and hold them behind that one; each is answered by the other.
    with gunicorn_serving(tmp_path, WEB_CONCURRENCY="2", WEB_THREADS="1") as served:
        with socket.create_connection(("127.0.0.1", served.port)) as endless:
            endless.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            answers = [
                urllib.request.urlopen(f"http://127.0.0.1:{served.port}/healthz?n={n}", timeout=10) for n in range(8)
            ]

    assert [answer.status for answer in answers] == [200] * 8
    # and closed once answered: a connection kept open would keep its process from taking another
    assert {answer.headers["Connection"] for answer in answers} == {"close"}


def test_gunicorn_refuses_to_start_over_the_database_connection_budget(tmp_path):
    started = run(
        tmp_path,
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "repairflow.wsgi"],
        HOST="127.0.0.1",
        PORT=str(free_port()),
        DATABASE_URL="postgres://repairflow@127.0.0.1:5432/repairflow",
        WEB_CONCURRENCY="4",
        WEB_THREADS="8",
        CELERY_WORKER_CONCURRENCY="2",
        DATABASE_MAX_CONNECTIONS="30",
    )

    assert started.returncode != 0
    assert "repairflow.E003" in started.stderr
    assert "4 × 8 + 2 = 34 database connections, over DATABASE_MAX_CONNECTIONS = 30" in started.stderr
    assert "Booting worker" not in started.stderr


def test_a_web_process_freezes_what_loading_made_and_collects_less_often(tmp_path):
    # in a process of its own, as gunicorn runs the hook: once the application is loaded
    code = (
        "import gc, json, runpy, sys; import repairflow.wsgi; "
        "runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
        "print(json.dumps([gc.get_freeze_count(), gc.get_threshold(), 'repairflow.cases.api' in sys.modules]))"
    )
    frozen, thresholds, views_imported = json.loads(python(tmp_path, code).stdout)

    assert frozen > 50_000  # Django, the libraries and the application's modules
    assert thresholds == [2000, 10, 10]
    assert views_imported  # the URLs' views, imported before the freeze


# --- The database connection budget --------------------------------------------------------

CHECK = [sys.executable, "manage.py", "check", "--fail-level", "ERROR"]
ON_POSTGRESQL = {"DATABASE_URL": "postgres://repairflow@127.0.0.1:5432/repairflow"}  # check connects to none


def test_check_refuses_processes_that_could_hold_more_connections_than_the_budget(tmp_path):
    started = run(
        tmp_path,
        CHECK,
        **ON_POSTGRESQL,
        WEB_CONCURRENCY="3",
        WEB_THREADS="10",
        CELERY_WORKER_CONCURRENCY="4",
        DATABASE_MAX_CONNECTIONS="33",
    )

    assert started.returncode != 0
    assert "(repairflow.E003) WEB_CONCURRENCY × WEB_THREADS + CELERY_WORKER_CONCURRENCY = 3 × 10 + 4 = 34" in (
        started.stderr
    )


def test_check_accepts_processes_that_fit_the_budget_exactly(tmp_path):
    started = run(
        tmp_path,
        CHECK,
        **ON_POSTGRESQL,
        WEB_CONCURRENCY="3",
        WEB_THREADS="10",
        CELERY_WORKER_CONCURRENCY="4",
        DATABASE_MAX_CONNECTIONS="34",
    )

    assert started.returncode == 0, started.stderr
    assert "repairflow.E003" not in started.stderr


def test_the_defaults_fit_postgresqls_default_connections(tmp_path):
    started = run(tmp_path, CHECK, **ON_POSTGRESQL)

    assert started.returncode == 0, started.stderr


def test_sqlite_has_no_connection_budget(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the test database is not SQLite")
    settings.WEB_CONCURRENCY, settings.WEB_THREADS, settings.DATABASE_MAX_CONNECTIONS = 100, 100, 1

    assert check_database_connections(None) == []


def test_postgresql_connections_are_health_checked_and_bounded_in_age():
    if connection.vendor != "postgresql":
        pytest.skip("the test database is not PostgreSQL")

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] == 60


# --- Throttle counters in the shared cache -------------------------------------------------

# One process asks the public throttle (3 a minute) `count` times for one client address and
# prints what it allowed.
THROTTLE = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.views import APIView
from repairflow.core.throttling import ClientScopedRateThrottle

class View(APIView):
    throttle_scope = "public"

call_command("createcachetable")
request = RequestFactory().get("/", REMOTE_ADDR=sys.argv[1])
request.user = AnonymousUser()
print(json.dumps([ClientScopedRateThrottle().allow_request(request, View()) for _ in range(int(sys.argv[2]))]))
"""


def throttled_in_two_processes(tmp_path, **variables) -> tuple[list[bool], list[bool]]:
    """What the throttle allowed to one client in a first process asking 3 times, then in a second
    asking once, both with `variables` (a new client address each time: no earlier run counts)."""
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    answers = []
    for count in (3, 1):
        done = run(
            tmp_path,
            [sys.executable, "-c", THROTTLE, address, str(count)],
            PUBLIC_THROTTLE_RATE="3/minute",
            **variables,
        )
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return answers[0], answers[1]


def test_throttle_counters_are_shared_by_every_process_in_the_default_database_cache(tmp_path):
    first, second = throttled_in_two_processes(tmp_path)

    assert (first, second) == ([True, True, True], [False])


def test_throttle_counters_are_shared_by_every_process_in_redis(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.skip("no Redis named (CELERY_BROKER_URL)")

    first, second = throttled_in_two_processes(tmp_path, CACHE_URL=broker)

    assert (first, second) == ([True, True, True], [False])


def test_a_per_process_cache_would_let_each_process_allow_the_whole_rate(tmp_path):
    """What the shared cache prevents: in each process's memory, the second process starts afresh."""
    first, second = throttled_in_two_processes(tmp_path, CACHE_URL="locmemcache://")

    assert (first, second) == ([True, True, True], [True])


def test_check_refuses_a_cache_each_process_keeps_to_itself(tmp_path):
    started = run(tmp_path, CHECK, CACHE_URL="locmemcache://")

    assert started.returncode != 0
    assert "(repairflow.E004) CACHE_URL names a cache each process keeps to itself" in started.stderr


def test_the_configured_cache_is_shared_by_processes(settings):
    backend = settings.CACHES["default"]["BACKEND"]

    assert backend in ("django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache")


# --- Static files ---------------------------------------------------------------------------


def test_development_serves_static_files_from_the_apps_without_collecting(client):
    response = client.get("/static/repairflow/site.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(finders.find("repairflow/site.css")).read_bytes()


COLLECTED = """
import json
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
url = static("repairflow/site.css")
client = Client()
kept = client.get(url, secure=True, HTTP_HOST="credit.example.gov.cn", HTTP_ACCEPT_ENCODING="gzip")
page = client.get("/no-such-page/", secure=True, HTTP_HOST="credit.example.gov.cn")
print(json.dumps({
    "url": url,
    "status": kept.status_code,
    "encoding": kept.get("Content-Encoding"),
    "cache": kept.get("Cache-Control"),
    "page_links_it": url in page.content.decode(),
}))
"""


def test_production_serves_collected_static_files_hashed_compressed_and_cached(tmp_path):
    done = python(tmp_path, COLLECTED, **PRODUCTION, STATIC_ROOT=str(tmp_path / "static"))

    assert done.returncode == 0, done.stderr
    served = json.loads(done.stdout.strip().splitlines()[-1])
    assert served["url"].startswith("/static/repairflow/site.") and served["url"] != "/static/repairflow/site.css"
    assert served["status"] == 200
    assert served["encoding"] == "gzip"
    assert "max-age=315360000" in served["cache"] and "immutable" in served["cache"]
    assert served["page_links_it"]
    assert (tmp_path / "static" / "staticfiles.json").exists()


# --- Log format -----------------------------------------------------------------------------

LOG_FORMAT = "import django; django.setup(); from django.conf import settings; print(settings.LOG_FORMAT)"


def test_production_logs_json_by_default(tmp_path):
    done = python(tmp_path, LOG_FORMAT, **PRODUCTION)

    assert (done.returncode, done.stdout.strip()) == (0, "json"), done.stderr


def test_development_logs_text_by_default_and_either_on_request(tmp_path):
    assert python(tmp_path, LOG_FORMAT).stdout.strip() == "text"
    assert python(tmp_path, LOG_FORMAT, LOG_FORMAT="json").stdout.strip() == "json"
    assert python(tmp_path, LOG_FORMAT, **PRODUCTION, LOG_FORMAT="text").stdout.strip() == "text"


def test_an_unknown_log_format_is_refused(tmp_path):
    done = python(tmp_path, LOG_FORMAT, LOG_FORMAT="xml")

    assert done.returncode != 0
    assert "LOG_FORMAT must be 'json' or 'text', not 'xml'" in done.stderr
