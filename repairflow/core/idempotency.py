"""`Idempotency-Key` on POST (design/api.md "Errors"): a repeat of a successful POST with the
same key returns the first response and changes nothing.

The key is claimed in its own row before the action runs, so two concurrent requests with one
key cannot both act: the second is answered 409 while the first is under way.
"""

import hashlib

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from repairflow.core.errors import Conflict
from repairflow.core.models import IdempotencyKey

KEY_REUSED = _("This Idempotency-Key was already used for a different request.")
KEY_IN_PROGRESS = _("A request with this Idempotency-Key is still being processed.")


class _Replay(Exception):
    def __init__(self, claim: IdempotencyKey) -> None:
        self.claim = claim


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RequestDataTooBig:  # large uploads: their length stands for their content
        digest.update(request.META.get("CONTENT_LENGTH", "").encode())
    return digest.hexdigest()


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, request_fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


class IdempotentPostMixin:
    """For API views: replay the stored answer to a repeated POST with an Idempotency-Key."""

    _idempotency_claim: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_claim = None
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return
        claim, claimed_now = _claim(request.user, key[:255], _fingerprint(request))
        if claimed_now:
            self._idempotency_claim = claim
        elif claim.request_fingerprint != _fingerprint(request):
            raise Conflict(KEY_REUSED)
        elif claim.response_status is None:
            raise Conflict(KEY_IN_PROGRESS)
        else:
            raise _Replay(claim)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return Response(exc.claim.response_body, status=exc.claim.response_status)
        try:
            return super().handle_exception(exc)
        except Exception:  # a crash (500): the action's transaction was rolled back, so free the key
            claim, self._idempotency_claim = self._idempotency_claim, None
            if claim is not None:
                claim.delete()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            if 200 <= response.status_code < 300:
                claim.response_status = response.status_code
                claim.response_body = response.data
                claim.save(update_fields=["response_status", "response_body"])
            else:  # a refused request may be corrected and sent again with the same key
                claim.delete()
        return response
