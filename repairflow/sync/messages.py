"""What push-back tells the office: a delivery to a platform has failed for good."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.notifications.messages import Message, register
from repairflow.records.models import EventType


def _labels(params: Mapping[str, Any]) -> Mapping[str, Any]:
    prepared = dict(params)
    if prepared.get("type") in EventType.values:
        prepared["type"] = EventType(prepared["type"]).label
    return prepared


DELIVERY_FAILED_TITLE = _("Delivery to %(subscription)s failed")
DELIVERY_FAILED_BODY = _(
    "%(type)s of record %(record)s could not be delivered to %(subscription)s: %(error)s. "
    "Later changes of this record wait for it; requeue it once the platform can take it."
)


def register_messages() -> None:
    register("sync.delivery_failed", Message(DELIVERY_FAILED_TITLE, DELIVERY_FAILED_BODY, _labels))
