"""The public pages, without login and without JavaScript: the progress query (`/query/`, the
answer of `/api/v1/public/status/`), the search of the published records (`/public/records/`) and
each published record's page. Throttled as the API is, on the same counters per client address
(the progress query's misses too), so that a page is no way around the API's rate."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from repairflow.cases.kinds import case_kind_named
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.throttling import ClientScopedRateThrottle, MissThrottle
from repairflow.portal.api import StatusQuerySerializer
from repairflow.portal.forms import ProgressQueryForm, PublicRecordsForm
from repairflow.portal.selectors import (
    PUBLIC_PAGE_SIZE,
    PublicSearch,
    case_public_status,
    keyset_page,
    public_record_as_json,
    public_search,
    published_records,
)
from repairflow.records.publication import Category

THROTTLED = _("Too many queries from your address; try again in %(seconds)d seconds.")
NO_SUCH_CASE = _("No case has this number and this subject's identifier. Check both and try again.")
CATEGORY_LABELS = dict(Category.choices)


class _PublicPage:
    """The throttles' scopes, as `repairflow.portal.api`'s views declare them."""

    throttle_scope = "public"
    miss_throttle_scope = "public_miss"


def _throttled(request, *throttles: ClientScopedRateThrottle) -> HttpResponse | None:
    """The 429 page when the client has used its rate (of any of `throttles`), else None."""
    for throttle in throttles:
        if not throttle.allow_request(request, _PublicPage()):
            seconds = max(1, round(throttle.wait() or 1))
            response = render(request, "portal/refused.html", {"message": THROTTLED % {"seconds": seconds}}, status=429)
            response["Retry-After"] = str(seconds)
            return response
    return None


def progress_query(request):
    """Where a case stands, for whoever holds its number and the subject's identifier."""
    if not request.GET:
        return render(request, "portal/public/query.html", {"form": ProgressQueryForm()})
    refused = _throttled(request, ClientScopedRateThrottle(), MissThrottle())
    if refused:
        return refused
    form = ProgressQueryForm(request.GET)
    context: dict[str, Any] = {"form": form, "language_next": request.path}
    if not form.is_valid():
        return render(request, "portal/public/query.html", context, status=400)
    query = StatusQuerySerializer(data=form.cleaned_data)
    if not query.is_valid():
        for name, errors in query.errors.items():
            form.add_error(name if name in form.fields else None, [str(error) for error in errors])
        return render(request, "portal/public/query.html", context, status=400)
    status = case_public_status(**query.validated_data)
    if status is None:
        MissThrottle().record_miss(request, _PublicPage())
        return render(request, "portal/public/query.html", {**context, "missed": NO_SUCH_CASE}, status=404)
    kind = case_kind_named(status["kind"])
    context["status"] = {**status, "kind_label": kind.model._meta.verbose_name}
    return render(request, "portal/public/query.html", context)


def _public_row(record) -> dict[str, Any]:
    return {
        "id": record.pk,
        **public_record_as_json(record),
        "category_label": CATEGORY_LABELS.get(record.category, record.category),
    }


def public_records(request):
    """The published records found by name, identifier, category and department, a page at a time."""
    refused = _throttled(request, ClientScopedRateThrottle())
    if refused:
        return refused
    form = PublicRecordsForm(request.GET or None)
    # back here after a change of language, without the ID number typed (never written into a page)
    context: dict[str, Any] = {"form": form, "language_next": request.path}
    if request.GET and not form.is_valid():
        return render(request, "portal/public/records.html", context, status=400)
    given = form.cleaned_data if request.GET else {}
    identifier = given.get("subject_id", "").strip()
    if identifier:
        try:
            identifier = compact_identifier(identifier)
        except InvalidIdentifier as error:
            form.add_error("subject_id", str(error))
            return render(request, "portal/public/records.html", context, status=400)
    search = PublicSearch(
        name="".join(given.get("name", "").split()),
        identifier=identifier,
        category=given.get("category", ""),
        department=given.get("department", ""),
    )
    page = keyset_page(
        public_search(search),
        after=request.GET.get("after", "")[:40],
        before=request.GET.get("before", "")[:40],
        size=PUBLIC_PAGE_SIZE,
    )
    kept = request.GET.copy()
    for key in ("after", "before"):
        kept.pop(key, None)
    context.update(
        rows=[_public_row(record) for record in page.rows],
        next_key=page.next_key,
        previous_key=page.previous_key,
        query=kept.urlencode(),
    )
    return render(request, "portal/public/records.html", context)


def public_record(request, record_id: int):
    """A published record's page, with its subject's statement and whether it is under objection;
    a record not published, or past its publication period, is not found."""
    refused = _throttled(request, ClientScopedRateThrottle())
    if refused:
        return refused
    record = published_records().filter(pk=record_id).first()
    if record is None:
        raise Http404
    return render(request, "portal/public/record.html", {"record": _public_row(record)})
