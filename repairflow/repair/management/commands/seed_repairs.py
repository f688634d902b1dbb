"""Demo repair applications (`seed_demo` runs this after `seed_records` and `seed_objections`):
one submitted and eligible, one under the environmental department's review, one repaired and
published (its record's publication ended), and one the eligibility rules refuse because the
record's minimum publication period has not passed, so the office sees the failed rule. Each is
filed by its subject's account with its commitment and a proof of performance (a small PDF the
account uploads) and taken to its state through the same services the pages and the API use.

The demo is loaded on the day it runs, and whether an application is eligible depends on that
day, so the records are chosen by their minimum period on it rather than named: for an eligible
application, the subject's live negative record, from a department with an account to review
it, decided longest ago among those whose minimum period has passed before the application is
received; for the ineligible one, the record whose minimum period ends last among those not yet
ended. `seed_records` holds records for both until late 2027. Idempotent: applications are added
only when there are none."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from repairflow.cases.services import received_today
from repairflow.core.models import Attachment
from repairflow.core.pdf import NoticeText, notice_pdf
from repairflow.core.permissions import Role
from repairflow.core.services import attachment_upload
from repairflow.records.flows import LIVE
from repairflow.records.models import CreditRecord, User
from repairflow.repair import services
from repairflow.repair.models import MaterialKind, RepairApplication
from repairflow.repair.services import Material

ELIGIBLE, TOO_EARLY = "eligible", "too early"

# (account, the record wanted, statement, what the office and the department then do)
DEMO = [
    ("subject-a", ELIGIBLE, "罚款已于决定书规定期限内全额缴纳，违法行为已整改完毕，特申请信用修复。", []),
    (
        "subject-b",
        ELIGIBLE,
        "已按处罚决定完成污染防治设施改造并缴清罚款，经复查排放达标。",
        ["accept", "forward"],
    ),
    (
        "person-c",
        ELIGIBLE,
        "罚款已缴清，经营行为已规范，承诺今后依法经营。",
        ["accept", "forward", "approve", "execute"],
    ),
    ("subject-a", TOO_EARLY, "罚款已缴纳，申请提前修复。", []),
]


def demo_proof(filer: User, record: CreditRecord, *, paid_on: date) -> Attachment:
    """A one-page PDF standing in for the receipt of the fine, uploaded by the subject's account."""
    text = NoticeText(
        "行政处罚罚款缴纳凭证（演示）",
        [("缴款人", record.subject.name), ("处罚决定书文号", record.decision_no), ("执收单位", record.department.name)],
        ["本凭证为演示数据，仅用于展示信用修复流程。"],
    )
    content = notice_pdf(text, issuer=record.department.name, issued_on=paid_on)
    return attachment_upload(actor=filer, upload=SimpleUploadedFile("罚款缴纳凭证.pdf", content))


class Command(BaseCommand):
    help = "Create a few demo repair applications on the records of seed_records (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if RepairApplication.objects.exists():
            self.stdout.write("seed_repairs: repair applications already present.")
            return
        office = User.objects.get(username="office")
        used: set[int] = set()
        for username, wanted, statement, steps in DEMO:
            filer = User.objects.get(username=username)
            record = self._record(filer, wanted, used)
            if record is None:
                continue
            used.add(record.pk)
            application = services.repair_submit(
                actor=filer,
                record=record,
                statement=statement,
                commitment=True,
                materials=[
                    Material(MaterialKind.PERFORMANCE_PROOF, demo_proof(filer, record, paid_on=record.decision_date))
                ],
                contact_phone="13800000000",
            )
            self._advance(application, steps, office)
        self.stdout.write(f"seed_repairs: {RepairApplication.objects.count()} repair applications created.")

    def _record(self, filer: User, wanted: str, used: set[int]) -> CreditRecord | None:
        applied_on = received_today()
        records = CreditRecord.objects.filter(subject=filer.credit_subject, negative=True, state__in=LIVE).exclude(
            pk__in=used
        )
        if wanted == TOO_EARLY:
            return records.filter(min_period_end__gte=applied_on).order_by("-min_period_end", "pk").first()
        passed = Q(min_period_end__isnull=True) | Q(min_period_end__lt=applied_on)
        reviewable = Q(department__officers__isnull=False)  # a department with an account to review it
        return records.filter(passed & reviewable).distinct().order_by("decision_date", "pk").first()

    def _advance(self, application: RepairApplication, steps: list[str], office: User) -> None:
        number = application.number
        for step in steps:
            if step == "accept":
                services.repair_accept(actor=office, number=number, comment="材料齐全，予以受理。")
            elif step == "forward":
                services.repair_forward(actor=office, number=number)
            elif step == "approve":
                officer = User.objects.filter(role=Role.DEPARTMENT, department=application.record.department).first()
                services.repair_approve(
                    actor=officer, number=number, reason="经核查，当事人已履行处罚决定，同意信用修复。"
                )
            elif step == "execute":
                services.repair_execute(actor=office, number=number, comment="按认定单位意见终止公示。")
