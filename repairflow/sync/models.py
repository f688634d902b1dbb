"""A try of a delivery: every attempt `repairflow.sync` makes to hand a record's event to a
platform (the events and their deliveries are the record's outbox: repairflow/records/models.py;
README.md beside this file)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from repairflow.records.models import Delivery


class AttemptOutcome(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RETRY = "retry", _("To be tried again")
    FAILED = "failed", _("Failed")


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, what came back (an HTTP status and the start of the answer, or
    the connection error), how long it took and what became of the delivery."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.PROTECT, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(_("number"))
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=AttemptOutcome.choices)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
