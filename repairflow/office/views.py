"""The credit office's pages: the desk (`/office/`, the same figures as the API) and the calendar
(`/office/calendar/`: the loaded years, and next year's schedule checked, shown with the deadlines
it would move, then loaded)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import calendar_years
from repairflow.cases.services import today
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.services import calendar_year_load, deadlines_moved_by
from repairflow.objections.models import ObjectionState
from repairflow.office.forms import CalendarLoadForm
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
