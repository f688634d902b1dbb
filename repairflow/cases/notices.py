"""Written notices to the subject (受理回执, 补正通知, 不予受理通知, 处理结果告知, 修复决定书,
撤销修复决定书): what a notice says is kept with the case in the case's transaction; its PDF
(repairflow/core/pdf.py) is rendered once that transaction has committed, so that no row stays
locked while a page is set."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from repairflow.cases.models import Notice, NoticeKind, RejectionCode
from repairflow.core.history import Writes
from repairflow.core.pdf import NoticeText, notice_pdf
from repairflow.deadlines.policy import office_name


def notice_issue(*, case: models.Model, kind: NoticeKind, text: NoticeText, actor: Any, writes: Writes) -> Notice:
    """Keep the notice's text (in the site's language) with the case's `writes`; its PDF is
    rendered right after the commit."""
    with translation.override(settings.LANGUAGE_CODE):
        kept = {
            "title": str(text.title),
            "facts": [[str(label), str(value)] for label, value in text.facts],
            "paragraphs": [str(paragraph) for paragraph in text.paragraphs],
        }
    notice = Notice(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        kind=kind,
        text=kept,
        issued_by=actor,
    )
    writes.add(notice)
    transaction.on_commit(lambda: notice_render(notice), robust=True)
    return notice


def notice_render(notice: Notice) -> Notice:
    """Set the notice's PDF from its text, and keep it with its size and SHA-256 (a notice whose
    rendering was lost is rendered when first read)."""
    issued_on = timezone.localdate(notice.issued_at)
    text = NoticeText(notice.text["title"], notice.text["facts"], notice.text["paragraphs"])
    with translation.override(settings.LANGUAGE_CODE):
        content = notice_pdf(text, issuer=office_name(), issued_on=issued_on)
    notice.content, notice.size, notice.sha256 = content, len(content), hashlib.sha256(content).hexdigest()
    notice.save(update_fields=["content", "size", "sha256"])
    return notice


def notice_rendered(notice: Notice) -> Notice:
    """The notice, its PDF rendered now when it has not been yet (its after-commit rendering has not
    run, or was lost): whoever reads a notice reads its digest and its bytes."""
    if not notice.sha256:
        notice_render(notice)
    return notice


def notice_content(notice: Notice) -> bytes:
    """The notice's PDF (rendered now when it has not been yet)."""
    return bytes(notice_rendered(notice).content)


def _formatted(message: Any, values: dict[str, Any]) -> str:
    """`message` with its values, a list of them written as one (joined with 、)."""
    return str(message) % {
        name: "、".join(map(str, value)) if isinstance(value, list) else value for name, value in values.items()
    }


# A message with its values, translated when the notice is kept (in the site's language), not now.
notice_format = lazy(_formatted, str)


def case_facts(case: Any) -> list[tuple[Any, Any]]:
    """What every notice about a case states first: the case, the subject, the record, who produced
    it and when the case was received."""
    record = case.record
    return [
        (_("Case number"), case.number),
        (_("Credit subject"), case.subject.name),
        (_("Credit record"), f"{record.title}（{record.decision_no}）"),
        (_("Source department"), record.department.name),
        (_("Received on"), formats.date_format(case.received_on, "DATE_FORMAT")),
    ]


def repeat_explained(case: Any, *, something_new: Any = None) -> list[Any]:
    """What the refusal of a repeat says, so that the subject knows exactly what is missing (as
    FCRA Regulation V, 12 CFR 1022.43(f), asks of a notice that a dispute is frivolous: the
    reasons, and the information that would let it be handled): the closed case it repeats, and
    what a new case would have to bring: new evidence, or what the kind names (`something_new`:
    the grounds that case did not raise). Nothing for a case rejected for another reason."""
    if case.rejection_code != RejectionCode.REPEAT or case.repeat_of is None:
        return []
    number = case.repeat_of.number
    paragraphs = [
        notice_format(
            _(
                "It repeats case %(number)s, which is closed: it is about the same record, rests on nothing that "
                "case did not rest on, and brings no document that case did not already have."
            ),
            {"number": number},
        ),
        _("It will be handled as a new case if you file it again with at least one of:"),
        notice_format(_("new evidence: a document that was not attached to case %(number)s;"), {"number": number}),
    ]
    return [*paragraphs, something_new] if something_new else paragraphs
