"""Pages over the registry, scoped and logged exactly as the API is."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import work_calendar
from repairflow.core.paging import page_of
from repairflow.deadlines.selectors import deadline_as_json
from repairflow.deadlines.services import case_deadlines
from repairflow.records import selectors, services
from repairflow.records.models import CreditRecord, QueryKind, RecordState
from repairflow.records.publication import Category, Severity
from repairflow.records.selectors import may_see_identifier

PAGE_SIZE = 25
# A choice's label looked up in a dict made once: `get_FOO_display` builds its dict on every call,
# three times a row on a page of 25. (The list's dates and links are written out in `_row` for the
# same reason: the `date` filter and the `url` tag cost more than the rest of a row.)
CATEGORY_LABELS = dict(Category.choices)
SEVERITY_LABELS = dict(Severity.choices)
STATE_LABELS = dict(RecordState.choices)


def home(request):
    return render(request, "home.html")


@login_required
@transaction.atomic  # the read and its query-log row together
def record_list(request):
    records = selectors.records_visible_to(request.user)
    category = request.GET.get("category", "")
    state = request.GET.get("state", "")
    if category in Category.values:
        records = records.filter(category=category)
    if state in RecordState.values:
        records = records.filter(state=state)
    page = page_of(records, request.GET.get("page"), PAGE_SIZE)
    services.query_log_write(
        user=request.user,
        kind=QueryKind.LIST,
        purpose=request.GET.get("purpose", ""),
        parameters=request.GET.dict(),
        records=page.object_list,
    )
    return render(
        request,
        "records/list.html",
        {
            "page": page,
            "rows": [_row(record, request.user) for record in page.object_list],
            "categories": Category.choices,
            "states": RecordState.choices,
            "category": category,
            "state": state,
        },
    )


def _row(record: CreditRecord, user: Any) -> dict[str, Any]:
    """What the list shows of a record, every value looked up here: the template then reads one
    dict per row (a model's attribute costs the template a failed key lookup first)."""
    subject = record.subject
    return {
        "url": reverse("record-detail", args=[record.pk]),
        "decision_no": record.decision_no,
        "decided_on": record.decision_date.isoformat(),
        "title": record.title,
        "subject_name": subject.name,
        "identifier": subject.identifier if may_see_identifier(user, record) else subject.masked_identifier,
        "category": CATEGORY_LABELS.get(record.category, record.category),
        "severity": SEVERITY_LABELS.get(record.severity, record.severity) if record.severity else "",
        "department_name": record.department.name,
        "state": STATE_LABELS.get(record.state, record.state),
        "under_objection": record.under_objection,
        "min_period_end": record.min_period_end.isoformat() if record.min_period_end else "—",
    }


@login_required
@transaction.atomic  # the read and its query-log row together
def record_detail(request, record_id: int):
    record = selectors.record_get(user=request.user, record_id=record_id)
    purpose = request.GET.get("purpose", "")
    services.query_log_write(user=request.user, kind=QueryKind.DETAIL, purpose=purpose, parameters={}, records=[record])
    context = {
        "record": record,
        "identifier_visible": may_see_identifier(request.user, record),
        "history": [_for_people(entry) for entry in selectors.record_history_for(record, request.user)],
    }
    if request.user.is_staff_role:  # the record's duties and their clocks, as a case's are shown
        calendar, today = work_calendar(), timezone.localdate()
        deadlines = case_deadlines(record).order_by("id")
        context.update(
            today=today,
            duties_shown=True,
            deadlines=[
                {"deadline": deadline, **deadline_as_json(deadline, calendar=calendar, today=today)}
                for deadline in deadlines
            ],
        )
    return render(request, "records/detail.html", context)


_RECORD_FIELDS = {field.name: field for field in CreditRecord._meta.fields}


def _shown(field, value):
    """A value as a person reads it: the label of a choice, yes or no for a flag."""
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _for_people(entry: dict) -> dict:
    """A history entry with each field's label and values as a person reads them."""
    changes = []
    for change in entry["changes"]:
        field = _RECORD_FIELDS.get(change["field"])
        changes.append(
            {
                "label": field.verbose_name if field else change["field"],
                "old": _shown(field, change["old"]),
                "new": _shown(field, change["new"]),
            }
        )
    return {**entry, "changes": changes}


@login_required
def query_log(request):
    page = page_of(selectors.query_logs_visible_to(request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "records/query_log.html", {"page": page})
