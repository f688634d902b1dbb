"""Objection endpoints (design/api.md "Objections"): file, list, read, act, and the notices."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repairflow.cases.api import (
    AttachmentsField,
    CaseCreateSerializer,
    CaseSerializer,
    CommentSerializer,
    MissingSerializer,
    ReasonSerializer,
    SupplementSerializer,
    case_endpoints,
)
from repairflow.cases.models import NoticeKind
from repairflow.objections import selectors, services
from repairflow.objections.flows import ObjectionFlow
from repairflow.objections.models import Ground, Objection, ObjectionState
from repairflow.records.models import Department

# The notices an objection issues (design/api.md).
NOTICE_KINDS = [NoticeKind.RECEIPT, NoticeKind.SUPPLEMENT, NoticeKind.REJECTION, NoticeKind.RESULT]
UNKNOWN_DEPARTMENTS = _("No department has this code: %(codes)s.")
STATEMENT_REQUIRED = _("Say what is wrong with the record.")
GROUNDS_REQUIRED = _("Choose at least one ground.")


# --- Out ----------------------------------------------------------------------------------------


class VerificationSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    leads = serializers.BooleanField()
    forwarded_on = serializers.DateField()
    replied_at = serializers.DateTimeField()
    outcome = serializers.CharField()
    explanation = serializers.CharField()
    corrected_fields = serializers.JSONField()


class ObjectionSerializer(CaseSerializer):
    flow_class = ObjectionFlow
    collection = "objections"

    departments = serializers.SerializerMethodField()
    verifications = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            *CaseSerializer.CASE_FIELDS,
            "grounds",
            "requested_change",
            "outcome",
            "explanation",
            "corrected_fields",
            "decided_in_office",
            "missing",
            "rejection_reason",
            "departments",
            "verifications",
        ]
        read_only_fields = fields

    def get_departments(self, objection) -> list[str]:
        return [verification.department.code for verification in objection.verifications.all()]

    def get_verifications(self, objection) -> list[dict]:
        return VerificationSerializer(objection.verifications.all(), many=True).data


# --- In -----------------------------------------------------------------------------------------


class ObjectionCreateSerializer(CaseCreateSerializer):
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=Ground.choices),
        allow_empty=False,
        error_messages={"empty": GROUNDS_REQUIRED},
    )
    statement = serializers.CharField(max_length=5000, error_messages={"blank": STATEMENT_REQUIRED})
    requested_change = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


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


ObjectionViewSet, ObjectionNoticeView = case_endpoints(
    name="objection",
    serializer=ObjectionSerializer,
    create_serializer=ObjectionCreateSerializer,
    states=ObjectionState,
    bodies=ACTION_BODIES,
    visible_to=selectors.objections_visible_to,
    get_case=selectors.objection_get,
    submit=services.objection_submit,
    department_filter="verifications__department__code",
    prefetch=("verifications__department", "attachments"),
    notice_kinds=NOTICE_KINDS,
)
