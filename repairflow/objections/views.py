"""The objection pages (design/api.md "Objections"): the caller's objections (a department's
queue), filing one, the case with everything about it, its notices, and one form per action the
caller may take. Scoped as the API is (what a user may not see is 404), and acting through the
API's own path (`api.objection_act`, `api.ObjectionCreateSerializer`), so that a page is refused
for the same reasons, in the user's language, with the API's status: 400, 403, 409, 413, 415."""

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import exceptions as drf

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import working_days_left
from repairflow.core.case_api import DeadlineSerializer, case_notice_response
from repairflow.core.cases import case_notices, case_timeline, cases_overdue
from repairflow.core.errors import DomainError, TooLarge, UnsupportedType
from repairflow.core.flows import available_actions, transition_check
from repairflow.core.models import Role
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import attachment_upload
from repairflow.deadlines.services import case_deadlines
from repairflow.objections import api, selectors, services
from repairflow.objections.flows import RECEIVED, ObjectionFlow
from repairflow.objections.forms import ACTION_FORMS, ActionForm, ObjectionForm, OutcomeForm
from repairflow.objections.models import OPEN_STATES, OUTCOMES_WITH_FIELDS, Objection, ObjectionState, Outcome
from repairflow.records.models import CreditRecord
from repairflow.records.selectors import record_get, records_visible_to
from repairflow.records.serializers import may_see_identifier, record_correction_validate

PAGE_SIZE = 25

FILED = _("Objection %(number)s has been filed. The receipt is below.")
DONE = _("Done: %(action)s.")
CORRECT_THE_FORM = _("Correct what the form below says and send it again.")
ROLE_MAY_NOT_FILE = _("Only the record's subject or the credit office may file an objection.")
SYSTEM = _("the system")
NO_STATE = "—"

# The timeline names each step as the case's history does.
STEP_LABELS = {"submit": RECEIVED, **ObjectionFlow.REASONS}
REFUSALS = (DjangoValidationError, drf.ValidationError, PermissionDenied, drf.PermissionDenied, DomainError)


# --- Helpers ------------------------------------------------------------------------------------


def _status(error: Exception) -> int:
    if isinstance(error, DomainError):
        return error.status
    if isinstance(error, PermissionDenied | drf.PermissionDenied):
        return 403
    return 400


def _flatten(errors: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every message of a refusal with the path of names it belongs to (() for the whole form)."""
    if isinstance(errors, DjangoValidationError):
        if hasattr(errors, "error_dict"):
            yield from _flatten(errors.error_dict, path)
        else:
            for message in errors:
                yield path, str(message)
    elif isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, (*path, str(key)))
    elif isinstance(errors, list | tuple):
        for value in errors:
            yield from _flatten(value, path)
    else:
        yield path, str(errors)


def _messages(error: Exception) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(error, DomainError | drf.PermissionDenied):
        return [((), str(error.detail))]
    if isinstance(error, PermissionDenied):
        return [((), str(error.args[0] if error.args else ROLE_NOT_ALLOWED))]
    if isinstance(error, drf.ValidationError):
        return list(_flatten(error.detail))
    return list(_flatten(error))


def _field(form: Any, path: tuple[str, ...]) -> str | None:
    """The form's field a refusal's message belongs next to (None: the form as a whole)."""
    if not path:
        return None
    name = path[0]
    if name == "corrected_fields" and len(path) > 1 and f"corrected_{path[1]}" in form.fields:
        return f"corrected_{path[1]}"
    if name == "attachments" and "files" in form.fields:
        return "files"
    return name if name in form.fields else None


def _refuse(form: Any, error: Exception) -> int:
    """Show the refusal on the form; the HTTP status it answers with."""
    for path, message in _messages(error):
        form.add_error(_field(form, path), message)
    return _status(error)


def _upload(user: Any, uploads: list) -> tuple[list[int], list[tuple[str, DomainError]]]:
    """Keep each file as an attachment; those refused (too large, not an allowed type) are named."""
    ids, refused = [], []
    for upload in uploads:
        try:
            ids.append(attachment_upload(actor=user, upload=upload).pk)
        except (TooLarge, UnsupportedType) as error:
            refused.append((upload.name, error))
    return ids, refused


def _rebound(form: Any, attachment_ids: list[int]) -> Any:
    """The same form, its files now uploaded: they are offered again (ticked) instead of lost."""
    data = form.data.copy()
    data.setlist("attachments", [str(pk) for pk in attachment_ids])
    kwargs = (
        {"user": form.user} if isinstance(form, ObjectionForm) else {"objection": form.objection, "user": form.user}
    )
    rebound = type(form)(data, **kwargs)
    rebound.is_valid()
    return rebound


def _with_uploads(form: Any, user: Any) -> tuple[Any, list[int], int | None]:
    """Upload the form's new files. The form to show (with the uploaded files kept), the ids of
    every attachment it carries, and the refusal's status when a file was refused."""
    kept = [attachment.pk for attachment in form.cleaned_data.get("attachments") or []]
    ids, refused = _upload(user, form.cleaned_data.get("files") or [])
    attachment_ids = list(dict.fromkeys([*kept, *ids]))
    if ids or refused:
        form = _rebound(form, attachment_ids)
    for name, error in refused:
        form.add_error("files", f"{name}: {error.detail}")
    return form, attachment_ids, refused[0][1].status if refused else None


def _identifier(user: Any, record: CreditRecord) -> str:
    subject = record.subject
    return subject.identifier if may_see_identifier(user, record) else subject.masked_identifier


# --- The list -----------------------------------------------------------------------------------


@login_required
def objection_list(request):
    """The caller's objections. A department's is its queue: the verification due first on top,
    so the overdue come first; the office and auditors can filter by state and overdue."""
    user = request.user
    today = timezone.localdate()
    objections = selectors.objections_queue(user).select_related("record__subject", "record__department", "subject")
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue", "") in ("1", "true", "on")
    if state in ObjectionState.values:
        objections = objections.filter(state=state)
    if overdue:
        objections = cases_overdue(objections, today=today)
    if user.role == Role.SUBJECT:
        objections = objections.order_by("-created_at", "-id")
    page = Paginator(objections, PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = work_calendar()
    rows = []
    for objection in page.object_list:
        days_left = None if objection.due_on is None else working_days_left(calendar, today, objection.due_on)
        rows.append(
            {
                "objection": objection,
                "identifier": _identifier(user, objection.record),
                "due_on": objection.due_on,
                "days_left": days_left,
                "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
                "overdue": objection.due_on is not None and objection.due_on < today,
            }
        )
    return render(
        request,
        "portal/objection_list.html",
        {
            "page": page,
            "rows": rows,
            "states": ObjectionState.choices,
            "state": state,
            "overdue": overdue,
            "is_queue": user.role == Role.DEPARTMENT,
        },
    )


# --- Filing -------------------------------------------------------------------------------------


def _submit(user: Any, record: CreditRecord, data: dict) -> Objection:
    """File as `POST /api/v1/objections/` does (the office files for the record's subject)."""
    body = {"record": record.pk, **data}
    if user.role == Role.OFFICE:
        body["subject_id"] = record.subject.identifier
    serializer = api.ObjectionCreateSerializer(data=body, context={"actor": user})
    serializer.is_valid(raise_exception=True)
    return services.objection_submit(actor=user, **serializer.validated_data)


@login_required
def objection_new(request):
    user = request.user
    record = record_get(user=user, record_id=request.GET.get("record"))
    context = {
        "record": record,
        "identifier": _identifier(user, record),
        "open_objection": selectors.objections_visible_to(user).filter(record=record, state__in=OPEN_STATES).first(),
    }
    if user.role not in (Role.SUBJECT, Role.OFFICE):
        return render(request, "portal/refused.html", {**context, "message": ROLE_MAY_NOT_FILE}, status=403)
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES, user=user)
        status = 400
        if form.is_valid():
            form, attachment_ids, refused = _with_uploads(form, user)
            if refused:
                status = refused
            else:
                try:
                    objection = _submit(user, record, form.api_data(attachment_ids))
                except REFUSALS as error:
                    status = _refuse(form, error)
                else:
                    messages.success(request, FILED % {"number": objection.number})
                    return redirect(objection)
    else:
        form = ObjectionForm(user=user)
    return render(request, "portal/objection_new.html", {**context, "form": form}, status=status)


# --- The case -----------------------------------------------------------------------------------


def _shown(field_name: str, value: Any) -> Any:
    field = _RECORD_FIELDS.get(field_name)
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


_RECORD_FIELDS = {field.name: field for field in CreditRecord._meta.fields}


def _corrections(corrected_fields: dict) -> list[dict]:
    return [
        {
            "label": _RECORD_FIELDS[name].verbose_name if name in _RECORD_FIELDS else name,
            "value": _shown(name, value),
        }
        for name, value in (corrected_fields or {}).items()
    ]


def _state_label(value: str) -> Any:
    return dict(ObjectionState.choices).get(value, value or NO_STATE)


def _outcome_label(value: str) -> Any:
    return dict(Outcome.choices).get(value, value)


def _detail_context(request, objection: Objection, failed: dict | None = None) -> dict:
    user = request.user
    calendar, today = work_calendar(), timezone.localdate()
    clock_context = {"calendar": calendar, "today": today}
    deadlines = [
        {"deadline": deadline, **DeadlineSerializer(deadline, context=clock_context).data}
        for deadline in case_deadlines(objection).select_related("department", "subject").order_by("id")
    ]
    timeline = [
        {
            "transition": transition,
            "label": STEP_LABELS.get(transition.action, transition.action),
            "source": _state_label(transition.source),
            "target": _state_label(transition.target),
        }
        for transition in case_timeline(objection)
    ]
    verifications = [
        {
            "verification": verification,
            "outcome": _outcome_label(verification.outcome),
            "corrections": _corrections(verification.corrected_fields),
        }
        for verification in objection.verifications.select_related("department", "replied_by").prefetch_related(
            "attachments"
        )
    ]
    notices = [
        {"notice": notice, "url": reverse("objection-notice-pdf", args=[objection.number, notice.kind])}
        for notice in case_notices(objection).order_by("issued_at", "id")
    ]
    failed = failed or {}
    forms = []
    for action in available_actions(ObjectionFlow(objection, actor=user), user):
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            continue
        form = failed["form"] if failed.get("action") == action else form_class(objection=objection, user=user)
        forms.append(form)
    return {
        "objection": objection,
        "record": objection.record,
        "record_visible": records_visible_to(user).filter(pk=objection.record_id).exists(),
        "identifier": _identifier(user, objection.record),
        "attachments": list(objection.attachments.all()),
        "outcome": _outcome_label(objection.outcome),
        "corrections": _corrections(objection.corrected_fields),
        "verifications": verifications,
        "deadlines": deadlines,
        "timeline": timeline,
        "notices": notices,
        "forms": forms,
        "failed": failed,
        "today": today,
        "system": SYSTEM,
    }


@login_required
def objection_detail(request, number: str):
    objection = selectors.objection_get(user=request.user, number=number)
    return render(request, "portal/objection_detail.html", _detail_context(request, objection))


@login_required
def objection_notice_pdf(request, number: str, kind: str):
    return case_notice_response(selectors.objection_get(user=request.user, number=number), kind)


def _check_corrections(objection: Objection, data: dict) -> None:
    """The corrected fields judged as the service judges them, each refusal named by its field."""
    corrected = data.get("corrected_fields")
    if corrected and data.get("outcome") in OUTCOMES_WITH_FIELDS:
        try:
            record_correction_validate(objection.record, corrected)
        except drf.ValidationError as error:
            raise drf.ValidationError({"corrected_fields": error.detail}) from error


@require_POST
@login_required
def objection_action(request, number: str, action: str):
    """Take an action as `POST /api/v1/objections/{number}/{action}/` does; a refusal shows the
    case again with the form as it was sent and the reason next to it."""
    user = request.user
    objection = selectors.objection_get(user=user, number=number)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form: ActionForm = form_class(request.POST, request.FILES, objection=objection, user=user)

    def refused(form: ActionForm, status: int, error: Any) -> HttpResponse:
        failed = {"action": action, "form": form, "label": form.label, "error": error}
        return render(
            request, "portal/objection_detail.html", _detail_context(request, objection, failed), status=status
        )

    # Who and when first (403, 409), before the body is judged or a file is kept.
    try:
        transition_check(ObjectionFlow(objection, actor=user), action, user=user)
    except REFUSALS as error:
        return refused(form, _status(error), " ".join(message for _path, message in _messages(error)))
    if not form.is_valid():
        return refused(form, 400, CORRECT_THE_FORM)
    attachment_ids: list[int] = []
    if form.has_files:
        form, attachment_ids, status = _with_uploads(form, user)
        if status:
            return refused(form, status, CORRECT_THE_FORM)
    data = form.api_data(attachment_ids)
    try:
        if isinstance(form, OutcomeForm):
            _check_corrections(objection, data)
        api.objection_act(actor=user, number=objection.number, objection_action=action, data=data)
    except REFUSALS as error:
        status = _refuse(form, error)
        whole = [message for path, message in _messages(error) if _field(form, path) is None]
        return refused(form, status, " ".join(whole) if whole else CORRECT_THE_FORM)
    messages.success(request, DONE % {"action": form.label})
    return redirect(objection)
