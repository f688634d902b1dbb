"""Objection endpoints (docs/api.md "Objections"): file, list, read, act, and the notices."""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repairflow.cases import api as cases_api
from repairflow.cases.api import (
    AttachmentsField,
    CaseCreateSerializer,
    CaseFilterSerializer,
    CaseNoticeView,
    CaseSerializer,
    CaseViewSet,
    CommentSerializer,
    MissingSerializer,
    ReasonSerializer,
    RejectSerializer,
    SupplementSerializer,
    case_action_endpoint,
    case_endpoints_schema,
    json_date,
    json_time,
    notice_endpoint,
)
from repairflow.cases.kinds import case_kind_numbered
from repairflow.cases.models import Case, NoticeKind
from repairflow.objections import services
from repairflow.objections.models import Ground, Objection, ObjectionState, Outcome, Verification
from repairflow.objections.services import OBJECTIONS
from repairflow.records.models import Department

# The notices an objection issues (docs/api.md).
NOTICE_KINDS = [NoticeKind.RECEIPT, NoticeKind.SUPPLEMENT, NoticeKind.REJECTION, NoticeKind.RESULT]
UNKNOWN_DEPARTMENTS = _("No department has this code: %(codes)s.")
STATEMENT_REQUIRED = _("Say what is wrong with the record.")
GROUNDS_REQUIRED = _("Choose at least one ground.")
UNKNOWN_CONTESTED = _("No repair application of this subject has the number %(number)s.")


# --- Out ----------------------------------------------------------------------------------------


def verification_as_json(verification: Verification) -> dict[str, Any]:
    """A verification written out by hand, as a case's clocks are (a list holds hundreds)."""
    department = verification.department
    return {
        "department": department.code,
        "department_name": department.name,
        "leads": verification.leads,
        "forwarded_on": json_date(verification.forwarded_on),
        "replied_at": json_time(verification.replied_at),
        "outcome": verification.outcome,
        "explanation": verification.explanation,
        "corrected_fields": verification.corrected_fields,
    }


class ObjectionSerializer(CaseSerializer):
    kind = OBJECTIONS
    collection = "objections"

    grounds = serializers.ListField(child=serializers.ChoiceField(choices=Ground.choices), read_only=True)
    # empty ("") until the case is decided
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)
    departments = serializers.SerializerMethodField()
    verifications = serializers.SerializerMethodField()
    # the number of the denied repair application it contests, else null
    contests_repair = serializers.CharField(
        source="contests_repair.number", default=None, allow_null=True, read_only=True
    )

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
            "contests_repair",
        ]
        read_only_fields = fields

    def get_departments(self, objection) -> list[str]:
        return [verification.department.code for verification in objection.shown_verifications]

    def get_verifications(self, objection) -> list[dict]:
        return [verification_as_json(verification) for verification in objection.shown_verifications]


# --- In -----------------------------------------------------------------------------------------


class ObjectionCreateSerializer(CaseCreateSerializer):
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=Ground.choices),
        allow_empty=False,
        error_messages={"empty": GROUNDS_REQUIRED},
    )
    statement = serializers.CharField(max_length=5000, error_messages={"blank": STATEMENT_REQUIRED})
    requested_change = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    contests_repair = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")

    def validate_contests_repair(self, number: str) -> Case | None:
        """The case whose decision the objection contests, among those the caller may see (whether
        it may be contested is the filing service's rule)."""
        number = number.strip()
        if not number:
            return None
        kind = case_kind_numbered(number)
        contested = kind.visible_to(self.context["actor"]).filter(number=number).first() if kind else None
        if contested is None:
            raise serializers.ValidationError(UNKNOWN_CONTESTED % {"number": number})
        return contested


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


class ExtendSerializer(cases_api.ClockExtendSerializer, ClockSerializer):
    pass


# action → (the serializer of its body, the service it runs): the actions of docs/api.md's table
ACTION_BODIES = {
    "accept": (CommentSerializer, services.objection_accept),
    "reject": (RejectSerializer, services.objection_reject),
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
ACTIONS = list(ACTION_BODIES)


class ObjectionFilterSerializer(CaseFilterSerializer):
    state = serializers.ChoiceField(choices=ObjectionState.choices, required=False)


@case_endpoints_schema(states=ObjectionState, create=ObjectionCreateSerializer, read=ObjectionSerializer)
class ObjectionViewSet(CaseViewSet):
    kind = OBJECTIONS
    serializer_class = ObjectionSerializer
    create_serializer_class = ObjectionCreateSerializer
    filter_serializer_class = ObjectionFilterSerializer
    department_filter = "verifications__department__code"
    related = ("contests_repair",)
    prefetch = (
        Prefetch(
            "verifications", queryset=Verification.objects.select_related("department"), to_attr="shown_verifications"
        ),
    )
    action_bodies = ACTION_BODIES
    submit = staticmethod(services.objection_submit)

    @case_action_endpoint(name="objection", collection="objections", serializer=ObjectionSerializer, actions=ACTIONS)
    def act(self, request, number=None, objection_action=None):
        """Take an action on the objection (docs/api.md's table says who, from which state, and the body)."""
        return self.run_action(request, number, objection_action)


class ObjectionNoticeView(CaseNoticeView):
    kind = OBJECTIONS

    @notice_endpoint(collection="objections", kinds=NOTICE_KINDS)
    def get(self, request, number: str, kind: str):
        return super().get(request, number, kind)
