import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.archives import ArchiveError
from repairflow.core.attachments import (
    TYPE_NAMES,
    Encrypted,
    NoPages,
    TooManyPixels,
    Unreadable,
    content_check,
    content_type_of,
    file_name_safe,
)
from repairflow.core.errors import Invalid, TooLarge, UnsupportedType
from repairflow.core.models import KEY_KEPT, ApiToken, Attachment, IdempotencyKey
from repairflow.core.permissions import Role, require_role

FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_NOT_ALLOWED = _("Only PDF, JPEG, PNG and OFD files are accepted; this file is none of them.")
FILE_UNREADABLE = _(
    "This file begins like a %(type)s file but cannot be read as one: it is damaged, incomplete or "
    "something else. Save it again as %(type)s and upload that."
)
PDF_NO_PAGES = _("This PDF file has no pages.")
PDF_ENCRYPTED = _("This PDF file is protected by a password; upload it without the password.")
IMAGE_TOO_LARGE = _("The image has more than %(limit)s pixels; upload a smaller image.")
PACKAGE_TOO_LARGE = _("Unpacked, this OFD file is larger than %(limit)s, or holds too many parts.")
UPLOADERS = (Role.SUBJECT, Role.DEPARTMENT, Role.OFFICE)


def attachment_upload(*, actor: Any, upload: UploadedFile) -> Attachment:
    """Keep an uploaded file as evidence: refused (and nothing stored) when it is over the size
    limit (TooLarge), its content is not PDF, JPEG, PNG or OFD whatever its name says
    (UnsupportedType), or it begins like one of them but cannot be read as one (Invalid, `file`;
    core/attachments.py). It is kept under its name made safe (`file_name_safe`), with the
    extension of the type its content is."""
    require_role(actor, *UPLOADERS)
    content_type = upload_check(upload)
    name = file_name_safe(upload.name, content_type)
    attachment = Attachment(
        uploaded_by=actor,
        name=name,
        size=upload.size,
        sha256=file_sha256(upload),
        content_type=content_type,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no file without its row
        raise
    return attachment


def upload_check(upload: UploadedFile) -> str:
    """The type of an uploaded file, judged by its content, when it is one kept as evidence; else
    TooLarge (over the size limit, or an OFD package unpacking to more than its limit),
    UnsupportedType (not PDF, JPEG, PNG or OFD whatever its name says) or Invalid, `file` (it
    begins like one of them but cannot be read as one). Every upload is judged here."""
    limit = settings.REPAIRFLOW_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise TooLarge(FILE_TOO_LARGE % {"limit": filesizeformat(limit)})
    try:
        content_type = content_type_of(upload, max_members=settings.REPAIRFLOW_ZIP_MAX_MEMBERS)
    except ArchiveError:
        raise _package_too_large() from None
    if content_type is None:
        raise UnsupportedType(FILE_NOT_ALLOWED)
    attachment_content_check(upload, content_type)
    return content_type


def file_sha256(upload: UploadedFile) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachment_content_check(file: Any, content_type: str) -> None:
    """Read the file as the type its first bytes say (`content_check`), within the limits of
    settings.py; a refusal says why in the user's language."""
    try:
        content_check(
            file,
            content_type,
            max_pixels=settings.REPAIRFLOW_UPLOAD_MAX_PIXELS,
            max_members=settings.REPAIRFLOW_ZIP_MAX_MEMBERS,
            max_unpacked=settings.REPAIRFLOW_UPLOAD_MAX_UNPACKED_BYTES,
            max_ratio=settings.REPAIRFLOW_ZIP_MAX_RATIO,
        )
    except Encrypted:
        raise _unreadable(PDF_ENCRYPTED) from None
    except TooManyPixels as error:
        raise TooLarge(IMAGE_TOO_LARGE % {"limit": f"{error.limit:,}"}) from None
    except ArchiveError as error:
        if error.reason == "corrupt":
            raise _unreadable(FILE_UNREADABLE % {"type": TYPE_NAMES[content_type]}) from None
        raise _package_too_large() from None
    except NoPages:
        raise _unreadable(PDF_NO_PAGES) from None
    except Unreadable:
        raise _unreadable(FILE_UNREADABLE % {"type": TYPE_NAMES[content_type]}) from None


def _package_too_large() -> TooLarge:
    return TooLarge(PACKAGE_TOO_LARGE % {"limit": filesizeformat(settings.REPAIRFLOW_UPLOAD_MAX_UNPACKED_BYTES)})


def _unreadable(message: Any) -> Invalid:
    # the message is the answer's `detail` too: the pages show it beside the file's name
    return Invalid({"file": [message]}, detail=message)


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
