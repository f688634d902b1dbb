"""Objection endpoints (design/api.md "Objections"): file, list, read, act, and the notices."""

from django.core.validators import RegexValidator
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import explain, working_days_left
from repairflow.core.api import AttachmentSerializer
from repairflow.core.cases import case_notice, case_notices, case_timeline, cases_overdue
from repairflow.core.flows import available_actions, transition_check
from repairflow.core.idempotency import IdempotentPostMixin
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.models import Attachment, NoticeKind, Role
from repairflow.core.permissions import require_role
from repairflow.deadlines.services import case_deadlines
from repairflow.objections import selectors, services
from repairflow.objections.flows import ObjectionFlow
from repairflow.objections.models import Ground, Objection, ObjectionState
from repairflow.records.models import Department
from repairflow.records.selectors import records_visible_to
from repairflow.records.serializers import may_see_identifier

UNKNOWN_ATTACHMENT = _("No attachment you uploaded has this id: %(ids)s.")
UNKNOWN_DEPARTMENTS = _("No department has this code: %(codes)s.")
SUBJECT_ID_REQUIRED = _("Name the subject the office files for.")
SUBJECT_MISMATCH = _("The record is not this subject's.")
STATEMENT_REQUIRED = _("Say what is wrong with the record.")
GROUNDS_REQUIRED = _("Choose at least one ground.")
PHONE = RegexValidator(r"^\+?[0-9][0-9 -]{4,18}$", _("Enter a phone number of digits, spaces and hyphens."))


# --- Out ----------------------------------------------------------------------------------------


class DeadlineSerializer(serializers.Serializer):
    step = serializers.CharField()
    step_label = serializers.CharField(source="get_step_display")
    owner = serializers.CharField()
    department = serializers.CharField(source="department.code", default=None)
    started_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    working_days_left = serializers.SerializerMethodField()
    provisional = serializers.BooleanField()
    explanation = serializers.SerializerMethodField()
    ended_on = serializers.DateField()

    def get_working_days_left(self, deadline) -> int | None:
        """Working days from today to the last day; negative when overdue; null once ended."""
        if not deadline.is_open:
            return None
        return working_days_left(self.context["calendar"], self.context["today"], deadline.due_on)

    def get_explanation(self, deadline) -> list[str]:
        return explain(deadline.notes(), deadline.due_on)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    # `from` is a Python keyword: the field is renamed in to_representation.
    source = serializers.CharField()
    to = serializers.CharField(source="target")
    actor = serializers.CharField(source="actor.username", default=None)
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {"action": data["action"], "from": data.pop("source"), **data}


class VerificationSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    leads = serializers.BooleanField()
    forwarded_on = serializers.DateField()
    replied_at = serializers.DateTimeField()
    outcome = serializers.CharField()
    explanation = serializers.CharField()
    corrected_fields = serializers.JSONField()


class NoticeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    issued_at = serializers.DateTimeField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, notice) -> str:
        number = self.context["objection"].number
        return f"/api/v1/objections/{number}/notices/{notice.kind}.pdf"


class ObjectionSerializer(serializers.ModelSerializer):
    record = serializers.IntegerField(source="record_id")
    record_title = serializers.CharField(source="record.title")
    subject_id = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.name")
    attachments = AttachmentSerializer(many=True)
    departments = serializers.SerializerMethodField()
    verifications = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "number",
            "state",
            "record",
            "record_title",
            "subject_id",
            "subject_name",
            "grounds",
            "statement",
            "requested_change",
            "contact_phone",
            "attachments",
            "outcome",
            "explanation",
            "corrected_fields",
            "decided_in_office",
            "missing",
            "rejection_reason",
            "departments",
            "verifications",
            "received_on",
            "created_at",
            "deadlines",
            "timeline",
            "notices",
            "allowed_actions",
        ]
        read_only_fields = fields

    def _clock_context(self) -> dict:
        if "calendar" not in self.context:
            self.context.update(calendar=work_calendar(), today=timezone.localdate())
        return self.context

    def get_subject_id(self, objection) -> str:
        subject = objection.subject
        return (
            subject.identifier
            if may_see_identifier(self.context["viewer"], objection.record)
            else subject.masked_identifier
        )

    def get_departments(self, objection) -> list[str]:
        return [verification.department.code for verification in objection.verifications.all()]

    def get_verifications(self, objection) -> list[dict]:
        return VerificationSerializer(objection.verifications.all(), many=True).data

    def get_deadlines(self, objection) -> list[dict]:
        return DeadlineSerializer(
            case_deadlines(objection).order_by("id"), many=True, context=self._clock_context()
        ).data

    def get_timeline(self, objection) -> list[dict]:
        return TransitionSerializer(case_timeline(objection), many=True).data

    def get_notices(self, objection) -> list[dict]:
        notices = case_notices(objection)
        return NoticeSerializer(notices, many=True, context={"objection": objection}).data

    def get_allowed_actions(self, objection) -> list[str]:
        viewer = self.context["viewer"]
        return available_actions(ObjectionFlow(objection, actor=viewer), viewer)


# --- In -----------------------------------------------------------------------------------------


class AttachmentsField(serializers.ListField):
    """Ids of attachments the caller uploaded."""

    child = serializers.IntegerField()

    def to_internal_value(self, data):
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        found = {a.pk: a for a in Attachment.objects.filter(pk__in=ids, uploaded_by=self.context["actor"])}
        if missing := [str(pk) for pk in ids if pk not in found]:
            raise serializers.ValidationError(UNKNOWN_ATTACHMENT % {"ids": ", ".join(missing)})
        return [found[pk] for pk in ids]


class ObjectionCreateSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    subject_id = serializers.CharField(max_length=32, required=False)
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=Ground.choices),
        allow_empty=False,
        error_messages={"empty": GROUNDS_REQUIRED},
    )
    statement = serializers.CharField(max_length=5000, error_messages={"blank": STATEMENT_REQUIRED})
    requested_change = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachments = AttachmentsField(required=False, default=list)
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", validators=[PHONE]
    )

    def validate(self, attrs):
        actor = self.context["actor"]
        record = records_visible_to(actor).filter(pk=attrs["record"]).first()
        if record is None:
            raise serializers.ValidationError({"record": [services.NOT_YOUR_RECORD]})
        if actor.role == Role.OFFICE:
            if not attrs.get("subject_id"):
                raise serializers.ValidationError({"subject_id": [SUBJECT_ID_REQUIRED]})
            try:
                identifier = compact_identifier(attrs["subject_id"])
            except InvalidIdentifier as error:
                raise serializers.ValidationError({"subject_id": [str(error)]}) from error
            if identifier != record.subject.identifier:
                raise serializers.ValidationError({"subject_id": [SUBJECT_MISMATCH]})
        attrs.pop("subject_id", None)
        attrs["record"] = record
        return attrs


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MissingSerializer(serializers.Serializer):
    missing = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SupplementSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachments = AttachmentsField(required=False, default=list)


class DepartmentsField(serializers.ListField):
    child = serializers.CharField(max_length=32)

    def to_internal_value(self, data):
        codes = list(dict.fromkeys(super().to_internal_value(data)))
        found = {d.code: d for d in Department.objects.filter(code__in=codes)}
        if missing := [code for code in codes if code not in found]:
            raise serializers.ValidationError(UNKNOWN_DEPARTMENTS % {"codes": ", ".join(missing)})
        return [found[code] for code in codes]


class ForwardSerializer(CommentSerializer):
    departments = DepartmentsField(required=False, default=list)


class ReplySerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    explanation = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    corrected_fields = serializers.JSONField(required=False, default=dict)


class DepartmentReplySerializer(ReplySerializer):
    attachments = AttachmentsField(required=False, default=list)


class ClockSerializer(ReasonSerializer):
    department = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class ExtendSerializer(ClockSerializer):
    days = serializers.IntegerField(min_value=1, max_value=60)


# action → (the serializer of its body, the service it runs): the actions of design/api.md's table
ACTION_BODIES = {
    "accept": (CommentSerializer, services.objection_accept),
    "reject": (ReasonSerializer, services.objection_reject),
    "request-supplement": (MissingSerializer, services.objection_request_supplement),
    "supplement": (SupplementSerializer, services.objection_supplement),
    "forward": (ForwardSerializer, services.objection_forward),
    "decide-in-office": (ReplySerializer, services.objection_decide_in_office),
    "reply": (DepartmentReplySerializer, services.objection_reply),
    "extend": (ExtendSerializer, services.objection_extend),
    "pause": (ClockSerializer, services.objection_pause),
    "resume": (ClockSerializer, services.objection_resume),
    "return": (ReasonSerializer, services.objection_return),
    "confirm": (CommentSerializer, services.objection_confirm),
    "withdraw": (ReasonSerializer, services.objection_withdraw),
}
ACTIONS = tuple(ACTION_BODIES)


def objection_act(*, actor, number: str, objection_action: str, data) -> Objection:
    """Validate the body of an action and run its service (shared by the API and the pages).
    The case must be visible (404) and the action open to the actor (403) in its state (409)
    before the body is judged (400); the service checks all of it again under the case's lock."""
    body_class, service = ACTION_BODIES[objection_action]
    objection = selectors.objection_get(user=actor, number=number)
    transition_check(ObjectionFlow(objection, actor=actor), objection_action, user=actor)
    body = body_class(data=data, context={"actor": actor})
    body.is_valid(raise_exception=True)
    values = dict(body.validated_data)
    if "department" in values:
        values["department"] = values["department"] or None
    return service(actor=actor, number=number, **values)


class ObjectionFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ObjectionState.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    department = serializers.CharField(max_length=32, required=False)


class ObjectionViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    serializer_class = ObjectionSerializer
    lookup_field = "number"
    lookup_value_regex = r"[A-Z]{2}\d{10}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Objection.objects.none()
        return (
            selectors.objections_visible_to(self.request.user)
            .select_related("record__department", "record__subject", "subject")
            .prefetch_related("verifications__department", "attachments")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def _read(self, number: str) -> Objection:
        return self.get_queryset().get(number=number)

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=ObjectionState.values),
            OpenApiParameter("overdue", bool, description="Only cases with a clock past its last day"),
            OpenApiParameter("department", str, description="Department code"),
        ]
    )
    def list(self, request):
        filters = ObjectionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        objections = self.get_queryset()
        if state := filters.validated_data.get("state"):
            objections = objections.filter(state=state)
        if filters.validated_data["overdue"]:
            objections = cases_overdue(objections, today=timezone.localdate())
        if department := filters.validated_data.get("department"):
            objections = objections.filter(verifications__department__code=department)
        page = self.paginate_queryset(objections)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionSerializer})
    def create(self, request):
        require_role(request.user, Role.SUBJECT, Role.OFFICE)
        body = ObjectionCreateSerializer(data=request.data, context={"actor": request.user})
        body.is_valid(raise_exception=True)
        objection = services.objection_submit(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self._read(objection.number)).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, number=None):
        objection = selectors.objection_get(user=request.user, number=number)
        return Response(self.get_serializer(self._read(objection.number)).data)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: ObjectionSerializer},
        operation_id="v1_objections_act",
        parameters=[OpenApiParameter("objection_action", str, OpenApiParameter.PATH, enum=[*ACTIONS])],
    )
    @action(detail=True, methods=["post"], url_path=rf"(?P<objection_action>{'|'.join(ACTIONS)})")
    def act(self, request, number=None, objection_action=None):
        """Take an action on the objection (design/api.md's table says who, from which state, and the body)."""
        objection = objection_act(
            actor=request.user, number=number, objection_action=objection_action, data=request.data
        )
        return Response(self.get_serializer(self._read(objection.number)).data)


def objection_notice_response(*, user, number: str, kind: str) -> HttpResponse:
    """The latest notice of `kind` as a PDF download (for the API and the pages); 404 when the
    case is not visible or no such notice was issued."""
    objection = selectors.objection_get(user=user, number=number)
    notice = case_notice(objection, kind)
    if notice is None:
        raise Http404
    response = HttpResponse(bytes(notice.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{objection.number}-{kind}.pdf"'
    response["X-Content-SHA256"] = notice.sha256
    return response


class ObjectionNoticeView(APIView):
    """`GET /api/v1/objections/{number}/notices/{kind}.pdf`: the latest notice of that kind."""

    @extend_schema(
        operation_id="v1_objections_notice",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=NoticeKind.values)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, number: str, kind: str):
        return objection_notice_response(user=request.user, number=number, kind=kind)

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


NOTICE_KINDS = "|".join(NoticeKind.values)
