"""What the public may read without signing in."""

from django.db import models

from repairflow.cases.kinds import case_kind_numbered
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.deadlines.services import case_open_deadlines


def case_public_status(*, number: str, subject_id: str) -> dict | None:
    """Where the case numbered `number` stands, when it is about the subject `subject_id`; else None.
    Every kind of case answers (repairflow/cases/kinds.py): the number says which kind it is, and
    the date shown is the first open clock the public waits on (the kind's answer clocks), or else
    the first other open clock's last day."""
    try:
        identifier = compact_identifier(subject_id)
    except InvalidIdentifier:
        return None
    kind = case_kind_numbered(number)
    if kind is None:
        return None
    case = kind.model.objects.filter(number=number, subject__identifier=identifier).first()
    if case is None:
        return None
    answer_first = models.Case(
        models.When(step__in=kind.answer_clocks, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    deadline = case_open_deadlines(case).order_by(answer_first, "due_on").first()
    return {
        "number": case.number,
        "kind": kind.name,
        "state": case.state,
        "state_label": case.get_state_display(),
        "received_on": case.received_on,
        "due_on": deadline.due_on if deadline else None,
    }
