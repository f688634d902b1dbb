"""The working-day calendar as a page: a year's official schedule and a deadline calculator."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar import selectors
from repairflow.calendar.api import MAX_DAYS
from repairflow.calendar.schedule import FIRST_YEAR, LAST_YEAR, within_the_calendar
from repairflow.calendar.workdays import add_working_days, explain


class DeadlineForm(forms.Form):
    start = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}), validators=[within_the_calendar]
    )
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=MAX_DAYS, initial=3)


def calendar_year(request, year: int | None = None):
    year = year or timezone.localdate().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    form = DeadlineForm(request.GET or None, initial={"start": timezone.localdate()})
    result = explanation = None
    if form.is_valid():
        result = add_working_days(selectors.work_calendar(), form.cleaned_data["start"], form.cleaned_data["days"])
        explanation = explain(result.notes, result.due_on)
    return render(
        request,
        "calendar/year.html",
        {
            "year": year,
            "calendar_year": selectors.calendar_year_get(year),
            "form": form,
            "result": result,
            "explanation": explanation,
        },
    )
