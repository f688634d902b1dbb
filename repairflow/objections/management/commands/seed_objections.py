"""Demo objections (`seed_demo` runs this after `seed_records`): a few objections in different
states, each taken there through the same services the pages and the API use, so their
timelines, clocks, notices and the records' history are real. Idempotent: objections are added
only when there are none."""

from django.core.management.base import BaseCommand
from django.db import transaction

from repairflow.core.permissions import Role
from repairflow.objections import services
from repairflow.objections.models import Ground, Objection
from repairflow.records.flows import LIVE
from repairflow.records.models import CreditRecord, User

# (account, grounds, statement, what the office and the department then do)
DEMO = [
    ("subject-a", [Ground.CONTENT_ERROR], "处罚决定书载明的罚款金额为五百元，平台公示为一千元。", []),
    ("subject-b", [Ground.DECISION_REVOKED], "该处罚决定已于复议中被撤销，附复议决定书。", ["accept", "forward"]),
    (
        "subject-a",
        [Ground.INCOMPLETE],
        "公示信息未载明已于次日完成整改。",
        ["accept", "forward", "reply", "confirm"],
    ),
]


class Command(BaseCommand):
    help = "Create a few demo objections on the records of seed_records (idempotent)."

    def handle(self, *args, **options):
        if Objection.objects.exists():
            self.stdout.write("seed_objections: objections already present.")
            return
        office = User.objects.get(username="office")
        used: set[int] = set()
        for username, grounds, statement, steps in DEMO:
            filer = User.objects.get(username=username)
            record = (
                CreditRecord.objects.filter(
                    subject=filer.credit_subject,
                    negative=True,
                    state__in=LIVE,
                    department__officers__isnull=False,  # a department with an account to reply
                )
                .exclude(pk__in=used)
                .distinct()
                .order_by("-decision_date")
                .first()
            )
            if record is None:
                continue
            used.add(record.pk)
            with transaction.atomic():
                objection = services.objection_submit(
                    actor=filer, record=record, grounds=grounds, statement=statement, contact_phone="13800000000"
                )
                self._advance(objection, steps, office)
        self.stdout.write(f"seed_objections: {Objection.objects.count()} objections created.")

    def _advance(self, objection: Objection, steps: list[str], office: User) -> None:
        number = objection.number
        for step in steps:
            if step == "accept":
                services.objection_accept(actor=office, number=number, comment="材料齐全，予以受理。")
            elif step == "forward":
                services.objection_forward(actor=office, number=number)
            elif step == "reply":
                officer = User.objects.filter(role=Role.DEPARTMENT, department=objection.record.department).first()
                services.objection_reply(
                    actor=officer,
                    number=number,
                    outcome="supplement",
                    explanation="经核实，当事人已于次日完成整改，补充公示整改情况。",
                    corrected_fields={"content": f"{objection.record.content}（已于次日完成整改。）"},
                )
            elif step == "confirm":
                services.objection_confirm(actor=office, number=number, comment="同意核查意见。")
