import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.attachments import content_type_of
from repairflow.core.errors import TooLarge, UnsupportedType
from repairflow.core.models import KEY_KEPT, ApiToken, Attachment, IdempotencyKey
from repairflow.core.permissions import Role, require_role

FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_NOT_ALLOWED = _("Only PDF, JPEG, PNG and OFD files are accepted; this file is none of them.")
UPLOADERS = (Role.SUBJECT, Role.DEPARTMENT, Role.OFFICE)


def attachment_upload(*, actor: Any, upload: UploadedFile) -> Attachment:
    """Keep an uploaded file as evidence: refused (and nothing stored) when it is over the size
    limit or its content is not PDF, JPEG, PNG or OFD, whatever its name says."""
    require_role(actor, *UPLOADERS)
    limit = settings.REPAIRFLOW_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise TooLarge(FILE_TOO_LARGE % {"limit": filesizeformat(limit)})
    content_type = content_type_of(upload)
    if content_type is None:
        raise UnsupportedType(FILE_NOT_ALLOWED)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        uploaded_by=actor,
        name=upload.name[-255:],
        size=upload.size,
        sha256=digest.hexdigest(),
        content_type=content_type,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no file without its row
        raise
    return attachment


def idempotency_keys_purge() -> int:
    """Forget the idempotency keys claimed longer than KEY_KEPT ago (docs/api.md "Idempotency
    keys"); how many were forgotten."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - KEY_KEPT).delete()
    return deleted


def token_digest(key: str) -> str:
    """What is kept of a token: its SHA-256 (a token is 160 random bits: no salt is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_issue(*, user: Any, ttl: timedelta | None = None) -> tuple[str, ApiToken]:
    """A new token for `user`, valid for `ttl` (by default the life the office gave the account,
    else API_TOKEN_TTL): the key, shown once, and its row."""
    key = secrets.token_hex(20)
    expires_at = timezone.now() + (ttl or user.api_token_ttl or settings.API_TOKEN_TTL)
    return key, ApiToken.objects.create(user=user, digest=token_digest(key), expires_at=expires_at)


def api_token_find(key: str) -> ApiToken | None:
    """The live token `key` stands for (not expired, not revoked, its user active), else None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return token if token is not None and token.user.is_active else None


def api_token_revoke(*, token: ApiToken) -> None:
    """The token answers 401 from now on."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
