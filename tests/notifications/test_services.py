"""Notifications: one inbox row per person, delivered by e-mail and SMS after commit in the site's
language, each channel once; the inbox reads in the reader's language."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from repairflow.notifications import tasks
from repairflow.notifications.messages import MESSAGES, Message
from repairflow.notifications.models import Notification
from repairflow.notifications.services import notifications_deliver, notifications_mark_read, notify
from tests.factories import UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 29, 9, tzinfo=BEIJING)
REMINDER = {
    "case": "罚〔2026〕1号 未按规定公示年度报告",
    "step": "objection_verification",
    "owner": "市场监督管理局",
    "due_on": "2026-09-30",
    "overdue_days": 0,
}
TEXTS: list[tuple[str, str]] = []


class RecordingSmsBackend:
    """An SMS gateway that keeps what it is asked to send."""

    def send(self, number: str, text: str) -> None:
        TEXTS.append((number, text))


@pytest.fixture(autouse=True)
def channels(settings):
    """E-mail to the test outbox (request `mailoutbox` after any database fixture: setting up the
    database replaces the outbox) and SMS to `TEXTS`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REPAIRFLOW_SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    settings.REPAIRFLOW_BASE_URL = "https://credit.example.cn/"
    TEXTS.clear()
    yield
    TEXTS.clear()


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def paging(monkeypatch):
    """A kind whose texts already have a Chinese translation, so that the language shows."""
    monkeypatch.setitem(MESSAGES, "test.paging", Message(_("Page %(number)s of %(total)s"), _("department")))
    return "test.paging"


def english_reminder() -> tuple[str, str]:
    return (
        "Deadline approaching: verify the objection and reply",
        "罚〔2026〕1号 未按规定公示年度报告: 市场监督管理局 must verify the objection and reply by 2026-09-30.",
    )


def in_site_language(kind: str, params: dict) -> tuple[str, str]:
    with translation.override("zh-hans"):
        return MESSAGES[kind].render(params)


# --- The inbox -----------------------------------------------------------------------------------


def test_each_active_recipient_gets_one_inbox_row(office, officer_scj, company_user):
    # Given a department user named twice and one who has left
    gone = UserFactory(username="gone", office=True, is_active=False)

    # When they are notified
    notifications = notify(
        recipients=[officer_scj, office, officer_scj, gone], kind="deadline.reminder", params=REMINDER, link="/x/"
    )

    # Then each active person has one unread, undelivered row
    rows = Notification.objects.order_by("id")
    assert list(rows) == notifications
    assert [(row.recipient, row.kind, row.params, row.link) for row in rows] == [
        (officer_scj, "deadline.reminder", REMINDER, "/x/"),
        (office, "deadline.reminder", REMINDER, "/x/"),
    ]
    assert {(row.read_at, row.emailed_at, row.texted_at) for row in rows} == {(None, None, None)}
    assert not Notification.objects.filter(recipient__in=[gone, company_user]).exists()


def test_an_unknown_kind_is_refused(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(ValueError, match="^unknown notification kind 'deadline.unknown'$"):
            notify(recipients=[office], kind="deadline.unknown", params=REMINDER)

    assert Notification.objects.count() == 0
    assert callbacks == []


def test_delivery_is_queued_once_after_commit(monkeypatch, office, officer_scj, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    office.email, officer_scj.mobile = "office@example.gov.cn", "13800000000"

    # When two people are notified in a transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications = notify(recipients=[office, officer_scj], kind="deadline.reminder", params=REMINDER)

    # Then nothing is queued before commit, and on commit one delivery of both rows
    assert (len(callbacks), queued) == (1, [])
    callbacks[0]()
    assert queued == [[notification.pk for notification in notifications]]


def test_recipients_without_an_address_get_the_inbox_only(
    monkeypatch, office, officer_scj, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    officer_scj.email = "scj@example.gov.cn"

    with django_capture_on_commit_callbacks(execute=True):
        notifications = notify(recipients=[office, officer_scj], kind="deadline.reminder", params=REMINDER)

    assert len(notifications) == 2
    assert queued == [[next(n.pk for n in notifications if n.recipient == officer_scj)]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[UserFactory(username="no-address", office=True)], kind="deadline.reminder", params=REMINDER)
    assert (callbacks, len(queued)) == ([], 1)


def test_nobody_to_tell_queues_nothing(db, django_capture_on_commit_callbacks):
    gone = UserFactory(username="gone", office=True, is_active=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notify(recipients=[gone], kind="deadline.reminder", params=REMINDER) == []

    assert callbacks == []
    assert Notification.objects.count() == 0


def test_the_inbox_reads_in_the_readers_language(office, paging):
    reminder, page = (
        notify(recipients=[office], kind="deadline.reminder", params=REMINDER)[0],
        notify(recipients=[office], kind=paging, params={"number": 1, "total": 2})[0],
    )

    with translation.override("en"):
        assert (reminder.title, reminder.body) == english_reminder()
        assert (page.title, page.body, str(page)) == ("Page 1 of 2", "department", "Page 1 of 2")
    with translation.override("zh-hans"):
        assert (page.title, page.body) == in_site_language(paging, {"number": 1, "total": 2})
        assert page.title != "Page 1 of 2"


# --- Delivery ------------------------------------------------------------------------------------


def test_delivery_sends_email_and_sms_in_the_site_language_each_once(settings, office, officer_scj, mailoutbox):
    # Given the office user with an address and a number, a department user with an address only,
    # and a subject user with a number only, and an auditor with neither
    office.email, office.mobile = "office@credit.example.cn", "13800138000"
    office.save()
    officer_scj.email = "scj@example.cn"
    officer_scj.save()
    subject_user = UserFactory(username="subject-a", subject=True, mobile="13900139000")
    auditor = UserFactory(username="auditor", auditor=True)
    notifications = notify(
        recipients=[office, officer_scj, subject_user, auditor],
        kind="deadline.reminder",
        params=REMINDER,
        link="/objections/7/",
    )

    # When they are delivered while someone reads English
    with translation.override("en"):
        notifications_deliver(ids=[notification.pk for notification in notifications])

    # Then the e-mails and texts are in the site's language, with the full link
    title, body = in_site_language("deadline.reminder", REMINDER)
    text = f"{body}\nhttps://credit.example.cn/objections/7/"
    assert sorted((mail.to, mail.subject, mail.body, mail.from_email) for mail in mailoutbox) == [
        (["office@credit.example.cn"], title, text, settings.DEFAULT_FROM_EMAIL),
        (["scj@example.cn"], title, text, settings.DEFAULT_FROM_EMAIL),
    ]
    assert sorted(TEXTS) == [("13800138000", f"{title}：{text}"), ("13900139000", f"{title}：{text}")]
    # And each channel done is marked; the auditor has only the inbox row
    delivered = {row.recipient.username: (row.emailed_at, row.texted_at) for row in Notification.objects.all()}
    assert delivered == {
        "office": (NOW, NOW),
        "dept-scj": (NOW, None),
        "subject-a": (None, NOW),
        "auditor": (None, None),
    }

    # When the same delivery runs again (a retried task)
    notifications_deliver(ids=[notification.pk for notification in notifications])

    # Then nothing is sent twice
    assert (len(mailoutbox), len(TEXTS)) == (2, 2)


def test_the_email_is_chinese_whatever_language_is_active(office, paging, mailoutbox):
    # Given a notification whose texts have a Chinese translation
    office.email = "office@credit.example.cn"
    office.save()
    notification = notify(recipients=[office], kind=paging, params={"number": 1, "total": 2})[0]

    # When it is delivered while English is active
    with translation.override("en"):
        notifications_deliver(ids=[notification.pk])

    # Then the e-mail speaks the site's language (zh-hans), not the reader's
    title, body = in_site_language(paging, {"number": 1, "total": 2})
    assert (title, body) != ("Page 1 of 2", "department")
    assert [(mail.subject, mail.body) for mail in mailoutbox] == [(title, body)]


def test_delivering_unknown_ids_sends_nothing(office, mailoutbox):
    notifications_deliver(ids=[404])

    assert (mailoutbox, TEXTS) == ([], [])


# --- Reading -------------------------------------------------------------------------------------


def test_marking_read_marks_only_the_users_unread_rows(office, officer_scj):
    # Given two unread and one read notification for the office user, and one for another user
    earlier = datetime(2026, 9, 28, 1, tzinfo=UTC)
    read = notify(recipients=[office], kind="deadline.reminder", params=REMINDER)[0]
    Notification.objects.filter(pk=read.pk).update(read_at=earlier)
    second = notify(recipients=[office], kind="deadline.reminder", params=REMINDER)[0]
    third, others = notify(recipients=[office, officer_scj], kind="deadline.reminder", params=REMINDER)

    # When the office user marks the inbox read
    count = notifications_mark_read(user=office)

    # Then the two unread rows are read now; the rest is as it was
    assert count == 2
    assert dict(Notification.objects.values_list("pk", "read_at")) == {
        read.pk: earlier,
        second.pk: NOW,
        third.pk: NOW,
        others.pk: None,
    }
    # And marking again finds nothing
    assert notifications_mark_read(user=office) == 0
