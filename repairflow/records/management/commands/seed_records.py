"""The demo registry (`seed_demo` runs it first): the departments, subjects and accounts of
docs/api.md, about 60 records across categories, severities, states and decision dates
from 2022 to 2026, two new decisions whose 双公示 clocks run (`DUTY_DEMO`), the departments' lists
of administrative matters (逢办必查) and a few credit checks made in them. Idempotent: a second
run creates nothing and changes nothing. Records are created through the same services and
state machine a department's system uses, so their history is real."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from repairflow.core.identifiers import SubjectType
from repairflow.core.permissions import Role
from repairflow.records.flows import LIVE
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    CreditRecord,
    CreditSubject,
    Department,
    MatterKind,
    RecordState,
    User,
)
from repairflow.records.publication import Category, Severity
from repairflow.records.serializers import RecordInputSerializer
from repairflow.records.services import credit_check_run, matter_create, record_create, record_transition

DEPARTMENTS = [
    ("SCJ", "济南市市场监督管理局"),
    ("HB", "济南市生态环境局"),
    ("SW", "国家税务总局济南市税务局"),
    ("ZJ", "济南市住房和城乡建设局"),
    ("RS", "济南市人力资源和社会保障局"),
]

LEGAL, NATURAL = SubjectType.LEGAL_PERSON, SubjectType.NATURAL_PERSON
SUBJECTS = [  # (key, identifier, type, name)
    ("a", "91370102MA3C4K7R18", LEGAL, "济南泉城示范科技有限公司"),
    ("b", "91370103MA3D2Q8E5L", LEGAL, "济南明湖环保工程有限公司"),
    ("c", "370102198503152013", NATURAL, "张明"),
    ("d", "913701001630405176", LEGAL, "济南大明湖食品有限公司"),
    ("e", "91370112MA3F6G2W0W", LEGAL, "济南千佛山建筑工程有限公司"),
    ("f", "91370105MA3C9T1B82", LEGAL, "济南趵突泉餐饮管理有限公司"),
    ("g", "91370181MA3E5H4P37", LEGAL, "章丘百脉泉化工有限公司"),
    ("h", "91370104MA3D7L9X65", LEGAL, "济南黄河物流有限公司"),
    ("i", "91370126MA3G1J2Q72", LEGAL, "商河县鑫源农业发展有限公司"),
    ("j", "91370102MA3H3K6M2N", LEGAL, "济南华山医药连锁有限公司"),
    ("k", "91370113MA3B8N5C4Q", LEGAL, "济南长清汽车维修有限公司"),
    ("l", "370103199007224031", NATURAL, "李华"),
]

ACCOUNTS = [  # (username, role, department code, subject key)
    ("office", Role.OFFICE, None, None),
    ("auditor", Role.AUDITOR, None, None),
    ("dept-scj", Role.DEPARTMENT, "SCJ", None),
    ("dept-hb", Role.DEPARTMENT, "HB", None),
    ("subject-a", Role.SUBJECT, None, "a"),
    ("subject-b", Role.SUBJECT, None, "b"),
    ("person-c", Role.SUBJECT, None, "c"),
]

PENALTY, SERIOUS_LIST, ABNORMAL = Category.ADMINISTRATIVE_PENALTY, Category.SERIOUS_LIST, Category.ABNORMAL_LIST
LICENSE, RED, OTHER = Category.ADMINISTRATIVE_LICENSE, Category.RED_LIST, Category.OTHER
MINOR, GENERAL, SERIOUS = Severity.MINOR, Severity.GENERAL, Severity.SERIOUS

TITLES = {
    PENALTY: [
        "未按规定公示年度报告",
        "销售不符合食品安全标准的食品",
        "超标排放大气污染物",
        "未按期申报纳税",
        "违规使用未经检验的特种设备",
        "未取得施工许可证擅自施工",
        "拖欠劳动者工资",
        "虚假宣传",
    ],
    SERIOUS_LIST: ["列入严重违法失信名单"],
    ABNORMAL: ["通过登记的住所无法联系", "未按规定期限公示年度报告"],
    LICENSE: ["食品经营许可", "排污许可", "建筑工程施工许可"],
    RED: ["纳税信用A级纳税人"],
    OTHER: ["未履行信用承诺"],
}

# (subject, department, category, severity, decision date, state to reach, publish)
PLAN = [
    ("a", "SCJ", PENALTY, GENERAL, date(2026, 1, 5), RecordState.PUBLISHED, None),
    ("a", "SCJ", PENALTY, GENERAL, date(2026, 9, 18), RecordState.PUBLISHED, None),
    ("a", "SW", PENALTY, SERIOUS, date(2025, 6, 12), RecordState.PUBLISHED, None),
    ("a", "SCJ", ABNORMAL, GENERAL, date(2025, 11, 3), RecordState.PUBLISHED, None),
    ("a", "SCJ", LICENSE, None, date(2024, 3, 1), RecordState.PUBLISHED, None),
    ("a", "SCJ", PENALTY, MINOR, date(2026, 5, 20), RecordState.UNPUBLISHED, False),
    ("b", "HB", PENALTY, GENERAL, date(2026, 2, 10), RecordState.PUBLISHED, None),
    ("b", "HB", PENALTY, SERIOUS, date(2026, 4, 8), RecordState.PUBLISHED, None),
    ("b", "HB", PENALTY, GENERAL, date(2023, 3, 15), RecordState.EXPIRED, None),
    ("b", "HB", LICENSE, None, date(2025, 8, 1), RecordState.PUBLISHED, None),
    ("b", "SW", RED, None, date(2025, 4, 20), RecordState.PUBLISHED, None),
    ("c", "SCJ", PENALTY, GENERAL, date(2026, 3, 2), RecordState.PUBLISHED, None),
    ("c", "RS", PENALTY, GENERAL, date(2024, 12, 9), RecordState.EXPIRED, None),
    ("d", "SCJ", PENALTY, GENERAL, date(2022, 3, 14), RecordState.EXPIRED, None),
    ("d", "SCJ", PENALTY, SERIOUS, date(2022, 9, 30), RecordState.EXPIRED, None),
    ("d", "SCJ", SERIOUS_LIST, SERIOUS, date(2024, 7, 1), RecordState.PUBLISHED, None),
    ("d", "SCJ", PENALTY, GENERAL, date(2025, 10, 9), RecordState.ENDED, None),
    ("d", "SCJ", LICENSE, None, date(2023, 6, 6), RecordState.PUBLISHED, None),
    ("e", "ZJ", PENALTY, GENERAL, date(2025, 5, 6), RecordState.PUBLISHED, None),
    ("e", "ZJ", PENALTY, SERIOUS, date(2023, 5, 4), RecordState.PUBLISHED, None),
    ("e", "ZJ", PENALTY, GENERAL, date(2023, 4, 28), RecordState.EXPIRED, None),
    ("e", "RS", PENALTY, GENERAL, date(2026, 7, 14), RecordState.SUSPENDED, None),
    ("e", "ZJ", LICENSE, None, date(2026, 6, 1), RecordState.PUBLISHED, None),
    ("f", "SCJ", PENALTY, GENERAL, date(2026, 8, 3), RecordState.PUBLISHED, None),
    ("f", "SCJ", PENALTY, MINOR, date(2026, 4, 1), RecordState.PUBLISHED, True),
    ("f", "SCJ", PENALTY, MINOR, date(2022, 11, 11), RecordState.UNPUBLISHED, None),
    ("f", "SCJ", ABNORMAL, GENERAL, date(2024, 6, 30), RecordState.ENDED, None),
    ("f", "SCJ", LICENSE, None, date(2022, 5, 18), RecordState.PUBLISHED, None),
    ("g", "HB", PENALTY, SERIOUS, date(2025, 1, 20), RecordState.PUBLISHED, None),
    ("g", "HB", PENALTY, GENERAL, date(2026, 3, 31), RecordState.PUBLISHED, None),
    ("g", "HB", SERIOUS_LIST, SERIOUS, date(2025, 12, 1), RecordState.PUBLISHED, None),
    ("g", "HB", PENALTY, GENERAL, date(2022, 8, 8), RecordState.REVOKED, None),
    ("g", "HB", LICENSE, None, date(2024, 2, 2), RecordState.PUBLISHED, None),
    ("h", "SW", PENALTY, GENERAL, date(2026, 6, 15), RecordState.PUBLISHED, None),
    ("h", "SW", PENALTY, GENERAL, date(2023, 9, 1), RecordState.EXPIRED, None),
    ("h", "SW", OTHER, GENERAL, date(2025, 3, 3), RecordState.PUBLISHED, None),
    ("h", "SW", RED, None, date(2026, 4, 30), RecordState.PUBLISHED, None),
    ("h", "SCJ", ABNORMAL, GENERAL, date(2026, 10, 12), RecordState.PUBLISHED, None),
    ("i", "SCJ", PENALTY, GENERAL, date(2024, 4, 17), RecordState.EXPIRED, None),
    ("i", "SCJ", PENALTY, SERIOUS, date(2024, 11, 5), RecordState.PUBLISHED, None),
    ("i", "HB", PENALTY, GENERAL, date(2026, 10, 28), RecordState.PUBLISHED, None),
    ("i", "SCJ", LICENSE, None, date(2025, 9, 9), RecordState.PUBLISHED, None),
    ("j", "SCJ", PENALTY, GENERAL, date(2025, 12, 22), RecordState.PUBLISHED, None),
    ("j", "SCJ", PENALTY, SERIOUS, date(2026, 5, 11), RecordState.PUBLISHED, None),
    ("j", "SCJ", PENALTY, GENERAL, date(2022, 6, 1), RecordState.EXPIRED, None),
    ("j", "SCJ", LICENSE, None, date(2026, 2, 26), RecordState.PUBLISHED, None),
    ("j", "SW", RED, None, date(2024, 4, 1), RecordState.PUBLISHED, None),
    ("k", "SCJ", PENALTY, GENERAL, date(2026, 11, 2), RecordState.PUBLISHED, None),
    ("k", "HB", PENALTY, GENERAL, date(2025, 7, 7), RecordState.SUSPENDED, None),
    ("k", "SCJ", PENALTY, SERIOUS, date(2023, 2, 14), RecordState.EXPIRED, None),
    ("k", "SCJ", ABNORMAL, GENERAL, date(2023, 8, 21), RecordState.PUBLISHED, None),
    ("k", "ZJ", LICENSE, None, date(2025, 11, 11), RecordState.PUBLISHED, None),
    ("l", "RS", PENALTY, GENERAL, date(2026, 5, 29), RecordState.PUBLISHED, None),
    ("l", "SCJ", PENALTY, SERIOUS, date(2024, 10, 10), RecordState.PUBLISHED, None),
    ("a", "HB", PENALTY, GENERAL, date(2024, 8, 16), RecordState.EXPIRED, None),
    ("b", "SCJ", ABNORMAL, GENERAL, date(2022, 12, 20), RecordState.EXPIRED, None),
    ("c", "SCJ", LICENSE, None, date(2025, 2, 14), RecordState.PUBLISHED, None),
    ("d", "SW", PENALTY, GENERAL, date(2026, 10, 20), RecordState.PUBLISHED, None),
    ("e", "SW", RED, None, date(2023, 1, 9), RecordState.PUBLISHED, None),
    ("f", "HB", PENALTY, SERIOUS, date(2026, 9, 25), RecordState.PUBLISHED, None),
    # For the repair demo (seed_repairs): serious penalties whose minimum period has passed and
    # whose maximum runs into 2028, so that an application on them stays eligible for long, and
    # one decided lately, whose minimum period runs until November 2027.
    ("a", "SCJ", PENALTY, SERIOUS, date(2025, 7, 21), RecordState.PUBLISHED, None),
    ("b", "HB", PENALTY, SERIOUS, date(2025, 4, 15), RecordState.PUBLISHED, None),
    ("c", "SCJ", PENALTY, SERIOUS, date(2025, 5, 19), RecordState.PUBLISHED, None),
    ("a", "SW", PENALTY, SERIOUS, date(2026, 11, 20), RecordState.PUBLISHED, None),
]

# The transitions that take a freshly published record to the planned state, with their reasons.
PATHS = {
    RecordState.PUBLISHED: [],
    RecordState.UNPUBLISHED: [],
    RecordState.SUSPENDED: [("suspend", "认定单位未按期答复异议，暂停公示")],
    RecordState.ENDED: [("end_publication", "信用修复完成，终止公示")],
    RecordState.EXPIRED: [],  # expired below, as the expiry sweep would, once the maximum period has passed
    RecordState.REVOKED: [("revoke", "异议核实：信息有误，予以撤销")],
}


# The departments' lists of administrative matters in which a credit check is made (逢办必查);
# the last of SCJ's is no longer in use.
MATTERS = [  # (department, code, name, kind, active)
    ("SCJ", "XK-001", "食品经营许可", MatterKind.LICENCE, True),
    ("SCJ", "XK-002", "药品零售企业许可", MatterKind.LICENCE, True),
    ("SCJ", "BZ-001", "质量强市专项资金", MatterKind.SUBSIDY, True),
    ("SCJ", "CG-001", "政府采购供应商资格审查", MatterKind.PROCUREMENT, True),
    ("SCJ", "QT-001", "评优评先（旧）", MatterKind.OTHER, False),
    ("HB", "XK-001", "排污许可", MatterKind.LICENCE, True),
    ("HB", "BZ-001", "大气污染防治专项资金", MatterKind.SUBSIDY, True),
    ("HB", "CG-001", "环境监测服务采购", MatterKind.PROCUREMENT, True),
    ("SW", "BZ-001", "出口退税资格认定", MatterKind.SUBSIDY, True),
    ("ZJ", "XK-001", "建筑工程施工许可", MatterKind.LICENCE, True),
    ("ZJ", "CG-001", "政府投资工程招标资格审查", MatterKind.PROCUREMENT, True),
    ("RS", "BZ-001", "稳岗补贴", MatterKind.SUBSIDY, True),
]

# Credit checks made by the demo departments (only when the demo has none yet).
CHECKS = [  # (username, subject key, matter code)
    ("dept-scj", "a", "XK-001"),
    ("dept-scj", "d", "CG-001"),
    ("dept-scj", "j", "BZ-001"),
    ("dept-hb", "g", "XK-001"),
    ("dept-hb", "b", "BZ-001"),
]

# The 双公示 duty (records/duties.py), as of the day the demo is first loaded: a licence decided that
# day and not yet published, whose department's clock is running (7 working days), and a penalty
# decided 20 days before and created unpublished, whose clock is already overdue, so that the first
# sweep sends the 督办 notification to SCJ and the office. Their numbers do not name the date, so a
# later run finds them.
# (subject, department, category, severity, days before today, decision number, title)
DUTY_DEMO = [
    ("f", "SCJ", LICENSE, None, 0, "济SCJ许〔演示〕0001号", "食品经营许可"),
    ("h", "SCJ", PENALTY, GENERAL, 20, "济SCJ罚〔演示〕0002号", "虚假宣传"),
]


def _record_create(
    office: User,
    subject_key: str,
    department: str,
    category: str,
    severity: str | None,
    number: str,
    decided: date,
    title: str,
    publish: bool | None,
) -> CreditRecord:
    """A demo record as a department's system sends it, through the same input and service."""
    _key, identifier, subject_type, name = next(s for s in SUBJECTS if s[0] == subject_key)
    entry = RecordInputSerializer(
        data={
            "subject_id": identifier,
            "subject_name": name,
            "subject_type": subject_type,
            "category": category,
            "severity": severity,
            "department": department,
            "decision_no": number,
            "decision_date": decided.isoformat(),
            "title": title,
            "content": f"{name}：{title}。",
            "publish": publish,
        },
        context={"actor": office},
    )
    entry.is_valid(raise_exception=True)
    return record_create(actor=office, entry=entry.validated_data)


def decision_number(department: str, decided: date, serial: int) -> str:
    return f"济{department}罚〔{decided.year}〕{serial:04d}号"


class Command(BaseCommand):
    help = "Load the demo departments, subjects, accounts and records (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        departments = {
            code: Department.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEPARTMENTS
        }
        subjects = {
            key: CreditSubject.objects.get_or_create(
                identifier=identifier, defaults={"subject_type": subject_type, "name": name}
            )[0]
            for key, identifier, subject_type, name in SUBJECTS
        }
        accounts = [account for account in ACCOUNTS if not User.objects.filter(username=account[0]).exists()]
        # Each demo account's password is its user name, hashed as every password is (PBKDF2, a
        # million rounds: 0.4 s on a slow host); side by side, since hashlib lets go of the GIL
        # while it hashes (`make run` waits for this).
        with ThreadPoolExecutor() as pool:
            passwords = list(pool.map(make_password, [username for username, *_ in accounts]))
        for (username, role, department, subject), password in zip(accounts, passwords, strict=True):
            User(
                username=username,
                password=password,
                role=role,
                department=departments.get(department),
                credit_subject=subjects.get(subject),
                is_staff=role == Role.OFFICE,
                is_superuser=role == Role.OFFICE,
            ).save()

        office = User.objects.get(username="office")
        today = timezone.localdate()
        created = 0
        for serial, (subject_key, department, category, severity, decided, state, publish) in enumerate(PLAN, 1):
            number = decision_number(department, decided, serial)
            if CreditRecord.objects.filter(department=departments[department], decision_no=number).exists():
                continue
            title = TITLES[category][serial % len(TITLES[category])]
            record = _record_create(
                office, subject_key, department, category, severity, number, decided, title, publish
            )
            for action, reason in PATHS[state]:
                record_transition(record=record, actor=office, action=action, reason=reason)
            if record.state in LIVE and record.max_period_end and record.max_period_end < today:
                record_transition(record=record, actor=office, action="expire", reason="最长公示期届满")
            created += 1
        for subject_key, department, category, severity, days_before, number, title in DUTY_DEMO:
            if CreditRecord.objects.filter(department=departments[department], decision_no=number).exists():
                continue
            decided = today - timedelta(days=days_before)
            _record_create(office, subject_key, department, category, severity, number, decided, title, False)
            created += 1
        self.stdout.write(f"seed_records: {created} records created.")
        self.matters(office, departments, subjects)

    def matters(self, office: User, departments: dict, subjects: dict) -> None:
        added = 0
        for department, code, name, kind, active in MATTERS:
            if AdministrativeMatter.objects.filter(department=departments[department], code=code).exists():
                continue
            matter_create(
                actor=office, department=departments[department], code=code, name=name, kind=kind, active=active
            )
            added += 1
        checks = 0
        if not CreditCheck.objects.exists():
            for username, subject, code in CHECKS:
                credit_check_run(
                    actor=User.objects.get(username=username), subject_id=subjects[subject].identifier, matter=code
                )
                checks += 1
        self.stdout.write(f"seed_records: {added} administrative matters, {checks} credit checks created.")
