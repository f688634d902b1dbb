"""What the pages of every kind of case share (objections, repair applications): the caller's
list (a department's queue), filing a case, the case with its clocks, timeline, notices and one
form per action the caller may take, and taking an action. Pages act through the API's own
path (the kind's create serializer and filing service, `cases.api.case_action_run`), so that a page is refused for the
same reasons, in the user's language, with the API's status: 400, 403, 409, 413, 415; the form
is shown again with everything typed and every file uploaded kept."""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import exceptions as drf

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import working_days_left
from repairflow.cases.api import (
    CaseViewSet,
    case_action_run,
    case_notice_response,
    deadline_as_json,
    with_everything_shown,
)
from repairflow.cases.flows import CaseFlow
from repairflow.cases.forms import CONFIRMED, ActionForm, CaseForm, FeedbackForm
from repairflow.cases.kinds import CaseKind
from repairflow.cases.models import Case
from repairflow.cases.selectors import cases_overdue
from repairflow.cases.services import case_feedback_give, case_feedback_open, case_reads_log
from repairflow.core.api import status_of
from repairflow.core.attachments import file_name_safe
from repairflow.core.errors import DomainError, Invalid, NotFound, TooLarge, UnsupportedType, get_or_not_found
from repairflow.core.flows import available_actions, transition_check
from repairflow.core.paging import page_of
from repairflow.core.permissions import Role
from repairflow.core.services import attachment_upload
from repairflow.deadlines.services import CaseClocks
from repairflow.records.models import CreditRecord, QueryKind
from repairflow.records.outbox import case_ledger
from repairflow.records.selectors import may_see_identifier, record_get, record_history, records_visible_to

PAGE_SIZE = 25

DONE = _("Done: %(action)s.")
FEEDBACK_THANKS = _("Thank you: your feedback has been kept.")
GIVE_FEEDBACK = _("Give feedback")
CORRECT_THE_FORM = _("Correct what the form below says and send it again.")
SYSTEM = _("the system")
NO_STATE = "—"
FILERS = (Role.SUBJECT, Role.OFFICE)

REFUSALS = (DomainError, drf.ValidationError)
Path = tuple[str, ...]


# --- Refusals -----------------------------------------------------------------------------------


def refusal_status(error: Exception) -> int:
    return status_of(error) if isinstance(error, DomainError) else 400


def _flatten(errors: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every message of a refusal with the path of names it belongs to (() for the whole form)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, (*path, str(key)))
    elif isinstance(errors, list | tuple):
        for value in errors:
            yield from _flatten(value, path)
    else:
        yield path, str(errors)


def refusal_messages(error: Exception) -> list[tuple[Path, str]]:
    if isinstance(error, Invalid):
        return list(_flatten(error.fields))
    if isinstance(error, DomainError):
        return [((), str(error.detail))]
    return list(_flatten(error.detail))


def refuse(form: CaseForm, error: Exception) -> int:
    """Show the refusal on the form, each message next to its field; the HTTP status it answers with."""
    for path, message in refusal_messages(error):
        form.add_error(form.error_field(path), message)
    return refusal_status(error)


# --- Uploads ------------------------------------------------------------------------------------


def _upload(user: Any, uploads: list) -> tuple[list[int], list[tuple[str, DomainError]]]:
    """Keep each file as an attachment; those refused (too large, not an allowed type, not
    readable as the type it begins like) are named, by their names made safe."""
    ids, refused = [], []
    for upload in uploads:
        try:
            ids.append(attachment_upload(actor=user, upload=upload).pk)
        except (TooLarge, UnsupportedType, Invalid) as error:
            refused.append((file_name_safe(upload.name), error))
    return ids, refused


def with_uploads(form: CaseForm, user: Any) -> tuple[CaseForm, dict[str, list[int]], int | None]:
    """Upload the form's new files, group by group. The form to show (the uploaded files kept),
    the ids each group now carries (by the name of its kept-files field), and the refusal's
    status when a file was refused."""
    attachments: dict[str, list[int]] = {}
    refused: list[tuple[str, str, DomainError]] = []
    uploaded = False
    for files, kept in form.file_groups:
        kept_ids = [attachment.pk for attachment in form.cleaned_data.get(kept) or []]
        ids, refused_here = _upload(user, form.cleaned_data.get(files) or [])
        attachments[kept] = list(dict.fromkeys([*kept_ids, *ids]))
        uploaded = uploaded or bool(ids or refused_here)
        refused += [(files, name, error) for name, error in refused_here]
    if uploaded:
        form = form.rebound(attachments)
    for files, name, error in refused:
        form.add_error(files, f"{name}: {error.detail}")
    return form, attachments, status_of(refused[0][2]) if refused else None


# --- What every case page shows -----------------------------------------------------------------


def identifier_shown(user: Any, record: CreditRecord) -> str:
    subject = record.subject
    return subject.identifier if may_see_identifier(user, record) else subject.masked_identifier


def _truthy(value: str) -> bool:
    return value in ("1", "true", "on")


def _state_label(states: type[TextChoices], value: str) -> Any:
    return dict(states.choices).get(value, value or NO_STATE)


class CasePages:
    """The pages of one kind of case: list, new, detail, notice PDF, action, feedback (`views()`).
    A subclass names its kind (`<kind>-detail`, `portal/<kind>_detail.html`, ...), the API
    viewset whose serializer, selectors and filing service the pages share, its states, its
    action forms, its queue and its messages; `act` runs an action as the kind's API does, and
    `detail_context` adds what only that kind shows."""

    viewset: type[CaseViewSet]
    states: type[TextChoices]
    open_states: tuple
    received: Any  # the history's reason for a filed case: the timeline's name of its filing
    filing_form: type[CaseForm]
    action_forms: Mapping[str, type[ActionForm]]
    queue: Callable[[Any], QuerySet]  # staticmethod(...): the user's cases, a department's queue first due first
    filed: Any  # "... %(number)s has been filed ..."
    may_not_file: Any

    def act(self, user: Any, case: Case, action: str, data: dict) -> Case:
        """Run the action as `POST /api/v1/<kind>/{number}/{action}/` does, with its checks."""
        return case_action_run(
            case=case,
            bodies=self.viewset.action_bodies,
            actor=user,
            action=action,
            data=data,
        )

    def detail_context(self, request: HttpRequest, case: Case) -> dict:
        return {}

    def filing_initial(self, request: HttpRequest) -> dict:
        """What the filing form starts with, from the page's query (a kind's own fields)."""
        return {}

    @property
    def kind(self) -> CaseKind:
        return self.viewset.kind

    @property
    def name(self) -> str:
        """The kind's name, as its templates and URLs are named (`portal/<name>_detail.html`)."""
        return self.kind.name

    @property
    def flow_class(self) -> type[CaseFlow]:
        return self.kind.flow

    @property
    def step_labels(self) -> Mapping[str, Any]:
        """The timeline names each step as the case's history does."""
        return {"submit": self.received, **self.flow_class.REASONS}

    def get_case(self, user: Any, number: str) -> Case:
        """The case with everything its page shows (else 404)."""
        cases = with_everything_shown(self.kind.visible_to(user), *self.viewset.prefetch)
        return get_or_not_found(cases.select_related(*self.viewset.related), number=number)

    def open_case(self, user: Any, record: CreditRecord) -> Case | None:
        return self.kind.visible_to(user).filter(record=record, state__in=self.open_states).first()

    def _flow(self, case: Case, user: Any) -> CaseFlow:
        return self.flow_class(case, actor=user, clocks=CaseClocks.known(case, case.shown_deadlines))

    def views(self) -> tuple[Callable, ...]:
        """The list, new, detail, notice PDF, action and feedback views, for the kind's urls.py."""
        return (
            login_required(self.list),
            login_required(self.new),
            login_required(self.detail),
            login_required(self.notice_pdf),
            require_POST(login_required(self.action)),
            require_POST(login_required(self.feedback)),
        )

    # --- The list -------------------------------------------------------------------------------

    def list(self, request: HttpRequest) -> HttpResponse:
        """The caller's cases (a department's queue: its clock due first on top, so the overdue
        come first; a subject's newest first), filtered by state and overdue, each with its
        working days left."""
        user, today = request.user, timezone.localdate()
        cases = self.queue(user).select_related("record__subject", "record__department", "subject")
        state = request.GET.get("state", "")
        overdue = _truthy(request.GET.get("overdue", ""))
        if state in self.states.values:
            cases = cases.filter(state=state)
        if overdue:
            cases = cases_overdue(cases, today=today)
        if user.role == Role.SUBJECT:
            cases = cases.order_by("-created_at", "-id")
        page = page_of(cases, request.GET.get("page"), PAGE_SIZE)
        parameters = {"collection": self.name, **request.GET.dict()}
        case_reads_log(user=user, kind=QueryKind.CASE_LIST, cases=page.object_list, parameters=parameters)
        calendar = work_calendar()
        rows = []
        for case in page.object_list:
            days_left = None if case.due_on is None else working_days_left(calendar, today, case.due_on)
            rows.append(
                {
                    "case": case,
                    "due_on": case.due_on,
                    "days_left": days_left,
                    "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
                    "overdue": case.due_on is not None and case.due_on < today,
                }
            )
        context = {
            "page": page,
            "rows": rows,
            "states": self.states.choices,
            "state": state,
            "overdue": overdue,
            "is_queue": user.role == Role.DEPARTMENT,
        }
        return render(request, f"portal/{self.name}_list.html", context)

    # --- Filing ---------------------------------------------------------------------------------

    def file(self, user: Any, record: CreditRecord, data: dict) -> Case:
        """File as `POST /api/v1/<kind>/` does (the office files for the record's subject)."""
        body = {"record": record.pk, **data}
        if user.role == Role.OFFICE:
            body["subject_id"] = record.subject.identifier
        serializer = self.viewset.create_serializer_class(data=body, context={"actor": user})
        serializer.is_valid(raise_exception=True)
        return self.viewset.submit(actor=user, **serializer.validated_data)

    def new(self, request: HttpRequest) -> HttpResponse:
        """`new/?record=<id>`: the form to file a case about one of the subject's records (the
        office files for the subject), or the record's open case (`open_case`)."""
        user = request.user
        record = record_get(user=user, record_id=request.GET.get("record"))
        context = {
            "record": record,
            "identifier": identifier_shown(user, record),
            "open_case": self.open_case(user, record),
        }
        if user.role not in FILERS:
            return render(request, "portal/refused.html", {**context, "message": self.may_not_file}, status=403)
        status = 200
        if request.method == "POST":
            form = self.filing_form(request.POST, request.FILES, user=user)
            valid = form.is_valid()
            # The files are kept even when another field is refused: never chosen twice.
            form, attachments, refused = with_uploads(form, user)
            status = refused or 400
            if valid and not refused:
                try:
                    case = self.file(user, record, form.api_data(attachments))
                except REFUSALS as error:
                    status = refuse(form, error)
                else:
                    self.filed_message(request, case)
                    return redirect(case)
        else:
            form = self.filing_form(initial=self.filing_initial(request), user=user)
        return render(request, f"portal/{self.name}_new.html", {**context, "form": form}, status=status)

    # --- The case -------------------------------------------------------------------------------

    def _feedback_form(self, case: Case, user: Any, failed: dict) -> FeedbackForm | None:
        """The feedback form, for the case's subject once the case is closed and until it gives it."""
        if failed.get("action") == "feedback":
            return failed["form"]
        may_give = (
            user.role == Role.SUBJECT
            and user.credit_subject_id == case.subject_id
            and case.state in self.kind.closed_states
            and not case.shown_feedback
        )
        return FeedbackForm(user=user, auto_id="id_feedback_%s") if may_give else None

    def detail_page(
        self, request: HttpRequest, case: Case, failed: dict | None = None, status: int = 200
    ) -> HttpResponse:
        """The case with its record, clocks (and how each due date was reached), timeline,
        notices and one form per action the caller may take (the refused one as it was sent,
        `failed`), and what only its kind shows."""
        user = request.user
        calendar, today = work_calendar(), timezone.localdate()
        deadlines = [
            {"deadline": deadline, **deadline_as_json(deadline, calendar=calendar, today=today)}
            for deadline in case.shown_deadlines
        ]
        timeline = [
            {
                "transition": transition,
                "label": self.step_labels.get(transition.action, transition.action),
                "source": _state_label(self.states, transition.source),
                "target": _state_label(self.states, transition.target),
            }
            for transition in case.shown_timeline
        ]
        notices = [
            {"notice": notice, "url": reverse(f"{self.name}-notice-pdf", args=[case.number, notice.kind])}
            for notice in case.shown_notices
        ]
        failed = failed or {}
        record_visible = records_visible_to(user).filter(pk=case.record_id).exists()
        forms = [
            failed["form"] if failed.get("action") == action else self.action_forms[action](case=case, user=user)
            for action in available_actions(self._flow(case, user), user)
            if action in self.action_forms
        ]
        context = {
            "case": case,
            "record": case.record,
            "record_visible": record_visible,
            "identifier": identifier_shown(user, case.record),
            "attachments": case.shown_attachments,
            "record_changes": record_history(case.record, user, naming=case.number) if record_visible else [],
            "ledger": case_ledger((self.name, case.number)) if user.is_staff_role else [],
            "deadlines": deadlines,
            "timeline": timeline,
            "notices": notices,
            "forms": forms,
            "feedback": case.shown_feedback[0] if case.shown_feedback else None,
            "feedback_form": self._feedback_form(case, user, failed),
            "feedback_url": reverse(f"{self.name}-feedback", args=[case.number]),
            "action_url": f"{self.name}-action",
            "failed": failed,
            "today": today,
            "system": SYSTEM,
            **self.detail_context(request, case),
        }
        return render(request, f"portal/{self.name}_detail.html", context, status=status)

    def detail(self, request: HttpRequest, number: str) -> HttpResponse:
        case = self.get_case(request.user, number)
        case_reads_log(user=request.user, kind=QueryKind.CASE_DETAIL, cases=[case], parameters={})
        return self.detail_page(request, case)

    def notice_pdf(self, request: HttpRequest, number: str, kind: str) -> HttpResponse:
        return case_notice_response(self.get_case(request.user, number), kind, viewer=request.user)

    # --- Acting ---------------------------------------------------------------------------------

    def action(self, request: HttpRequest, number: str, action: str) -> HttpResponse:
        """Take an action as `POST /api/v1/<kind>/{number}/{action}/` does: who and when first
        (403, 409), then the body (400), the files (413, 415), the service. A refusal shows the
        case again with the form as it was sent and the reason next to it."""
        user = request.user
        case = self.get_case(user, number)
        form_class = self.action_forms.get(action)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, request.FILES, case=case, user=user)

        def refused(form: ActionForm, status: int, error: Any) -> HttpResponse:
            failed = {"action": action, "form": form, "label": form.label, "error": error}
            return self.detail_page(request, case, failed, status)

        try:
            # Checked before any file is stored for it (the service checks again, under the lock).
            transition_check(self._flow(case, user), action, user=user)
        except REFUSALS as error:
            return refused(form, refusal_status(error), " ".join(message for _path, message in refusal_messages(error)))
        valid = form.is_valid()
        attachments: dict[str, list[int]] = {}
        status = None
        if form.file_groups:  # the files are kept even when another field is refused
            form, attachments, status = with_uploads(form, user)
        if not valid or status:
            return refused(form, status or 400, CORRECT_THE_FORM)
        if form.needs_confirmation():
            # A second step, without JavaScript: what was typed, carried to a page that asks.
            context = {"case": case, "form": form, "action_url": f"{self.name}-action", "confirmed": CONFIRMED}
            return render(request, "portal/confirm.html", context)
        data = form.api_data(attachments)
        try:
            form.check(data)
            self.act(user, case, action, data)
        except REFUSALS as error:
            status = refuse(form, error)
            whole = [message for path, message in refusal_messages(error) if form.error_field(path) is None]
            return refused(form, status, " ".join(whole) if whole else CORRECT_THE_FORM)
        messages.success(request, DONE % {"action": form.label})
        return redirect(case)

    def feedback(self, request: HttpRequest, number: str) -> HttpResponse:
        """Give feedback as `POST /api/v1/<kind>/{number}/feedback/` does: the case's subject only
        (else 404), once the case is closed and only once (409), then the rating (400)."""
        user = request.user
        case = self.get_case(user, number)
        form = FeedbackForm(request.POST, user=user, auto_id="id_feedback_%s")
        valid = form.is_valid()
        try:
            if valid:
                case_feedback_give(self.kind, actor=user, number=number, **form.api_data())
            else:
                case_feedback_open(self.kind, actor=user, number=number)
        except NotFound as error:
            raise Http404 from error
        except REFUSALS as error:
            status = refuse(form, error)
            whole = [message for path, message in refusal_messages(error) if form.error_field(path) is None]
        else:
            if valid:
                messages.success(request, FEEDBACK_THANKS)
                return redirect(case)
            status, whole = 400, []
        failed = {
            "action": "feedback",
            "form": form,
            "label": GIVE_FEEDBACK,
            "error": " ".join(whole) or CORRECT_THE_FORM,
        }
        return self.detail_page(request, case, failed, status)

    def filed_message(self, request: HttpRequest, case: Case) -> None:
        """Tell the filer its case is filed (a kind says more when there is more to say)."""
        messages.success(request, self.filed % {"number": case.number})
