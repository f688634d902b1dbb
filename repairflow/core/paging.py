"""Pages of long lists that cost the same at page 1 and page 200: a list is counted exactly up to
`EXACT_UP_TO` rows and, beyond that, by the database planner's estimate (PostgreSQL; others count
exactly), so that no page costs a scan of a million rows to say how many there are; and a page
reads its rows' keys first, then only those rows. For the pages (`page_of`) and
the API (`Pagination`, the setting DEFAULT_PAGINATION_CLASS).

The planner is asked first: a list it puts at over `ESTIMATE_TRUSTED_ABOVE` rows (ten times the
exact limit, far beyond its usual error) is not counted at all, as counting even the first
10,001 of its rows costs more than the rest of the page."""

import json
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination

EXACT_UP_TO = 10_000
ESTIMATE_TRUSTED_ABOVE = 10 * EXACT_UP_TO


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows `queryset` holds (PostgreSQL), else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a list that can hold nothing (`.none()`) has no SQL to explain
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class CappedCountPaginator(Paginator):
    """A paginator whose `count` reads at most EXACT_UP_TO + 1 rows of the list; `count_is_estimate`
    says when the count beyond that is the planner's."""

    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        objects = self.object_list
        if not isinstance(objects, QuerySet):
            return super().count
        estimate = estimated_count(objects)
        if estimate is not None and estimate > ESTIMATE_TRUSTED_ABOVE:
            self.count_is_estimate = True
            return estimate
        counted = objects.order_by().values("pk")[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        if estimate is None:
            return objects.count()
        self.count_is_estimate = True
        return max(estimate, counted)

    def page(self, number: Any) -> Any:
        """The page's rows read in two steps: their keys in the list's order (no join, an index
        can answer it), then those rows with everything they are read with, so that the rows a
        deep page skips are never joined nor fetched."""
        objects = self.object_list
        if not isinstance(objects, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(objects.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in objects.order_by().filter(pk__in=keys)} if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def page_of(objects: Any, number: Any, size: int) -> Any:
    """Page `number` of `objects` (the last one when out of range), `size` rows a page."""
    return CappedCountPaginator(objects, size).get_page(number)


class Pagination(PageNumberPagination):
    """`{"count", "count_is_estimate", "next", "previous", "results"}`: the count is exact up to
    10,000 rows and the database's estimate beyond (repairflow/core/paging.py), so that no page of
    a long list costs a full count."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {
            "count": response.data["count"],
            "count_is_estimate": self.page.paginator.count_is_estimate,
            **{key: value for key, value in response.data.items() if key != "count"},
        }
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when `count` is the database's estimate (a list of over 10,000 rows).",
        }
        return paginated
