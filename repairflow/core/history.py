"""Every change to a tracked model is saved with the acting user and a reason (simple-history), and
a use-case writes what it changed once, in bulk, when it ends (`Writes`; docs/architecture.md
"What a transition costs")."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from simple_history import register
from simple_history.models import HistoricalRecords

from repairflow.core.audit import Chained, sealing

# Joins the reasons of a row changed more than once by one use-case, in its one history row.
REASONS_JOINED = "；"


def history_reason(reason: Any) -> str:
    """A reason as kept in history: the system's own reasons in the system's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(reason)


# History tables, and those of many-to-many fields, are append-only and hash-chained (`core.audit`).
_CHAINED = {"bases": [Chained], "m2m_bases": [Chained]}


def kept_history(**options: Any) -> HistoricalRecords:
    """A model's history (simple-history)."""
    return HistoricalRecords(**_CHAINED, **options)


def keep_history_of(model: type[models.Model], *, app: str, **options: Any) -> None:
    """Keep the history of a model of another package (Django's own) in the tables of `app` (a package)."""
    register(model, app=app, **_CHAINED, **options)


_HISTORY_MODELS: dict[type[models.Model], type[models.Model]] = {}


def history_model(model: type[models.Model]) -> type[models.Model]:
    """The historical model simple-history keeps `model`'s rows in (looked up once per model:
    the history descriptor builds a new manager class at every access)."""
    if model not in _HISTORY_MODELS:
        _HISTORY_MODELS[model] = getattr(model, model._meta.simple_history_manager_attribute).model
    return _HISTORY_MODELS[model]


@dataclass
class _Change:
    instance: models.Model
    actor: Any
    reasons: list[str]
    created: bool
    inserted: bool  # already in the table (created with `now`, or an update)
    dirty: bool = False  # created with `now` and changed since: updated when the use-case ends


@dataclass
class Writes:
    """The rows one use-case changes, written when it ends (`flush`, inside its transaction): each
    changed row saved once with one history row naming who and why (a row changed twice keeps both
    reasons in that one row), the new rows of one model inserted in one statement, the changed
    ones updated in one, and so their history rows. Reads in between see the objects, not the
    table: a use-case keeps the objects it changes (see `repairflow.deadlines.services.CaseClocks`)."""

    _changes: dict[int, _Change] = field(default_factory=dict)  # by id(instance), in order of first change
    _rows: list[models.Model] = field(default_factory=list)  # rows without history of their own
    _before_flush: list[Callable[[], None]] = field(default_factory=list)
    _parts: dict[str, Any] = field(default_factory=dict)

    def create(self, instance: models.Model, *, actor: Any, reason: Any, now: bool = False) -> models.Model:
        """A new row with its history; inserted at once when `now` (its key is needed), else with
        the others of its model when the use-case ends."""
        if now:
            _save_without_history(instance)
        self._changes[id(instance)] = _Change(instance, actor, [history_reason(reason)], True, now)
        return instance

    def save(self, instance: models.Model, *, actor: Any, reason: Any) -> models.Model:
        """A changed row: updated once when the use-case ends, with one history row."""
        change = self._changes.get(id(instance))
        reason = history_reason(reason)
        if change is None:
            self._changes[id(instance)] = _Change(instance, actor, [reason], False, True)
            return instance
        change.dirty = change.created and change.inserted
        if reason != change.reasons[-1]:
            change.reasons.append(reason)
        change.actor = actor if actor is not None else change.actor
        return instance

    def add(self, *rows: models.Model) -> None:
        """Rows without history (a timeline step, a notification): inserted when the use-case ends."""
        self._rows.extend(rows)

    def before_flush(self, callback: Callable[[], None]) -> None:
        """Run `callback` when the use-case ends, before anything is written (it may add rows)."""
        self._before_flush.append(callback)

    def part(self, name: str, make: Callable[["Writes"], Any]) -> Any:
        """The use-case's one `name` helper (an app's own batch of what it writes), made by
        `make(self)` when first asked for."""
        if name not in self._parts:
            self._parts[name] = make(self)
        return self._parts[name]

    def added(self, model: type[models.Model]) -> list[models.Model]:
        """The rows without history of `model` this use-case has added so far."""
        return [row for row in self._rows if isinstance(row, model)]

    def flush(self) -> None:
        for callback in self._before_flush:
            callback()
        self._before_flush = []
        now = timezone.now()
        created = _by_model(change for change in self._changes.values() if not change.inserted)
        for model, changes in created.items():
            model.objects.bulk_create([change.instance for change in changes])
        updated = _by_model(change for change in self._changes.values() if not change.created or change.dirty)
        for model, changes in updated.items():
            _update(model, [change.instance for change in changes])
        history = {
            history_model(model): [_history_row(model, change, now) for change in changes]
            for model, changes in _by_model(self._changes.values()).items()
        }
        rows = _by_model(self._rows, key=type)
        chained = [model for model in [*history, *rows] if issubclass(model, Chained)]
        with transaction.atomic(savepoint=False), sealing(chained) as seal:
            for model, model_rows in [*history.items(), *rows.items()]:
                if model in chained:
                    seal.rows(model_rows)
                model.objects.bulk_create(model_rows)
        self._changes, self._rows, self._parts = {}, [], {}


@contextmanager
def writing(writes: Writes | None = None) -> Iterator[Writes]:
    """The caller's `writes`, or new ones flushed when the block ends without an error."""
    if writes is not None:
        yield writes
        return
    writes = Writes()
    yield writes
    writes.flush()


def save_with_history(instance: models.Model, *, actor: Any, reason: Any) -> None:
    """Save `instance` now, with a history row that names who changed it and why."""
    writes = Writes()
    if instance._state.adding:
        writes.create(instance, actor=actor, reason=reason, now=True)
    else:
        writes.save(instance, actor=actor, reason=reason)
    writes.flush()


def _save_without_history(instance: models.Model, **kwargs: Any) -> None:
    instance.skip_history_when_saving = True
    try:
        instance.save(**kwargs)
    finally:
        del instance.skip_history_when_saving


def _by_model(items: Any, key: Callable[[Any], type] = lambda change: type(change.instance)) -> dict[type, list]:
    grouped: dict[type, list] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return grouped


def _update(model: type[models.Model], instances: list[models.Model]) -> None:
    """Save changed rows: one UPDATE for one row, one bulk UPDATE for several (their `auto_now`
    fields set as a save would)."""
    if len(instances) == 1:
        _save_without_history(instances[0])
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for instance in instances:
        for auto in (f for f in fields if getattr(f, "auto_now", False)):
            setattr(instance, auto.attname, auto.pre_save(instance, add=False))
    model.objects.bulk_update(instances, [f.name for f in fields])


def _history_row(model: type[models.Model], change: _Change, now: Any) -> models.Model:
    historical = history_model(model)
    return historical(
        history_date=now,
        history_type="+" if change.created else "~",
        history_user=change.actor,
        history_change_reason=REASONS_JOINED.join(change.reasons),
        **{field.attname: getattr(change.instance, field.attname) for field in historical.tracked_fields},
    )


def _display(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def history_entries(instance: models.Model) -> list[dict]:
    """The instance's history, oldest first: when, who, why, and each field's old and new value
    (a related object by its name). The first entry (creation) lists every field with `old` None,
    except the fields a model names in `HISTORY_SHOWN_WHEN_SET` while they are empty: fields added
    after rows were kept, which the rows of before hold as NULL and a creation has nothing to say
    of (their history reads as it did before they existed)."""
    entries = []
    previous = None
    quiet = frozenset(getattr(type(instance), "HISTORY_SHOWN_WHEN_SET", ()))
    for row in instance.history.order_by("history_date", "history_id").select_related("history_user"):
        if previous is None:
            changes = [
                {"field": field.name, "old": None, "new": _display(getattr(row, field.name))}
                for field in row.tracked_fields
                if field.editable
                and not field.primary_key
                and not (field.name in quiet and getattr(row, field.name) in (None, ""))
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
