"""The public progress query (design/api.md "Public progress query"): anyone holding a case
number and the subject's identifier may see where the case stands, without signing in. Both
must match, else 404, so that neither a number nor an identifier can be probed; throttled.

Every kind of case answers it. A kind registers itself from its app's `ready()` with
`register_public_case` (core never imports the apps above it): its model, whose `NUMBER_PREFIX`
the query's number is looked up by (`YY` an objection, `XF` a repair application), and its
answer clocks, the clock a member of the public cares about: when the case must be answered.
The date shown is the first open answer clock's last day, or else the first other open clock's.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.cases.api import CASE_NUMBER
from repairflow.cases.models import Case
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.deadlines.services import case_open_deadlines


@dataclass(frozen=True)
class PublicCaseKind:
    """A kind of case as the public query shows it."""

    kind: str  # "objection", "repair": the answer's `kind`
    model: type[Case]
    answer_steps: tuple[str, ...]


# By number prefix.
PUBLIC_CASE_KINDS: dict[str, PublicCaseKind] = {}


def register_public_case(model: type[Case], *, kind: str, answer_steps: Iterable[str]) -> None:
    """Let the public query find cases of `model` by their number, their answer clocks first."""
    PUBLIC_CASE_KINDS[model.NUMBER_PREFIX] = PublicCaseKind(kind, model, tuple(answer_steps))


class StatusQuerySerializer(serializers.Serializer):
    number = serializers.RegexField(rf"^{CASE_NUMBER}$", max_length=12)
    subject_id = serializers.CharField(max_length=32)


def case_public_status(*, number: str, subject_id: str) -> dict | None:
    """Where the case numbered `number` stands, when it is about the subject `subject_id`; else None."""
    try:
        identifier = compact_identifier(subject_id)
    except InvalidIdentifier:
        return None
    kind = next((kind for prefix, kind in PUBLIC_CASE_KINDS.items() if number.startswith(prefix)), None)
    if kind is None:
        return None
    case = kind.model.objects.filter(number=number, subject__identifier=identifier).first()
    if case is None:
        return None
    answer_first = models.Case(
        models.When(step__in=kind.answer_steps, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    deadline = case_open_deadlines(case).order_by(answer_first, "due_on").first()
    return {
        "number": case.number,
        "kind": kind.kind,
        "state": case.state,
        "state_label": case.get_state_display(),
        "received_on": case.received_on,
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
        status = case_public_status(**query.validated_data)
        if status is None:
            raise Http404
        return Response(status)
