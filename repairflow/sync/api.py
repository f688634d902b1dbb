"""Subscriptions and deliveries (docs/api.md "Webhooks"): the office subscribes platforms,
pauses and resumes them and requeues failed deliveries; auditors read. Nobody else sees them:
their existence is no secret, so other roles are refused (403), not answered 404. A
subscription's secret is taken in, never given back."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from repairflow.core.api import IdempotentPostMixin
from repairflow.core.permissions import Role, require_role
from repairflow.records.models import (
    NAME_TAKEN,
    SECRET_REQUIRED,
    Delivery,
    DeliveryStatus,
    EventType,
    Subscription,
    validate_event_types,
    validate_http_url,
    validate_secret,
)
from repairflow.sync import selectors, services
from repairflow.sync.models import DeliveryAttempt

READERS = (Role.OFFICE, Role.AUDITOR)
REFUSED_TO_OTHERS = {"GET": (403,)}  # what the schema declares besides (core.schema)


# --- In -----------------------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": EventType.values}})
class EventTypesField(serializers.JSONField):
    """A list of event types (JSON, so that a list is asked for by name when something else comes)."""


class SubscriptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500, validators=[validate_http_url])
    secret = serializers.CharField(
        max_length=200,
        trim_whitespace=False,
        validators=[validate_secret],
        error_messages={"required": SECRET_REQUIRED, "blank": SECRET_REQUIRED, "null": SECRET_REQUIRED},
    )
    events = EventTypesField(required=False, default=list, validators=[validate_event_types])
    required = serializers.BooleanField(required=False, default=True)

    def validate_name(self, value: str) -> str:
        if Subscription.objects.filter(name=value).exists():
            raise serializers.ValidationError(NAME_TAKEN)
        return value


class ShortReasonSerializer(serializers.Serializer):
    """Why: kept in the history of what the action changes (so it is short)."""

    reason = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)


# --- Out ----------------------------------------------------------------------------------------


class SubscriptionSerializer(serializers.ModelSerializer):
    """A subscription with its counts of deliveries; never its secret."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    state = serializers.SerializerMethodField()
    pending = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    failed = serializers.IntegerField()

    class Meta:
        model = Subscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            "active",
            "paused",
            "required",
            "state",
            "created_at",
            "pending",
            "acknowledged",
            "failed",
        ]
        read_only_fields = fields

    def get_state(self, subscription: Subscription) -> str:
        return services.subscription_state(subscription)


class CaseReferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    number = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    type = serializers.CharField()
    also = serializers.ListField(child=serializers.CharField())
    occurred_at = serializers.DateTimeField()
    record = serializers.IntegerField(source="record_id")
    case = CaseReferenceSerializer(source="case_reference", allow_null=True)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "error", "response_excerpt", "duration_ms", "outcome"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    """A delivery, where it stands in the ledger (pending, sent, acknowledged, failed), and every
    try of it."""

    event = EventSerializer()
    ledger_state = serializers.CharField()
    attempt_log = AttemptSerializer(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "subscription",
            "event",
            "status",
            "ledger_state",
            "attempts",
            "next_try_at",
            "last_attempt_at",
            "last_error",
            "acknowledged_at",
            "attempt_log",
        ]
        read_only_fields = fields


REQUEUED = inline_serializer("Requeued", {"requeued": serializers.IntegerField()})


# --- Endpoints ----------------------------------------------------------------------------------


def _as_id(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


class SubscriptionViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """`/api/v1/subscriptions/`: the platforms told of every change to a record."""

    serializer_class = SubscriptionSerializer
    also_refuses = REFUSED_TO_OTHERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Subscription.objects.none()
        return selectors.subscriptions_visible_to(self.request.user)

    def _subscription(self, pk: str) -> Subscription:
        return get_object_or_404(self.get_queryset(), pk=_as_id(pk))

    def list(self, request):
        require_role(request.user, *READERS)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=SubscriptionInputSerializer, responses={201: SubscriptionSerializer})
    def create(self, request):
        require_role(request.user, Role.OFFICE)
        body = SubscriptionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = services.subscription_create(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self._subscription(subscription.pk)).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        require_role(request.user, *READERS)
        return Response(self.get_serializer(self._subscription(pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values)],
        responses={200: DeliverySerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The subscription's deliveries, the latest event first, each with its tries."""
        require_role(request.user, *READERS)
        subscription = self._subscription(pk)
        filters = DeliveryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        deliveries = selectors.subscription_deliveries(subscription, status=filters.validated_data.get("status"))
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    def _act(self, request, pk, service):
        require_role(request.user, Role.OFFICE)
        subscription = self._subscription(pk)
        body = ShortReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service(actor=request.user, subscription_id=subscription.pk, reason=body.validated_data["reason"])
        return Response(self.get_serializer(self._subscription(pk)).data)

    @extend_schema(request=ShortReasonSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Stop sending to the platform: its deliveries wait, none fails (`reason` optional)."""
        return self._act(request, pk, services.subscription_pause)

    @extend_schema(request=ShortReasonSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Send to the platform again, what waited first (`reason` optional)."""
        return self._act(request, pk, services.subscription_resume)

    @extend_schema(request=ShortReasonSerializer, responses={200: REQUEUED})
    @action(detail=True, methods=["post"])
    def requeue(self, request, pk=None):
        """Requeue every failed delivery of the subscription (`reason` required, kept in each one's history)."""
        require_role(request.user, Role.OFFICE)
        subscription = self._subscription(pk)
        body = ShortReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        requeued = services.subscription_requeue_failed(
            actor=request.user, subscription_id=subscription.pk, reason=body.validated_data["reason"]
        )
        return Response({"requeued": len(requeued)})


class DeliveryViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """`/api/v1/deliveries/{id}/`: one delivery with its tries; requeue it when it has failed."""

    serializer_class = DeliverySerializer
    also_refuses = REFUSED_TO_OTHERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or getattr(self.request.user, "role", None) not in READERS:
            return Delivery.objects.none()
        return Delivery.objects.select_related("event").prefetch_related("attempt_log")

    def _delivery(self, pk: str) -> Delivery:
        return get_object_or_404(self.get_queryset(), pk=_as_id(pk))

    def retrieve(self, request, pk=None):
        require_role(request.user, *READERS)
        return Response(self.get_serializer(self._delivery(pk)).data)

    @extend_schema(request=ShortReasonSerializer, responses={200: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def requeue(self, request, pk=None):
        """Send a failed delivery again (`reason` required, kept in its history)."""
        require_role(request.user, Role.OFFICE)
        delivery = self._delivery(pk)
        body = ShortReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.delivery_requeue(actor=request.user, delivery_id=delivery.pk, reason=body.validated_data["reason"])
        return Response(self.get_serializer(self._delivery(pk)).data)
