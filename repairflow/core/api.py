from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

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
