"""The demo's registration waiting for the office (`seed_demo`): a restaurant company that asked
for an account, its phone confirmed and its business licence sent, through the same service the
pages and the API use. Idempotent: none is made while its user name is registered or taken."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.utils import timezone
from stdnum.cn import uscc

from repairflow.core.identifiers import SubjectType
from repairflow.core.pdf import NoticeText, notice_pdf
from repairflow.records.models import User
from repairflow.registrations.models import PhoneCode, Registration
from repairflow.registrations.phones import code_digest
from repairflow.registrations.services import CODE_VALID_FOR, Application, registration_submit

USERNAME = "lixia-canyin"
NAME = "济南历下示范餐饮有限公司"
PHONE = "13905310000"
CODE = "000000"  # the demo's own code: its SMS is not sent


class Command(BaseCommand):
    help = "Create the demo's pending registration (idempotent)."

    def handle(self, *args, **options):
        if Registration.objects.filter(username=USERNAME).exists() or User.objects.filter(username=USERNAME).exists():
            self.stdout.write("seed_registrations: 0 registrations created.")
            return
        base = "91370102000031415"
        identifier = base + uscc.calc_check_digit(base)
        licence = notice_pdf(
            NoticeText(
                "营业执照（演示）",
                [("名称", NAME), ("统一社会信用代码", identifier), ("法定代表人", "赵敏")],
                ["本执照为演示数据，仅用于展示主体注册的审核。"],
            ),
            issuer="济南市历下区行政审批服务局",
            issued_on=timezone.localdate(),
        )
        now = timezone.now()
        PhoneCode.objects.create(
            phone=PHONE, digest=code_digest(PHONE, CODE), sent_at=now, expires_at=now + CODE_VALID_FOR
        )
        registration_submit(
            application=Application(
                subject_id=identifier,
                subject_name=NAME,
                subject_type=SubjectType.LEGAL_PERSON,
                contact_name="赵敏",
                phone=PHONE,
                phone_code=CODE,
                username=USERNAME,
                password="Spring-Water-2026",
                proof=SimpleUploadedFile("营业执照.pdf", licence),
            )
        )
        self.stdout.write("seed_registrations: 1 registration created.")
