"""Loading a year's official schedule through the API (docs/api.md "Calendar"): `PUT
/api/v1/calendar/{year}/` (office) replaces the year's named days and recomputes every open
deadline it touches; the answer names each deadline that moved."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from repairflow.calendar.api import CalendarYearSerializer, CalendarYearView, SpecialDaySerializer, year_document
from repairflow.calendar.workdays import SpecialDay
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.services import calendar_year_load


class CalendarYearInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, help_text="When given, must be the year of the URL.")
    confirmed = serializers.BooleanField(default=True)
    source = serializers.CharField(max_length=255)
    days = SpecialDaySerializer(many=True, allow_empty=True)


class MovedDeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.CharField()
    old_due_on = serializers.DateField()
    new_due_on = serializers.DateField()


class CalendarYearLoadSerializer(CalendarYearSerializer):
    deadlines_moved = MovedDeadlineSerializer(many=True)


YEAR_MISMATCH = _("The year in the body must be the year of the URL.")


class CalendarYearLoadView(CalendarYearView):
    """`GET /api/v1/calendar/{year}/` as the calendar answers it; `PUT` (office): load an official
    schedule, which recomputes every open deadline it touches."""

    @extend_schema(request=CalendarYearInputSerializer, responses=CalendarYearLoadSerializer)
    def put(self, request, year: int):
        require_role(request.user, Role.OFFICE)
        year = self._year(year)
        body = CalendarYearInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("year", year) != year:
            raise serializers.ValidationError({"year": [YEAR_MISMATCH]})
        load = calendar_year_load(
            year=year,
            days=[SpecialDay(day["date"], day["is_workday"], day["name"]) for day in data["days"]],
            source=data["source"],
            confirmed=data["confirmed"],
            actor=request.user,
        )
        document = year_document(year, load.calendar_year)
        document["deadlines_moved"] = [
            {
                "id": move.deadline.pk,
                "step": move.deadline.step,
                "old_due_on": move.old_due_on,
                "new_due_on": move.new_due_on,
            }
            for move in load.moved
        ]
        return Response(CalendarYearLoadSerializer(document).data)
