"""Everything a repairflow database holds, as the public REST API shows it: the snapshot that the
migration test compares before and after migrating.

The fixtures beside this file are databases made with the code of commit fbbe4d2 (README.md says
how), each stored with the snapshot that code took of it (`*.snapshot.json`) and its row counts
(`*.counts.json`). The migration test loads a fixture into an empty database, migrates it to the
current schema and takes the snapshot again: it must equal the stored one, so that no row was
lost or changed on the way.

So this module must run unchanged against the old code and against every later one. It uses
nothing of the project but its settings module and the public API under /api/v1/ (stable by
contract): Django itself, time-machine and HTTP requests through `django.test.Client`.

- Everything runs inside one transaction that is rolled back at the end (staff reads of records
  write query-log rows; logging in writes a session and the last login), and at `FROZEN`, the
  instant the fixtures were made up to (a case's JSON counts the working days left from today).
- The office reads: every page of the query log first (before any read that logs itself, so the
  snapshot never sees rows of its own, whose ids a PostgreSQL sequence would not give back), the
  subscriptions and each one's deliveries, the calendars of 2026 and 2027, the credit checks, the
  import reports (the list and each report), the objections and repair applications (the lists,
  each case, and each notice a case lists, kept as its status, SHA-256 and length), and the
  records (the list, each record and its history, each read naming its purpose).
- `snapshot()` maps each request path (with its query) to `{"status", "json"}` (`"body"` instead
  of `"json"` for an answer that is not JSON). Row counts are apart, in `table_counts()`.

Run with the settings of the database to read (REPAIRFLOW_VAR_DIR or DATABASE_URL):

    python tests/migrations/legacy/snapshot.py            # the snapshot, as JSON
    python tests/migrations/legacy/snapshot.py --counts   # the row count of every table
"""

import argparse
import hashlib
import json
import os
import sys
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings

# The instant the fixtures were made up to (and nothing after it): 2026-12-03 10:00 in Shanghai.
FROZEN = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
API = "/api/v1"
READER = "office"
HEADERS = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
CALENDAR_YEARS = (2026, 2027)
PURPOSE = {"purpose": "migration check"}
# Tables whose rows are not data: the migration log, and sessions (the snapshot's own login).
EXCLUDED_TABLES = frozenset({"django_migrations", "django_session"})

Json = Any


class _Reader:
    """GETs through one logged-in client, keeping every answer by its path."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.answers: dict[str, dict[str, Any]] = {}

    def get(self, path: str, data: dict[str, str] | None = None) -> Json:
        """The answer to `path` (kept by `path`); its JSON, or None when it is not JSON. `data`
        is sent as query parameters that do not change the answer (a record read's `purpose`)."""
        response = self.client.get(path, data, **HEADERS)
        answer: dict[str, Any] = {"status": response.status_code}
        if response.get("Content-Type", "").startswith("application/json"):
            answer["json"] = response.json()
        else:
            answer["body"] = response.content.decode("utf-8", errors="replace")
        self.answers[path] = answer
        return answer.get("json")

    def pages(self, path: str) -> list[Json]:
        """Every page of a list, following `next`; the items of them all."""
        items: list[Json] = []
        while path:
            page = self.get(path)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                break
            items.extend(page["results"])
            path = _local(page.get("next"))
        return items

    def digest(self, path: str) -> None:
        """A binary download (a notice's PDF), kept as its status, SHA-256 and length."""
        response = self.client.get(path, **HEADERS)
        body = response.content
        self.answers[path] = {
            "status": response.status_code,
            "sha256": hashlib.sha256(body).hexdigest(),
            "length": len(body),
        }


def _local(url: str | None) -> str:
    """A `next` link without its scheme and host."""
    if not url:
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _cases(reader: _Reader, collection: str) -> None:
    for case in reader.pages(f"{API}/{collection}/"):
        detail = reader.get(f"{API}/{collection}/{case['number']}/")
        for notice in (detail or {}).get("notices", []):
            reader.digest(_local(notice["url"]))


def _read_everything(reader: _Reader) -> None:
    reader.pages(f"{API}/query-log/")  # first: nothing read yet has logged itself
    for subscription in reader.pages(f"{API}/subscriptions/"):
        reader.pages(f"{API}/subscriptions/{subscription['id']}/deliveries/")
    for year in CALENDAR_YEARS:
        reader.get(f"{API}/calendar/{year}/")
    reader.pages(f"{API}/credit-checks/")
    for report in reader.pages(f"{API}/records/imports/"):
        reader.get(f"{API}/records/imports/{report['id']}/")
    _cases(reader, "objections")
    _cases(reader, "repairs")
    for record in reader.pages(f"{API}/records/"):
        # a staff read of a natural person's record names its purpose (any code accepts one)
        reader.get(f"{API}/records/{record['id']}/", PURPOSE)
        reader.get(f"{API}/records/{record['id']}/history/", PURPOSE)


def snapshot() -> dict[str, dict[str, Any]]:
    """What the office reads through the API at FROZEN, by request path; changes nothing."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    with time_machine.travel(FROZEN, tick=False), override_settings(ALLOWED_HOSTS=hosts), transaction.atomic():
        user_model = get_user_model()
        office = user_model._default_manager.get(**{user_model.USERNAME_FIELD: READER})
        client = Client()
        client.force_login(office)
        reader = _Reader(client)
        _read_everything(reader)
        transaction.set_rollback(True)
    return reader.answers


def table_counts() -> dict[str, int]:
    """The number of rows of every table (but EXCLUDED_TABLES)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in EXCLUDED_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def dumps(data: Any) -> str:
    """As the fixtures store it: pretty-printed, sorted keys, UTF-8 text, a final newline."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--counts", action="store_true", help="print the row count of every table instead")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repairflow.settings")
    import django

    django.setup()
    data = table_counts() if options.counts else snapshot()
    sys.stdout.buffer.write(dumps(data).encode("utf-8"))


if __name__ == "__main__":
    main()
