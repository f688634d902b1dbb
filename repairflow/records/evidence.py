"""A credit check (逢办必查) as a PDF: what the department asked, in which matter, when, about whom,
and what the check answered, set from the answer kept with the check (never from the records as
they are now), on the project's notice page (repairflow/core/pdf.py). In the site's language, so
that the same check always gives the same bytes."""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from repairflow.core.pdf import NoticeText, notice_pdf
from repairflow.deadlines.policy import office_name
from repairflow.records.models import CreditCheck, CreditRecord, CreditSubject, MatterKind, QueryKind
from repairflow.records.publication import Category
from repairflow.records.services import query_log_write

CREDIT_CHECK_TITLE = _("Credit check in an administrative matter")
CREDIT_OFFICE = _("Credit office")
NONE_FOUND = _("No negative record in force was found.")
FOUND = _("Negative records in force found: %(count)d.")
RULE_APPLIED = _("Rule applied: the subject's negative records in force (published, or their publication suspended).")
RECORD_LINE = _("%(decision_no)s · %(category)s · %(department)s · version %(version)s")
RECORD_LINE_WITH_HISTORY = _(
    "%(decision_no)s · %(category)s · %(department)s · version %(version)s · history row %(history_id)s"
)
KEPT_AS_EVIDENCE = _(
    "This check is kept as evidence with the versions of the records it saw; later corrections of "
    "a record do not change it."
)


def _matter(check: CreditCheck) -> str:
    kept = check.answer.get("matter")
    if not kept:  # a check made before the lists existed: the text it named
        return check.matter
    kind = dict(MatterKind.choices).get(kept["kind"], kept["kind"])
    return f"{kept['code']} {kept['name']}（{kind}）"


def _records(check: CreditCheck) -> list[str]:
    history_ids = {seen["record"]: seen["history_id"] for seen in check.answer.get("records_seen", [])}
    categories = dict(Category.choices)
    lines = []
    for record in check.answer.get("negative_records", []):
        values = {
            "decision_no": record["decision_no"],
            "category": categories.get(record["category"], record["category"]),
            "department": record.get("department_name") or record["department"],
            "version": record["version"],
            "history_id": history_ids.get(record["id"]),
        }
        line = RECORD_LINE_WITH_HISTORY if values["history_id"] is not None else RECORD_LINE
        lines.append(str(line) % values)
    return lines


def credit_check_text(check: CreditCheck) -> NoticeText:
    """What the check's PDF says (the check read with its department and requester)."""
    subject_name = check.answer.get("subject_name")
    records = _records(check)
    count = len(check.answer.get("negative_records", []))
    facts: list[tuple[Any, Any]] = [
        (_("Credit check"), f"#{check.pk}"),
        (_("Requested by"), check.requested_by.get_full_name() or check.requested_by.get_username()),
        (_("Department"), check.department.name if check.department else CREDIT_OFFICE),
        (_("Administrative matter"), _matter(check)),
        (_("Checked at"), formats.date_format(timezone.localtime(check.checked_at), "DATETIME_FORMAT")),
        (
            _("Credit subject"),
            f"{subject_name}（{check.subject_identifier}）" if subject_name else check.subject_identifier,
        ),
        (_("Result"), FOUND % {"count": count} if check.has_active_negative else NONE_FOUND),
    ]
    facts += [(_("Record %(number)d") % {"number": number}, line) for number, line in enumerate(records, 1)]
    return NoticeText(CREDIT_CHECK_TITLE, facts, [RULE_APPLIED, KEPT_AS_EVIDENCE])


def credit_check_pdf(check: CreditCheck) -> bytes:
    """The check as an A4 PDF in the site's language, dated the day it was made."""
    with translation.override(settings.LANGUAGE_CODE):
        return notice_pdf(
            credit_check_text(check),
            issuer=office_name(),
            issued_on=timezone.localdate(check.checked_at),
        )


def credit_check_pdf_response(*, viewer: Any, check: CreditCheck) -> HttpResponse:
    """The check's PDF as a download (API and pages); a staff read of it is in the query log, as
    a look-up of the records it names."""
    seen = [entry["record"] for entry in check.answer.get("records_seen", [])]
    query_log_write(
        user=viewer,
        kind=QueryKind.CREDIT_CHECK,
        purpose=check.matter,
        parameters={"credit_check": check.pk, "pdf": True},
        records=list(CreditRecord.objects.filter(pk__in=seen)),
        subjects=CreditSubject.objects.filter(identifier=check.subject_identifier),
    )
    response = HttpResponse(credit_check_pdf(check), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-check-{check.pk}.pdf"'
    return response
