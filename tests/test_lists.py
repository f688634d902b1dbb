"""Every list endpoint and list page costs the same number of queries whether it shows 10 rows or
100 (a page of 50 for the API, 25 for the pages): what each row shows is read with the page, never
row by row (docs/architecture.md "What a transition costs")."""

import gc
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from repairflow.core.models import Attachment
from repairflow.core.paging import Pagination
from repairflow.notifications.models import Notification
from repairflow.objections import services as objections
from repairflow.objections.models import Objection
from repairflow.records.models import (
    CreditCheck,
    CreditRecord,
    Delivery,
    QueryKind,
    RecordImport,
    Subscription,
)
from repairflow.records.services import query_log_write, record_act
from repairflow.repair import services as repairs
from repairflow.repair.models import RepairApplication
from repairflow.repair.services import Material
from repairflow.sync.models import DeliveryAttempt
from tests.factories import CreditRecordFactory, CreditSubjectFactory, MatterFactory, UserFactory

pytestmark = pytest.mark.django_db


class World:
    """What the lists are made of, added to `n` at a time."""

    def __init__(self, scj, office, officer_scj, company):
        self.scj, self.office, self.officer, self.company = scj, office, officer_scj, company
        self.subscription = Subscription.objects.create(
            name="省平台", url="http://127.0.0.1:9/hooks", secret="s3cret-for-the-provincial-platform"
        )

    def records(self, n: int) -> list:
        # The record's content type (its clocks hang on it) is read once per process, as a running
        # server has it read: not a cost of the list.
        ContentType.objects.get_for_model(CreditRecord)
        return [CreditRecordFactory(department=self.scj, subject=self.company) for _ in range(n)]

    def objections(self, n: int) -> None:
        """Objections forwarded to market regulation: clocks, a timeline, notices, a verification."""
        for record in self.records(n):
            subject = UserFactory(subject=True, credit_subject=record.subject)
            objection = objections.objection_submit(
                actor=subject, record=record, grounds=["content_error"], statement="金额有误。"
            )
            objections.objection_accept(actor=self.office, number=objection.number)
            objections.objection_forward(actor=self.office, number=objection.number)

    def repairs(self, n: int) -> None:
        for record in self.records(n):
            subject = UserFactory(subject=True, credit_subject=record.subject)
            proof = Attachment.objects.create(
                uploaded_by=subject,
                file="attachments/proof.pdf",
                name="缴款凭证.pdf",
                size=4,
                sha256="0" * 64,
                content_type="application/pdf",
            )
            repairs.repair_submit(
                actor=subject,
                record=record,
                statement="罚款已缴清。",
                commitment=True,
                materials=[Material("performance_proof", proof)],
            )

    def deliveries(self, n: int) -> None:
        for record in self.records(n):
            record_act(actor=self.office, record_id=record.pk, action="suspend", reason="核查中")
            delivery = Delivery.objects.filter(record=record).get()
            DeliveryAttempt.objects.create(
                delivery=delivery, number=1, at=delivery.next_try_at, error="refused", duration_ms=3, outcome="retry"
            )

    def query_log(self, n: int) -> None:
        for record in self.records(n):
            query_log_write(
                user=self.officer, kind=QueryKind.DETAIL, purpose="许可审查", parameters={}, records=[record]
            )

    def credit_checks(self, n: int) -> None:
        """Checks in a matter of the department's list, and as many made before the lists existed."""
        matter = MatterFactory(department=self.scj, name="许可审查")
        CreditCheck.objects.bulk_create(
            CreditCheck(
                requested_by=self.officer,
                department=self.scj,
                subject_identifier=self.company.identifier,
                matter="许可审查",
                administrative_matter=matter if number % 2 else None,
                has_active_negative=False,
                answer={"negative_records": [], "has_active_negative": False},
            )
            for number in range(n)
        )

    def matters(self, n: int) -> None:
        for _ in range(n):
            MatterFactory(department=self.scj)

    def imports(self, n: int) -> None:
        RecordImport.objects.bulk_create(
            RecordImport(
                imported_by=self.officer,
                department=self.scj,
                file_name="records.csv",
                sha256="0" * 64,
                size=10,
                file_format="csv",
            )
            for _ in range(n)
        )

    def subscriptions(self, n: int) -> None:
        start = Subscription.objects.count()
        for number in range(start, start + n):
            Subscription.objects.create(name=f"平台{number}", url="http://127.0.0.1:9/", secret="s" * 20)

    def notifications(self, n: int) -> None:
        Notification.objects.bulk_create(
            Notification(recipient=self.office, kind="objection.accepted", params={"number": "YY1", "record": "r"})
            for _ in range(n)
        )


# name: (what to add, who reads, the path)
LISTS: dict[str, tuple[Callable, str, str]] = {
    "API: records": (World.records, "office", "/api/v1/records/"),
    "API: a department's records": (World.records, "officer", "/api/v1/records/"),
    "API: objections": (World.objections, "office", "/api/v1/objections/"),
    "API: a department's objections": (World.objections, "officer", "/api/v1/objections/"),
    "API: repair applications": (World.repairs, "office", "/api/v1/repairs/"),
    "API: query log": (World.query_log, "office", "/api/v1/query-log/"),
    "API: credit checks": (World.credit_checks, "office", "/api/v1/credit-checks/"),
    "API: a department's credit checks": (World.credit_checks, "officer", "/api/v1/credit-checks/"),
    "API: administrative matters": (World.matters, "office", "/api/v1/matters/"),
    "API: a department's administrative matters": (World.matters, "officer", "/api/v1/matters/"),
    "API: record imports": (World.imports, "office", "/api/v1/records/imports/"),
    "API: subscriptions": (World.subscriptions, "office", "/api/v1/subscriptions/"),
    "API: a subscription's deliveries": (
        World.deliveries,
        "office",
        "/api/v1/subscriptions/{subscription}/deliveries/",
    ),
    "page: records": (World.records, "office", "/records/"),
    "page: objections": (World.objections, "office", "/objections/"),
    "page: a department's queue": (World.objections, "officer", "/objections/"),
    "page: repair applications": (World.repairs, "office", "/repairs/"),
    "page: query log": (World.query_log, "office", "/query-log/"),
    "page: credit checks": (World.credit_checks, "office", "/credit-checks/"),
    "page: a department's credit checks": (World.credit_checks, "officer", "/credit-checks/"),
    "page: inbox": (World.notifications, "office", "/inbox/"),
}


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_10_and_for_100_rows(
    name, api, travel, scj, office, officer_scj, company, django_capture_on_commit_callbacks
):
    add, reader, path = LISTS[name]
    world = World(scj, office, officer_scj, company)
    user = {"office": office, "officer": officer_scj}[reader]
    if path.startswith("/api/"):
        client = api.as_user(user)
    else:
        client = Client()
        client.force_login(user)
    path = path.format(subscription=world.subscription.pk)

    # (made as in production: what waits for the commit, such as a notice's PDF, done too)
    with django_capture_on_commit_callbacks(execute=True):
        add(world, 10)
    few = queries(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        add(world, 90)
    many = queries(client, path)

    assert many == few


@pytest.mark.parametrize(
    ("add", "path", "model"),
    [(World.objections, "/api/v1/objections/", Objection), (World.repairs, "/api/v1/repairs/", RepairApplication)],
)
def test_a_page_of_cases_lets_go_of_what_it_holds_once_answered(
    add, path, model, api, scj, office, officer_scj, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(World(scj, office, officer_scj, company), 3)  # each case refers to its verifications or materials and back
    client = api.as_user(office)
    client.get(path)  # what a process reads once (content types, the calendar)
    gc.collect()
    gc.disable()  # what is freed now is freed by its last reference going, as between passes
    try:
        response = client.get(path)
        alive = [thing for thing in gc.get_objects() if type(thing) is model]
    finally:
        gc.enable()

    assert len(response.json()["results"]) == 3
    # what is still referred to holds nothing: its record, clocks, timeline and the rest are gone
    assert [vars(case) for case in alive if vars(case)] == []


def test_the_browsable_api_pages_a_case_list_after_its_cases_are_let_go_of(
    api, scj, office, officer_scj, company, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(Pagination, "page_size", 2)
    with django_capture_on_commit_callbacks(execute=True):
        World(scj, office, officer_scj, company).objections(3)

    response = api.as_user(office).get("/api/v1/objections/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "?page=2" in response.content.decode()  # the page links, drawn after the list is written


def test_a_list_of_more_rows_than_its_exact_count_says_so(api, office, scj, company, monkeypatch):
    from repairflow.core import paging

    monkeypatch.setattr(paging, "EXACT_UP_TO", 5)
    CreditRecordFactory.create_batch(7, department=scj, subject=company)

    body = api.as_user(office).get("/api/v1/records/").json()

    # PostgreSQL's planner estimates the rest (never fewer than the rows counted); SQLite counts all
    if connection.vendor == "postgresql":
        assert body["count_is_estimate"] is True
        assert body["count"] >= 6
    else:
        assert (body["count"], body["count_is_estimate"]) == (7, False)
    assert len(body["results"]) == 7


def test_a_list_the_planner_puts_far_beyond_the_exact_count_is_not_counted(api, office, scj, company, monkeypatch):
    from repairflow.core import paging

    monkeypatch.setattr(paging, "ESTIMATE_TRUSTED_ABOVE", 5)
    CreditRecordFactory.create_batch(7, department=scj, subject=company)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_creditrecord")

    with CaptureQueriesContext(connection) as captured:
        body = api.as_user(office).get("/api/v1/records/").json()

    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(body["results"]) == 7
    if connection.vendor == "postgresql":  # the planner's figure, and no count at all
        assert body["count_is_estimate"] is True
        assert body["count"] > 5
        assert counts == []
    else:  # SQLite has no planner estimate: it counts
        assert (body["count"], body["count_is_estimate"]) == (7, False)
        assert len(counts) == 1


def test_a_short_list_is_counted_exactly(api, office, scj, company):
    CreditRecordFactory.create_batch(3, department=scj, subject=company)

    body = api.as_user(office).get("/api/v1/records/").json()

    assert (body["count"], body["count_is_estimate"]) == (3, False)


def test_a_subjects_records_in_another_company_are_not_counted(api, scj):
    other = CreditSubjectFactory()
    CreditRecordFactory(department=scj, subject=other)
    subject_user = UserFactory(subject=True)

    assert api.as_user(subject_user).get("/api/v1/records/").json()["count"] == 0
