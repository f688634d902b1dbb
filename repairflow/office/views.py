"""The credit office's desk as a page (`/office/`): the same figures as the API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from repairflow.cases.services import today
from repairflow.objections.models import ObjectionState
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
