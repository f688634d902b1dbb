"""A database made before the layers were rebuilt migrates to today's schema keeping every row:
the fixtures beside this test (legacy/, made with the code of commit fbbe4d2: README.md there) are
loaded into an empty database, migrated with `manage.py migrate`, and then

- every answer of the API the old code gave about them is given again, the same (the timelines,
  clocks, notices and their PDFs, histories, deliveries and their tries; answers may have gained
  fields, which the API's contract allows);
- every table holds the rows it held (the tables that changed app under their new names);
- the schema is the one a new database gets (the same tables, columns and indexes).

The migration and the snapshot run in processes of their own, as an operator would run them; on
PostgreSQL (CI's second pass) the dump is loaded into a database of its own on the same server."""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

LEGACY = Path(__file__).parent / "legacy"
BASE_DIR = Path(settings.BASE_DIR)
# Tables that changed app: their name before → after.
RENAMED = {
    "core_user": "records_user",
    "core_user_groups": "records_user_groups",
    "core_user_user_permissions": "records_user_user_permissions",
    "core_casesequence": "cases_casesequence",
    "core_transition": "cases_transition",
    "core_notice": "cases_notice",
    "sync_subscription": "records_subscription",
    "sync_historicalsubscription": "records_historicalsubscription",
    "sync_outboxevent": "records_recordevent",
    "sync_delivery": "records_delivery",
    "sync_historicaldelivery": "records_historicaldelivery",
    # DRF's plain-text tokens, carried over as digests (core/migrations/0008_api_tokens.py)
    "authtoken_token": "core_apitoken",
}
# Tables that gain rows for each model added since (its content type, its permissions).
PER_MODEL = {"django_content_type", "auth_permission"}
# Tables added since, empty after the migration.
ADDED = {
    "records_historicaluser",
    # django-axes (the lock-out of failed sign-ins)
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
    # the history of groups, and of accounts' groups and permissions
    "records_historicalgroup",
    "records_historicalgroup_permissions",
    "records_historicaluser_groups",
    "records_historicaluser_user_permissions",
    # the departments' lists of administrative matters (逢办必查), and decisions changed upstream
    "records_administrativematter",
    "records_historicaladministrativematter",
    "records_upstreamchange",
    "records_historicalupstreamchange",
    # what the statistics read of each past day: the tally of ended deadlines, the cases' figures
    "deadlines_clocktally",
    "office_dailyfigure",
    # subjects registering themselves: the registrations, their history, the SMS codes, the
    # proofs held for a refused registration's next submit
    "registrations_registration",
    "registrations_historicalregistration",
    "registrations_phonecode",
    "registrations_heldproof",
    # the subjects' feedback on their closed cases
    "cases_feedback",
    # the cache every process shares (throttles), made by the migration (core 0010)
    "repairflow_cache",
}
# Tables added since that the migration fills: the heads of the hash chains of the tables that held
# rows (core/audit.py), each chain verified.
FILLED = {"core_chainhead"}
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def run(env: dict[str, str], *args: str) -> str:
    """`python <args>` in the project with `env`: its standard output (the test fails on an error)."""
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def environment(**database: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REPAIRFLOW_VAR_DIR")}
    return {**env, "DJANGO_SETTINGS_MODULE": "repairflow.settings", **database}


def contained(old: Any, new: Any, path: str = "") -> list[str]:
    """Where `new` differs from `old` other than by keys it added: one line each."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            line
            for key in old
            for line in (contained(old[key], new[key], f"{path}/{key}") if key in new else [f"{path}/{key} is gone"])
        ]
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{path}: {len(old)} items became {len(new)}"]
        return [
            line
            for index, (a, b) in enumerate(zip(old, new, strict=True))
            for line in contained(a, b, f"{path}[{index}]")
        ]
    return [] if old == new else [f"{path}: {old!r} became {new!r}"]


def snapshot_and_counts(env: dict[str, str]) -> tuple[dict, dict]:
    script = str(LEGACY / "snapshot.py")
    return json.loads(run(env, script)), json.loads(run(env, script, "--counts"))


def check(env: dict[str, str], vendor: str, schema_of) -> None:
    run(env, "manage.py", "migrate", "--noinput")
    run(env, "manage.py", "migrate", "--check")
    snapshot, counts = snapshot_and_counts(env)

    before = json.loads((LEGACY / f"{vendor}.snapshot.json").read_text())
    assert contained(before, snapshot) == []
    expected = {
        RENAMED.get(table, table): rows
        for table, rows in json.loads((LEGACY / f"{vendor}.counts.json").read_text()).items()
    }
    changed = {
        table: (rows, counts.get(table))
        for table, rows in expected.items()
        if counts.get(table) != rows and not (table in PER_MODEL and counts.get(table, 0) > rows)
    }
    assert changed == {}
    added = counts.keys() - expected.keys() - FILLED
    assert {table: counts[table] for table in added} == dict.fromkeys(ADDED, 0)
    assert counts["core_chainhead"] > 0
    assert "chains verified" in run(env, "manage.py", "verify_audit")
    return schema_of(env)


# --- SQLite ---------------------------------------------------------------------------------------


def sqlite_schema(path: Path) -> dict:
    """Each table's columns (name, type, not null) and indexes (unique, columns), by table."""
    with closing(sqlite3.connect(path)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        schema = {}
        for table in tables:
            columns = sorted(row[1:4] for row in db.execute(f'PRAGMA table_info("{table}")'))
            indexes = sorted(
                (bool(unique), tuple(row[2] for row in db.execute(f'PRAGMA index_info("{name}")')))
                for _seq, name, unique, *_rest in db.execute(f'PRAGMA index_list("{table}")')
            )
            schema[table] = {"columns": columns, "indexes": indexes}
        return schema


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite fixture is migrated on SQLite")
def test_a_sqlite_database_made_before_the_rebuild_migrates_keeping_every_row(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    with closing(sqlite3.connect(old / "repairflow.sqlite3")) as db:
        db.executescript(gzip.decompress((LEGACY / "sqlite.sql.gz").read_bytes()).decode("utf-8"))

    migrated = check(
        environment(REPAIRFLOW_VAR_DIR=str(old)), "sqlite", lambda env: sqlite_schema(old / "repairflow.sqlite3")
    )

    run(environment(REPAIRFLOW_VAR_DIR=str(new)), "manage.py", "migrate", "--noinput")
    assert migrated == sqlite_schema(new / "repairflow.sqlite3")


# --- PostgreSQL -----------------------------------------------------------------------------------


def postgresql_schema(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as db:
        columns = db.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()
        indexes = db.execute(
            "SELECT t.relname, ix.indisunique, array_to_string(array_agg(a.attname ORDER BY k.ord), ',')"
            " FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
            " CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " WHERE n.nspname = 'public' GROUP BY ix.indexrelid, t.relname, ix.indisunique"
        ).fetchall()
    schema: dict[str, dict] = {}
    for table, column, kind, nullable in columns:
        schema.setdefault(table, {"columns": [], "indexes": []})["columns"].append((column, kind, nullable))
    for table, unique, keys in indexes:
        schema[table]["indexes"].append((unique, keys))
    return {table: {part: sorted(items) for part, items in parts.items()} for table, parts in schema.items()}


@contextmanager
def postgresql_database(name: str) -> Iterator[str]:
    """A new empty database on the server of the test database; its URL."""
    import psycopg

    server = settings.DATABASES["default"]
    conninfo = {
        "host": server["HOST"],
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        "password": server["PASSWORD"],
    }
    url = f"postgres://{server['USER']}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the PostgreSQL fixture is migrated on PostgreSQL")
def test_a_postgresql_database_made_before_the_rebuild_migrates_keeping_every_row(tmp_path):
    import psycopg

    text = gzip.decompress((LEGACY / "postgresql.sql.gz").read_bytes()).decode("utf-8")
    # pg_dump's psql-only \restrict and \unrestrict lines (README.md beside the fixtures)
    script = "".join(line for line in text.splitlines(True) if not line.startswith(("\\restrict ", "\\unrestrict ")))
    prefix = settings.DATABASES["default"]["NAME"]
    with (
        postgresql_database(f"{prefix}_legacy_{os.getpid()}") as old,
        postgresql_database(f"{prefix}_fresh_{os.getpid()}") as new,
    ):
        with psycopg.connect(old, autocommit=True) as db:
            db.execute(script)

        migrated = check(
            environment(DATABASE_URL=old, REPAIRFLOW_VAR_DIR=str(tmp_path)),
            "postgresql",
            lambda env: postgresql_schema(old),
        )

        run(environment(DATABASE_URL=new, REPAIRFLOW_VAR_DIR=str(tmp_path)), "manage.py", "migrate", "--noinput")
        assert migrated == postgresql_schema(new)
