"""The application's settings, with the Celery queue named by REPAIRFLOW_WORKER_QUEUE: the
real-worker test and the sync benchmark (tests/sync/worker_harness.py) run their workers on a
queue of their own, so that nothing else on a shared broker (Redis) is taken or left to them.
Their receiver is on 127.0.0.1, which SYNC_ALLOWED_NETWORKS allows (a webhook is not sent to a
loopback address otherwise).

On kombu's filesystem transport the worker polls every REPAIRFLOW_WORKER_POLLING_INTERVAL seconds
(default 0.05; the application's own setting is 0.1, kombu's 1 s): kombu's virtual transports
sleep a whole polling interval whenever the prefetch limit is reached (concurrency × prefetch
multiplier messages unacknowledged), so with 1 s a worker takes at most `concurrency` messages a
second."""

import os

from repairflow.settings import *  # noqa: F403
from repairflow.settings import CELERY_BROKER_URL

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("REPAIRFLOW_WORKER_QUEUE", "celery")
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # no pidbox queue left on the broker
SYNC_ALLOWED_NETWORKS = ["127.0.0.1/32"]
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "polling_interval": float(os.environ.get("REPAIRFLOW_WORKER_POLLING_INTERVAL", "0.05")),
    }
