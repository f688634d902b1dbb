from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from repairflow.objections import selectors


@login_required
def objection_detail(request, number: str):
    objection = selectors.objection_get(user=request.user, number=number)
    return render(request, "portal/objection_detail.html", {"objection": objection})
