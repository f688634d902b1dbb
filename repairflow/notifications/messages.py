"""What each kind of notification says. Kept as translatable templates and rendered when read,
so that the inbox speaks the reader's language; e-mail and SMS speak the site's."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


def _unchanged(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return params


@dataclass(frozen=True)
class Message:
    title: Promise
    body: Promise
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] = _unchanged  # codes to labels, read time

    def render(self, params: Mapping[str, Any]) -> tuple[str, str]:
        values = self.prepare(params)
        return str(self.title) % values, str(self.body) % values


MESSAGES: dict[str, Message] = {}


def register(kind: str, message: Message) -> None:
    """Declare a kind of notification (each app declares its own in its AppConfig.ready)."""
    MESSAGES[kind] = message
