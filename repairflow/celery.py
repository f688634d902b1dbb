"""The Celery application: tasks are thin wrappers around services (see each app's tasks.py)."""

import os

from celery import Celery

from repairflow.broker import use_safe_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repairflow.settings")

use_safe_filesystem_transport()
app = Celery("repairflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
