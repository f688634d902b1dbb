"""gunicorn's configuration: the Procfile's `web` (`gunicorn -c gunicorn.conf.py repairflow.wsgi`),
what `make run`, the container image and production serve with. Everything is read from the
environment (settings.py "Serving", docs/deployment.md):

- HOST, PORT: where it listens (127.0.0.1:8000; the container image listens on 0.0.0.0);
- WEB_CONCURRENCY processes of WEB_THREADS threads each (4 × 2: for 2 cores);
- WEB_TIMEOUT: seconds a process may go silent (its loop stuck, not a long request: its threads
  answer while it loops) before it is replaced (60);
- LOG_FORMAT: the access log and gunicorn's own lines in the application's format, with each
  request's id (repairflow/core/logs.py).

It refuses to start when its processes could hold more database connections than
DATABASE_MAX_CONNECTIONS allows, or when the throttles would count per process (CACHE_URL naming a
cache of each process's own): repairflow/core/checks.py."""

import gc
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repairflow.settings")

from django.conf import settings  # noqa: E402 - after the settings module is named

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = settings.WEB_CONCURRENCY
threads = settings.WEB_THREADS
worker_class = "gthread"
# A process takes a connection only when one of its threads is free to answer it, and closes it
# once answered: a request then waits in the kernel's one queue for whichever process frees first,
# not behind the requests of a process that took it greedily or holds its client's connection
# open (docs/benchmarks.md "Load", 2026-12-04, night). A proxy in front keeps its own clients'
# connections open.
worker_connections = threads
keepalive = 0
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
# A process is replaced after about this many requests, which bounds what a leak can grow to.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"  # standard output
errorlog = "-"  # standard error
# No control socket (gunicornc): one path per user, which every gunicorn on the machine would share.
control_socket_disable = True
loglevel = settings.LOG_LEVEL.lower()
logger_class = "repairflow.core.logs.GunicornLogger"
# The garbage collector's thresholds in a web process (post_worker_init): the youngest generation
# collected every 2,000 new objects, the two older ones after 10 collections of the one below.
GC_THRESHOLDS = (2000, 10, 10)


def on_starting(server):
    """Refuse to start over the database connection budget or with a cache of its own per process
    (the checks of that tag only: repairflow/core/checks.py)."""
    import django
    from django.core import checks

    django.setup()
    from repairflow.core.checks import SERVING

    errors = [error for error in checks.run_checks(tags=[SERVING]) if error.is_serious()]
    for error in errors:
        server.log.error("%s", error)
    if errors:
        sys.exit(1)


def post_worker_init(worker):
    """Once a process has loaded the application (its URLs too, which Django imports at the first
    request): what loading made, some 200,000 objects that live as long as the process, is moved
    out of the garbage collector's sight (`gc.freeze`), so that its passes no longer walk them, and
    its thresholds are GC_THRESHOLDS. Measured in docs/benchmarks.md "Garbage collection": a full
    pass took 100-340 ms, a pause of every thread of the process."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported now, frozen below with the rest
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
