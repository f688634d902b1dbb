"""The credit office's desk through the API (docs/api.md "The credit office"): office and auditor
only, anyone else 404."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.cases.services import today
from repairflow.office.selectors import desk, desk_check

COUNTS = {
    "due_today": serializers.IntegerField(),
    "due_within_2_working_days": serializers.IntegerField(),
    "overdue": serializers.IntegerField(),
}
OWNER_LOAD = inline_serializer(
    "OwnerLoad",
    {
        "owner": serializers.CharField(help_text="office, department or subject"),
        "department": serializers.CharField(allow_null=True, help_text="The department's code, for a department"),
        "name": serializers.CharField(),
        **COUNTS,
    },
    many=True,
)
DASHBOARD = inline_serializer(
    "OfficeDashboard",
    {
        "today": serializers.DateField(),
        "open": serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
        **COUNTS,
        "by_owner": OWNER_LOAD,
        "oldest_open": inline_serializer(
            "OldestOpenCase",
            {
                "kind": serializers.CharField(),
                "number": serializers.CharField(),
                "received_on": serializers.DateField(),
            },
            allow_null=True,
        ),
        "deliveries": inline_serializer(
            "DeliveriesOwed", {"pending": serializers.IntegerField(), "failed": serializers.IntegerField()}
        ),
        "next_year_calendar_loaded": serializers.BooleanField(),
        "calendar_warning": serializers.BooleanField(help_text="From 1 October while next year's schedule is missing"),
    },
)


class DashboardView(APIView):
    """`GET /api/v1/office/dashboard/`: every open case and clock at a glance."""

    also_refuses = {"GET": (404,)}  # anyone but the office and the auditor (core.schema)

    @extend_schema(responses={200: DASHBOARD})
    def get(self, request):
        desk_check(request.user)
        return Response(desk(today()))
