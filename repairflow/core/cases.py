"""What every case (objection, repair application) shares."""

from django.db import transaction

from repairflow.core.models import CaseSequence

NUMBER_DIGITS = 6


def case_number_next(*, prefix: str, year: int) -> str:
    """The next number of the year for a kind of case: sequential, never given twice, also when
    cases are filed at the same moment (the year's row is locked until the caller commits, so
    call this inside the transaction that saves the case)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_next must run inside the transaction that saves the case")
    CaseSequence.objects.bulk_create([CaseSequence(prefix=prefix, year=year)], ignore_conflicts=True)
    sequence = CaseSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}{year}{sequence.last_number:0{NUMBER_DIGITS}d}"
