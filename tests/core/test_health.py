"""The health checks a load balancer and an orchestrator ask (docs/api.md "Operations"): without
login, in JSON; `/readyz` names what does not answer."""

import pytest
from celery import current_app
from django.db import OperationalError, connections


def test_healthz_answers_while_the_process_serves(client):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_answers_when_the_database_and_the_broker_do(client):
    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (200, {"database": "ok", "broker": "ok"})


@pytest.mark.django_db
def test_readyz_is_503_naming_a_broker_that_does_not_answer(client, monkeypatch):
    # a Redis broker on a port nothing listens on (this machine's loopback)
    # (the write URL first: unset, it reads as the broker's URL, and is put back as read; Celery
    # prefers the environment's CELERY_BROKER_URL to its configuration, so both are set)
    monkeypatch.setattr(current_app.conf, "broker_write_url", None)
    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (503, {"database": "ok", "broker": "error"})


@pytest.mark.django_db
def test_readyz_is_503_naming_a_database_that_does_not_answer(client, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # the database went away between two requests (the connection's cursor fails as psycopg's does)
    monkeypatch.setattr(connections["default"], "cursor", gone)

    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (503, {"database": "error", "broker": "ok"})
