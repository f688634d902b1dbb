"""Repair application endpoints (docs/api.md "Repair applications"): apply, list, read, act,
and the notices."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repairflow.cases.api import (
    CaseCreateSerializer,
    CaseFilterSerializer,
    CaseNoticeView,
    CaseSerializer,
    CaseViewSet,
    ClockExtendSerializer,
    CommentSerializer,
    MissingSerializer,
    ReasonSerializer,
    RejectSerializer,
    SupplementSerializer,
    attachments_uploaded_by,
    case_action_endpoint,
    case_endpoints_schema,
    notice_endpoint,
)
from repairflow.cases.models import NoticeKind
from repairflow.core.api import IdField
from repairflow.repair import services
from repairflow.repair.eligibility import RuleResult
from repairflow.repair.models import MaterialKind, RepairApplication, RepairMaterial, RepairState
from repairflow.repair.services import REPAIRS

# The notices a repair application issues (docs/workflows/repair.md).
NOTICE_KINDS = [
    NoticeKind.RECEIPT,
    NoticeKind.SUPPLEMENT,
    NoticeKind.REJECTION,
    NoticeKind.DECISION,
    NoticeKind.REVOCATION,
]
STATEMENT_REQUIRED = _("Say how the conduct has been corrected.")


# --- Out ----------------------------------------------------------------------------------------


class EligibilitySerializer(serializers.Serializer):
    """One rule's result, its detail in the reader's language."""

    rule = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class MaterialSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    attachment = serializers.IntegerField(source="attachment_id")
    name = serializers.CharField(source="attachment.name")
    issued_on = serializers.DateField(allow_null=True)


class RepairSerializer(CaseSerializer):
    kind = REPAIRS
    collection = "repairs"

    eligibility = serializers.SerializerMethodField()
    materials = MaterialSerializer(source="shown_materials", many=True)
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = RepairApplication
        fields = [
            *CaseSerializer.CASE_FIELDS,
            "commitment",
            "materials",
            "eligibility",
            "eligible",
            "eligibility_rule_set",
            "missing",
            "rejection_reason",
            "department",
            "forwarded_on",
            "decision_reason",
            "decided_at",
            "decided_by",
            "repaired_on",
            "revocation_reason",
        ]
        read_only_fields = fields

    def get_eligibility(self, application) -> list[dict]:
        results = [RuleResult.from_json(data) for data in application.eligibility]
        return EligibilitySerializer(results, many=True).data


# --- In -----------------------------------------------------------------------------------------


class MaterialInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    attachment = IdField()
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class MaterialsField(serializers.ListField):
    """Materials the rules ask for, each one of the caller's attachments named by its kind."""

    child = MaterialInputSerializer()

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        found = attachments_uploaded_by(self.context["actor"], [item["attachment"] for item in items])
        return [
            services.Material(kind=item["kind"], attachment=found[item["attachment"]], issued_on=item["issued_on"])
            for item in items
        ]


class RepairCreateSerializer(CaseCreateSerializer):
    statement = serializers.CharField(max_length=5000, error_messages={"blank": STATEMENT_REQUIRED})
    commitment = serializers.BooleanField(
        error_messages={"required": services.COMMITMENT_REQUIRED, "null": services.COMMITMENT_REQUIRED}
    )
    materials = MaterialsField(required=False, default=list)

    def validate_commitment(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(services.COMMITMENT_REQUIRED)
        return value


class RepairSupplementSerializer(SupplementSerializer):
    materials = MaterialsField(required=False, default=list)


# action → (the serializer of its body, the service it runs): the actions of docs/api.md's table
ACTION_BODIES = {
    "accept": (CommentSerializer, services.repair_accept),
    "reject": (RejectSerializer, services.repair_reject),
    "request-supplement": (MissingSerializer, services.repair_request_supplement),
    "supplement": (RepairSupplementSerializer, services.repair_supplement),
    "forward": (CommentSerializer, services.repair_forward),
    "approve": (ReasonSerializer, services.repair_approve),
    "deny": (ReasonSerializer, services.repair_deny),
    "extend": (ClockExtendSerializer, services.repair_extend),
    "pause": (ReasonSerializer, services.repair_pause),
    "resume": (ReasonSerializer, services.repair_resume),
    "execute": (CommentSerializer, services.repair_execute),
    "revoke": (ReasonSerializer, services.repair_revoke),
    "withdraw": (ReasonSerializer, services.repair_withdraw),
}
ACTIONS = list(ACTION_BODIES)


class RepairFilterSerializer(CaseFilterSerializer):
    state = serializers.ChoiceField(choices=RepairState.choices, required=False)


@case_endpoints_schema(states=RepairState, create=RepairCreateSerializer, read=RepairSerializer)
class RepairViewSet(CaseViewSet):
    kind = REPAIRS
    serializer_class = RepairSerializer
    create_serializer_class = RepairCreateSerializer
    filter_serializer_class = RepairFilterSerializer
    department_filter = "department__code"
    related = ("department", "decided_by")
    prefetch = (
        Prefetch("materials", queryset=RepairMaterial.objects.select_related("attachment"), to_attr="shown_materials"),
    )
    action_bodies = ACTION_BODIES
    submit = staticmethod(services.repair_submit)

    @case_action_endpoint(name="repair", collection="repairs", serializer=RepairSerializer, actions=ACTIONS)
    def act(self, request, number=None, repair_action=None):
        """Take an action on the application (docs/api.md's table says who, from which state, and the body)."""
        return self.run_action(request, number, repair_action)


class RepairNoticeView(CaseNoticeView):
    kind = REPAIRS

    @notice_endpoint(collection="repairs", kinds=NOTICE_KINDS)
    def get(self, request, number: str, kind: str):
        return super().get(request, number, kind)
