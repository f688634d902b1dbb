"""What every app's API shares (docs/api.md "Errors", "Authentication", "Attachments"): the
error format every refusal is answered in, with its HTTP status; idempotent POSTs; the token
and attachment endpoints. The only module of core that knows HTTP and DRF."""

import hashlib

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView, exception_handler

from repairflow.core.errors import INVALID_INPUT, Conflict, DomainError, NotFound
from repairflow.core.models import KEY_ABANDONED_AFTER, KEY_KEPT, ApiToken, Attachment, IdempotencyKey
from repairflow.core.services import api_token_issue, api_token_revoke, attachment_upload

API_PREFIX = "/api/"
MALFORMED_BODY = _("The request body could not be read; send valid JSON or form data.")
BAD_CREDENTIALS = _("The user name or password is wrong, or the account is disabled.")
KEY_REUSED = _("This Idempotency-Key was already used for a different request.")
KEY_IN_PROGRESS = _("A request with this Idempotency-Key is still being processed.")
NO_TOKEN = _("This call is not made with a token: there is none to revoke.")
ID_MAX = 2**63 - 1  # the largest key a row can have (a BigAutoField)

# The HTTP status of each domain error's code.
STATUS = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    "conflict": status.HTTP_409_CONFLICT,
    "transition_not_allowed": status.HTTP_409_CONFLICT,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "unsupported_type": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}


def is_api_path(path: str) -> bool:
    """API paths answer in the API's JSON format and follow Accept-Language."""
    return path.startswith(API_PREFIX)


def status_of(error: DomainError) -> int:
    return STATUS[error.code]


# --- Errors -------------------------------------------------------------------------------------

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
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(exc.args[0] if exc.args else None)
    return exc


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every refusal as `{"error": code, "detail": text, ...}` (docs/api.md "Errors")."""
    if isinstance(exc, DomainError):
        return Response(exc.body(), status=status_of(exc))
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


# --- Input --------------------------------------------------------------------------------------


class IdField(serializers.IntegerField):
    """The id of a row: a whole number from 1 to ID_MAX. Any other is refused as invalid before
    it reaches a query (the database could not compare it with a key)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


# --- Idempotent POSTs ---------------------------------------------------------------------------


class _Replay(Exception):
    def __init__(self, claim: IdempotencyKey) -> None:
        self.claim = claim


def request_fingerprint(request) -> str:
    """What makes two POSTs with one key the same request: method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RequestDataTooBig:  # large uploads: their length stands for their content
        digest.update(request.META.get("CONTENT_LENGTH", "").encode())
    return digest.hexdigest()


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The key's row and whether this request holds it now: a new key, one kept longer than
    KEY_KEPT, or one whose request has not answered within KEY_ABANDONED_AFTER (its process was
    killed) is this request's; of two requests taking over one key, one does."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, request_fingerprint=fingerprint), True
    except IntegrityError:
        claim = IdempotencyKey.objects.get(user=user, key=key)
    now = timezone.now()
    if claim.created_at <= now - KEY_KEPT or (
        claim.response_status is None and claim.created_at <= now - KEY_ABANDONED_AFTER
    ):
        taken = IdempotencyKey.objects.filter(pk=claim.pk, created_at=claim.created_at).update(
            request_fingerprint=fingerprint, response_status=None, response_body=None, created_at=now
        )
        claim.refresh_from_db()
        return claim, bool(taken)
    return claim, False


class IdempotentPostMixin:
    """`Idempotency-Key` on POST (docs/api.md "Errors", "Idempotency keys"): a repeat of a
    successful POST with the same key within 24 hours returns the first response and changes
    nothing. The key is claimed in its own row before the action runs, so two concurrent requests
    with one key cannot both act: the second is answered 409 while the first is under way (for
    60 seconds at most: then the first is taken for dead, and the key is free again)."""

    _idempotency_claim: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_claim = None
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return
        claim, claimed_now = _claim(request.user, key[:255], request_fingerprint(request))
        if claimed_now:
            self._idempotency_claim = claim
        elif claim.request_fingerprint != request_fingerprint(request):
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


# --- Tokens and attachments ---------------------------------------------------------------------


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ObtainTokenView(APIView):
    """`POST /api/v1/auth/token/`: exchange a user name and password for a new API token, valid
    for API_TOKEN_TTL; `DELETE`: revoke the token the call is made with (docs/api.md "Sessions
    and tokens")."""

    throttle_scope = "auth"
    also_refuses = {"DELETE": (404,)}  # signed in by a session: no token to revoke (core.schema)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: inline_serializer(
                "Token", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            )
        },
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # the Django request: a lock-out (django-axes) marks it, and its middleware answers 429
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise AuthenticationFailed(BAD_CREDENTIALS)
        # a sign-in as the pages' is: its failures count no more (django-axes), last_login is kept
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        key, token = api_token_issue(user=user)
        return Response({"token": key, "expires_at": serializers.DateTimeField().to_representation(token.expires_at)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):  # signed in by a session: no token to revoke
            raise NotFound(NO_TOKEN)
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileAnswerMixin:
    """A view that answers with a file (a PDF, an attachment, a workbook): its type is the file's,
    whatever the `Accept` header asks, so it is never refused as not acceptable (406)."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True)
    uploaded_by_role = serializers.CharField(source="uploaded_by.role", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "uploaded_at", "uploaded_by_role"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=None)


class AttachmentUploadView(IdempotentPostMixin, APIView):
    """`POST /api/v1/attachments/` (multipart `file`): PDF, JPEG, PNG or OFD, judged by content;
    413 over the size limit (`REPAIRFLOW_UPLOAD_MAX_BYTES`, 20 MiB by default), 415 otherwise."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    def post(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = attachment_upload(actor=request.user, upload=upload.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
