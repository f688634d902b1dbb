"""Tamper evidence for the rows that are the system's memory: the Transition log, the query log and
every history table (docs/security.md "History").

Such a table is append-only: the application never updates or deletes its rows (the model and its
queryset refuse, and on PostgreSQL a trigger refuses any UPDATE or DELETE, whoever sends it). Its
rows form a hash chain in the order of their keys: each row carries the SHA-256 of the previous
row's hash and its own content, and the chain's head (`core.ChainHead`) keeps the last hash. A
changed, deleted or reordered row breaks the chain where it was touched; `manage.py verify_audit`
walks every chain and names the first broken link.

Rows are chained as they are inserted, under a lock on their chain's head held to the end of the
transaction, so that concurrent writers append one after the other and keys follow the chain."""

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, migrations, models, router, transaction
from django.utils.translation import gettext_lazy as _

# The hash before a chain's first row.
GENESIS = "0" * 64
# Why a link does not hold (`chain_verify`).
LINK_BROKEN = _("its hash does not follow from the row before it: changed, or a row before it deleted or moved")
CHAIN_CUT = _("the chain ends before its recorded head: its last rows were deleted")


class AppendOnly(Exception):
    """An attempt to change or delete a row of an append-only table."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(f"{model._meta.db_table} is append-only: its rows are never changed or deleted")


class ChainedQuerySet(models.QuerySet):
    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list[models.Model]:
        objs = list(objs)
        unsealed = [obj for obj in objs if not getattr(obj, "_chain_sealed", False)]
        if not unsealed:
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False), sealing([self.model], using=self.db) as seal:
            seal.rows(unsealed)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly(self.model)

    def delete(self) -> Any:
        raise AppendOnly(self.model)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnly(self.model)


class Chained(models.Model):
    """An append-only, hash-chained row (the base of the Transition log, the query log and, through
    `repairflow.core.history.kept_history`, every history table)."""

    chain_hash = models.CharField(_("chain hash"), max_length=64, editable=False, default="")

    objects = ChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(type(self))
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False), sealing([type(self)], using=using) as seal:
            seal.rows([self])
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly(type(self))


def chained_models() -> list[type[models.Model]]:
    """Every concrete chained model, by table name."""
    found = [model for model in apps.get_models() if issubclass(model, Chained)]
    return sorted(found, key=lambda model: model._meta.db_table)


def _value(field: models.Field, obj: models.Model) -> Any:
    value = field.value_from_object(obj)
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    value = field.to_python(value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value  # text, numbers, booleans, JSON; a UUID is written as text


@functools.cache
def _hashed_fields(model: type[models.Model]) -> list[models.Field]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname != "chain_hash"]
    late = [f.name for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    if late:  # their value is set by the INSERT itself, after the row was hashed
        raise ImproperlyConfigured(f"{model.__name__}: a chained row cannot have auto_now fields ({late})")
    return sorted(fields, key=lambda f: f.attname)


def link(previous: str, model: type[models.Model], obj: models.Model) -> str:
    """The hash of `obj` following `previous` in its chain."""
    # Empty (NULL) columns are left out, so that a nullable column added to the table later leaves
    # the older rows' hashes as they were. A column added with any other value re-chains the
    # table in its migration (`chains_sealed`), with the trigger disabled.
    values = {field.attname: _value(field, obj) for field in _hashed_fields(model)}
    content = {name: value for name, value in values.items() if value is not None}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}\n{encoded}".encode()).hexdigest()


@dataclass
class Seal:
    heads: dict[str, Any]

    def rows(self, objs: Sequence[models.Model]) -> None:
        """Chain `objs`, in this order, onto their table's chain (they are inserted next, in order)."""
        for obj in objs:
            head = self.heads[type(obj)._meta.db_table]
            obj.chain_hash = link(head.last_hash, type(obj), obj)
            obj._chain_sealed = True
            head.last_hash = obj.chain_hash
            head.changed = True


@contextmanager
def sealing(chained: Iterable[type[models.Model]], *, using: str = "default") -> Iterator[Seal]:
    """Lock the heads of the chains of `chained` (in one statement) for the rest of the transaction,
    chain rows onto them, and store the new heads (in one statement) when the block ends."""
    ChainHead = apps.get_model("core", "ChainHead")
    tables = sorted({model._meta.db_table for model in chained})
    if not connections[using].in_atomic_block:
        raise transaction.TransactionManagementError("rows are chained inside a transaction")
    heads = {head.table: head for head in _heads(ChainHead, tables, using)}
    if len(heads) < len(tables):
        ChainHead.objects.using(using).bulk_create(
            [ChainHead(table=table, last_hash=GENESIS) for table in tables if table not in heads],
            ignore_conflicts=True,
        )
        heads = {head.table: head for head in _heads(ChainHead, tables, using)}
    for head in heads.values():
        head.changed = False
    yield Seal(heads)
    changed = [head for head in heads.values() if head.changed]
    if changed:
        ChainHead.objects.using(using).bulk_update(changed, ["last_hash"])


def _heads(ChainHead: type[models.Model], tables: list[str], using: str) -> list[models.Model]:
    return list(ChainHead.objects.using(using).select_for_update().filter(table__in=tables).order_by("table"))


@dataclass(frozen=True)
class BrokenLink:
    table: str
    row: Any  # the key of the first row whose hash does not follow, or None: the chain's end
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "end"
        return f"{self.table} {where}: {self.reason}"


def chain_verify(model: type[models.Model], *, using: str = "default") -> BrokenLink | None:
    """Walk `model`'s chain in key order; the first link that does not hold, or None."""
    table = model._meta.db_table
    previous = GENESIS
    rows = model._base_manager.using(using).order_by("pk")
    for obj in rows.iterator(chunk_size=2000):
        if obj.chain_hash != link(previous, model, obj):
            return BrokenLink(table, obj.pk, str(LINK_BROKEN))
        previous = obj.chain_hash
    head = apps.get_model("core", "ChainHead").objects.using(using).filter(table=table).first()
    if (head.last_hash if head else GENESIS) != previous:
        return BrokenLink(table, None, str(CHAIN_CUT))
    return None


def chain_seal_existing(model: type[models.Model], ChainHead: type[models.Model]) -> None:
    """Chain the rows a table held before it was chained (in a migration, before its trigger)."""
    previous = GENESIS
    batch = []
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
        obj.chain_hash = previous = link(previous, model, obj)
        batch.append(obj)
        if len(batch) == 2000:
            models.QuerySet(model).bulk_update(batch, ["chain_hash"])
            batch = []
    if batch:
        models.QuerySet(model).bulk_update(batch, ["chain_hash"])
    ChainHead.objects.update_or_create(table=model._meta.db_table, defaults={"last_hash": previous})


TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION repairflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: its rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$
"""


def append_only_triggers_install(using: str = "default") -> None:
    """On PostgreSQL, refuse every UPDATE and DELETE of a chained table, whoever sends it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER_FUNCTION)
        for model in chained_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION repairflow_append_only()"
            )


def chains_sealed(*labels: str) -> migrations.RunPython:
    """A migration's step chaining the rows the tables of `labels` ("app.Model") already hold: when
    they are first chained, or again after a column with a value was added (run `verify_audit`
    first: chaining again makes whatever the table holds the truth)."""

    def seal(apps: Any, schema_editor: Any) -> None:
        for label in labels:
            model = apps.get_model(label)
            table = schema_editor.quote_name(model._meta.db_table)
            on_postgresql = schema_editor.connection.vendor == "postgresql"
            if on_postgresql:  # a table chained before: its trigger refuses the UPDATEs
                schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            chain_seal_existing(model, apps.get_model("core", "ChainHead"))
            if on_postgresql:
                schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    return migrations.RunPython(seal, migrations.RunPython.noop)
