"""System checks of how the processes are sized (settings.py "Serving")."""

from django.conf import settings
from django.core.checks import Error, register
from django.db import connections

# Run by `manage.py check` (and every command that checks: migrate...) and by gunicorn as it starts
# (gunicorn.conf.py), which runs only the checks of this tag.
DATABASE_CONNECTIONS = "database_connections"


def connections_wanted() -> int:
    """The most database connections this machine's web and worker processes may hold at once:
    one per gunicorn thread, one per Celery worker process."""
    return settings.WEB_CONCURRENCY * settings.WEB_THREADS + settings.CELERY_WORKER_CONCURRENCY


@register(DATABASE_CONNECTIONS)
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
