from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from repairflow.core.addresses import from_trusted_proxy
from repairflow.core.api import is_api_path
from repairflow.core.errors import Forbidden, NotFound
from repairflow.core.logs import REQUEST_ID_HEADER, acceptable_request_id, new_request_id, request_id
from repairflow.core.views import parameters_refused


class LanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the person chose another language with the page's switch (a
    cookie); a browser's Accept-Language header alone does not change it. The API follows
    Accept-Language, which a client sends on purpose."""

    def process_request(self, request):
        if is_api_path(request.path):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DomainErrorMiddleware:
    """A page refused by a service answers as Django answers its own refusals: NotFound as its 404
    page, Forbidden as its 403. (The API answers every domain error itself, in its JSON format.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.detail) from exception
        return None


class NulCharacterMiddleware:
    """A query parameter holding a NUL character is refused (400 `invalid`, docs/api.md "Errors,
    hardened") before any view reads it: PostgreSQL's text and JSON cannot store one, and a view
    may keep its parameters (the query log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = [
            name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in value for value in values)
        ]
        if names:
            return parameters_refused(request, [name.replace("\x00", "\\x00") for name in names])
        return self.get_response(request)


class ForwardedProtoMiddleware:
    """`X-Forwarded-Proto` (SECURE_PROXY_SSL_HEADER, set when TRUSTED_PROXIES is) is believed only
    from a trusted proxy, which sets it itself: from anyone else it is dropped, so that a client
    speaking plain HTTP cannot claim HTTPS and be spared the redirect or given secure cookies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not from_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


class RequestIdMiddleware:
    """Every request gets an id: the X-Request-ID a trusted proxy (TRUSTED_PROXIES) sent, if it is
    a plausible id, else a new one. It is on the response's X-Request-ID header and on every log
    line written while the request is served (repairflow/core/logs.py); `request.id` holds it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.META.get("HTTP_X_REQUEST_ID")
        request.id = sent if acceptable_request_id(sent) and from_trusted_proxy(request) else new_request_id()
        # Kept until the response is closed (request_finished: core.logs.forget_request_id), so that
        # Django's own last line of the request (a 404's "Not Found", logged after the middleware)
        # carries it too.
        request_id.set(request.id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response
