"""The outbox and its deliveries (design/architecture.md "Push-back and sync"; README.md beside
this file): every change to a record is one `OutboxEvent`, written in the transaction of the
change; each subscribed platform gets one `Delivery` of it, and every try is a `DeliveryAttempt`."""

import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EventType(models.TextChoices):
    """The event types of design/api.md "Webhooks"."""

    RECORD_PUBLISHED = "record.published", _("Record published")
    RECORD_CORRECTED = "record.corrected", _("Record corrected")
    RECORD_OBJECTION_MARKED = "record.objection_marked", _("Record marked as under objection")
    RECORD_OBJECTION_CLEARED = "record.objection_cleared", _("Record's objection mark cleared")
    RECORD_SUSPENDED = "record.suspended", _("Record's publication suspended")
    RECORD_RESUMED = "record.resumed", _("Record's publication resumed")
    RECORD_REVOKED = "record.revoked", _("Record revoked")
    RECORD_PUBLICATION_ENDED = "record.publication_ended", _("Record's publication ended")
    RECORD_REPUBLISHED = "record.republished", _("Record published again")
    RECORD_EXPIRED = "record.expired", _("Record's publication period expired")


# The record's state machine's actions (records/flows.py) and the event each one is.
RECORD_ACTION_EVENTS: dict[str, EventType] = {
    "publish": EventType.RECORD_PUBLISHED,
    "correct": EventType.RECORD_CORRECTED,
    "mark-objection": EventType.RECORD_OBJECTION_MARKED,
    "clear-objection": EventType.RECORD_OBJECTION_CLEARED,
    "suspend": EventType.RECORD_SUSPENDED,
    "resume": EventType.RECORD_RESUMED,
    "revoke": EventType.RECORD_REVOKED,
    "end-publication": EventType.RECORD_PUBLICATION_ENDED,
    "republish": EventType.RECORD_REPUBLISHED,
    "expire": EventType.RECORD_EXPIRED,
}


class CaseKind(models.TextChoices):
    """The kind of case behind a change, as the webhook's `case.kind` names it."""

    OBJECTION = "objection", _("Objection")
    REPAIR = "repair", _("Repair application")


NAME_TAKEN = _("A subscription with this name already exists.")
URL_NOT_HTTP = _("Enter an http:// or https:// address with a host name.")
UNKNOWN_EVENT_TYPE = _('"%(value)s" is not an event type.')
EVENTS_NOT_A_LIST = _("Give the event types as a list.")
SECRET_REQUIRED = _("Give a secret to sign the requests with.")
SECRET_TOO_SHORT = _("Use a secret of at least %(length)d characters.")
SECRET_MIN_LENGTH = 16


def validate_http_url(value: str) -> None:
    """An address a platform is reached at: http or https, with a host name."""
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # e.g. a port that is not a number
        valid = False
    if not valid:
        raise ValidationError(URL_NOT_HTTP, code="invalid_url")


def validate_event_types(value: object) -> None:
    """A subscription's filter: a list of event types (empty: every type)."""
    if not isinstance(value, list):
        raise ValidationError(EVENTS_NOT_A_LIST, code="not_a_list")
    for item in value:
        if item not in EventType.values:
            raise ValidationError(UNKNOWN_EVENT_TYPE, code="unknown_event_type", params={"value": item})


def validate_secret(value: str) -> None:
    """A secret to sign with: not blank, and long enough not to be guessed."""
    if not value or not value.strip():
        raise ValidationError(SECRET_REQUIRED, code="required")
    if len(value) < SECRET_MIN_LENGTH:
        raise ValidationError(SECRET_TOO_SHORT, code="too_short", params={"length": SECRET_MIN_LENGTH})


class OutboxEvent(models.Model):
    """One change to one record, as every subscribed platform is told of it: its stable id (the
    webhook's `id` and `X-Repairflow-Delivery`), its type, when it happened, the record as it then
    was (the API's record JSON as a platform may see it: a natural person's identifier masked)
    and the case that caused it. Written in the transaction of the change, never changed."""

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    record = models.ForeignKey(
        "records.CreditRecord", verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("record as sent"), encoder=DjangoJSONEncoder)
    case_kind = models.CharField(_("case kind"), max_length=16, choices=CaseKind.choices, blank=True)
    case_number = models.CharField(_("case number"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        indexes = [
            # A record's events in the order they happened (the primary key grows with time, and
            # changes to one record are serialised by its row lock).
            models.Index(fields=["record", "id"], name="outbox_record_order"),
            models.Index(fields=["case_kind", "case_number"], name="outbox_case", condition=~Q(case_number="")),
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.uuid}"

    @property
    def case_reference(self) -> dict | None:
        """The webhook's `case`: `{"kind", "number"}`, or None for a change no case caused."""
        if not self.case_number:
            return None
        return {"kind": self.case_kind, "number": self.case_number}


class Subscription(models.Model):
    """A platform that is told of every change to a record (of the types it chose). `paused`: its
    deliveries wait (they are neither sent nor failed) until it is resumed; it still holds the
    cases that await it. `active` off: it is retired, gets no new deliveries, nothing of it is sent
    and no case awaits it. `required`: its acknowledgement is needed before a case is published.
    The secret signs every request; it is stored, never shown again, and kept out of history."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.CharField(_("URL"), max_length=500, validators=[validate_http_url])
    secret = models.CharField(_("secret"), max_length=200)
    events = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        validators=[validate_event_types],
        help_text=_("The event types sent to this platform; empty: every type."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: retired; it gets no new events and no case awaits it.")
    )
    paused = models.BooleanField(_("paused"), default=False, help_text=_("Its deliveries wait until it is resumed."))
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Its acknowledgement is needed before a case is published.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event for one subscription: pending until the platform answers 2xx (acknowledged) or
    the tries run out or it refuses for good (failed). `next_try_at` is when it is next due; while
    a worker is sending it, it is the end of that worker's lease (`lease_token` says whose).
    `record` repeats the event's so that a record's deliveries to a platform are read in order
    from one index."""

    event = models.ForeignKey(OutboxEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="deliveries"
    )
    record = models.ForeignKey(
        "records.CreditRecord", verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    # Who holds the delivery while it is being sent: a new token for every lease taken.
    lease_token = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="delivery_unique")]
        indexes = [
            # The resend sweep: the pending deliveries due, a range read on a partial index.
            models.Index(fields=["next_try_at"], name="delivery_due", condition=Q(status="pending")),
            # A record's deliveries to one platform in the order of their events.
            models.Index(fields=["subscription", "record", "event"], name="delivery_record_order"),
            # The counts per subscription and status.
            models.Index(fields=["subscription", "status"], name="delivery_subscription_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"

    @property
    def ledger_state(self) -> str:
        """Where the delivery stands in the propagation ledger: pending (not sent yet), sent (tried,
        not acknowledged yet), acknowledged or failed."""
        if self.status == DeliveryStatus.PENDING:
            return "sent" if self.last_attempt_at else "pending"
        return self.status


class AttemptOutcome(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RETRY = "retry", _("To be tried again")
    FAILED = "failed", _("Failed")


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, what came back (an HTTP status and the start of the answer, or
    the connection error), how long it took and what became of the delivery."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
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
