"""The API's token authentication (the setting DEFAULT_AUTHENTICATION_CLASSES; docs/api.md
"Sessions and tokens"): `Authorization: Token <key>`, looked up by its SHA-256 among the live
tokens. A module of its own: DRF reads the setting while `rest_framework.views` is being imported."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from repairflow.core.services import api_token_find

KEYWORD = "Token"
TOKEN_MALFORMED = _("Send the token as: Authorization: Token <token>.")
TOKEN_NOT_LIVE = _("The token is unknown, expired or revoked; ask for a new one.")


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise AuthenticationFailed(TOKEN_MALFORMED)
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(TOKEN_MALFORMED) from None
        token = api_token_find(key)
        if token is None:
            raise AuthenticationFailed(TOKEN_NOT_LIVE)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document's `tokenAuth` scheme: `Authorization: Token <key>` (Swagger UI's
    "Authorize" sends it)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
