"""Pages over the registry, scoped and logged exactly as the API is."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import exceptions as drf

from repairflow.calendar.selectors import work_calendar
from repairflow.core.errors import Invalid, get_or_not_found
from repairflow.core.identifiers import identifier_listed
from repairflow.core.paging import page_of
from repairflow.core.permissions import Role
from repairflow.deadlines.selectors import deadline_as_json
from repairflow.deadlines.services import case_deadlines
from repairflow.records import selectors, services, statements
from repairflow.records.api import CreditCheckInputSerializer
from repairflow.records.evidence import credit_check_pdf_response
from repairflow.records.forms import CreditCheckForm, StatementForm
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
            "rows": [_row(record) for record in page.object_list],
            "categories": Category.choices,
            "states": RecordState.choices,
            "category": category,
            "state": state,
            "purpose": request.GET.get("purpose", "").strip(),  # carried to the records it lists
        },
    )


def _row(record: CreditRecord) -> dict[str, Any]:
    """What the list shows of a record, every value looked up here: the template then reads one
    dict per row (a model's attribute costs the template a failed key lookup first)."""
    subject = record.subject
    return {
        "url": reverse("record-detail", args=[record.pk]),
        "decision_no": record.decision_no,
        "decided_on": record.decision_date.isoformat(),
        "title": record.title,
        "subject_name": subject.name,
        "identifier": identifier_listed(subject.identifier, subject.subject_type),
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
    return _record_page(request, record_id)


def _record_page(request, record_id: int, *, statement_form: StatementForm | None = None, status: int = 200):
    """The record as `request.user` may see it, its look-up logged; for its subject, the form of
    its statement (`statement_form`, bound when a submission was refused)."""
    record = selectors.record_get(user=request.user, record_id=record_id)
    purpose = request.GET.get("purpose", "")
    try:
        services.query_log_write(
            user=request.user, kind=QueryKind.DETAIL, purpose=purpose, parameters={}, records=[record]
        )
    except Invalid as error:  # staff opening a natural person's record name their purpose first
        return render(
            request, "records/purpose.html", {"record": record, "errors": error.fields["purpose"]}, status=400
        )
    context = {
        "record": record,
        "identifier_visible": may_see_identifier(request.user, record),
        "history": selectors.record_history(record, request.user),
    }
    if request.user.role == Role.SUBJECT:
        context["statement_form"] = statement_form or StatementForm(initial={"text": record.subject_statement or ""})
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
    return render(request, "records/detail.html", context, status=status)


STATEMENT_SAVED = _("Your statement is saved; it is shown with the record.")
STATEMENT_DELETED = _("Your statement is removed.")


@login_required
@require_POST
def record_statement(request, record_id: int):
    """The subject writes or removes its statement on its record, through the API's own use-case
    (other subjects: 404; staff: 403); refused input shows the record again with the error."""
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            record = statements.record_statement_set(
                actor=request.user, record_id=record_id, text=form.cleaned_data["text"]
            )
        except Invalid as error:
            for name, errors in error.fields.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, STATEMENT_SAVED if record.subject_statement else STATEMENT_DELETED)
            return redirect(record)
    with transaction.atomic():
        return _record_page(request, record_id, statement_form=form, status=400)


@login_required
def query_log(request):
    page = page_of(selectors.query_logs_visible_to(request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "records/query_log.html", {"page": page})


# --- Credit checks (逢办必查) ------------------------------------------------------------------

CHECK_DONE = _("Credit check #%(number)d kept.")


def _staff_only(user: Any) -> None:
    """The credit-check pages are staff's: anyone else finds nothing there."""
    if not user.is_staff_role:
        raise Http404


@login_required
def credit_check_list(request):
    """The caller's credit checks, newest first, each with its PDF; departments and the office run
    a new one here in a matter of their list, through the API's own path."""
    _staff_only(request.user)
    may_check = request.user.role in (Role.DEPARTMENT, Role.OFFICE)
    form = CreditCheckForm(request.POST or None, user=request.user) if may_check else None
    status = 200
    if request.method == "POST":
        if not may_check:
            raise PermissionDenied
        if form.is_valid():
            body = CreditCheckInputSerializer(data=form.cleaned_data)
            try:
                body.is_valid(raise_exception=True)
                check = services.credit_check_run(actor=request.user, **body.validated_data)
            except drf.ValidationError as error:
                for name, errors in error.detail.items():
                    form.add_error(name if name in form.fields else None, [str(message) for message in errors])
                status = 400
            except Invalid as error:
                for name, errors in error.fields.items():
                    form.add_error(name if name in form.fields else None, errors)
                status = 400
            else:
                messages.success(request, CHECK_DONE % {"number": check.pk})
                return redirect("credit-check-list")
        else:
            status = 400
    page = page_of(selectors.credit_checks_visible_to(request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "records/credit_checks.html", {"page": page, "form": form}, status=status)


@login_required
def credit_check_pdf_download(request, check_id: int):
    """The check's PDF, for whoever may see the check (anyone else: 404)."""
    check = get_or_not_found(selectors.credit_checks_visible_to(request.user), pk=check_id)
    return credit_check_pdf_response(viewer=request.user, check=check)
