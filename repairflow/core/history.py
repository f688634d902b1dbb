"""Every change to a tracked model is saved with the acting user and a reason (simple-history)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation


def history_reason(reason: Any) -> str:
    """A reason as kept in history: the system's own reasons in the system's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(reason)


def save_with_history(instance: models.Model, *, actor: Any, reason: Any, **save_kwargs: Any) -> None:
    """Save `instance`, writing a history row that names who changed it and why."""
    instance._history_user = actor
    instance._change_reason = history_reason(reason)
    try:
        instance.save(**save_kwargs)
    finally:
        del instance._history_user, instance._change_reason


def _display(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def history_entries(instance: models.Model) -> list[dict]:
    """The instance's history, oldest first: when, who, why, and each field's old and new value
    (a related object by its name). The first entry (creation) lists every field with `old` None."""
    entries = []
    previous = None
    for row in instance.history.order_by("history_date", "history_id").select_related("history_user"):
        if previous is None:
            changes = [
                {"field": field.name, "old": None, "new": _display(getattr(row, field.name))}
                for field in row.tracked_fields
                if field.editable and not field.primary_key
            ]
        else:
            delta = row.diff_against(previous, foreign_keys_are_objs=True)
            changes = [
                {"field": change.field, "old": _display(change.old), "new": _display(change.new)}
                for change in delta.changes
            ]
        entries.append(
            {
                "at": row.history_date,
                "actor": row.history_user.get_username() if row.history_user else None,
                "reason": row.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = row
    return entries
