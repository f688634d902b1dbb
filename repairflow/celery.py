"""The Celery application: tasks are thin wrappers around services (see each app's tasks.py)."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from repairflow.broker import use_safe_filesystem_transport
from repairflow.core.logs import request_id_after_task, request_id_from_task, request_id_to_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repairflow.settings")

use_safe_filesystem_transport()
app = Celery("repairflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task queued while a request is served, and the worker's log lines while it runs the task, carry
# the request's id (repairflow/core/logs.py).
before_task_publish.connect(request_id_to_task, weak=False, dispatch_uid="repairflow.request_id_to_task")
task_prerun.connect(request_id_from_task, weak=False, dispatch_uid="repairflow.request_id_from_task")
task_postrun.connect(request_id_after_task, weak=False, dispatch_uid="repairflow.request_id_after_task")
