"""The daily digest: one notification a day to each department's heads (their own clocks) and to
each office user (everyone's), listing what is overdue, due today and due within 2 working days,
worked out by hand in tests/office/conftest.py; never twice a day, never on a non-working day."""

from datetime import date

import pytest

from repairflow.notifications.models import Notification
from repairflow.office.digest import digests_send
from tests.factories import UserFactory
from tests.office.conftest import TODAY

pytestmark = pytest.mark.django_db


def digests() -> dict[str, Notification]:
    return {n.recipient.username: n for n in Notification.objects.filter(kind="deadline.digest")}


@pytest.fixture
def scj_head(scj):
    return UserFactory(username="scj-head", officer=True, department=scj, is_unit_head=True)


def test_each_office_user_and_each_departments_head_gets_one_digest(cases, office, officer_scj, scj_head):
    told = digests_send(today=TODAY)

    sent = digests()
    assert told == 2 and set(sent) == {"office", "scj-head"}  # the head only, not every officer
    # the office: overdue the repair's and `late`'s acceptance; due today `late`'s own-scope answer
    # and `waiting`'s acceptance; soon `waiting`'s own-scope answer and the department's verification
    office_digest = sent["office"]
    assert (office_digest.params["overdue"], office_digest.params["due_today"], office_digest.params["soon"]) == (
        2,
        2,
        2,
    )
    assert office_digest.title == "2026-10-09 的期限：逾期 2 件，今日到期 2 件，2 个工作日内到期 2 件"
    lines = office_digest.body.splitlines()[1:]
    # the repair's acceptance was due Wed 9/30: overdue on the working days after it, 10/8 and 10/9
    repair = cases["repair"].number
    assert lines[0] == f"{repair} · 受理或不予受理修复申请 · 信用办 · 2026-09-30 到期，已逾期 2 个工作日"
    assert len(lines) == 6
    head_digest = sent["scj-head"]
    assert (head_digest.params["overdue"], head_digest.params["due_today"], head_digest.params["soon"]) == (0, 0, 1)
    assert head_digest.body.splitlines()[1:] == [
        f"{cases['forwarded'].number} · 核查异议并答复 · 市场监督管理局 · 2026-10-12 到期"
    ]


def test_without_a_head_every_officer_of_the_department_gets_it(cases, office, officer_scj):
    digests_send(today=TODAY)

    assert set(digests()) == {"office", "dept-scj"}


def test_a_second_run_the_same_day_sends_nothing(cases, office, scj_head):
    digests_send(today=TODAY)

    assert digests_send(today=TODAY) == 0
    assert Notification.objects.filter(kind="deadline.digest").count() == 2


def test_nothing_is_sent_on_a_non_working_day(cases, office, scj_head):
    assert digests_send(today=date(2026, 10, 11)) == 0  # a Sunday
    assert digests_send(today=date(2026, 10, 3)) == 0  # 国庆
    assert not Notification.objects.filter(kind="deadline.digest").exists()


def test_nobody_gets_an_empty_digest(travel, office, scj_head):
    assert digests_send(today=TODAY) == 0
    assert not Notification.objects.filter(kind="deadline.digest").exists()


def test_the_digest_reads_in_english_to_an_english_reader(cases, office, settings):
    digests_send(today=TODAY)
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        title = digests()["office"].title

    assert title == "Deadlines on 2026-10-09: 2 overdue, 2 due today, 2 due within 2 working days"


def test_a_long_digest_names_the_first_cases_and_counts_the_rest(cases, office, monkeypatch):
    monkeypatch.setattr("repairflow.office.digest.LISTED", 2)

    digests_send(today=TODAY)

    lines = digests()["office"].body.splitlines()[1:]
    assert len(lines) == 3 and lines[-1] == "……另有 4 件。"
    assert digests()["office"].params["total"] == 6
