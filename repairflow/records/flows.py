"""The publication lifecycle of a credit record (docs/domain.md "Credit records").

    unpublished ──publish──▶ published ◀──resume── suspended
                                │  ▲                 ▲
                                │  └──republish──┐   │ suspend (from published)
                                ├─end_publication─▶ ended        (after a repair)
                                ├─expire──────────▶ expired      (maximum period or provincial cap passed)
                                └─revoke──────────▶ revoked      (the record was wrong)

`publish` is refused for information its rule set never publishes (minor, under 527号 and Order 58).
`suspended` can end, expire or be revoked as `published` can; `ended` goes back to `published`
when the repair behind it is revoked. `expire` is not an office action: the sweep `records_expire`
(services.py, run by beat) takes it the day after the record's `max_period_end`, which already
holds the provincial cap where the profile has one (publication.py), and a correction that moves
that day into the past takes it in its own transaction (`record_transition`). Independent of the state,
the objection mark is set while an objection on the record is open (山东省社会信用条例 Art. 39,
河南省社会信用条例 Art. 41), and a correction changes fields and keeps the state. Every transition
bumps the record's version and is saved with the use-case's writes (once per use-case, with a
history row naming who and why).
"""

from typing import Any

from django.utils import timezone
from viewflow import this
from viewflow.fsm.base import State

from repairflow.core.history import Writes, writing
from repairflow.records.models import CreditRecord, RecordState
from repairflow.records.publication import may_be_published

LIVE = [RecordState.PUBLISHED, RecordState.SUSPENDED]
NOT_REVOKED = [state for state in RecordState if state != RecordState.REVOKED]
# A correction of any of these recomputes the rule set and the publication periods.
PERIOD_FIELDS = frozenset({"category", "severity", "decision_date"})


class RecordFlow:
    state = State(RecordState, default=RecordState.PUBLISHED)

    def __init__(self, record: CreditRecord, *, actor: Any, reason: str, writes: Writes | None = None) -> None:
        self.record = record
        self.actor = actor
        self.reason = reason
        self.writes = writes

    @state.getter()
    def _get_state(self) -> RecordState:
        return RecordState(self.record.state)

    @state.setter()
    def _set_state(self, value: RecordState) -> None:
        self.record.state = value.value if isinstance(value, RecordState) else value

    @state.on_success()
    def _save(self, descriptor, source, target, **kwargs) -> None:
        self.record.version += 1
        with writing(self.writes) as writes:  # at once for a flow taken outside a use-case
            writes.save(self.record, actor=self.actor, reason=self.reason)

    def is_under_objection(self) -> bool:
        return self.record.under_objection

    def is_free_of_objection(self) -> bool:
        return not self.record.under_objection

    def is_publishable(self) -> bool:
        return may_be_published(
            negative=self.record.negative, severity=self.record.severity, decision_date=self.record.decision_date
        )

    @state.transition(source=RecordState.UNPUBLISHED, target=RecordState.PUBLISHED, conditions=[this.is_publishable])
    def publish(self) -> None:
        self.record.set_publication_periods(published_on=timezone.localdate())

    @state.transition(source=RecordState.PUBLISHED, target=RecordState.SUSPENDED)
    def suspend(self) -> None:
        pass

    @state.transition(source=RecordState.SUSPENDED, target=RecordState.PUBLISHED)
    def resume(self) -> None:
        pass

    @state.transition(source=LIVE, target=RecordState.ENDED)
    def end_publication(self) -> None:
        pass

    @state.transition(source=LIVE, target=RecordState.EXPIRED)
    def expire(self) -> None:
        pass

    @state.transition(source=NOT_REVOKED, target=RecordState.REVOKED)
    def revoke(self) -> None:
        pass

    @state.transition(source=RecordState.ENDED, target=RecordState.PUBLISHED)
    def republish(self) -> None:
        pass

    @state.transition(source=NOT_REVOKED)
    def correct(self, *, changes: dict[str, Any]) -> None:
        for field, value in changes.items():
            setattr(self.record, field, value)
        self.record.classify()
        if changes.keys() & PERIOD_FIELDS and self.record.state != RecordState.UNPUBLISHED:
            self.record.set_publication_periods(published_on=self.record.publication_start or timezone.localdate())

    @state.transition(source=NOT_REVOKED, conditions=[this.is_free_of_objection])
    def mark_objection(self) -> None:
        self.record.under_objection = True

    @state.transition(source=State.ANY, conditions=[this.is_under_objection])
    def clear_objection(self) -> None:
        self.record.under_objection = False
