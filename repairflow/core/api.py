from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from repairflow.core.idempotency import IdempotentPostMixin
from repairflow.core.models import Attachment
from repairflow.core.services import attachment_upload

API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    """API paths answer in the API's JSON format and follow Accept-Language."""
    return path.startswith(API_PREFIX)


BAD_CREDENTIALS = _("The user name or password is wrong, or the account is disabled.")


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ObtainTokenView(APIView):
    """`POST /api/v1/auth/token/`: exchange a user name and password for an API token."""

    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            raise AuthenticationFailed(BAD_CREDENTIALS)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "sha256", "content_type"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=None)


class AttachmentUploadView(IdempotentPostMixin, APIView):
    """`POST /api/v1/attachments/` (multipart `file`): PDF, JPEG, PNG or OFD, judged by content;
    413 over the size limit (`REPAIRFLOW_UPLOAD_MAX_BYTES`, 20 MiB by default), 415 otherwise."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    def post(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = attachment_upload(actor=request.user, upload=upload.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
