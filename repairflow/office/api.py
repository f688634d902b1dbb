"""The credit office's desk through the API (docs/api.md "The credit office"): office and auditor
only, anyone else 404."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.calendar.schedule import within_the_calendar
from repairflow.cases.services import today
from repairflow.core.api import FileAnswerMixin
from repairflow.office.report import monthly_report, report_pdf, report_xlsx
from repairflow.office.selectors import desk, desk_check
from repairflow.office.statistics import statistics

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
        "feedback": inline_serializer(
            "SubjectFeedback",
            {
                "count": serializers.IntegerField(),
                "mean_rating": serializers.FloatField(allow_null=True, help_text="1–5; null when none was given"),
                "latest": inline_serializer(
                    "FeedbackComment",
                    {
                        "kind": serializers.CharField(),
                        "number": serializers.CharField(),
                        "rating": serializers.IntegerField(),
                        "comment": serializers.CharField(),
                        "given_at": serializers.DateTimeField(),
                    },
                    many=True,
                ),
            },
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


PERIOD_BACKWARDS = _("The period ends before it starts.")


class PeriodSerializer(serializers.Serializer):
    """`from` and `to`, both days included (`from` is a keyword in Python: the fields are named here)."""

    def get_fields(self):
        return {
            "from": serializers.DateField(validators=[within_the_calendar]),
            "to": serializers.DateField(validators=[within_the_calendar]),
        }

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [PERIOD_BACKWARDS]})
        return attrs


TIMELINESS = {
    "verifications": serializers.IntegerField(),
    "on_time": serializers.IntegerField(),
    "late": serializers.IntegerField(),
    "on_time_rate": serializers.FloatField(allow_null=True),
    "median_working_days": serializers.FloatField(allow_null=True),
    "p90_working_days": serializers.FloatField(allow_null=True),
}
BY_KIND = inline_serializer(
    "CasesByKind", {"objection": serializers.IntegerField(), "repair": serializers.IntegerField()}
)
STATISTICS = inline_serializer(
    "OfficeStatistics",
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "received": BY_KIND,
        "closed": BY_KIND,
        "outcomes": serializers.DictField(child=serializers.IntegerField()),
        "repairs_by_rule": serializers.DictField(child=serializers.IntegerField()),
        "departments": inline_serializer(
            "DepartmentTimeliness",
            {"department": serializers.CharField(), "name": serializers.CharField(), **TIMELINESS},
            many=True,
        ),
        "steps": inline_serializer(
            "StepTimeliness",
            {"step": serializers.CharField(), "label": serializers.CharField(), **TIMELINESS},
            many=True,
        ),
        "publication": inline_serializer(
            "PublicationTimeliness",
            {
                "new_records": serializers.IntegerField(),
                "on_time": serializers.IntegerField(),
                "late": serializers.IntegerField(),
                "on_time_rate": serializers.FloatField(allow_null=True),
            },
        ),
        "credit_checks": inline_serializer(
            "CreditChecksByDepartment",
            {"department": serializers.CharField(allow_null=True), "count": serializers.IntegerField()},
            many=True,
        ),
    },
)


class StatisticsView(APIView):
    """`GET /api/v1/office/statistics/?from=YYYY-MM-DD&to=YYYY-MM-DD`: the period's figures."""

    also_refuses = {"GET": (404,)}  # anyone but the office and the auditor (core.schema)

    @extend_schema(parameters=[PeriodSerializer], responses={200: STATISTICS})
    def get(self, request):
        desk_check(request.user)
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        return Response(statistics(period.validated_data["from"], period.validated_data["to"], today=today()))


REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class MonthlyReportView(FileAnswerMixin, APIView):
    """`GET /api/v1/office/reports/{YYYY-MM}.xlsx|.pdf`: the monthly report for the leading group."""

    also_refuses = {"GET": (404,)}  # anyone but the office and the auditor (core.schema)

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in REPORT_TYPES.values()})
    def get(self, request, month: str, extension: str):
        desk_check(request.user)
        day = today()
        report = monthly_report(month, today=day)
        content = report_xlsx(report) if extension == "xlsx" else report_pdf(report, issued_on=day)
        response = HttpResponse(content, content_type=REPORT_TYPES[extension])
        response["Content-Disposition"] = f'attachment; filename="repairflow-{report.month}.{extension}"'
        return response
