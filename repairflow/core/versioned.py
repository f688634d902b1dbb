"""Reads a process keeps until the data changes: the work calendar, the platforms subscribed, the
staff who are told of cases. Each has a version, a number that grows with every change saved (a
history row's id, a schedule's version): a use-case reads it with its first query (`now()` as an
annotation) and the read is made again only when it differs from the one kept. See
docs/architecture.md, "What a transition costs"."""

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL

T = TypeVar("T")


class ReadPerVersion(Generic[T]):
    """`read(version)` kept by this process while `latest` (a queryset of the version values, the
    newest first) gives the same first value; 0 when it gives none."""

    kept: ClassVar[list["ReadPerVersion[Any]"]] = []

    def __init__(self, latest: Callable[[], QuerySet], read: Callable[[int], T]) -> None:
        self._latest, self._read = latest, read
        self._kept: tuple[int, T] | None = None
        self._sql: dict[str, tuple[str, tuple]] = {}  # the version's subquery compiled, by database
        ReadPerVersion.kept.append(self)

    def now(self, using: str = "default") -> RawSQL:
        """The version as an expression, to annotate the use-case's first query with (its SQL is
        compiled once: every step of every case asks for it)."""
        if using not in self._sql:
            sql, params = self._latest()[:1].query.get_compiler(using=using).as_sql()
            self._sql[using] = (f"COALESCE(({sql}), 0)", tuple(params))
        sql, params = self._sql[using]
        return RawSQL(sql, params, output_field=IntegerField())

    def get(self, version: int | None = None) -> T:
        """The read at the current version: `version` when the caller has read it already, else
        read here."""
        if version is None:
            version = next(iter(self._latest()[:1]), 0)
        if self._kept is None or self._kept[0] != version:
            self._kept = (version, self._read(version))
        return self._kept[1]

    @classmethod
    def forget_all(cls) -> None:
        """Drop every read kept in this process (each test starts from the database)."""
        for read in cls.kept:
            read._kept = None
