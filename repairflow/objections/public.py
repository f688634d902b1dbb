"""The public progress query (design/api.md "Public progress query"): anyone holding a case
number and the subject's identifier may see where the case stands, without signing in. Both
must match, else 404, so that neither a number nor an identifier can be probed; throttled."""

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import case_open_deadlines
from repairflow.objections.models import Objection

# The clock a member of the public cares about: when the case must be answered.
ANSWER_STEPS = (Step.OBJECTION_ANSWER, Step.OBJECTION_ANSWER_IN_OFFICE)


class StatusQuerySerializer(serializers.Serializer):
    number = serializers.RegexField(r"^[A-Z]{2}\d{10}$", max_length=12)
    subject_id = serializers.CharField(max_length=32)


def objection_status(*, number: str, subject_id: str) -> dict | None:
    try:
        identifier = compact_identifier(subject_id)
    except InvalidIdentifier:
        return None
    objection = Objection.objects.filter(number=number, subject__identifier=identifier).first()
    if objection is None:
        return None
    answer_first = Case(When(step__in=ANSWER_STEPS, then=Value(0)), default=Value(1), output_field=IntegerField())
    deadline = case_open_deadlines(objection).order_by(answer_first, "due_on").first()
    return {
        "number": objection.number,
        "kind": "objection",
        "state": objection.state,
        "state_label": objection.get_state_display(),
        "received_on": objection.received_on,
        "due_on": deadline.due_on if deadline else None,
    }


class PublicStatusView(APIView):
    """`GET /api/v1/public/status/?number=YY2026000123&subject_id=<id>`: no login, throttled."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "public"

    @extend_schema(
        parameters=[StatusQuerySerializer],
        responses={
            200: inline_serializer(
                "PublicStatus",
                {
                    "number": serializers.CharField(),
                    "kind": serializers.CharField(),
                    "state": serializers.CharField(),
                    "state_label": serializers.CharField(),
                    "received_on": serializers.DateField(),
                    "due_on": serializers.DateField(allow_null=True),
                },
            )
        },
        auth=[],
    )
    def get(self, request):
        query = StatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        status = objection_status(**query.validated_data)
        if status is None:
            raise Http404
        return Response(status)
