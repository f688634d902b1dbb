"""A record's own duties and their clocks (docs/domain.md "Credit records"; the rules and their
sources are steps of repairflow/deadlines/policy.py, counted in working days by
repairflow/calendar/workdays.py). The clocks are ordinary `Deadline` rows hung on the
`CreditRecord`: the sweep reminds, escalates (督办) and chases them as any department's, and none
lapses.

- 双公示 (`record_publication`, seed 002 §二(一)): a new 行政许可 or 行政处罚 decision whose information
  may be published at all is published within 7 working days of the decision. A record created
  already published keeps the day it was due (`publication_due_on`) and how many working days
  after it the record came (`publication_late_days`, 0 on time); one created unpublished starts
  its department's clock on the decision date (so one created after that day is overdue and
  escalates at once), which `publish` stops, met or missed, fixing the late days.
- An upstream change (records/upstream.py): the department's report clock
  (`upstream_change_report`, 山东省社会信用条例 Art. 40) and the office's removal clock
  (`revoked_record_removal`, 河南省社会信用条例 Art. 42), which `revoke` stops.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import WorkCalendar, add_working_days, working_days_between
from repairflow.core.history import Writes
from repairflow.deadlines.policy import Step, active_profile
from repairflow.deadlines.services import CaseClocks, deadline_cancel, deadline_start
from repairflow.records.models import (
    OPEN_UPSTREAM,
    CreditRecord,
    RecordState,
    UpstreamChange,
    UpstreamChangeStatus,
    UpstreamOutcome,
)
from repairflow.records.publication import Severity, carries_publication_duty, is_negative, may_be_published

RECORD_REVOKED = _("The record was revoked before it was published.")
REMOVED_FROM_PUBLICATION = _("The record was deleted from publication.")


def publication_duty_applies(record: CreditRecord) -> bool:
    """Whether the record is held to the 双公示 duty: its category carries it; its information must
    be published (a minor penalty, which a rule set publishes at most optionally, is the
    department's choice); and it was decided on or after `REPAIRFLOW_PUBLICATION_DUTY_FROM`, the day
    the platform began to hold departments to it (records carried over from before are not late)."""
    return (
        carries_publication_duty(record.category)
        and record.severity != Severity.MINOR
        and record.decision_date >= settings.REPAIRFLOW_PUBLICATION_DUTY_FROM
        and may_be_published(
            negative=is_negative(record.category, record.severity),
            severity=record.severity,
            decision_date=record.decision_date,
        )
    )


class PublicationDuty:
    """The 双公示 figures of new records on one calendar and one day, each working-day count made
    once per decision date and last day (a batch of thousands shares a few hundred)."""

    def __init__(self, calendar: WorkCalendar, today: date) -> None:
        self.calendar, self.today = calendar, today
        self._due: dict[date, date | None] = {}
        self._late: dict[date, int] = {}

    def due_on(self, record: CreditRecord) -> date | None:
        """The last day to publish the record under the active profile, counted from its decision
        date (None when the duty does not apply or the profile sets no such clock)."""
        if not publication_duty_applies(record):
            return None
        day = record.decision_date
        if day not in self._due:
            rule = active_profile().rule_set_on(day).steps.get(Step.RECORD_PUBLICATION)
            self._due[day] = None if rule is None else add_working_days(self.calendar, day, rule.working_days).due_on
        return self._due[day]

    def late_days(self, due_on: date) -> int:
        if due_on not in self._late:
            self._late[due_on] = late_days(self.calendar, due_on, self.today)
        return self._late[due_on]

    def fix(self, record: CreditRecord) -> None:
        """A new record (not saved yet): its last day to be published and, when it is created
        published, how late it came."""
        record.publication_due_on = self.due_on(record)
        record.publication_late_days = None
        if record.publication_due_on is not None and record.state == RecordState.PUBLISHED:
            record.publication_late_days = self.late_days(record.publication_due_on)


def late_days(calendar: WorkCalendar, due_on: date, published_on: date) -> int:
    """The working days after the last day up to the day of publication (0 on time)."""
    return working_days_between(calendar, due_on, published_on).count


def publication_clocks_start(
    records: Iterable[CreditRecord], *, actor: Any, writes: Writes, calendar: WorkCalendar
) -> None:
    """The departments' 双公示 clocks of new records created unpublished (saved, with their keys),
    each started on its decision date; written with `writes`, in one statement."""
    for record in records:
        if record.state == RecordState.UNPUBLISHED and record.publication_due_on is not None:
            deadline_start(
                case=record,
                step=Step.RECORD_PUBLICATION,
                started_on=record.decision_date,
                department=record.department,
                actor=actor,
                writes=writes,
                calendar=calendar,
            )


def record_clocks_follow(record: CreditRecord, action: str, *, actor: Any, writes: Writes) -> None:
    """What a record's transition does to its duties (in its use-case, before `writes` is flushed):
    `publish` ends the 双公示 clock and fixes the late days; `revoke` ends the removal clock (the
    record is deleted from publication), drops the duties it makes moot and closes the open
    upstream change."""
    if action == "publish" and record.publication_due_on is not None and record.publication_late_days is None:
        clocks = CaseClocks(record, writes)
        today = timezone.localdate()
        record.publication_late_days = late_days(clocks.calendar, record.publication_due_on, today)
        clocks.stop(Step.RECORD_PUBLICATION, on=today, actor=actor)
    elif action == "revoke":
        clocks = CaseClocks(record, writes)
        today = timezone.localdate()
        clocks.stop(Step.REVOKED_RECORD_REMOVAL, on=today, actor=actor)
        for deadline in clocks.open(Step.RECORD_PUBLICATION, Step.UPSTREAM_CHANGE_REPORT):
            moot = RECORD_REVOKED if deadline.step == Step.RECORD_PUBLICATION else REMOVED_FROM_PUBLICATION
            deadline_cancel(deadline=deadline, on=today, reason=moot, actor=actor, writes=writes)
        change = UpstreamChange.objects.select_for_update().filter(record=record, status__in=OPEN_UPSTREAM).first()
        if change is not None:
            change.status = UpstreamChangeStatus.DONE
            change.outcome = UpstreamOutcome.REMOVED
            change.done_on = today
            writes.save(change, actor=actor, reason=REMOVED_FROM_PUBLICATION)
