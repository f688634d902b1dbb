"""Domain errors and the API's error format (design/api.md "Errors").

Services raise Django's ValidationError (400), PermissionDenied (403), Http404 (404) or the
domain errors below (409); the API answers every one of them, and DRF's own, as
`{"error": code, "detail": text, ...}`.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

INVALID_INPUT = _("The input is not valid; see the fields named.")
MALFORMED_BODY = _("The request body could not be read; send valid JSON or form data.")
TRANSITION_NOT_ALLOWED = _("This action is not allowed in the current state.")


class DomainError(Exception):
    """A refusal the API answers with `status` and `error`; `extra` joins the body."""

    status: int = status.HTTP_409_CONFLICT
    error: str = "conflict"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.error, "detail": str(self.detail), **self.extra}


class Conflict(DomainError):
    """A duplicate or a concurrent change (409 `conflict`)."""


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the object's state (409 `transition_not_allowed`)."""

    error = "transition_not_allowed"

    def __init__(self, *, state: str, allowed: Iterable[str], detail: str = TRANSITION_NOT_ALLOWED) -> None:
        super().__init__(detail, state=state, allowed=sorted(allowed))


class TooLarge(DomainError):
    """An upload over the size limit (413 `too_large`)."""

    status = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    error = "too_large"


class UnsupportedType(DomainError):
    """An upload whose content is not an allowed type (415 `unsupported_type`)."""

    status = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    error = "unsupported_type"


_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "invalid"),
    (exceptions.NotAuthenticated, "unauthenticated"),
    (exceptions.AuthenticationFailed, "unauthenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_type"),
    (exceptions.Throttled, "throttled"),
]


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):  # keep the service's reason (e.g. ROLE_NOT_ALLOWED)
        return exceptions.PermissionDenied(exc.args[0] if exc.args else None)
    return exc


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.body(), status=exc.status)
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = next((code for kind, code in _CODES if isinstance(exc, kind)), exc.default_code)
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"error": code, "detail": str(INVALID_INPUT), "fields": fields}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"error": code, "detail": str(MALFORMED_BODY), "fields": {}}
    else:
        response.data = {"error": code, "detail": str(exc.detail)}
    return response
