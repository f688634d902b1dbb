"""Records endpoints (docs/api.md "Records"): list, create, detail, history, the office's
publication actions, imports of CSV and XLSX files and their kept reports, credit checks and the
query log."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.core.api import FileAnswerMixin, IdempotentPostMixin, UploadSerializer
from repairflow.core.errors import NotFound, get_or_not_found
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.permissions import Role, require_role
from repairflow.records import bankruptcy, selectors, services, statements, upstream
from repairflow.records.evidence import credit_check_pdf_response
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    CreditRecord,
    CreditSubject,
    Department,
    MatterKind,
    QueryKind,
    QueryLog,
    RecordImport,
    RecordState,
    UpstreamChange,
    UpstreamChangeKind,
)
from repairflow.records.publication import Category
from repairflow.records.serializers import UNKNOWN_DEPARTMENT, RecordInputSerializer, RecordSerializer


class VisibleToCallerMixin:
    """The viewset's objects are what `visible_to` (a selector) lets the caller see; none while
    drf-spectacular builds the schema without a caller."""

    visible_to: staticmethod

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.get_serializer_class().Meta.model.objects.none()
        return self.visible_to(self.request.user)


class ViewerContextMixin:
    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}


class PurposeSerializer(serializers.Serializer):
    """`purpose`: the administrative matter a staff look-up is for (kept in the query log)."""

    purpose = serializers.CharField(required=False, max_length=200, allow_blank=True, default="")


PURPOSE_PARAMETER = OpenApiParameter("purpose", str, description="The administrative matter of a staff look-up")


class RecordFilterSerializer(PurposeSerializer):
    subject = serializers.CharField(required=False, max_length=32)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    state = serializers.ChoiceField(choices=RecordState.choices, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class StatementSerializer(serializers.Serializer):
    """The subject's statement on its record; empty text removes it. Its rule (its length) is
    `records.statements.statement_text`'s, for the API and the page alike."""

    text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="At most 500 characters; empty removes the statement.",
    )


class UpstreamChangeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UpstreamChangeKind.choices)
    decided_on = serializers.DateField()
    document = serializers.CharField(max_length=200)
    corrected_fields = serializers.JSONField(required=False, default=dict)


class UpstreamChangeSerializer(serializers.ModelSerializer):
    record = serializers.IntegerField(source="record_id")
    noted_by = serializers.CharField(source="noted_by.username")
    reported_by = serializers.CharField(source="reported_by.username", allow_null=True, default=None)

    class Meta:
        model = UpstreamChange
        fields = [
            "id",
            "record",
            "kind",
            "decided_on",
            "document",
            "corrected_fields",
            "status",
            "noted_by",
            "noted_at",
            "reported_by",
            "reported_on",
            "outcome",
            "done_on",
        ]
        read_only_fields = fields


class RecordImportSummarySerializer(serializers.ModelSerializer):
    """A kept import report as listed: what the file was and what became of its rows."""

    format = serializers.CharField(source="file_format")
    imported_by = serializers.CharField(source="imported_by.username")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)

    class Meta:
        model = RecordImport
        fields = [
            "id",
            "file_name",
            "format",
            "encoding",
            "size",
            "sha256",
            "imported_by",
            "department",
            "imported_at",
            "rows",
            "created",
            "updated",
            "unchanged",
            "invalid",
            "unknown_columns",
        ]
        read_only_fields = fields


class RecordImportSerializer(RecordImportSummarySerializer):
    """The whole report: also `errors`, `[{"line", "fields": {field: [reasons]}}]` in line order."""

    class Meta(RecordImportSummarySerializer.Meta):
        fields = [*RecordImportSummarySerializer.Meta.fields, "errors"]
        read_only_fields = fields


class RecordViewSet(IdempotentPostMixin, VisibleToCallerMixin, ViewerContextMixin, viewsets.GenericViewSet):
    """Credit records as the caller may see them: a subject its own, a department those it
    produced, the office and auditors every one; staff look-ups are logged with their purpose."""

    serializer_class = RecordSerializer

    visible_to = staticmethod(selectors.records_visible_to)

    def get_queryset(self):
        records = super().get_queryset()
        staff = getattr(self.request.user, "is_staff_role", False)
        return selectors.with_duties(records) if staff else records

    def _purpose(self) -> str:
        purpose = PurposeSerializer(data=self.request.query_params)
        purpose.is_valid(raise_exception=True)
        return purpose.validated_data["purpose"]

    @extend_schema(
        parameters=[
            OpenApiParameter("subject", str, description="Identifier (USCC or resident ID number)"),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("state", str, enum=RecordState.values),
            PURPOSE_PARAMETER,
        ]
    )
    @transaction.atomic  # the read and its query-log row together
    def list(self, request):
        filters = RecordFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        records = self.get_queryset()
        subjects: list[CreditSubject] = []
        if subject := filters.validated_data.get("subject", "").strip().upper():
            records = records.filter(subject__identifier=subject)
            subjects = list(CreditSubject.objects.filter(identifier=subject))
        for name in ("category", "state"):
            if value := filters.validated_data.get(name):
                records = records.filter(**{name: value})
        page = self.paginate_queryset(records)
        services.query_log_write(
            user=request.user,
            kind=QueryKind.LIST,
            purpose=filters.validated_data["purpose"],
            parameters=request.query_params.dict(),
            records=page,
            subjects=subjects,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=RecordInputSerializer, responses={201: RecordSerializer})
    def create(self, request):
        require_role(request.user, Role.DEPARTMENT, Role.OFFICE)
        entry = RecordInputSerializer(data=request.data, context={"actor": request.user})
        entry.is_valid(raise_exception=True)
        record = services.record_create(actor=request.user, entry=entry.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: RecordImportSerializer},
        operation_id="v1_records_import",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import a CSV or XLSX file of records (multipart `file`): 201 with the kept report, also
        when some rows are invalid; 400 and nothing imported when the file is not CSV or XLSX or
        has no usable header; 413 over the size or row limit."""
        require_role(request.user, Role.DEPARTMENT, Role.OFFICE)
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        kept = services.records_import_file(actor=request.user, file=file, name=file.name)
        return Response(RecordImportSerializer(kept).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PURPOSE_PARAMETER])
    @transaction.atomic  # the read and its query-log row together
    def retrieve(self, request, pk=None):
        record = selectors.record_get(user=request.user, record_id=pk)
        services.query_log_write(
            user=request.user, kind=QueryKind.DETAIL, purpose=self._purpose(), parameters={}, records=[record]
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(parameters=[PURPOSE_PARAMETER], responses={200: HistoryEntrySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole history, a plain list
    @transaction.atomic  # the read and its query-log row together
    def history(self, request, pk=None):
        record = selectors.record_get(user=request.user, record_id=pk)
        services.query_log_write(
            user=request.user, kind=QueryKind.HISTORY, purpose=self._purpose(), parameters={}, records=[record]
        )
        return Response(HistoryEntrySerializer(selectors.record_history_for(record, request.user), many=True).data)

    @extend_schema(request=ReasonSerializer, responses={200: RecordSerializer}, operation_id="v1_records_act")
    @action(detail=True, methods=["post"], url_path=r"(?P<record_action>publish|suspend|resume|revoke)")
    def act(self, request, pk=None, record_action=None):
        """The office publishes, suspends or resumes a record, or deletes from publication (`revoke`)
        one whose decision was reported revoked upstream; a department publishes its own
        unpublished records (`reason` required)."""
        selectors.record_get(user=request.user, record_id=pk)
        require_role(request.user, Role.OFFICE, Role.DEPARTMENT)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.record_act(
            actor=request.user, record_id=pk, action=record_action, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(selectors.record_get(user=request.user, record_id=record.pk)).data)

    @extend_schema(request=StatementSerializer, responses={200: RecordSerializer}, operation_id="v1_records_statement")
    @action(detail=True, methods=["post"])
    def statement(self, request, pk=None):
        """The record's subject sets, changes or (empty `text`) removes its statement on the record
        (docs/api.md "Records: the subject's statement"); staff get 403, other subjects 404."""
        selectors.record_get(user=request.user, record_id=pk)
        require_role(request.user, Role.SUBJECT)
        body = StatementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = statements.record_statement_set(
            actor=request.user, record_id=int(pk), text=body.validated_data["text"]
        )
        return Response(self.get_serializer(selectors.record_get(user=request.user, record_id=record.pk)).data)

    @extend_schema(
        request=UpstreamChangeInputSerializer,
        responses={201: UpstreamChangeSerializer},
        operation_id="v1_records_upstream_change",
    )
    @action(detail=True, methods=["post"], url_path="upstream-change", url_name="upstream-change")
    def upstream_change(self, request, pk=None):
        """The office notes, or the record's department reports, that the decision behind the
        record was changed or revoked upstream (docs/api.md "Records")."""
        selectors.record_get(user=request.user, record_id=pk)
        require_role(request.user, Role.OFFICE, Role.DEPARTMENT)
        body = UpstreamChangeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = upstream.upstream_change_submit(actor=request.user, record_id=int(pk), body=body.validated_data)
        return Response(UpstreamChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class CreditCheckInputSerializer(serializers.Serializer):
    subject_id = serializers.CharField(max_length=32)
    matter = serializers.CharField(
        max_length=200,
        help_text="The administrative matter, by its id or its code (GET /api/v1/matters/): one of the "
        "caller's department's active matters; any active one for the office.",
    )

    def validate_subject_id(self, value: str) -> str:
        try:
            return compact_identifier(value)
        except InvalidIdentifier as error:
            raise serializers.ValidationError(str(error)) from error


class RecordSeenSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    version = serializers.IntegerField()
    history_id = serializers.IntegerField(allow_null=True)


class CheckRuleSerializer(serializers.Serializer):
    negative = serializers.BooleanField()
    states = serializers.ListField(child=serializers.CharField())


class CreditCheckSerializer(serializers.ModelSerializer):
    """A credit check as kept. `matter` is the matter's name when the check was made; `matter_id`
    and `matter_code` name the list's entry (null for checks made before the lists existed);
    `records_seen` the version and history row of every record the check saw, and `rule` what it
    looked for (null and empty for those older checks too)."""

    subject_id = serializers.CharField(source="subject_identifier")
    negative_records = serializers.JSONField(source="answer.negative_records")
    requested_by = serializers.CharField(source="requested_by.username")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    matter_id = serializers.IntegerField(source="administrative_matter_id", allow_null=True)
    matter_code = serializers.CharField(source="administrative_matter.code", allow_null=True, default=None)
    records_seen = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()

    class Meta:
        model = CreditCheck
        fields = [
            "id",
            "subject_id",
            "matter",
            "checked_at",
            "negative_records",
            "has_active_negative",
            "requested_by",
            "department",
            "matter_id",
            "matter_code",
            "records_seen",
            "rule",
        ]
        read_only_fields = fields

    @extend_schema_field(RecordSeenSerializer(many=True))
    def get_records_seen(self, check: CreditCheck) -> list:
        return check.answer.get("records_seen", [])

    @extend_schema_field(CheckRuleSerializer(allow_null=True))
    def get_rule(self, check: CreditCheck) -> dict | None:
        return check.answer.get("rule")


PERIOD_REVERSED = _("The end of the period is before its start.")


class PeriodSerializer(serializers.Serializer):
    """`from` and `to`, dates (both included)."""

    def get_fields(self):
        return {"from": serializers.DateField(), "to": serializers.DateField()}

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [PERIOD_REVERSED]})
        return attrs


class CheckCountSerializer(serializers.Serializer):
    department = serializers.CharField(allow_null=True)
    department_name = serializers.CharField(allow_null=True)
    matter_id = serializers.IntegerField(allow_null=True)
    matter_code = serializers.CharField(allow_null=True)
    matter_name = serializers.CharField()
    count = serializers.IntegerField()


class CheckCountsSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "total": serializers.IntegerField(),
            "counts": CheckCountSerializer(many=True),
        }


class CreditCheckViewSet(
    IdempotentPostMixin, VisibleToCallerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Credit checks in administrative matters (逢办必查), kept as evidence."""

    serializer_class = CreditCheckSerializer
    also_refuses = {"GET": (404,)}  # the counts, to anyone but the office and auditors (core.schema)

    visible_to = staticmethod(selectors.credit_checks_visible_to)

    @extend_schema(request=CreditCheckInputSerializer, responses={201: CreditCheckSerializer})
    def create(self, request):
        require_role(request.user, Role.DEPARTMENT, Role.OFFICE)
        body = CreditCheckInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = services.credit_check_run(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", date, required=True, description="First day (YYYY-MM-DD)"),
            OpenApiParameter("to", date, required=True, description="Last day, included (YYYY-MM-DD)"),
        ],
        responses={200: CheckCountsSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def counts(self, request):
        """How many checks each department made in each matter from `from` to `to` (office and
        auditors; anyone else 404): `records.selectors.credit_check_counts`."""
        if not request.user.sees_everything:
            raise NotFound
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        start, end = period.validated_data["from"], period.validated_data["to"]
        counts = selectors.credit_check_counts(start, end)
        body = {"from": start, "to": end, "total": sum(row["count"] for row in counts), "counts": counts}
        return Response(CheckCountsSerializer(body).data)


# --- Administrative matters (逢办必查 lists) ---------------------------------------------------


class MatterSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = AdministrativeMatter
        fields = ["id", "department", "department_name", "code", "name", "kind", "active"]
        read_only_fields = fields


class MatterInputSerializer(serializers.Serializer):
    """A new matter (office): `department` (code), `code`, `name`, `kind`, `active` (default true)."""

    department = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=MatterKind.choices)
    active = serializers.BooleanField(required=False, default=True)

    def validate_department(self, value: str) -> Department:
        department = Department.objects.filter(code=value.strip().upper()).first()
        if department is None:
            raise serializers.ValidationError(UNKNOWN_DEPARTMENT)
        return department

    def validate_code(self, value: str) -> str:
        return value.strip().upper()


class MatterChangeSerializer(serializers.Serializer):
    """What the office may change of a matter, each optional (its department never changes)."""

    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=MatterKind.choices, required=False)
    active = serializers.BooleanField(required=False)

    def validate_code(self, value: str) -> str:
        return value.strip().upper()


class MatterFilterSerializer(serializers.Serializer):
    department = serializers.CharField(max_length=32, required=False)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_department(self, value: str) -> Department:
        department = Department.objects.filter(code=value.strip().upper()).first()
        if department is None:
            raise serializers.ValidationError(UNKNOWN_DEPARTMENT)
        return department


class MatterViewSet(IdempotentPostMixin, VisibleToCallerMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The lists of administrative matters in which a credit check is made (逢办必查): a department
    reads its own list, office and auditors every list; the office adds and changes matters
    (never deletes one: it deactivates it)."""

    serializer_class = MatterSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    visible_to = staticmethod(selectors.matters_visible_to)

    @extend_schema(
        parameters=[
            OpenApiParameter("department", str, description="Department code (office and auditors)"),
            OpenApiParameter("active", bool),
        ]
    )
    def list(self, request):
        filters = MatterFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        matters = self.get_queryset()
        if department := filters.validated_data.get("department"):
            matters = matters.filter(department=department)
        if (active := filters.validated_data.get("active")) is not None:
            matters = matters.filter(active=active)
        page = self.paginate_queryset(matters)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=MatterInputSerializer, responses={201: MatterSerializer})
    def create(self, request):
        require_role(request.user, Role.OFFICE)
        body = MatterInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matter = services.matter_create(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(matter).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MatterChangeSerializer, responses={200: MatterSerializer})
    def partial_update(self, request, pk=None):
        matter = self.get_object()
        require_role(request.user, Role.OFFICE)
        body = MatterChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matter = services.matter_update(actor=request.user, matter_id=matter.pk, changes=body.validated_data)
        return Response(self.get_serializer(matter).data)


class QueryLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    role = serializers.CharField(source="user.role")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    records = serializers.SerializerMethodField()

    class Meta:
        model = QueryLog
        fields = ["id", "at", "user", "role", "department", "department_name", "kind", "purpose", "records"]
        read_only_fields = fields

    def get_records(self, log: QueryLog) -> list[int]:
        visible = self.context.get("visible_records")
        return [pk for pk in log.returned_records if visible is None or pk in visible]


class QueryLogViewSet(VisibleToCallerMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who looked at which records, and for which matter. A subject sees the look-ups of its own
    records, naming only its own records."""

    serializer_class = QueryLogSerializer

    visible_to = staticmethod(selectors.query_logs_visible_to)

    def get_serializer(self, *args, **kwargs):
        user = self.request.user
        if getattr(user, "role", None) == Role.SUBJECT and args:  # anonymous: the schema
            returned = {pk for log in args[0] for pk in log.returned_records}
            kwargs["context"] = {
                **self.get_serializer_context(),
                "visible_records": set(
                    CreditRecord.objects.filter(pk__in=returned, subject_id=user.credit_subject_id).values_list(
                        "pk", flat=True
                    )
                ),
            }
        return super().get_serializer(*args, **kwargs)


class RecordImportViewSet(
    VisibleToCallerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The kept reports of imported files, newest first: a department's own, every one for the
    office and auditors. Subjects are refused (403)."""

    serializer_class = RecordImportSerializer
    lookup_value_regex = r"[0-9]+"
    also_refuses = {"GET": (403,)}  # subjects (core.schema)

    visible_to = staticmethod(selectors.record_imports_visible_to)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_role(request.user, Role.DEPARTMENT, Role.OFFICE, Role.AUDITOR)

    def get_serializer_class(self):
        return RecordImportSummarySerializer if self.action == "list" else RecordImportSerializer


# --- A subject in bankruptcy (the office's; docs/api.md "Additions") ---------------------------


class BankruptcySerializer(serializers.Serializer):
    """A subject's bankruptcy as the office flagged it."""

    subject_id = serializers.CharField(source="identifier")
    name = serializers.CharField()
    in_bankruptcy = serializers.SerializerMethodField()
    started_on = serializers.DateField(source="bankruptcy_started_on", allow_null=True)
    source = serializers.CharField(source="bankruptcy_source")
    ended_on = serializers.DateField(source="bankruptcy_ended_on", allow_null=True)

    def get_in_bankruptcy(self, subject: CreditSubject) -> bool:
        return subject.in_bankruptcy_on(timezone.localdate())


class BankruptcyFlagSerializer(serializers.Serializer):
    started_on = serializers.DateField()
    source = serializers.CharField(max_length=200, allow_blank=True)


class BankruptcyClearSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class SubjectBankruptcyView(IdempotentPostMixin, APIView):
    """`/api/v1/subjects/{identifier}/bankruptcy/`: the office reads, flags (`POST`) and clears
    (`DELETE`) a subject's bankruptcy; anyone else gets 404."""

    @extend_schema(responses={200: BankruptcySerializer}, operation_id="v1_subjects_bankruptcy_read")
    def get(self, request, identifier: str):
        with transaction.atomic():
            subject = bankruptcy.subject_for_office(actor=request.user, identifier=identifier)
        return Response(BankruptcySerializer(subject).data)

    @extend_schema(
        request=BankruptcyFlagSerializer,
        responses={200: BankruptcySerializer},
        operation_id="v1_subjects_bankruptcy_flag",
    )
    def post(self, request, identifier: str):
        with transaction.atomic():
            bankruptcy.subject_for_office(actor=request.user, identifier=identifier)  # 404 before 400
        body = BankruptcyFlagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subject = bankruptcy.subject_bankruptcy_flag(actor=request.user, identifier=identifier, **body.validated_data)
        return Response(BankruptcySerializer(subject).data)

    @extend_schema(
        request=BankruptcyClearSerializer,
        responses={200: BankruptcySerializer},
        operation_id="v1_subjects_bankruptcy_clear",
    )
    def delete(self, request, identifier: str):
        with transaction.atomic():
            bankruptcy.subject_for_office(actor=request.user, identifier=identifier)  # 404 before 400
        body = BankruptcyClearSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ended_on = body.validated_data.get("ended_on") or timezone.localdate()
        subject = bankruptcy.subject_bankruptcy_clear(
            actor=request.user, identifier=identifier, ended_on=ended_on, reason=body.validated_data["reason"]
        )
        return Response(BankruptcySerializer(subject).data)


class CreditCheckPdfView(FileAnswerMixin, APIView):
    """`GET /api/v1/credit-checks/{id}/pdf/`: the check as a PDF, set from what it answered when it
    was made; to whoever may see the check (anyone else 404)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        check = get_or_not_found(selectors.credit_checks_visible_to(request.user), pk=pk)
        return credit_check_pdf_response(viewer=request.user, check=check)
