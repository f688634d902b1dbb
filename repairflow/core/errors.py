"""The refusals of the domain. Services raise these and nothing else; each carries the API's
error code (docs/api.md "Errors") and its message, and `repairflow.core.api` answers it with
its HTTP status, as the pages do with theirs."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

INVALID_INPUT = _("The input is not valid; see the fields named.")
NOT_FOUND = _("Not found.")
TRANSITION_NOT_ALLOWED = _("This action is not allowed in the current state.")


class DomainError(Exception):
    """A refusal: its `code`, its message (`detail`) and whatever else the answer names (`extra`)."""

    code = "conflict"

    def __init__(self, detail: Any, **extra: Any) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.code, "detail": str(self.detail), **self.extra}


class Invalid(DomainError):
    """Bad input, each message under the field it is about (`fields`: name → messages)."""

    code = "invalid"

    def __init__(self, fields: Mapping[str, Any], detail: Any = INVALID_INPUT) -> None:
        super().__init__(detail, fields={name: _messages(value) for name, value in fields.items()})

    @property
    def fields(self) -> dict[str, Any]:
        return self.extra["fields"]


def _messages(value: Any) -> Any:
    """A field's messages as text (a nested mapping stays a mapping, as a row's fields do)."""
    if isinstance(value, Mapping):
        return {name: _messages(inner) for name, inner in value.items()}
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [str(value)]
    return [str(message) for message in value]


class Forbidden(DomainError):
    """Visible, but the caller's role may not do this."""

    code = "forbidden"


class NotFound(DomainError):
    """Absent, or not visible to the caller (existence does not leak)."""

    code = "not_found"

    def __init__(self, detail: Any = NOT_FOUND) -> None:
        super().__init__(detail)


def get_or_not_found(queryset: QuerySet, **lookup: Any) -> Any:
    """The one object of `queryset` matching `lookup`, else NotFound."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound from None


class Conflict(DomainError):
    """A duplicate or a concurrent change."""

    code = "conflict"


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the object's state; the answer names the state and the
    actions it allows."""

    code = "transition_not_allowed"

    def __init__(self, *, state: str, allowed: Iterable[str], detail: Any = TRANSITION_NOT_ALLOWED) -> None:
        super().__init__(detail, state=state, allowed=sorted(allowed))


class TooLarge(DomainError):
    """An upload over its limit."""

    code = "too_large"


class UnsupportedType(DomainError):
    """An upload whose content is not an allowed type."""

    code = "unsupported_type"
