"""Factories for the registry; identifiers are made valid by python-stdnum's own check."""

from datetime import date

import factory
from stdnum.cn import ric, uscc

from repairflow.core.identifiers import SubjectType
from repairflow.core.permissions import Role
from repairflow.records.models import (
    AdministrativeMatter,
    CreditRecord,
    CreditSubject,
    Department,
    MatterKind,
    RecordState,
    User,
)
from repairflow.records.publication import Category, Severity
from repairflow.repair.models import RepairApplication


def make_uscc(serial: int) -> str:
    base = f"9137010{serial:010d}"
    return base + uscc.calc_check_digit(base)


def make_resident_id(serial: int) -> str:
    base = f"3701021985{serial % 12 + 1:02d}{serial % 28 + 1:02d}{serial % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def record_entry(**overrides) -> dict:
    """A record as a department's system sends it to `POST /api/v1/records/`."""
    return {
        "subject_id": "91370102MA3C4K7R18",
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "decision_no": "济市监罚〔2026〕1号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        **overrides,
    }


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.LazyAttribute(lambda o: f"部门 {o.code}")


class MatterFactory(factory.django.DjangoModelFactory):
    """An entry of a department's list of administrative matters (逢办必查)."""

    class Meta:
        model = AdministrativeMatter

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"行政许可事项 {n}")
    kind = MatterKind.LICENCE
    active = True


class CreditSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditSubject

    subject_type = SubjectType.LEGAL_PERSON
    identifier = factory.Sequence(make_uscc)
    name = factory.Sequence(lambda n: f"示例企业{n}有限公司")

    class Params:
        natural_person = factory.Trait(
            subject_type=SubjectType.NATURAL_PERSON,
            identifier=factory.Sequence(make_resident_id),
            name=factory.Sequence(lambda n: f"自然人{n}"),
        )


class CreditRecordFactory(factory.django.DjangoModelFactory):
    """A published general administrative penalty with the periods its rule set gives."""

    class Meta:
        model = CreditRecord

    subject = factory.SubFactory(CreditSubjectFactory)
    department = factory.SubFactory(DepartmentFactory)
    category = Category.ADMINISTRATIVE_PENALTY
    severity = Severity.GENERAL
    decision_no = factory.Sequence(lambda n: f"罚〔2026〕{n}号")
    decision_date = date(2026, 1, 5)
    title = "未按规定公示年度报告"
    content = "责令改正，罚款一千元。"
    state = RecordState.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved once, with the periods its rule set gives when it is published."""
        record = model_class(*args, **kwargs)
        if "negative" not in kwargs:  # given: a record kept from before its category's rule
            record.classify()
        if record.state != RecordState.UNPUBLISHED:
            record.set_publication_periods(published_on=record.decision_date)
        record.save()
        return record


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", "secret-password")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        office = factory.Trait(role=Role.OFFICE)
        auditor = factory.Trait(role=Role.AUDITOR)
        officer = factory.Trait(role=Role.DEPARTMENT, department=factory.SubFactory(DepartmentFactory))
        subject = factory.Trait(role=Role.SUBJECT, credit_subject=factory.SubFactory(CreditSubjectFactory))


class RepairApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted repair application by the record's subject, with the commitment given."""

    class Meta:
        model = RepairApplication

    number = factory.Sequence(lambda n: f"XF2026{n:06d}")
    record = factory.SubFactory(CreditRecordFactory)
    subject = factory.SelfAttribute("record.subject")
    filed_by = factory.SubFactory(UserFactory, subject=True, credit_subject=factory.SelfAttribute("..subject"))
    statement = "罚款已缴清，违法行为已整改完毕。"
    commitment = True
    received_on = date(2026, 6, 1)
