"""The credit office's pages: the desk (`/office/`, the same figures as the API) and the calendar
(`/office/calendar/`: the loaded years, and next year's schedule checked, shown with the deadlines
it would move, then loaded)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import calendar_years, work_calendar
from repairflow.cases.services import today
from repairflow.core.paging import page_of
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.services import calendar_year_load, deadlines_moved_by
from repairflow.objections.models import ObjectionState
from repairflow.office.forms import CalendarLoadForm
from repairflow.office.queue import QueueFilter, queue_rows, queue_visible_to
from repairflow.office.selectors import desk, desk_check
from repairflow.repair.models import RepairState

STATE_LABELS = {"objection": dict(ObjectionState.choices), "repair": dict(RepairState.choices)}


@login_required
def office_desk(request):
    desk_check(request.user)
    figures = desk(today())
    open_cases = {
        kind: [(STATE_LABELS[kind][state], count) for state, count in states.items()]
        for kind, states in figures["open"].items()
    }
    return render(
        request,
        "office/desk.html",
        {"desk": figures, "open_cases": open_cases},
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


@login_required
def office_queue(request):
    """Every open duty the viewer works from, searched, filtered and sorted by last day."""
    clocks = queue_visible_to(request.user).select_related("department")
    day = today()
    filters = QueueFilter(request.GET or None, queryset=clocks, today=day)
    page = page_of(filters.qs, request.GET.get("page"), QUEUE_PAGE_SIZE)
    rows = queue_rows(list(page.object_list), calendar=work_calendar(), today=day)
    return render(request, "office/queue.html", {"filters": filters, "page": page, "rows": rows, "today": day})
