"""The credit office's pages: the desk (`/office/`, the same figures as the API) and the calendar
(`/office/calendar/`: the loaded years, and next year's schedule checked, shown with the deadlines
it would move, then loaded)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import calendar_years, work_calendar
from repairflow.cases.services import today
from repairflow.core.paging import page_of
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.services import calendar_year_load, deadlines_moved_by
from repairflow.objections.models import ObjectionState
from repairflow.office.charts import on_time_bars, weekly_lines
from repairflow.office.forms import BulkForm, CalendarLoadForm, PeriodForm, ReasonForm
from repairflow.office.queue import QueueFilter, queue_rows, queue_visible_to
from repairflow.office.selectors import desk, desk_check
from repairflow.office.services import BulkReport, deadlines_extend, deadlines_remind, deliveries_requeue_failed
from repairflow.office.statistics import figures_named, statistics, weekly_trend
from repairflow.repair.models import RepairState

STATE_LABELS = {"objection": dict(ObjectionState.choices), "repair": dict(RepairState.choices)}
CASE_LISTS = {"objection": "objection-list", "repair": "repair-list"}


@login_required
def office_desk(request):
    desk_check(request.user)
    figures = desk(today())
    # each state with its count, and the kind's list of the cases in it (where there are some)
    open_cases = {
        kind: [
            (STATE_LABELS[kind][state], count, f"{reverse(CASE_LISTS[kind])}?{urlencode({'state': state})}")
            for state, count in states.items()
        ]
        for kind, states in figures["open"].items()
    }
    last_month = today().replace(day=1) - timedelta(days=1)
    months = [last_month.strftime("%Y-%m"), today().strftime("%Y-%m")]
    return render(
        request,
        "office/desk.html",
        {"desk": figures, "open_cases": open_cases, "report_months": months},
    )


YEAR_LOADED = _("The schedule for %(year)d is loaded; %(moved)d open deadlines moved.")


@login_required
def office_calendar(request):
    """GET: the loaded years and an empty form for next year. POST `preview`: the schedule checked
    and the open deadlines it would move, by how much, nothing saved. POST `load` (the office):
    loaded, every open deadline it touches recomputed."""
    desk_check(request.user)
    moves = None
    form = CalendarLoadForm(request.POST or None, initial={"year": today().year + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "load" in request.POST:
            require_role(request.user, Role.OFFICE)
            load = calendar_year_load(
                year=data["year"],
                days=data["days"],
                source=data["source"],
                confirmed=data["confirmed"],
                actor=request.user,
            )
            messages.success(request, YEAR_LOADED % {"year": data["year"], "moved": len(load.moved)})
            return redirect("office-calendar")
        moves = [
            {"move": move, "later_by": (move.new_due_on - move.old_due_on).days}
            for move in deadlines_moved_by(year=data["year"], days=data["days"], confirmed=data["confirmed"])
        ]
    return render(
        request,
        "office/calendar.html",
        {"form": form, "years": calendar_years(), "moves": moves, "may_load": request.user.role == Role.OFFICE},
    )


QUEUE_PAGE_SIZE = 50
DONE = _("Done for %(count)d: %(items)s.")
REFUSED = _("Not done for %(item)s: %(why)s")
FORM_REFUSED = _("Nothing was done: see the form.")


def _tell(request, report: BulkReport) -> None:
    if report.done:
        items = "、".join(dict.fromkeys(report.done))
        messages.success(request, DONE % {"count": len(report.done), "items": items})
    for item, why in report.refused:
        messages.error(request, REFUSED % {"item": item, "why": why})


@login_required
def office_queue(request):
    """GET: every open duty the viewer works from, searched, filtered and sorted by last day.
    POST (the office): an action on the ticked deadlines, with a reason; back to the same list."""
    visible = queue_visible_to(request.user)
    bulk = BulkForm(request.POST or None, deadlines=visible)
    if request.method == "POST":
        require_role(request.user, Role.OFFICE)
        if bulk.is_valid():
            data = bulk.cleaned_data
            ids = [deadline.pk for deadline in data["deadline"]]
            if data["action"] == BulkForm.EXTEND:
                report = deadlines_extend(actor=request.user, ids=ids, days=data["days"], reason=data["reason"])
            else:
                report = deadlines_remind(actor=request.user, ids=ids, reason=data["reason"])
            _tell(request, report)
            return redirect(request.get_full_path())
        messages.error(request, FORM_REFUSED)
    day = today()
    filters = QueueFilter(request.GET or None, queryset=visible.select_related("department"), today=day)
    page = page_of(filters.qs, request.GET.get("page"), QUEUE_PAGE_SIZE)
    rows = queue_rows(list(page.object_list), calendar=work_calendar(), today=day)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "today": day,
        "bulk": bulk,
        "may_act": request.user.role == Role.OFFICE,
        "ticked": {str(pk) for pk in request.POST.getlist("deadline")},
    }
    return render(request, "office/queue.html", context, status=400 if bulk.errors else 200)


@login_required
def office_requeue_deliveries(request):
    """POST (the office): every failed delivery sent again, with a reason; back to the desk."""
    desk_check(request.user)
    require_role(request.user, Role.OFFICE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _tell(request, deliveries_requeue_failed(actor=request.user, reason=form.cleaned_data["reason"]))
    elif request.method == "POST":
        messages.error(request, FORM_REFUSED)
    return redirect("office-desk")


@login_required
def office_statistics(request):
    """A period's statistics (this month so far by default), with its charts."""
    desk_check(request.user)
    day = today()
    form = PeriodForm(request.GET or {"start": day.replace(day=1), "end": day})
    figures = weeks = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        figures = statistics(start, end, today=day)
        weeks = weekly_trend(start, end)
    context = {
        "form": form,
        "figures": figures,
        "named": figures_named(figures) if figures else None,
        "weeks": weeks,
        "on_time_chart": on_time_bars(figures["departments"]) if figures else None,
        "trend_chart": weekly_lines(weeks) if weeks else None,
    }
    return render(request, "office/statistics.html", context, status=200 if figures else 400)
