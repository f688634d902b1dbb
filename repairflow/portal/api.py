"""What anyone may ask without signing in, throttled per client address.

The public progress query (docs/api.md "Public progress query"): anyone holding a case number and
the subject's identifier may see where the case stands. Both must match, else 404, so that
neither a number nor an identifier can be probed; a client's misses are throttled far more
tightly (`PUBLIC_MISS_THROTTLE_RATE`), so that numbers cannot be tried one after another. Every
kind of case answers it (`selectors.case_public_status`).

The published records (docs/api.md "Public, without login"): the search of `selectors.public_search`,
a page at a time by key (`selectors.keyset_page`)."""

from django.http import Http404
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.cases.api import CASE_NUMBER
from repairflow.core.throttling import ClientScopedRateThrottle, MissThrottle
from repairflow.portal.selectors import (
    PUBLIC_PAGE_SIZE,
    PublicSearch,
    case_public_status,
    keyset_page,
    public_record_as_json,
    public_search,
)
from repairflow.records.models import Department
from repairflow.records.publication import Category
from repairflow.records.serializers import UNKNOWN_DEPARTMENT


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


class PublicRecordsQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="A part of an enterprise's name, or its unified social credit code; a natural person's ID "
        "number finds its records only with the person's whole name, separated by a space "
        "(`张明 370102198501011234`). Under 3 characters, a name part matches the names it begins with.",
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    department = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text="Department code")
    after = serializers.CharField(required=False, max_length=40, help_text="The page after this key (`next`)")
    before = serializers.CharField(required=False, max_length=40, help_text="The page before this key (`previous`)")

    def validate_department(self, value: str) -> str:
        code = value.strip().upper()
        if code and not Department.objects.filter(code=code).exists():
            raise serializers.ValidationError(UNKNOWN_DEPARTMENT)
        return code


class PublicRecordSerializer(serializers.Serializer):
    """A published record as the public reads it (`selectors.public_record_as_json`), for the schema."""

    decision_no = serializers.CharField()
    subject_name = serializers.CharField(help_text="A natural person's: the surname and `*`.")
    subject_id = serializers.CharField(help_text="A natural person's: masked.")
    category = serializers.ChoiceField(choices=Category.choices)
    department = serializers.CharField()
    department_name = serializers.CharField()
    decision_date = serializers.DateField()
    title = serializers.CharField()
    content = serializers.CharField()
    publication_start = serializers.DateField()
    under_objection = serializers.BooleanField()
    subject_statement = serializers.CharField(allow_null=True)


class PublicRecordsView(APIView):
    """`GET /api/v1/public/records/?q=&category=&department=`: the records published and inside
    their publication period, newest decision first, a page at a time: `{"next","previous",
    "results"}`, `next` and `previous` the URLs of the pages beside it (null: none). No login,
    throttled per client address; nothing counted, so that a page costs the same over a million
    records."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "public"

    @extend_schema(
        parameters=[PublicRecordsQuerySerializer],
        responses={
            200: inline_serializer(
                "PublicRecordPage",
                {
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": PublicRecordSerializer(many=True),
                },
            )
        },
        auth=[],
    )
    def get(self, request):
        query = PublicRecordsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        search = PublicSearch.from_query(
            given.get("q", ""), category=given.get("category", ""), department=given.get("department", "")
        )
        page = keyset_page(
            public_search(search), after=given.get("after", ""), before=given.get("before", ""), size=PUBLIC_PAGE_SIZE
        )
        return Response(
            {
                "next": self._link(request, after=page.next_key),
                "previous": self._link(request, before=page.previous_key),
                "results": [public_record_as_json(record) for record in page.rows],
            }
        )

    def _link(self, request, **key: str | None) -> str | None:
        (name, value), *_rest = key.items()
        if value is None:
            return None
        kept = {k: v for k, v in request.query_params.items() if k not in ("after", "before")}
        return request.build_absolute_uri(f"{request.path}?{urlencode({**kept, name: value})}")
