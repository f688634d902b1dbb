"""Registration endpoints (docs/api.md "Subjects registering themselves"): anyone asks for a code
and registers; the credit office lists the registrations and decides (the auditor reads them;
anyone else 404)."""

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.core.identifiers import SubjectType
from repairflow.registrations import services
from repairflow.registrations.models import Registration, RegistrationState
from repairflow.registrations.selectors import registrations_visible_to
from repairflow.registrations.throttling import CodeLimits, RegistrationLimits


class PhoneSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class PhoneCodeView(CodeLimits, APIView):
    """`POST /api/v1/registrations/phone-code/` `{"phone"}`: a 6-digit code by SMS, valid 10
    minutes and 5 tries; anonymous, one code per phone number a minute."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=PhoneSerializer, responses={202: None}, auth=[])
    def post(self, request):
        data = PhoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.phone_code_send(phone=data.validated_data["phone"])
        return Response(status=status.HTTP_202_ACCEPTED)


class RegistrationCreateSerializer(serializers.Serializer):
    subject_id = serializers.CharField(max_length=32)
    subject_name = serializers.CharField(max_length=200)
    subject_type = serializers.ChoiceField(choices=SubjectType.choices)
    contact_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone_code = serializers.CharField(max_length=16)
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    proof = serializers.FileField(allow_empty_file=False, max_length=None, help_text="Business licence or ID card")


class RegistrationSerializer(serializers.ModelSerializer):
    subject_id = serializers.CharField(source="identifier")
    proof = serializers.SerializerMethodField()
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    account = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "state",
            "subject_id",
            "subject_name",
            "subject_type",
            "contact_name",
            "phone",
            "email",
            "username",
            "proof",
            "received_at",
            "decided_at",
            "decided_by",
            "rejection_reason",
            "account",
        ]
        read_only_fields = fields

    @extend_schema_field(
        inline_serializer(
            "RegistrationProof",
            {
                "name": serializers.CharField(),
                "size": serializers.IntegerField(),
                "content_type": serializers.CharField(),
                "sha256": serializers.CharField(),
            },
        )
    )
    def get_proof(self, registration) -> dict:
        return {
            "name": registration.proof_name,
            "size": registration.proof_size,
            "content_type": registration.proof_content_type,
            "sha256": registration.proof_sha256,
        }


class StateFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=RegistrationState.choices, required=False)


class RejectSerializer(serializers.Serializer):
    # required by the service, after the caller is known to see the registration (anyone else: 404)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


CREATED = inline_serializer(
    "RegistrationReceived",
    {"id": serializers.IntegerField(), "state": serializers.ChoiceField(choices=RegistrationState.choices)},
)


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`POST /api/v1/registrations/` (anyone, throttled, multipart) → `201 {"id","state"}`;
    `GET` (office, auditor) the registrations, `?state=pending`; `POST {id}/approve/` and
    `{id}/reject/` `{"reason"}` (office): deciding a decided one is 409."""

    serializer_class = RegistrationSerializer
    lookup_value_regex = r"[0-9]+"
    also_refuses = {"GET": (404,), "POST": (409,)}  # not the office's or the auditor's; decided (core.schema)

    @property
    def throttle_scope(self):
        return RegistrationLimits.throttle_scope if self.action == "create" else None

    def get_permissions(self):
        return [AllowAny()] if self.action == "create" else [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        registrations = registrations_visible_to(self.request.user)
        if self.action == "list":
            query = StateFilterSerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if state := query.validated_data.get("state"):
                registrations = registrations.filter(state=state)
        return registrations

    @extend_schema(parameters=[StateFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": RegistrationCreateSerializer}, responses={201: CREATED}, auth=[])
    def create(self, request):
        data = RegistrationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_submit(application=services.Application(**data.validated_data))
        return Response({"id": registration.pk, "state": registration.state}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        registration = services.registration_approve(actor=request.user, registration_id=int(pk))
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=RejectSerializer, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_reject(
            actor=request.user, registration_id=int(pk), reason=data.validated_data["reason"]
        )
        return Response(RegistrationSerializer(registration).data)
