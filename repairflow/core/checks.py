"""System checks of what every process must share or stay within (settings.py "Serving"): the
database's connections, the cache the throttles count in."""

from django.conf import settings
from django.core.checks import Error, register
from django.db import connections

# Run by `manage.py check` (and every command that checks: migrate...) and by gunicorn as it starts
# (gunicorn.conf.py), which runs only the checks of this tag.
SERVING = "serving"


def connections_wanted() -> int:
    """The most database connections this machine's web and worker processes may hold at once:
    one per gunicorn thread, one per Celery worker process."""
    return settings.WEB_CONCURRENCY * settings.WEB_THREADS + settings.CELERY_WORKER_CONCURRENCY


@register(SERVING)
def check_database_connections(app_configs, **kwargs) -> list[Error]:
    """On PostgreSQL, refuse a number of web processes, threads and worker processes that could hold
    more connections than DATABASE_MAX_CONNECTIONS: the server would answer the last ones "too many
    clients" under load. (SQLite has no connection limit.)"""
    if connections["default"].vendor != "postgresql":
        return []
    wanted = connections_wanted()
    budget = settings.DATABASE_MAX_CONNECTIONS
    if wanted <= budget:
        return []
    return [
        Error(
            f"WEB_CONCURRENCY × WEB_THREADS + CELERY_WORKER_CONCURRENCY = {settings.WEB_CONCURRENCY} × "
            f"{settings.WEB_THREADS} + {settings.CELERY_WORKER_CONCURRENCY} = {wanted} database connections, "
            f"over DATABASE_MAX_CONNECTIONS = {budget}.",
            hint="Lower the processes or threads, or raise DATABASE_MAX_CONNECTIONS to this machine's share of "
            'PostgreSQL\'s max_connections (docs/deployment.md, "Database connections").',
            id="repairflow.E003",
        )
    ]


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(SERVING)
def check_shared_cache(app_configs, **kwargs) -> list[Error]:
    """Refuse a default cache that each process keeps to itself (CACHE_URL=locmemcache:// or
    dummycache://): the throttles count there, so each web process would allow the whole rate."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"CACHE_URL names a cache each process keeps to itself ({backend}): every web process would allow "
            "each throttle's whole rate.",
            hint="Use Redis (CACHE_URL=redis://host:6379/1) or the database (dbcache://repairflow_cache, the default).",
            id="repairflow.E004",
        )
    ]
