"""Input the API and the pages refuse before it reaches a query (docs/api.md "Errors, hardened"):
ids out of range, JSON nested too deep, a body over the limit, a NUL character in a parameter.
Each answer is the API's JSON error (or a page), never a 500, and nothing is written."""

import json

import pytest
from django.test import Client

from repairflow.core.api import ID_MAX
from repairflow.core.parsers import MAX_JSON_DEPTH, TOO_DEEP
from repairflow.core.views import NUL_CHARACTER, TOO_LARGE, UNREADABLE
from repairflow.objections.models import Objection
from repairflow.records.models import QueryLog
from repairflow.repair.models import RepairApplication
from tests.factories import CreditRecordFactory
from tests.helpers import invalid
from tests.i18n import in_chinese

OBJECTIONS = "/api/v1/objections/"


@pytest.fixture
def record(company, scj):
    return CreditRecordFactory(subject=company, department=scj)


def objection_body(record, **overrides) -> dict:
    return {"record": record.pk, "grounds": ["content_error"], "statement": "金额有误。", **overrides}


def nested(depth: int) -> object:
    """A value `depth` levels of lists deep."""
    value: object = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- Ids out of range ---------------------------------------------------------------------------


@pytest.mark.parametrize("attachment_id", [ID_MAX + 1, 2**70, 0, -1])
def test_an_attachment_id_out_of_range_is_invalid_and_nothing_is_filed(api, company_user, record, attachment_id):
    body = objection_body(record, attachments=[attachment_id])

    response = api.as_user(company_user).post(OBJECTIONS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == ["attachments"]
    assert not Objection.objects.exists()


def test_a_material_s_attachment_id_out_of_range_is_invalid_and_nothing_is_filed(api, company_user, record):
    body = {
        "record": record.pk,
        "statement": "罚款已缴清。",
        "commitment": True,
        "materials": [{"kind": "performance_proof", "attachment": 2**64}],
    }

    response = api.as_user(company_user).post("/api/v1/repairs/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]["materials"]["0"]) == ["attachment"]
    assert not RepairApplication.objects.exists()


@pytest.mark.parametrize("path", [f"/api/v1/records/{2**64}/", f"/api/v1/subscriptions/{ID_MAX + 1}/"])
def test_an_id_out_of_range_in_a_path_is_not_found(api, office, path):
    response = api.as_user(office).get(path)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# --- JSON nested too deep -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_json_nested_deeper_than_the_limit_is_invalid_and_nothing_is_filed(api, company_user, record, depth):
    # written by hand: 100,000 levels is too deep for Python's encoder and decoder alike
    body = json.dumps(objection_body(record, requested_change=0)).replace("0}", "[" * depth + "]" * depth + "}")

    response = api.as_user(company_user).post(OBJECTIONS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": in_chinese(TOO_DEEP) % {"depth": MAX_JSON_DEPTH},
        "fields": {},
    }
    assert not Objection.objects.exists()


def test_json_nested_to_the_limit_is_read(api, company_user, record):
    # the object is one level, its field holds the rest
    body = json.dumps(objection_body(record, requested_change=nested(MAX_JSON_DEPTH - 1)))

    response = api.as_user(company_user).post(OBJECTIONS, body, content_type="application/json")

    # read, then refused by the field it is about, not by its depth
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["requested_change"]


# --- A body over the limit ----------------------------------------------------------------------


def test_a_body_over_the_limit_is_too_large_as_json_and_nothing_is_filed(api, company_user, record, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps(objection_body(record, statement="理" * 2000))

    response = api.as_user(company_user).post(OBJECTIONS, body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "too_large", "detail": in_chinese(TOO_LARGE) % {"limit": "1.0\xa0KB"}}
    assert not Objection.objects.exists()


def test_a_form_over_the_limit_is_answered_with_a_page(company_user, record, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client()
    client.force_login(company_user)

    response = client.post(f"/objections/new/?record={record.pk}", {"statement": "理" * 2000})

    assert response.status_code == 413
    assert "1.0\xa0KB" in response.content.decode()
    assert not Objection.objects.exists()


# --- A NUL character in a parameter -------------------------------------------------------------


def test_a_nul_character_in_a_query_parameter_is_invalid_and_no_look_up_is_logged(api, officer_scj, record):
    response = api.as_user(officer_scj).get("/api/v1/records/", {"purpose": "执法\x00检查"})

    assert response.status_code == 400
    assert response.json() == invalid({"purpose": [in_chinese(NUL_CHARACTER)]})
    assert not QueryLog.objects.exists()


def test_a_nul_character_in_a_parameter_s_name_is_named_visibly(api, officer_scj, record):
    response = api.as_user(officer_scj).get("/api/v1/records/?a%00b=1")

    assert response.status_code == 400
    assert response.json()["fields"] == {"a\\x00b": [in_chinese(NUL_CHARACTER)]}


def test_a_page_refuses_a_nul_character_in_a_parameter_with_a_page(officer_scj, record):
    client = Client()
    client.force_login(officer_scj)

    response = client.get("/records/", {"purpose": "执法\x00检查"})

    assert response.status_code == 400
    assert in_chinese(NUL_CHARACTER) in response.content.decode()
    assert not QueryLog.objects.exists()


def test_a_form_of_too_many_fields_is_invalid_as_json_and_nothing_is_filed(api, company_user, record, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    body = {"record": record.pk, "grounds": "content_error", "statement": "金额有误。", "a": "1", "b": "2"}

    response = api.as_user(company_user).post(OBJECTIONS, body, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid", "detail": in_chinese(UNREADABLE), "fields": {}}
    assert not Objection.objects.exists()
