"""The base pieces every app may keep rows of: uploaded evidence, idempotency keys, API tokens, the
heads of the append-only tables' hash chains."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# docs/api.md "Idempotency keys": how long a key is kept, and how long a request may hold one
# without answering before it is taken for dead (its process killed) and the key is free again.
KEY_KEPT = timedelta(hours=24)
KEY_ABANDONED_AFTER = timedelta(seconds=60)


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` header, replayed on repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


class ApiToken(models.Model):
    """An API token (docs/api.md "Sessions and tokens"). Only its SHA-256 is kept, so neither the
    database nor the admin can show it. It expires, and its holder can revoke it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    """Stored under a random name: the user's file name is kept in `name`, never in the path."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded piece of evidence (PDF, JPEG, PNG or OFD, judged by its content), kept through
    Django's storage API with its SHA-256."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=40)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ChainHead(models.Model):
    """The last hash of one append-only table's chain (`repairflow.core.audit`): a deleted last row
    leaves the chain ending before its head. Its row is locked while rows are appended."""

    table = models.CharField(_("table"), max_length=100, unique=True)
    last_hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self) -> str:
        return self.table
