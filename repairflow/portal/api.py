"""The public progress query (docs/api.md "Public progress query"): anyone holding a case
number and the subject's identifier may see where the case stands, without signing in. Both
must match, else 404, so that neither a number nor an identifier can be probed; throttled, and
a client's misses far more tightly (`PUBLIC_MISS_THROTTLE_RATE`), so that numbers cannot be tried
one after another.

Every kind of case answers it (`selectors.case_public_status`).
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.cases.api import CASE_NUMBER
from repairflow.core.throttling import ClientScopedRateThrottle, MissThrottle
from repairflow.portal.selectors import case_public_status


class StatusQuerySerializer(serializers.Serializer):
    number = serializers.RegexField(rf"^{CASE_NUMBER}$", max_length=12)
    subject_id = serializers.CharField(max_length=32)


class PublicStatusView(APIView):
    """`GET /api/v1/public/status/?number=YY2026000123&subject_id=<id>`: no login, throttled."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ClientScopedRateThrottle, MissThrottle]
    throttle_scope = "public"
    miss_throttle_scope = "public_miss"
    also_refuses = {"GET": (404,)}  # no case matches both (core.schema)

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
            MissThrottle().record_miss(request, self)
            raise Http404
        return Response(status)
