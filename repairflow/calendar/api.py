"""Calendar endpoints (docs/api.md "Calendar"): a deadline computed on the working-day calendar,
and a year's official schedule (loading one, which moves open deadlines, is the legal clock's:
`repairflow.deadlines.api.CalendarYearLoadView`)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.calendar import selectors
from repairflow.calendar.models import CalendarYear
from repairflow.calendar.schedule import FIRST_YEAR, LAST_YEAR, within_the_calendar
from repairflow.calendar.workdays import add_working_days, explain

MAX_DAYS = 366


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.DateField(validators=[within_the_calendar])
    days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS)


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    counted_from = serializers.DateField(help_text="The start, or the next working day when it is not one.")
    due_on = serializers.DateField()
    provisional = serializers.BooleanField(help_text="True when a year without a confirmed schedule was touched.")
    calendar_version = serializers.IntegerField()
    explanation = serializers.ListField(child=serializers.CharField())


class DeadlineView(APIView):
    """`GET /api/v1/calendar/deadline/?start=YYYY-MM-DD&days=N`: the last day of a period of N
    working days from `start` (that day not counted), with the days skipped and why."""

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineSerializer)
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        calendar = selectors.work_calendar()
        result = add_working_days(calendar, query.validated_data["start"], query.validated_data["days"])
        return Response(
            DeadlineSerializer(
                {
                    "start": result.start,
                    "days": query.validated_data["days"],
                    "counted_from": result.counted_from,
                    "due_on": result.due_on,
                    "provisional": result.provisional,
                    "calendar_version": calendar.version,
                    "explanation": explain(result.notes, result.due_on),
                }
            ).data
        )


class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    # Names are checked with the rest of the schedule (repairflow/calendar/schedule.py).
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    confirmed = serializers.BooleanField()
    source = serializers.CharField()
    version = serializers.IntegerField(help_text="0 when no schedule is loaded for the year.")
    days = SpecialDaySerializer(many=True, help_text="The days the schedule names: holidays and make-up working days.")


def year_document(year: int, calendar_year: CalendarYear | None) -> dict:
    if calendar_year is None:
        return {"year": year, "confirmed": False, "source": "", "version": 0, "days": []}
    return {
        "year": year,
        "confirmed": calendar_year.confirmed,
        "source": calendar_year.source,
        "version": calendar_year.version,
        "days": list(calendar_year.days.all()),
    }


class CalendarYearView(APIView):
    """`GET /api/v1/calendar/{year}/`: the year's schedule (named days only; an unloaded year
    has none and is not confirmed)."""

    def _year(self, year: int) -> int:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        return year

    @extend_schema(responses=CalendarYearSerializer)
    def get(self, request, year: int):
        year = self._year(year)
        return Response(CalendarYearSerializer(year_document(year, selectors.calendar_year_get(year))).data)
