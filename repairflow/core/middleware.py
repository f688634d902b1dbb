from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from repairflow.core.api import is_api_path


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
