"""Written notices to the subject (受理回执, 补正通知, 不予受理通知, 处理结果告知, 修复决定书,
撤销修复决定书), kept with the case as PDF (repairflow/core/pdf.py sets them)."""

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from repairflow.cases.models import Notice, NoticeKind
from repairflow.core.pdf import NoticeText, notice_pdf


def notice_issue(
    *, case: models.Model, kind: NoticeKind, text: NoticeText, issued_on: date, actor: Any = None
) -> Notice:
    """Render the notice in the site's language and keep it with the case, in the caller's
    transaction."""
    with translation.override(settings.LANGUAGE_CODE):
        content = notice_pdf(text, issuer=settings.REPAIRFLOW_OFFICE_NAME, issued_on=issued_on)
    return Notice.objects.create(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        kind=kind,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by=actor,
    )


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
