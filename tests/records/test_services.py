"""Use-cases on the registry (repairflow/records/services.py), the record input they are given
(serializers.py) and the history they leave (repairflow/core/history.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from repairflow.core.errors import TRANSITION_NOT_ALLOWED, Conflict, Forbidden, NotFound, TransitionNotAllowed
from repairflow.core.history import history_entries
from repairflow.core.identifiers import INVALID_RESIDENT_ID, INVALID_USCC, SubjectType
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE
from repairflow.records.models import (
    CreditCheck,
    CreditRecord,
    CreditSubject,
    MatterKind,
    QueryKind,
    QueryLog,
    RecordState,
)
from repairflow.records.publication import (
    SERIOUS_LIST_IS_SERIOUS,
    SEVERITY_ON_NON_NEGATIVE,
    SEVERITY_REQUIRED,
    Category,
    Severity,
)
from repairflow.records.selectors import record_as_json
from repairflow.records.serializers import (
    DEPARTMENT_REQUIRED,
    NOT_PUBLISHABLE,
    OTHER_DEPARTMENT,
    UNKNOWN_DEPARTMENT,
    RecordInputSerializer,
)
from repairflow.records.services import (
    CREDIT_CHECK_RULE,
    DUPLICATE_DECISION,
    DUPLICATE_DECISION_IN_BATCH,
    IMPORT_OTHER_SUBJECT,
    RECORD_CREATED,
    RECORDS_IMPORTED,
    SUBJECT_REGISTERED,
    credit_check_run,
    query_log_write,
    record_act,
    record_create,
    record_transition,
    records_import,
)
from tests.factories import CreditRecordFactory, CreditSubjectFactory, MatterFactory, make_resident_id, make_uscc
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI)
NEW_COMPANY_ID = make_uscc(900001)
OTHER_COMPANY_ID = make_uscc(900002)
NEW_PERSON_ID = make_resident_id(900003)
WRONG_CHECK_DIGIT_ID = NEW_COMPANY_ID[:-1] + ("0" if NEW_COMPANY_ID[-1] != "0" else "1")
MATTER = "政府采购供应商资格审查"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def row(**overrides):
    """A record as a department's system sends it (strings, as from a CSV line or JSON)."""
    data = {
        "subject_id": NEW_COMPANY_ID,
        "subject_name": "济南历下示范商贸有限公司",
        "subject_type": SubjectType.LEGAL_PERSON.value,
        "category": Category.ADMINISTRATIVE_PENALTY.value,
        "severity": Severity.GENERAL.value,
        "department": "SCJ",
        "decision_no": "济历市监罚〔2026〕12号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not OMITTED}


OMITTED = object()


def validate(actor, **overrides):
    serializer = RecordInputSerializer(data=row(**overrides), context={"actor": actor})
    serializer.is_valid()
    return serializer


def entry_for(actor, **overrides):
    serializer = validate(actor, **overrides)
    assert serializer.errors == {}
    return serializer.validated_data


def counts():
    """Everything record_create and records_import may write."""
    return {
        "records": CreditRecord.objects.count(),
        "record_history": CreditRecord.history.count(),
        "subjects": CreditSubject.objects.count(),
        "subject_history": CreditSubject.history.count(),
    }


def snapshot(record):
    record.refresh_from_db()
    return (record.state, record.version, record.under_objection, record.history.count())


# --- record_create -----------------------------------------------------------------------------


def test_the_office_creates_a_published_record_with_its_periods(office, scj):
    record = record_create(actor=office, entry=entry_for(office))

    record.refresh_from_db()
    assert (record.subject.identifier, record.subject.name, record.subject.subject_type) == (
        NEW_COMPANY_ID,
        "济南历下示范商贸有限公司",
        SubjectType.LEGAL_PERSON,
    )
    assert (record.category, record.severity, record.department, record.decision_no, record.decision_date) == (
        Category.ADMINISTRATIVE_PENALTY,
        Severity.GENERAL,
        scj,
        "济历市监罚〔2026〕12号",
        date(2026, 1, 5),
    )
    assert (record.title, record.content) == ("未按规定公示年度报告", "责令改正，罚款一千元。")
    assert (record.state, record.under_objection, record.version) == (RecordState.PUBLISHED, False, 1)
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_58",
        date(2026, 1, 5),
        date(2026, 4, 5),
        date(2027, 1, 5),
    )


def test_a_created_record_has_one_history_row_naming_the_actor_and_the_reason_in_chinese(office, scj):
    record = record_create(actor=office, entry=entry_for(office))

    assert [(row.history_type, row.history_user, row.history_change_reason) for row in record.history.all()] == [
        ("+", office, in_chinese(RECORD_CREATED)),
    ]


def test_the_history_reason_is_in_chinese_even_when_the_request_is_in_english(office, scj):
    entry = entry_for(office)

    with translation.override("en"):
        record = record_create(actor=office, entry=entry)
        in_english = str(RECORD_CREATED)

    assert record.history.get().history_change_reason == in_chinese(RECORD_CREATED)
    assert record.history.get().history_change_reason != in_english


def test_a_department_creates_records_of_its_own_without_naming_itself(officer_scj, scj):
    record = record_create(actor=officer_scj, entry=entry_for(officer_scj, department=OMITTED))

    record.refresh_from_db()
    assert record.department == scj
    assert record.history.get().history_user == officer_scj


def test_a_new_subject_is_registered_with_its_first_record_and_reused_after(office, scj):
    first = record_create(actor=office, entry=entry_for(office, decision_no="罚1号"))
    second = record_create(actor=office, entry=entry_for(office, decision_no="罚2号", subject_name="另一个名称"))

    subject = CreditSubject.objects.get(identifier=NEW_COMPANY_ID)
    assert CreditSubject.objects.filter(identifier=NEW_COMPANY_ID).count() == 1
    assert (first.subject_id, second.subject_id) == (subject.pk, subject.pk)
    assert subject.name == "济南历下示范商贸有限公司"
    assert [(row.history_type, row.history_user, row.history_change_reason) for row in subject.history.all()] == [
        ("+", office, in_chinese(SUBJECT_REGISTERED)),
    ]


def test_a_subject_already_in_the_registry_is_reused_and_its_history_untouched(office, scj, company):
    history_before = company.history.count()

    record = record_create(actor=office, entry=entry_for(office, subject_id=company.identifier))

    assert record.subject == company
    assert CreditSubject.objects.count() == 1
    assert company.history.count() == history_before


def test_a_natural_person_is_registered_as_a_natural_person(office, scj):
    record = record_create(
        actor=office,
        entry=entry_for(office, subject_id=NEW_PERSON_ID, subject_type="natural_person", subject_name="李华"),
    )

    assert (record.subject.identifier, record.subject.subject_type) == (NEW_PERSON_ID, SubjectType.NATURAL_PERSON)


def test_a_duplicate_decision_of_the_same_department_is_a_conflict_and_writes_nothing(office, scj):
    CreditRecordFactory(department=scj, decision_no="济历市监罚〔2026〕12号")
    before = counts()

    with pytest.raises(Conflict) as refused:
        record_create(actor=office, entry=entry_for(office, subject_id=OTHER_COMPANY_ID))

    assert refused.value.detail == DUPLICATE_DECISION
    assert refused.value.body() == {"error": "conflict", "detail": str(DUPLICATE_DECISION)}
    assert counts() == before
    assert not CreditSubject.objects.filter(identifier=OTHER_COMPANY_ID).exists()


def test_the_same_decision_number_of_another_department_is_no_duplicate(office, scj, hb):
    CreditRecordFactory(department=hb, decision_no="济历市监罚〔2026〕12号")

    record = record_create(actor=office, entry=entry_for(office))

    assert (record.department, record.decision_no) == (scj, "济历市监罚〔2026〕12号")


@pytest.mark.parametrize("refused_actor", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_create_records_and_nothing_is_written(request, office, scj, refused_actor):
    actor = request.getfixturevalue(refused_actor)
    entry = entry_for(office)
    before = counts()

    with pytest.raises(Forbidden) as refused:
        record_create(actor=actor, entry=entry)

    assert str(refused.value) == str(ROLE_NOT_ALLOWED)
    assert counts() == before


def test_minor_information_under_order_58_is_kept_unpublished_when_publish_is_not_said(office, scj):
    record = record_create(actor=office, entry=entry_for(office, severity="minor", decision_date="2025-06-16"))

    record.refresh_from_db()
    assert (record.state, record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        RecordState.UNPUBLISHED,
        "",
        None,
        None,
        None,
    )


def test_a_general_penalty_the_department_asks_not_to_publish_is_kept_unpublished(office, scj):
    record = record_create(actor=office, entry=entry_for(office, publish=False))

    record.refresh_from_db()
    assert (record.state, record.rule_set, record.max_period_end) == (RecordState.UNPUBLISHED, "", None)


def test_minor_information_under_order_36_is_published_on_request_for_at_most_3_months(office, scj, time_machine):
    time_machine.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI), tick=False)

    record = record_create(
        actor=office, entry=entry_for(office, severity="minor", decision_date="2026-04-10", publish=True)
    )

    record.refresh_from_db()
    assert (record.state, record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        RecordState.PUBLISHED,
        "ndrc_order_36",
        date(2026, 4, 10),
        None,
        date(2026, 7, 10),
    )


def test_a_licence_is_published_from_today_with_no_periods(office, scj):
    record = record_create(
        actor=office, entry=entry_for(office, category="administrative_license", severity=None, decision_no="许1号")
    )

    record.refresh_from_db()
    assert (record.state, record.publication_start, record.min_period_end, record.max_period_end) == (
        RecordState.PUBLISHED,
        date(2026, 2, 10),
        None,
        None,
    )


# --- records_import ----------------------------------------------------------------------------


def test_an_import_creates_the_valid_rows_and_reports_the_invalid_ones_by_line_and_field(office, scj, hb):
    rows = [
        row(decision_no="罚1号"),
        row(decision_no="罚2号", subject_id=WRONG_CHECK_DIGIT_ID),
        row(decision_no="罚3号", department="HB", subject_id=OTHER_COMPANY_ID, subject_name="泉城环保科技有限公司"),
        row(decision_no="罚4号", severity=None),
        row(decision_no="罚5号", department="NOPE"),
        row(decision_no="罚6号", subject_id=NEW_PERSON_ID, subject_type="natural_person", subject_name="李华"),
    ]

    report = records_import(actor=office, rows=rows, first_line=2)

    assert report.errors == [
        (3, {"subject_id": [str(INVALID_USCC)]}),
        (5, {"severity": [str(SEVERITY_REQUIRED)]}),
        (6, {"department": [str(UNKNOWN_DEPARTMENT)]}),
    ]
    assert [(r.decision_no, r.department.code, r.subject.identifier) for r in report.created] == [
        ("罚1号", "SCJ", NEW_COMPANY_ID),
        ("罚3号", "HB", OTHER_COMPANY_ID),
        ("罚6号", "SCJ", NEW_PERSON_ID),
    ]
    assert sorted(CreditRecord.objects.values_list("decision_no", flat=True)) == ["罚1号", "罚3号", "罚6号"]
    assert sorted(CreditSubject.objects.values_list("identifier", flat=True)) == sorted(
        [NEW_COMPANY_ID, OTHER_COMPANY_ID, NEW_PERSON_ID]
    )


def test_imported_records_are_published_with_their_periods(office, scj):
    report = records_import(actor=office, rows=[row(decision_no="罚1号"), row(decision_no="罚2号", publish=False)])

    assert [
        (r.state, r.version, r.rule_set, r.publication_start, r.min_period_end, r.max_period_end)
        for r in CreditRecord.objects.order_by("decision_no")
    ] == [
        (RecordState.PUBLISHED, 1, "ndrc_order_58", date(2026, 1, 5), date(2026, 4, 5), date(2027, 1, 5)),
        (RecordState.UNPUBLISHED, 1, "", None, None, None),
    ]
    assert [r.pk for r in report.created] == list(
        CreditRecord.objects.order_by("decision_no").values_list("pk", flat=True)
    )


def test_imported_records_and_subjects_have_history_attributed_to_the_actor(officer_scj):
    rows = [
        row(decision_no="罚1号", department=OMITTED),
        row(decision_no="罚2号", department=OMITTED),
        row(decision_no="罚3号", department=OMITTED, subject_id=OTHER_COMPANY_ID),
    ]

    report = records_import(actor=officer_scj, rows=rows)

    assert report.errors == []
    assert sorted(
        (row.decision_no, row.history_type, row.history_user, row.history_change_reason)
        for row in CreditRecord.history.all()
    ) == [
        ("罚1号", "+", officer_scj, in_chinese(RECORDS_IMPORTED)),
        ("罚2号", "+", officer_scj, in_chinese(RECORDS_IMPORTED)),
        ("罚3号", "+", officer_scj, in_chinese(RECORDS_IMPORTED)),
    ]
    assert sorted(
        (row.identifier, row.history_type, row.history_user, row.history_change_reason)
        for row in CreditSubject.history.all()
    ) == sorted(
        [
            (NEW_COMPANY_ID, "+", officer_scj, in_chinese(SUBJECT_REGISTERED)),
            (OTHER_COMPANY_ID, "+", officer_scj, in_chinese(SUBJECT_REGISTERED)),
        ]
    )


def test_a_decision_number_twice_in_a_batch_is_created_once_and_the_repeat_reported(office, scj, hb):
    rows = [
        row(decision_no="罚1号"),
        row(decision_no="罚2号"),
        row(decision_no="罚1号", subject_id=OTHER_COMPANY_ID),
        row(decision_no="罚1号", department="HB"),
    ]

    report = records_import(actor=office, rows=rows)

    assert report.errors == [(3, {"decision_no": [str(DUPLICATE_DECISION_IN_BATCH)]})]
    assert sorted(CreditRecord.objects.values_list("department__code", "decision_no")) == [
        ("HB", "罚1号"),
        ("SCJ", "罚1号"),
        ("SCJ", "罚2号"),
    ]
    assert not CreditSubject.objects.filter(identifier=OTHER_COMPANY_ID).exists()


def test_a_decision_already_in_the_registry_for_another_subject_is_reported_and_not_changed(office, scj):
    existing = CreditRecordFactory(department=scj, decision_no="罚2号")
    existing_history = existing.history.count()
    rows = [row(decision_no="罚1号"), row(decision_no="罚2号", subject_id=OTHER_COMPANY_ID), row(decision_no="罚3号")]

    report = records_import(actor=office, rows=rows, first_line=10)

    assert report.errors == [(11, {"subject_id": [str(IMPORT_OTHER_SUBJECT)]})]
    assert (report.updated, report.unchanged) == ([], [])
    assert [r.decision_no for r in report.created] == ["罚1号", "罚3号"]
    assert CreditRecord.objects.filter(decision_no="罚2号").get() == existing
    assert existing.history.count() == existing_history
    assert not CreditSubject.objects.filter(identifier=OTHER_COMPANY_ID).exists()


def test_errors_are_reported_in_line_order_whatever_their_kind(office, scj):
    CreditRecordFactory(department=scj, decision_no="罚1号")
    rows = [
        row(decision_no="罚1号"),
        row(decision_no="罚2号"),
        row(decision_no="罚2号"),
        row(decision_no="罚3号", category="red_list"),
    ]

    report = records_import(actor=office, rows=rows)

    assert report.errors == [
        (1, {"subject_id": [str(IMPORT_OTHER_SUBJECT)]}),
        (3, {"decision_no": [str(DUPLICATE_DECISION_IN_BATCH)]}),
        (4, {"severity": [str(SEVERITY_ON_NON_NEGATIVE)]}),
    ]
    assert [r.decision_no for r in report.created] == ["罚2号"]


def test_a_row_with_several_faults_names_every_field(office, scj):
    report = records_import(actor=office, rows=[row(subject_id=WRONG_CHECK_DIGIT_ID, department=OMITTED)])

    assert report.errors == [
        (1, {"subject_id": [str(INVALID_USCC)], "department": [str(DEPARTMENT_REQUIRED)]}),
    ]


def test_a_row_missing_required_fields_names_them(office, scj):
    report = records_import(actor=office, rows=[row(title=OMITTED, decision_date=OMITTED)])

    ((line, errors),) = report.errors
    assert (line, sorted(errors)) == (1, ["decision_date", "title"])
    assert report.created == []


def test_a_department_importing_another_departments_rows_has_them_refused(officer_scj, hb):
    report = records_import(
        actor=officer_scj, rows=[row(decision_no="罚1号"), row(decision_no="罚2号", department="HB")]
    )

    assert report.errors == [(2, {"department": [str(OTHER_DEPARTMENT)]})]
    assert list(CreditRecord.objects.values_list("department__code", "decision_no")) == [("SCJ", "罚1号")]


def test_a_batch_with_only_invalid_rows_writes_nothing(office, scj):
    before = counts()

    report = records_import(actor=office, rows=[row(subject_id=WRONG_CHECK_DIGIT_ID), row(decision_date="2026-02-11")])

    assert report.created == []
    assert report.errors == [
        (1, {"subject_id": [str(INVALID_USCC)]}),
        (2, {"decision_date": [str(DECISION_DATE_IN_FUTURE)]}),
    ]
    assert counts() == before


@pytest.mark.parametrize("refused_actor", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_import_and_nothing_is_written(request, scj, refused_actor):
    actor = request.getfixturevalue(refused_actor)
    before = counts()

    with pytest.raises(Forbidden) as refused:
        records_import(actor=actor, rows=[row()])

    assert str(refused.value) == str(ROLE_NOT_ALLOWED)
    assert counts() == before


# --- record_act ----------------------------------------------------------------------------------


def test_the_office_publishes_an_unpublished_record(office):
    record = CreditRecordFactory(state=RecordState.UNPUBLISHED, decision_date=date(2026, 1, 5))
    version, history = record.version, record.history.count()

    returned = record_act(actor=office, record_id=record.pk, action="publish", reason="部门申请公示")

    record.refresh_from_db()
    assert returned == record
    assert (record.state, record.version, record.history.count()) == (RecordState.PUBLISHED, version + 1, history + 1)
    assert (record.min_period_end, record.max_period_end) == (date(2026, 4, 5), date(2027, 1, 5))
    assert (record.history.first().history_user, record.history.first().history_change_reason) == (
        office,
        "部门申请公示",
    )


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        (RecordState.PUBLISHED, "suspend", RecordState.SUSPENDED),
        (RecordState.SUSPENDED, "resume", RecordState.PUBLISHED),
    ],
)
def test_the_office_suspends_and_resumes_publication(office, state, action, target):
    record = CreditRecordFactory(state=state)
    version, history = record.version, record.history.count()

    record_act(actor=office, record_id=record.pk, action=action, reason="核查期间")

    record.refresh_from_db()
    assert (record.state, record.version, record.history.count()) == (target, version + 1, history + 1)
    assert (record.history.first().history_user, record.history.first().history_change_reason) == (office, "核查期间")


@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        pytest.param(RecordState.PUBLISHED, "resume", ["suspend"], id="resume-published"),
        pytest.param(RecordState.PUBLISHED, "publish", ["suspend"], id="publish-published"),
        pytest.param(RecordState.PUBLISHED, "revoke", ["suspend"], id="revoke-is-not-the-offices-direct-action"),
        pytest.param(RecordState.PUBLISHED, "end-publication", ["suspend"], id="end-publication-comes-from-cases"),
        pytest.param(RecordState.SUSPENDED, "suspend", ["resume"], id="suspend-suspended"),
        pytest.param(RecordState.UNPUBLISHED, "suspend", ["publish"], id="suspend-unpublished"),
        pytest.param(RecordState.ENDED, "publish", [], id="publish-ended"),
        pytest.param(RecordState.EXPIRED, "resume", [], id="resume-expired"),
        pytest.param(RecordState.REVOKED, "publish", [], id="publish-revoked"),
        pytest.param(RecordState.PUBLISHED, "delete", ["suspend"], id="unknown-action"),
    ],
)
def test_a_refused_office_action_names_only_the_offices_actions_and_changes_nothing(office, state, action, allowed):
    record = CreditRecordFactory(state=state)
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed) as refused:
        record_act(actor=office, record_id=record.pk, action=action, reason="不应执行")

    assert refused.value.detail == TRANSITION_NOT_ALLOWED
    assert refused.value.extra == {"state": state.value, "allowed": allowed}
    assert snapshot(record) == before


def test_the_office_cannot_publish_minor_information_its_rule_set_never_publishes(office):
    record = CreditRecordFactory(
        state=RecordState.UNPUBLISHED, severity=Severity.MINOR, decision_date=date(2025, 6, 16)
    )
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed) as refused:
        record_act(actor=office, record_id=record.pk, action="publish", reason="不应公示")

    assert refused.value.extra == {"state": "unpublished", "allowed": []}
    assert snapshot(record) == before


@pytest.mark.parametrize("refused_actor", ["officer_scj", "auditor", "company_user"])
def test_only_the_office_suspends_a_record_directly(request, scj, refused_actor):
    """A department may publish its own records, nothing else (tests/records/test_duties.py)."""
    actor = request.getfixturevalue(refused_actor)
    record = CreditRecordFactory(state=RecordState.PUBLISHED, department=scj)
    before = snapshot(record)

    with pytest.raises(Forbidden) as refused:
        record_act(actor=actor, record_id=record.pk, action="suspend", reason="不应执行")

    assert str(refused.value) == str(ROLE_NOT_ALLOWED)
    assert snapshot(record) == before


def test_acting_on_an_unknown_record_is_not_found(office):
    with pytest.raises(NotFound):
        record_act(actor=office, record_id=987654, action="suspend", reason="不存在")


def test_record_transition_runs_any_flow_action_for_cases(office):
    record = CreditRecordFactory(state=RecordState.PUBLISHED)

    record_transition(record=record, actor=office, action="end-publication", reason="信用修复完成")

    record.refresh_from_db()
    assert record.state == RecordState.ENDED


# --- query_log_write -----------------------------------------------------------------------------


def test_an_office_look_up_is_registered_with_subjects_and_returned_records(office, company, person):
    first = CreditRecordFactory(subject=company)
    second = CreditRecordFactory(subject=person)
    searched = CreditSubjectFactory()

    log = query_log_write(
        user=office,
        kind=QueryKind.LIST,
        purpose=MATTER,
        parameters={"subject": company.identifier, "state": "published"},
        records=[second, first],
        subjects=[searched],
    )

    log = QueryLog.objects.get()
    assert (log.user, log.department, log.kind, log.purpose, log.parameters) == (
        office,
        None,
        QueryKind.LIST,
        MATTER,
        {"subject": company.identifier, "state": "published"},
    )
    assert log.returned_records == [second.pk, first.pk]
    assert set(log.subjects.all()) == {company, person, searched}


def test_a_department_look_up_names_the_department(officer_scj, scj, company):
    record = CreditRecordFactory(subject=company)

    query_log_write(user=officer_scj, kind=QueryKind.DETAIL, purpose="", parameters={}, records=[record])

    log = QueryLog.objects.get()
    assert (log.user, log.department, log.kind, log.returned_records) == (
        officer_scj,
        scj,
        QueryKind.DETAIL,
        [record.pk],
    )
    assert list(log.subjects.all()) == [company]


def test_an_auditor_look_up_is_registered(auditor, company):
    record = CreditRecordFactory(subject=company)

    query_log_write(user=auditor, kind=QueryKind.HISTORY, purpose="审计", parameters={}, records=[record])

    assert list(QueryLog.objects.values_list("user__username", "kind", "purpose")) == [
        ("auditor", QueryKind.HISTORY, "审计"),
    ]


def test_a_look_up_that_found_nothing_is_still_registered(office):
    log = query_log_write(user=office, kind=QueryKind.LIST, purpose="", parameters={"subject": "x"}, records=[])

    assert (log.returned_records, list(log.subjects.all()), QueryLog.objects.count()) == ([], [], 1)


def test_a_long_purpose_is_cut_at_200_characters(office):
    log = query_log_write(user=office, kind=QueryKind.LIST, purpose="查" * 250, parameters={}, records=[])

    log.refresh_from_db()
    assert log.purpose == "查" * 200


@pytest.mark.parametrize("subject_user", ["company_user", "person_user"])
def test_a_subjects_look_up_at_its_own_records_is_not_registered(request, subject_user):
    user = request.getfixturevalue(subject_user)
    record = CreditRecordFactory(subject=user.credit_subject)

    log = query_log_write(user=user, kind=QueryKind.DETAIL, purpose="", parameters={}, records=[record])

    assert log is None
    assert QueryLog.objects.count() == 0


# --- credit_check_run ----------------------------------------------------------------------------


@pytest.fixture
def matter(scj):
    """A procurement matter on SCJ's list (the office may name any department's)."""
    return MatterFactory(department=scj, code="CG-001", name=MATTER, kind=MatterKind.PROCUREMENT)


@pytest.fixture
def company_records(company):
    """One record of the company in each situation, and one of another subject."""

    def make(state, category=Category.ADMINISTRATIVE_PENALTY, severity=Severity.GENERAL, **fields):
        return CreditRecordFactory(subject=company, state=state, category=category, severity=severity, **fields)

    return {
        "published": make(RecordState.PUBLISHED, decision_date=date(2026, 1, 5)),
        "suspended": make(
            RecordState.SUSPENDED, Category.ABNORMAL_LIST, Severity.SERIOUS, decision_date=date(2025, 12, 1)
        ),
        "ended": make(RecordState.ENDED),
        "expired": make(RecordState.EXPIRED),
        "revoked": make(RecordState.REVOKED),
        "unpublished": make(RecordState.UNPUBLISHED, severity=Severity.MINOR, decision_date=date(2025, 6, 16)),
        "licence": make(RecordState.PUBLISHED, Category.ADMINISTRATIVE_LICENSE, None),
        "red_list": make(RecordState.PUBLISHED, Category.RED_LIST, None),
        "other_subject": CreditRecordFactory(state=RecordState.PUBLISHED),
    }


def test_a_credit_check_finds_only_published_and_suspended_negative_records(
    officer_scj, scj, company, company_records, matter
):
    check = credit_check_run(actor=officer_scj, subject_id=company.identifier, matter=matter.code)

    check.refresh_from_db()
    active = [company_records["published"], company_records["suspended"]]
    assert (check.requested_by, check.department, check.subject_identifier, check.matter) == (
        officer_scj,
        scj,
        company.identifier,
        MATTER,
    )
    assert check.checked_at == NOW
    assert check.has_active_negative is True
    assert check.answer == {
        "negative_records": [record_as_json(r, officer_scj) for r in active],
        "has_active_negative": True,
        "rule": {"negative": True, "states": ["published", "suspended"]},
        "records_seen": [
            {"record": r.pk, "version": r.version, "history_id": r.history.latest("history_id").history_id}
            for r in active
        ],
        "subject_name": company.name,
        "matter": {"id": matter.pk, "code": "CG-001", "name": MATTER, "kind": "procurement", "department": "SCJ"},
    }
    assert check.administrative_matter == matter
    assert [r["id"] for r in check.answer["negative_records"]] == [r.pk for r in active]


def test_a_credit_check_is_registered_as_a_look_up_for_the_matter(officer_scj, scj, company, company_records, matter):
    check = credit_check_run(actor=officer_scj, subject_id=company.identifier, matter=matter.code)

    log = QueryLog.objects.get()
    assert (log.user, log.department, log.kind, log.purpose, log.parameters) == (
        officer_scj,
        scj,
        QueryKind.CREDIT_CHECK,
        MATTER,
        {"subject_id": company.identifier, "credit_check": check.pk, "matter": matter.pk},
    )
    assert log.returned_records == [company_records["published"].pk, company_records["suspended"].pk]
    assert list(log.subjects.all()) == [company]


@pytest.mark.parametrize(
    "state", [RecordState.ENDED, RecordState.EXPIRED, RecordState.REVOKED, RecordState.UNPUBLISHED]
)
def test_negative_records_no_longer_or_not_yet_published_do_not_count(office, company, state, matter):
    CreditRecordFactory(subject=company, state=state)

    check = credit_check_run(actor=office, subject_id=company.identifier, matter=matter.code)

    check.refresh_from_db()
    assert check.has_active_negative is False
    assert (check.answer["negative_records"], check.answer["records_seen"]) == ([], [])
    assert (check.answer["has_active_negative"], check.answer["rule"]) == (False, CREDIT_CHECK_RULE)
    log = QueryLog.objects.get()
    assert (log.kind, log.purpose, log.department, log.returned_records) == (QueryKind.CREDIT_CHECK, MATTER, None, [])
    assert list(log.subjects.all()) == [company]


@pytest.mark.parametrize("category", [Category.ADMINISTRATIVE_LICENSE, Category.RED_LIST])
def test_published_positive_records_do_not_count(office, company, category, matter):
    CreditRecordFactory(subject=company, state=RecordState.PUBLISHED, category=category, severity=None)

    check = credit_check_run(actor=office, subject_id=company.identifier, matter=matter.code)

    assert (check.has_active_negative, check.answer["negative_records"]) == (False, [])


@pytest.mark.parametrize("category", [Category.SERIOUS_LIST, Category.ABNORMAL_LIST, Category.OTHER])
def test_every_negative_category_counts(office, company, category, matter):
    record = CreditRecordFactory(subject=company, category=category, severity=Severity.SERIOUS)

    check = credit_check_run(actor=office, subject_id=company.identifier, matter=matter.code)

    assert (check.has_active_negative, [r["id"] for r in check.answer["negative_records"]]) == (True, [record.pk])


def test_checking_a_subject_not_in_the_registry_answers_no_and_is_kept(office, matter):
    check = credit_check_run(actor=office, subject_id=NEW_COMPANY_ID, matter=matter.code)

    assert CreditCheck.objects.get() == check
    assert (check.has_active_negative, check.answer["negative_records"], check.answer["subject_name"]) == (
        False,
        [],
        None,
    )
    log = QueryLog.objects.get()
    assert (log.parameters, log.returned_records, list(log.subjects.all())) == (
        {"subject_id": NEW_COMPANY_ID, "credit_check": check.pk, "matter": matter.pk},
        [],
        [],
    )


def test_a_department_checking_a_natural_person_keeps_the_identifier_masked_in_the_answer(officer_scj, person, matter):
    CreditRecordFactory(subject=person)

    check = credit_check_run(actor=officer_scj, subject_id=person.identifier, matter=matter.code)

    check.refresh_from_db()
    assert check.subject_identifier == person.identifier
    assert [r["subject_id"] for r in check.answer["negative_records"]] == [person.masked_identifier]


@pytest.mark.parametrize("refused_actor", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_run_credit_checks(request, company, refused_actor, matter):
    actor = request.getfixturevalue(refused_actor)
    CreditRecordFactory(subject=company)

    with pytest.raises(Forbidden) as refused:
        credit_check_run(actor=actor, subject_id=company.identifier, matter=matter.code)

    assert str(refused.value) == str(ROLE_NOT_ALLOWED)
    assert (CreditCheck.objects.count(), QueryLog.objects.count()) == (0, 0)


# --- history_entries -------------------------------------------------------------------------------


def test_history_entries_list_creation_then_each_change_oldest_first(officer_scj, office, scj, time_machine):
    record = record_create(actor=officer_scj, entry=entry_for(officer_scj, department=OMITTED))
    time_machine.move_to(datetime(2026, 2, 12, 15, 30, tzinfo=SHANGHAI), tick=False)
    record_transition(record=record, actor=office, action="suspend", reason="异议核实期间暂停公示")
    time_machine.move_to(datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI), tick=False)
    record_transition(
        record=record, actor=office, action="correct", reason="更正标题", changes={"title": "未按期公示年度报告"}
    )

    entries = history_entries(record)

    assert entries == [
        {
            "at": NOW,
            "actor": "dept-scj",
            "reason": in_chinese(RECORD_CREATED),
            "changes": [
                {"field": "subject", "old": None, "new": str(record.subject)},
                {"field": "category", "old": None, "new": "administrative_penalty"},
                {"field": "severity", "old": None, "new": "general"},
                {"field": "department", "old": None, "new": str(scj)},
                {"field": "decision_no", "old": None, "new": "济历市监罚〔2026〕12号"},
                {"field": "decision_date", "old": None, "new": "2026-01-05"},
                {"field": "title", "old": None, "new": "未按规定公示年度报告"},
                {"field": "content", "old": None, "new": "责令改正，罚款一千元。"},
                {"field": "state", "old": None, "new": "published"},
                {"field": "under_objection", "old": None, "new": False},
                {"field": "rule_set", "old": None, "new": "ndrc_order_58"},
                {"field": "publication_start", "old": None, "new": "2026-01-05"},
                {"field": "min_period_end", "old": None, "new": "2026-04-05"},
                {"field": "max_period_end", "old": None, "new": "2027-01-05"},
                {"field": "publication_due_on", "old": None, "new": "2026-01-14"},
                {
                    "field": "publication_late_days",
                    "old": None,
                    "new": 19,
                },  # 1/15–1/16, 1/19–2/6, 2/9–2/10: 19 working days late (due 1/14)
                {"field": "version", "old": None, "new": 1},
            ],
        },
        {
            "at": datetime(2026, 2, 12, 15, 30, tzinfo=SHANGHAI),
            "actor": "office",
            "reason": "异议核实期间暂停公示",
            "changes": [
                {"field": "state", "old": "published", "new": "suspended"},
                {"field": "version", "old": 1, "new": 2},
            ],
        },
        {
            "at": datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI),
            "actor": "office",
            "reason": "更正标题",
            "changes": [
                {"field": "title", "old": "未按规定公示年度报告", "new": "未按期公示年度报告"},
                {"field": "version", "old": 2, "new": 3},
            ],
        },
    ]


def test_history_written_without_an_actor_shows_none_and_an_empty_reason(company):
    subject_entries = history_entries(company)

    assert [(entry["actor"], entry["reason"]) for entry in subject_entries] == [(None, "")]
    assert subject_entries[0]["changes"] == [
        {"field": "subject_type", "old": None, "new": "legal_person"},
        {"field": "identifier", "old": None, "new": company.identifier},
        {"field": "name", "old": None, "new": "济南泉城示范科技有限公司"},
    ]  # the bankruptcy fields, added later, are listed only when set


# --- RecordInputSerializer ---------------------------------------------------------------------------


def test_a_valid_row_gives_the_compact_identifier_and_the_department(office, scj):
    serializer = validate(office, subject_id=" " + NEW_COMPANY_ID.lower() + " ")

    assert serializer.errors == {}
    assert dict(serializer.validated_data) == {
        "subject_id": NEW_COMPANY_ID,
        "subject_name": "济南历下示范商贸有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "department": scj,
        "decision_no": "济历市监罚〔2026〕12号",
        "decision_date": date(2026, 1, 5),
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        "publish": None,
    }


def test_a_uscc_with_a_wrong_check_digit_is_refused_on_subject_id(office, scj):
    assert validate(office, subject_id=WRONG_CHECK_DIGIT_ID).errors == {"subject_id": [str(INVALID_USCC)]}


def test_a_resident_id_with_a_wrong_check_digit_is_refused_on_subject_id(office, scj):
    wrong = NEW_PERSON_ID[:-1] + ("0" if NEW_PERSON_ID[-1] != "0" else "1")

    serializer = validate(office, subject_id=wrong, subject_type="natural_person")

    assert serializer.errors == {"subject_id": [str(INVALID_RESIDENT_ID)]}


def test_a_uscc_given_for_a_natural_person_is_refused(office, scj):
    serializer = validate(office, subject_type="natural_person")

    assert serializer.errors == {"subject_id": [str(INVALID_RESIDENT_ID)]}


def test_a_decision_date_after_today_is_refused(office, scj):
    assert validate(office, decision_date="2026-02-11").errors == {"decision_date": [str(DECISION_DATE_IN_FUTURE)]}


def test_a_decision_taken_today_is_accepted(office, scj):
    assert validate(office, decision_date="2026-02-10").errors == {}


def test_today_is_the_date_in_china(office, scj, time_machine):
    time_machine.move_to(datetime(2026, 2, 9, 17, 0, tzinfo=ZoneInfo("UTC")), tick=False)  # 01:00 on the 10th

    assert validate(office, decision_date="2026-02-10").errors == {}
    assert validate(office, decision_date="2026-02-11").errors == {"decision_date": [str(DECISION_DATE_IN_FUTURE)]}


NEVER_NEGATIVE = [
    "administrative_license",
    "administrative_levy",
    "administrative_confirmation",
    "administrative_reward",
    "red_list",
]
NEGATIVE_ONLY_WITH_A_SEVERITY = ["administrative_enforcement", "court_judgment", "other"]


@pytest.mark.parametrize("category", NEVER_NEGATIVE)
def test_a_severity_on_non_negative_information_is_refused(office, scj, category):
    assert validate(office, category=category, severity="general").errors == {
        "severity": [str(SEVERITY_ON_NON_NEGATIVE)]
    }


@pytest.mark.parametrize("category", NEVER_NEGATIVE + NEGATIVE_ONLY_WITH_A_SEVERITY)
def test_non_negative_information_without_severity_is_accepted(office, scj, category):
    assert validate(office, category=category, severity=None).errors == {}


@pytest.mark.parametrize(
    "category", ["administrative_penalty", "serious_list", "abnormal_list", "dishonest_judgment_debtor"]
)
@pytest.mark.parametrize("severity", [None, OMITTED], ids=["null", "omitted"])
def test_negative_information_without_severity_is_refused(office, scj, category, severity):
    assert validate(office, category=category, severity=severity).errors == {"severity": [str(SEVERITY_REQUIRED)]}


@pytest.mark.parametrize("severity", ["minor", "general"])
def test_a_serious_list_entry_must_be_serious(office, scj, severity):
    assert validate(office, category="serious_list", severity=severity).errors == {
        "severity": [str(SERIOUS_LIST_IS_SERIOUS)]
    }


def test_a_serious_serious_list_entry_is_accepted(office, scj):
    assert validate(office, category="serious_list", severity="serious").errors == {}


def test_an_unknown_department_is_refused(office, scj):
    assert validate(office, department="NOPE").errors == {"department": [str(UNKNOWN_DEPARTMENT)]}


def test_an_unknown_department_is_refused_when_departments_are_given_in_the_context(office, scj):
    serializer = RecordInputSerializer(
        data=row(department="HB"), context={"actor": office, "departments": {"SCJ": scj}}
    )

    assert serializer.is_valid() is False
    assert serializer.errors == {"department": [str(UNKNOWN_DEPARTMENT)]}


@pytest.mark.parametrize("department", [OMITTED, ""], ids=["omitted", "blank"])
def test_the_office_must_name_the_department(office, scj, department):
    assert validate(office, department=department).errors == {"department": [str(DEPARTMENT_REQUIRED)]}


def test_a_department_naming_another_department_is_refused(officer_scj, hb):
    assert validate(officer_scj, department="HB").errors == {"department": [str(OTHER_DEPARTMENT)]}


@pytest.mark.parametrize("department", ["SCJ", "", OMITTED], ids=["itself", "blank", "omitted"])
def test_a_department_naming_itself_or_nothing_gets_its_own(officer_scj, scj, department):
    serializer = validate(officer_scj, department=department)

    assert (serializer.errors, serializer.validated_data["department"]) == ({}, scj)


@pytest.mark.parametrize("decision_date", ["2022-06-15", "2025-06-16"], ids=["527", "58"])
def test_asking_to_publish_never_published_minor_information_is_refused_on_publish(office, scj, decision_date):
    serializer = validate(office, severity="minor", decision_date=decision_date, publish=True)

    assert serializer.errors == {"publish": [str(NOT_PUBLISHABLE)]}


@pytest.mark.parametrize("publish", [False, None])
def test_minor_information_under_order_58_may_be_sent_without_publishing(office, scj, publish):
    assert validate(office, severity="minor", decision_date="2025-06-16", publish=publish).errors == {}


def test_asking_to_publish_minor_information_under_order_36_is_accepted(office, scj, time_machine):
    time_machine.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI), tick=False)

    assert validate(office, severity="minor", decision_date="2026-04-10", publish=True).errors == {}


def test_every_fault_of_a_row_is_reported_at_once(office):
    serializer = validate(office, subject_id=WRONG_CHECK_DIGIT_ID, category="red_list", department="NOPE")

    assert serializer.errors == {
        "subject_id": [str(INVALID_USCC)],
        "severity": [str(SEVERITY_ON_NON_NEGATIVE)],
        "department": [str(UNKNOWN_DEPARTMENT)],
    }
