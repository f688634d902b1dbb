"""Project-wide answers: the error pages, which answer API paths in the API's format (docs/api.md
"Errors", "Errors, hardened"), and the health checks (docs/api.md "Operations")."""

from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from repairflow.core.api import is_api_path
from repairflow.core.errors import INVALID_INPUT

PAGE_NOT_FOUND = _("Not found.")
SERVER_ERROR = _("Something went wrong on our side; nothing was changed. Please try again later.")
UNREADABLE = _("The request could not be read; nothing was changed.")
TOO_LARGE = _("The request is over the limit of %(limit)s; nothing was changed.")
NUL_CHARACTER = _("A NUL character is not allowed here.")
LOCKED_OUT = _("Too many failed sign-ins for this user name from your address: try again in %(minutes)d minutes.")


_JSON = {"ensure_ascii": False}


def _json(body: dict, status: int) -> JsonResponse:
    """An API error as JSON, its text as written (not escaped)."""
    return JsonResponse(body, status=status, json_dumps_params=_JSON)


def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return _json({"error": "not_found", "detail": str(PAGE_NOT_FOUND)}, 404)
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """Django's refusal of a request it could not read: over the size limit (413, `too_large`), or
    malformed (400, `invalid`: also too many fields or files)."""
    if isinstance(exception, RequestDataTooBig):
        detail = TOO_LARGE % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
        return _refused(request, 413, {"error": "too_large", "detail": str(detail)})
    return _refused(request, 400, {"error": "invalid", "detail": str(UNREADABLE), "fields": {}})


def parameters_refused(request, names: Iterable[str]):
    """400 `invalid` for query parameters holding a NUL character, each named."""
    fields = {name: [str(NUL_CHARACTER)] for name in names}
    body = {"error": "invalid", "detail": str(INVALID_INPUT), "fields": fields}
    return _refused(request, 400, body, shown=NUL_CHARACTER)


def _refused(request, status: int, body: dict, shown=None):
    """`body` as JSON on an API path; else the page saying `shown` (by default the body's detail)."""
    if is_api_path(request.path):
        return _json(body, status)
    return render(request, "400.html", {"detail": shown or body["detail"]}, status=status)


def locked_out(request, original_response=None, credentials=None):
    """A login refused because its user name and address are locked out (django-axes): `429
    throttled` on the API; the sign-in page again, saying so, elsewhere."""
    detail = LOCKED_OUT % {"minutes": settings.AXES_COOLOFF_TIME.total_seconds() // 60}
    if is_api_path(request.path):
        return _json({"error": "throttled", "detail": str(detail)}, 429)
    return render(request, "registration/login.html", {"locked_out": detail}, status=429)


def server_error(request):
    if is_api_path(request.path):
        return _json({"error": "server_error", "detail": str(SERVER_ERROR)}, 500)
    return render(request, "500.html", status=500)


FAVICON = "repairflow/favicon.svg"


def favicon(request):
    """`GET /favicon.ico`, asked for by browsers and tools that do not read the page's link: the
    SVG icon the pages link to (templates/base.html)."""
    return HttpResponsePermanentRedirect(static(FAVICON))


# --- Health -------------------------------------------------------------------------------------

BROKER_TIMEOUT_SECONDS = 2


def healthz(request):
    """`GET /healthz`: 200 while the process serves."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """`GET /readyz`: 200 when the database and the broker answer, else 503, each named."""
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    body = {name: "ok" if answers else "error" for name, answers in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_answers() -> bool:
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
            broker.default_channel  # noqa: B018 (opening a channel is the check)
            return True
    except (OSError, OperationalError):
        return False
