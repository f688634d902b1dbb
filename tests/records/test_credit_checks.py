"""Credit checks (逢办必查) a department can use: the lists of administrative matters the office
keeps, a check naming one of its department's matters, the evidence it keeps, its PDF, the page,
and the counts per department and matter (docs/api.md "Credit checks and administrative matters")."""

from datetime import date

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _

from repairflow.records.evidence import (
    FOUND,
    KEPT_AS_EVIDENCE,
    RECORD_LINE_WITH_HISTORY,
    RULE_APPLIED,
    credit_check_pdf,
    credit_check_text,
)
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    MatterKind,
    MatterNotDeletable,
    QueryLog,
    RecordState,
)
from repairflow.records.publication import Category
from repairflow.records.selectors import credit_check_counts
from repairflow.records.serializers import UNKNOWN_DEPARTMENT
from repairflow.records.services import (
    MATTER_CODE_AMBIGUOUS,
    MATTER_CODE_TAKEN,
    MATTER_CREATED,
    MATTER_DEACTIVATED,
    MATTER_INACTIVE,
    MATTER_UNKNOWN,
    MATTER_UNKNOWN_TO_OFFICE,
    credit_check_run,
    record_act,
)
from tests.factories import CreditRecordFactory, MatterFactory
from tests.helpers import NOT_FOUND, forbidden, invalid
from tests.i18n import in_chinese

PROCUREMENT_NAME = "政府采购供应商资格审查"


@pytest.fixture
def lists(scj, hb):
    """SCJ's list: a procurement, a licence, a deactivated subsidy; HB's: a subsidy whose code
    SCJ also uses."""
    return {
        "procurement": MatterFactory(department=scj, code="CG-001", name=PROCUREMENT_NAME, kind="procurement"),
        "licence": MatterFactory(department=scj, code="XK-001", name="食品经营许可", kind="licence"),
        "retired": MatterFactory(department=scj, code="BZ-001", name="旧补贴", kind="subsidy", active=False),
        "hb_subsidy": MatterFactory(department=hb, code="CG-001", name="环保专项资金", kind="subsidy"),
    }


def _state() -> list[tuple]:
    """Every matter as (department, code, name, kind, active), and how many history rows they have."""
    rows = list(AdministrativeMatter.objects.values_list("department__code", "code", "name", "kind", "active"))
    return [rows, AdministrativeMatter.history.count()]


# --- The lists: GET /api/v1/matters/ -------------------------------------------------------------


def test_a_department_reads_its_own_list_only(api, lists, officer_scj):
    response = api.as_user(officer_scj).get("/api/v1/matters/")

    assert response.status_code == 200
    assert [(m["department"], m["code"], m["kind"], m["active"]) for m in response.json()["results"]] == [
        ("SCJ", "BZ-001", "subsidy", False),
        ("SCJ", "CG-001", "procurement", True),
        ("SCJ", "XK-001", "licence", True),
    ]
    assert response.json()["results"][1] == {
        "id": lists["procurement"].pk,
        "department": "SCJ",
        "department_name": "市场监督管理局",
        "code": "CG-001",
        "name": PROCUREMENT_NAME,
        "kind": "procurement",
        "active": True,
    }


@pytest.mark.parametrize("user", ["office", "auditor"])
def test_the_office_and_auditors_read_every_list_and_filter_by_department(api, request, lists, user):
    client = api.as_user(request.getfixturevalue(user))

    everything = client.get("/api/v1/matters/").json()["results"]
    hb_only = client.get("/api/v1/matters/", {"department": "hb"}).json()["results"]
    active_scj = client.get("/api/v1/matters/", {"department": "SCJ", "active": "true"}).json()["results"]

    assert len(everything) == 4
    assert [m["id"] for m in hb_only] == [lists["hb_subsidy"].pk]
    assert [m["code"] for m in active_scj] == ["CG-001", "XK-001"]


def test_a_department_filtering_by_another_department_finds_nothing(api, lists, officer_scj):
    response = api.as_user(officer_scj).get("/api/v1/matters/", {"department": "HB"})

    assert (response.status_code, response.json()["results"]) == (200, [])


def test_an_unknown_department_filter_is_refused_by_name(api, lists, office):
    response = api.as_user(office).get("/api/v1/matters/", {"department": "NOPE"})

    assert response.status_code == 400
    assert response.json() == invalid({"department": [in_chinese(UNKNOWN_DEPARTMENT)]})


def test_a_subject_reads_no_list(api, lists, company_user):
    response = api.as_user(company_user).get("/api/v1/matters/")

    assert (response.status_code, response.json()["results"]) == (200, [])
    assert api.as_user(company_user).get(f"/api/v1/matters/{lists['procurement'].pk}/").status_code == 404


def test_another_departments_matter_is_not_found(api, lists, officer_hb):
    response = api.as_user(officer_hb).get(f"/api/v1/matters/{lists['procurement'].pk}/")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- The office keeps the lists: POST, PATCH ----------------------------------------------------


def test_the_office_adds_a_matter_to_a_departments_list_with_history(api, travel, scj, office):
    response = api.as_user(office).post(
        "/api/v1/matters/",
        {"department": "scj", "code": "xk-002", "name": "药品经营许可", "kind": "licence"},
        format="json",
    )

    assert response.status_code == 201
    matter = AdministrativeMatter.objects.get()
    assert response.json() == {
        "id": matter.pk,
        "department": "SCJ",
        "department_name": "市场监督管理局",
        "code": "XK-002",
        "name": "药品经营许可",
        "kind": "licence",
        "active": True,
    }
    (row,) = matter.history.all()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", office, in_chinese(MATTER_CREATED))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"department": "SCJ", "code": "CG-001", "name": "重复", "kind": "licence"}, "code"),
        ({"department": "SCJ", "code": "1-ABC", "name": "数字开头", "kind": "licence"}, "code"),
        ({"department": "SCJ", "code": "XK-009", "name": "种类错", "kind": "grant"}, "kind"),
        ({"department": "XX", "code": "XK-009", "name": "无此部门", "kind": "licence"}, "department"),
        ({"department": "SCJ", "code": "XK-009", "kind": "licence"}, "name"),
    ],
)
def test_a_bad_matter_is_refused_naming_the_field_and_nothing_changes(api, lists, office, body, field):
    before = _state()

    response = api.as_user(office).post("/api/v1/matters/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _state() == before


def test_a_taken_code_is_refused_in_the_users_language(api, lists, office):
    response = api.as_user(office).post(
        "/api/v1/matters/",
        {"department": "SCJ", "code": "CG-001", "name": "重复", "kind": "licence"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.json()["fields"] == {"code": [str(MATTER_CODE_TAKEN)]}


def test_the_same_code_on_another_departments_list_is_fine(api, lists, office):
    response = api.as_user(office).post(
        "/api/v1/matters/", {"department": "HB", "code": "XK-001", "name": "排污许可", "kind": "licence"}, format="json"
    )

    assert response.status_code == 201


@pytest.mark.parametrize("user", ["officer_scj", "auditor", "company_user"])
def test_only_the_office_adds_matters(api, request, lists, user):
    before = _state()

    response = api.as_user(request.getfixturevalue(user)).post(
        "/api/v1/matters/", {"department": "SCJ", "code": "XK-009", "name": "新", "kind": "licence"}, format="json"
    )

    assert (response.status_code, response.json()) == (403, forbidden())
    assert _state() == before


def test_the_office_deactivates_a_matter_and_history_says_so(api, travel, lists, office):
    matter = lists["licence"]

    response = api.as_user(office).patch(f"/api/v1/matters/{matter.pk}/", {"active": False}, format="json")

    assert (response.status_code, response.json()["active"]) == (200, False)
    matter.refresh_from_db()
    assert matter.active is False
    latest = matter.history.latest("history_id")
    assert (latest.history_type, latest.history_user, latest.history_change_reason, latest.active) == (
        "~",
        office,
        in_chinese(MATTER_DEACTIVATED),
        False,
    )


def test_a_patch_that_changes_nothing_writes_no_history(api, lists, office):
    before = _state()

    response = api.as_user(office).patch(f"/api/v1/matters/{lists['licence'].pk}/", {"active": True}, format="json")

    assert response.status_code == 200
    assert _state() == before


def test_renaming_to_a_code_taken_on_the_list_is_refused(api, lists, office):
    before = _state()

    response = api.as_user(office).patch(f"/api/v1/matters/{lists['licence'].pk}/", {"code": "cg-001"}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid({"code": [in_chinese(MATTER_CODE_TAKEN)]})
    assert _state() == before


@pytest.mark.parametrize(
    ("user", "matter", "status"),
    [("officer_scj", "licence", 403), ("officer_hb", "licence", 404), ("auditor", "licence", 403)],
)
def test_only_the_office_changes_a_matter(api, request, lists, user, matter, status):
    before = _state()

    response = api.as_user(request.getfixturevalue(user)).patch(
        f"/api/v1/matters/{lists[matter].pk}/", {"active": False}, format="json"
    )

    assert response.status_code == status
    assert _state() == before


@pytest.mark.parametrize("matter_id", ["0", "abc", "99999999999999999999"])
def test_changing_a_matter_that_does_not_exist_is_not_found(api, lists, office, matter_id):
    response = api.as_user(office).patch(f"/api/v1/matters/{matter_id}/", {"active": False}, format="json")

    assert response.status_code == 404


def test_a_matter_is_never_deleted(api, lists, office):
    before = _state()

    response = api.as_user(office).delete(f"/api/v1/matters/{lists['licence'].pk}/")

    assert response.status_code == 405
    assert _state() == before
    with pytest.raises(MatterNotDeletable):
        lists["licence"].delete()


# --- A check names a matter of the caller's list ------------------------------------------------


def _check(api, user, subject_id, matter):
    return api.as_user(user).post("/api/v1/credit-checks/", {"subject_id": subject_id, "matter": matter}, format="json")


@pytest.mark.parametrize("matter", ["CG-001", "cg-001", " CG-001 "])
def test_a_department_names_its_matter_by_code(api, lists, officer_scj, company, matter):
    response = _check(api, officer_scj, company.identifier, matter)

    assert response.status_code == 201
    assert (response.json()["matter_id"], response.json()["matter"]) == (lists["procurement"].pk, PROCUREMENT_NAME)


def test_a_department_names_its_matter_by_id(api, lists, officer_scj, company):
    response = _check(api, officer_scj, company.identifier, lists["licence"].pk)

    assert response.status_code == 201
    assert (response.json()["matter_code"], response.json()["matter"]) == ("XK-001", "食品经营许可")
    assert CreditCheck.objects.get().administrative_matter == lists["licence"]


@pytest.mark.parametrize(
    ("matter", "message"),
    [
        ("hb_subsidy_id", MATTER_UNKNOWN),  # another department's matter, by id
        ("NOPE-1", MATTER_UNKNOWN),  # no such code
        ("政府采购供应商资格审查", MATTER_UNKNOWN),  # free text, as before the lists
        ("99999999999999999999", MATTER_UNKNOWN),  # an id beyond any
        ("BZ-001", MATTER_INACTIVE),  # its own, deactivated
    ],
)
def test_a_matter_not_on_the_departments_active_list_is_refused_and_nothing_is_kept(
    api, lists, officer_scj, company, matter, message
):
    CreditRecordFactory(subject=company)
    matter = lists["hb_subsidy"].pk if matter == "hb_subsidy_id" else matter

    response = _check(api, officer_scj, company.identifier, matter)

    assert response.status_code == 400
    assert response.json() == invalid({"matter": [in_chinese(message)]})
    assert (CreditCheck.objects.count(), QueryLog.objects.count()) == (0, 0)


def test_the_office_names_any_departments_matter_by_id(api, lists, office, company):
    response = _check(api, office, company.identifier, lists["hb_subsidy"].pk)

    assert response.status_code == 201
    assert (response.json()["department"], response.json()["matter_code"]) == (None, "CG-001")


def test_a_code_two_lists_share_is_refused_to_the_office(api, lists, office, company):
    response = _check(api, office, company.identifier, "CG-001")

    assert response.status_code == 400
    assert response.json() == invalid({"matter": [in_chinese(MATTER_CODE_AMBIGUOUS)]})
    assert not CreditCheck.objects.exists()


def test_a_code_only_one_list_has_names_it_for_the_office(api, lists, office, company):
    response = _check(api, office, company.identifier, "XK-001")

    assert (response.status_code, response.json()["matter_id"]) == (201, lists["licence"].pk)


def test_an_unknown_matter_is_refused_to_the_office_in_its_words(api, lists, office, company):
    response = _check(api, office, company.identifier, "NOPE-1")

    assert response.json() == invalid({"matter": [in_chinese(MATTER_UNKNOWN_TO_OFFICE)]})


# --- Evidence: what the check saw stays what it saw ---------------------------------------------


def test_a_check_keeps_the_versions_it_saw_after_the_record_changes(travel, lists, officer_scj, office, company):
    record = CreditRecordFactory(subject=company, state=RecordState.PUBLISHED)
    first = credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")
    seen_then = record.history.latest("history_id").history_id

    travel(date(2026, 9, 29))
    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    second = credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")

    first.refresh_from_db()
    record.refresh_from_db()
    assert first.answer["records_seen"] == [{"record": record.pk, "version": 1, "history_id": seen_then}]
    assert first.answer["negative_records"][0]["state"] == "published"
    seen_now = record.history.latest("history_id").history_id
    assert seen_now != seen_then
    assert second.answer["records_seen"] == [{"record": record.pk, "version": record.version, "history_id": seen_now}]
    assert (record.version, second.answer["negative_records"][0]["state"]) == (2, "suspended")


# --- The PDF ------------------------------------------------------------------------------------


@pytest.fixture
def scj_check(travel, lists, officer_scj, company):
    record = CreditRecordFactory(subject=company, department=lists["procurement"].department)
    check = credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")
    return check, record


def test_the_pdf_states_who_asked_in_which_matter_when_about_whom_and_what_was_found(scj_check, company):
    check, record = scj_check

    text = credit_check_text(check)

    history_id = check.answer["records_seen"][0]["history_id"]
    line = in_chinese(RECORD_LINE_WITH_HISTORY) % {
        "decision_no": record.decision_no,
        "category": in_chinese(Category(record.category).label),
        "department": "市场监督管理局",
        "version": 1,
        "history_id": history_id,
    }
    assert [(in_chinese(label), in_chinese(value)) for label, value in text.facts] == [
        (in_chinese(_("Credit check")), f"#{check.pk}"),
        (in_chinese(_("Requested by")), "dept-scj"),
        (in_chinese(_("Department")), "市场监督管理局"),
        (
            in_chinese(_("Administrative matter")),
            f"CG-001 {PROCUREMENT_NAME}（{in_chinese(MatterKind.PROCUREMENT.label)}）",
        ),
        (in_chinese(_("Checked at")), "2026年9月28日 10:00"),
        (in_chinese(_("Credit subject")), f"{company.name}（{company.identifier}）"),
        (in_chinese(_("Result")), in_chinese(FOUND) % {"count": 1}),
        (in_chinese(_("Record %(number)d")) % {"number": 1}, line),
    ]
    assert [in_chinese(p) for p in text.paragraphs] == [in_chinese(RULE_APPLIED), in_chinese(KEPT_AS_EVIDENCE)]


def test_the_department_downloads_its_checks_pdf_and_it_is_the_same_every_time(api, scj_check, officer_scj):
    check, _record = scj_check

    response = api.as_user(officer_scj).get(f"/api/v1/credit-checks/{check.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content == credit_check_pdf(check)


@pytest.mark.parametrize(
    ("user", "status"), [("office", 200), ("auditor", 200), ("officer_hb", 404), ("company_user", 404)]
)
def test_the_pdf_is_for_whoever_may_see_the_check(api, request, scj_check, user, status):
    check, _record = scj_check

    response = api.as_user(request.getfixturevalue(user)).get(f"/api/v1/credit-checks/{check.pk}/pdf/")

    assert response.status_code == status


def test_a_staff_read_of_the_pdf_is_in_the_query_log(api, scj_check, office):
    check, record = scj_check
    logged = QueryLog.objects.count()

    api.as_user(office).get(f"/api/v1/credit-checks/{check.pk}/pdf/")

    log = QueryLog.objects.order_by("-id").first()
    assert QueryLog.objects.count() == logged + 1
    assert (log.user, log.kind, log.parameters, log.returned_records) == (
        office,
        "credit_check",
        {"credit_check": check.pk, "pdf": True},
        [record.pk],
    )
    assert log.purpose == check.matter


@pytest.mark.parametrize("check_id", ["0", "abc", "99999999999999999999"])
def test_the_pdf_of_no_check_is_not_found(api, scj_check, office, check_id):
    assert api.as_user(office).get(f"/api/v1/credit-checks/{check_id}/pdf/").status_code == 404


# --- Counts per department and matter -----------------------------------------------------------


@pytest.fixture
def month_of_checks(travel, lists, officer_scj, officer_hb, office, company, scj):
    """SCJ: two procurement checks and a licence check in September, one procurement check on
    1 October; HB: one in September; the office: one in SCJ's licence; and one check of SCJ's made
    before the lists existed."""
    travel(date(2026, 9, 1), hour=0)  # 00:00 Beijing time: still 1 September there
    credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")
    travel(date(2026, 9, 15))
    credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")
    credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="XK-001")
    credit_check_run(actor=officer_hb, subject_id=company.identifier, matter="CG-001")
    credit_check_run(actor=office, subject_id=company.identifier, matter=lists["licence"].pk)
    CreditCheck.objects.create(
        requested_by=officer_scj,
        department=scj,
        subject_identifier=company.identifier,
        matter="评优评先",
        has_active_negative=False,
        answer={"negative_records": [], "has_active_negative": False},
    )
    travel(date(2026, 9, 30), hour=23)
    credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="XK-001")
    travel(date(2026, 10, 1), hour=0)
    credit_check_run(actor=officer_scj, subject_id=company.identifier, matter="CG-001")


def test_counts_per_department_and_matter_in_a_period(month_of_checks, lists):
    counts = credit_check_counts(date(2026, 9, 1), date(2026, 9, 30))

    assert counts == [
        {
            "department": "HB",
            "department_name": "生态环境局",
            "matter_id": lists["hb_subsidy"].pk,
            "matter_code": "CG-001",
            "matter_name": "环保专项资金",
            "count": 1,
        },
        {
            "department": "SCJ",
            "department_name": "市场监督管理局",
            "matter_id": lists["procurement"].pk,
            "matter_code": "CG-001",
            "matter_name": PROCUREMENT_NAME,
            "count": 2,
        },
        {
            "department": "SCJ",
            "department_name": "市场监督管理局",
            "matter_id": lists["licence"].pk,
            "matter_code": "XK-001",
            "matter_name": "食品经营许可",
            "count": 2,
        },
        {
            "department": "SCJ",
            "department_name": "市场监督管理局",
            "matter_id": None,
            "matter_code": None,
            "matter_name": "评优评先",
            "count": 1,
        },
        {
            "department": None,
            "department_name": None,
            "matter_id": lists["licence"].pk,
            "matter_code": "XK-001",
            "matter_name": "食品经营许可",
            "count": 1,
        },
    ]


def test_a_period_of_one_day_counts_that_day_in_beijing_time(month_of_checks):
    assert [(row["department"], row["count"]) for row in credit_check_counts(date(2026, 10, 1), date(2026, 10, 1))] == [
        ("SCJ", 1)
    ]
    assert credit_check_counts(date(2026, 8, 1), date(2026, 8, 31)) == []


@pytest.mark.parametrize("user", ["office", "auditor"])
def test_the_office_and_auditors_read_the_counts(api, month_of_checks, request, user):
    response = api.as_user(request.getfixturevalue(user)).get(
        "/api/v1/credit-checks/counts/", {"from": "2026-09-01", "to": "2026-09-30"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["total"]) == ("2026-09-01", "2026-09-30", 7)
    assert body["counts"] == credit_check_counts(date(2026, 9, 1), date(2026, 9, 30))


@pytest.mark.parametrize("user", ["officer_scj", "company_user"])
def test_nobody_else_finds_the_counts(api, month_of_checks, request, user):
    response = api.as_user(request.getfixturevalue(user)).get(
        "/api/v1/credit-checks/counts/", {"from": "2026-09-01", "to": "2026-09-30"}
    )

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"to": "2026-09-30"}, ["from"]),
        ({"from": "2026-09-01"}, ["to"]),
        ({"from": "2026-9-1x", "to": "2026-09-30"}, ["from"]),
        ({"from": "2026-09-01", "to": "2026-02-30"}, ["to"]),
        ({"from": "2026-09-30", "to": "2026-09-01"}, ["to"]),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(api, office, query, fields):
    response = api.as_user(office).get("/api/v1/credit-checks/counts/", query)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == fields


def test_the_widest_period_is_counted_without_error(api, month_of_checks, office):
    response = api.as_user(office).get("/api/v1/credit-checks/counts/", {"from": "0001-01-01", "to": "9999-12-31"})

    assert (response.status_code, response.json()["total"]) == (200, 8)


# --- The page -----------------------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_department_runs_a_check_on_the_page_and_finds_it_with_its_pdf(travel, lists, officer_scj, company):
    client = _signed_in(officer_scj)

    form = client.get("/credit-checks/")
    done = client.post("/credit-checks/", {"subject_id": company.identifier, "matter": str(lists["licence"].pk)})

    assert form.status_code == 200
    assert [choice for choice, _label in form.context["form"].fields["matter"].choices] == [
        "",
        str(lists["procurement"].pk),
        str(lists["licence"].pk),
    ]
    assert (done.status_code, done["Location"]) == (302, "/credit-checks/")
    check = CreditCheck.objects.get()
    assert (check.requested_by, check.administrative_matter) == (officer_scj, lists["licence"])
    page = client.get("/credit-checks/")
    assert f"/credit-checks/{check.pk}/pdf/" in page.content.decode()
    pdf = client.get(f"/credit-checks/{check.pk}/pdf/")
    assert (pdf.status_code, pdf.content) == (200, credit_check_pdf(check))


def test_a_matter_not_on_the_list_is_refused_on_the_page_and_nothing_is_kept(travel, lists, officer_scj, company):
    response = _signed_in(officer_scj).post(
        "/credit-checks/", {"subject_id": company.identifier, "matter": str(lists["hb_subsidy"].pk)}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["matter"]
    assert not CreditCheck.objects.exists()


def test_a_bad_identifier_is_refused_on_the_page_in_the_apis_words(travel, lists, officer_scj):
    response = _signed_in(officer_scj).post(
        "/credit-checks/", {"subject_id": "91370102MA3C4K7R19", "matter": str(lists["licence"].pk)}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["subject_id"]
    assert not CreditCheck.objects.exists()


def test_the_page_is_staffs_only(travel, scj_check, company_user, officer_hb):
    check, _record = scj_check

    assert _signed_in(company_user).get("/credit-checks/").status_code == 404
    assert _signed_in(company_user).get(f"/credit-checks/{check.pk}/pdf/").status_code == 404
    assert _signed_in(officer_hb).get(f"/credit-checks/{check.pk}/pdf/").status_code == 404
    assert check.pk not in [c.pk for c in _signed_in(officer_hb).get("/credit-checks/").context["page"]]


def test_an_auditor_reads_the_page_but_may_not_run_a_check(travel, lists, auditor, company):
    client = _signed_in(auditor)

    assert client.get("/credit-checks/").context["form"] is None
    response = client.post("/credit-checks/", {"subject_id": company.identifier, "matter": str(lists["licence"].pk)})

    assert response.status_code == 403
    assert not CreditCheck.objects.exists()


def test_the_pdf_is_answered_to_a_client_that_accepts_only_pdf(api, scj_check, office):
    check, _record = scj_check

    response = api.as_user(office).get(f"/api/v1/credit-checks/{check.pk}/pdf/", HTTP_ACCEPT="application/pdf")

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
