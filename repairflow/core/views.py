"""Project-wide pages: the home page, and error pages that answer API paths in the API's format."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from repairflow.core.api import is_api_path

PAGE_NOT_FOUND = _("Not found.")
SERVER_ERROR = _("Something went wrong on our side; nothing was changed. Please try again later.")


_JSON = {"ensure_ascii": False}


def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return JsonResponse({"error": "not_found", "detail": str(PAGE_NOT_FOUND)}, status=404, json_dumps_params=_JSON)
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api_path(request.path):
        return JsonResponse({"error": "server_error", "detail": str(SERVER_ERROR)}, status=500, json_dumps_params=_JSON)
    return render(request, "500.html", status=500)
