"""The OpenAPI document's error responses (the setting DEFAULT_SCHEMA_CLASS; docs/api.md "Errors",
"Errors, hardened"): every operation declares, in one place, the refusals it can answer, each in
the shape `core.api.api_exception_handler` and `core.views` write. A module of its own, as DRF
reads its settings while `rest_framework.views` is being imported.

Which statuses an operation declares follows from its view, not from a list kept by hand:

- 400 `invalid`: every operation (a NUL in any query parameter, a request Django cannot read;
  bodies and parameters that fail their checks);
- 401 `unauthenticated`: operations whose view authenticates (no token, or one unknown, expired
  or revoked);
- 403 `forbidden`: unsafe methods of a view that authenticates (a role that may not, a session
  without its CSRF token), and the methods the view names in `also_refuses`;
- 404 `not_found`: operations with a path parameter, paginated lists (a page out of range), and
  what `also_refuses` names;
- 406 `not_acceptable`: views that negotiate the answer's type (an `Accept` header naming none of
  theirs);
- 409 `conflict`, `transition_not_allowed`: POSTs of views taking an `Idempotency-Key` (a key in
  use or reused, a duplicate, a concurrent change, the wrong state);
- 413 `too_large`, 415 `unsupported_type`: operations that read a body;
- 429 `throttled`: views with a throttle rate (`throttle_scope`).
"""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object
from rest_framework.views import APIView

from repairflow.core.authentication import KEYWORD

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_TEXT = {"type": "string"}
_ERROR_CODES: dict[int, tuple[str, list[str], str]] = {
    # status: (component, codes, description)
    400: ("InvalidError", ["invalid"], "Bad input: each message under the field it is about (`fields`)."),
    401: ("UnauthenticatedError", ["unauthenticated"], "No credentials, or a token unknown, expired or revoked."),
    403: ("ForbiddenError", ["forbidden"], "Visible, but the caller's role may not do this."),
    404: ("NotFoundError", ["not_found"], "Absent, or not visible to the caller."),
    406: ("NotAcceptableError", ["not_acceptable"], "The `Accept` header names no type this operation answers in."),
    409: (
        "ConflictError",
        ["conflict", "transition_not_allowed"],
        "A duplicate, a concurrent change, an `Idempotency-Key` in use or reused (`conflict`); or the "
        "wrong state for the action (`transition_not_allowed`, with `state` and the `allowed` actions).",
    ),
    413: ("TooLargeError", ["too_large"], "The body, or the file in it, is over the limit."),
    415: (
        "UnsupportedTypeError",
        ["unsupported_type"],
        "A body of a type not read here, or a file of a type not allowed.",
    ),
    429: ("ThrottledError", ["throttled"], "Too many requests (a rate limit, or failed sign-ins locked out)."),
}


def error_schema(status: int) -> dict[str, Any]:
    """The body of an error answered with `status`: `{"error", "detail", ...}`."""
    _component, codes, _description = _ERROR_CODES[status]
    properties: dict[str, Any] = {"error": {"type": "string", "enum": codes}, "detail": _TEXT}
    required = ["error", "detail"]
    if status == 400:
        properties["fields"] = {
            "type": "object",
            "additionalProperties": True,
            "description": "Each field's messages (a list, or per item or key for lists and objects).",
        }
        required.append("fields")
    if status == 409:
        properties["state"] = {**_TEXT, "description": "The current state (`transition_not_allowed`)."}
        properties["allowed"] = {
            "type": "array",
            "items": _TEXT,
            "description": "The actions the state allows the caller (`transition_not_allowed`).",
        }
    return {"type": "object", "properties": properties, "required": required}


class TokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>` (core.authentication)."""

    target_class = "repairflow.core.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, declaring each operation's error responses. A view may name
    refusals its shape does not show in `also_refuses` (method → statuses), e.g. a GET refused to
    some roles (403) or a query that answers 404 when nothing matches."""

    def error_statuses(self) -> set[int]:
        # here, not above: core.api's views are decorated with this class while it is imported
        from repairflow.core.api import IdempotentPostMixin

        view: APIView = self.view
        method = self.method
        authenticates = bool(view.get_authenticators())
        statuses = {400}
        if authenticates:
            statuses.add(401)
            if method not in SAFE_METHODS:
                statuses.add(403)
        if self._resolve_path_parameters_names() or (method == "GET" and self._is_paginated()):
            statuses.add(404)
        if type(view).perform_content_negotiation is APIView.perform_content_negotiation:
            statuses.add(406)
        if method == "POST" and isinstance(view, IdempotentPostMixin):
            statuses.add(409)
        if method in BODY_METHODS:
            statuses |= {413, 415}
        if getattr(view, "throttle_scope", None) in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]:
            statuses.add(429)
        statuses |= set(getattr(view, "also_refuses", {}).get(method, ()))
        return statuses

    def _resolve_path_parameters_names(self) -> list[str]:
        return [part for part in self.path.split("/") if part.startswith("{")]

    def _is_paginated(self) -> bool:
        return self._get_paginator() is not None and self._is_list_view()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in sorted(self.error_statuses()):
            if str(status) in responses:
                continue
            component, _codes, description = _ERROR_CODES[status]
            resolved = ResolvedComponent(
                name=component, type=ResolvedComponent.SCHEMA, object=component, schema=error_schema(status)
            )
            self.registry.register_on_missing(resolved)
            responses[str(status)] = {
                "content": {"application/json": {"schema": resolved.ref}},
                "description": description,
            }
        return responses
