from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from repairflow.core.identifiers import SubjectType, mask_identifier
from repairflow.core.permissions import STAFF_ROLES, Role
from repairflow.deadlines.policy import active_profile
from repairflow.records.publication import NEGATIVE_CATEGORIES, Category, Severity, publication_periods


class Department(models.Model):
    """A source department (数据提供单位 / 认定单位): the body that produced a record."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_-]*$", _("Upper-case letters, digits, - and _ only."))],
    )
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CreditSubject(models.Model):
    """An enterprise (统一社会信用代码) or a natural person (居民身份证号码)."""

    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    identifier = models.CharField(_("identifier"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_identifier if self.is_natural_person else self.identifier})"

    @property
    def is_natural_person(self) -> bool:
        return self.subject_type == SubjectType.NATURAL_PERSON

    @property
    def masked_identifier(self) -> str:
        return mask_identifier(self.identifier)


class User(AbstractUser):
    """A person who signs in. A subject account is bound to one credit subject, a department
    account to one department; office and auditor accounts to neither."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SUBJECT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    credit_subject = models.ForeignKey(
        CreditSubject,
        verbose_name=_("credit subject"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    is_unit_head = models.BooleanField(
        _("head of unit"),
        default=False,
        help_text=_("Receives the 督办 notices for the department or the office when a deadline is reached."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mainland mobile number."))],
        help_text=_("Notices are also sent by SMS when this is set."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_binding",
                condition=(
                    Q(role=Role.SUBJECT, credit_subject__isnull=False, department__isnull=True)
                    | Q(role=Role.DEPARTMENT, department__isnull=False, credit_subject__isnull=True)
                    | Q(
                        role__in=[Role.OFFICE, Role.AUDITOR],
                        department__isnull=True,
                        credit_subject__isnull=True,
                    )
                ),
                violation_error_message=_(
                    "A subject account needs a credit subject, a department account a "
                    "department, and office and auditor accounts neither."
                ),
            ),
        ]

    @property
    def is_staff_role(self) -> bool:
        """Department, office and auditor users: their look-ups of records are logged."""
        return self.role in STAFF_ROLES

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.OFFICE, Role.AUDITOR)


class RecordState(models.TextChoices):
    """The publication lifecycle; transitions are declared in flows.py only."""

    UNPUBLISHED = "unpublished", _("Not published")
    PUBLISHED = "published", _("Published")
    SUSPENDED = "suspended", _("Publication suspended")
    ENDED = "ended", _("Publication ended")
    EXPIRED = "expired", _("Publication period expired")
    REVOKED = "revoked", _("Revoked")


class CreditRecord(models.Model):
    """One piece of public credit information about one subject."""

    subject = models.ForeignKey(
        CreditSubject, verbose_name=_("credit subject"), on_delete=models.PROTECT, related_name="records"
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    # null, not "": the API says `"severity": null` for information that is not negative
    severity = models.CharField(  # noqa: DJ001
        _("severity"), max_length=16, choices=Severity.choices, null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="records"
    )
    decision_no = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RecordState.choices, default=RecordState.PUBLISHED)
    under_objection = models.BooleanField(_("under objection"), default=False)
    rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    publication_start = models.DateField(_("publication start"), null=True, blank=True)
    min_period_end = models.DateField(_("minimum publication period ends"), null=True, blank=True)
    max_period_end = models.DateField(_("maximum publication period ends"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_no"], name="record_decision_unique"),
        ]
        indexes = [
            models.Index(fields=["subject", "category", "state"], name="record_subject_idx"),
            models.Index(fields=["department", "state"], name="record_department_idx"),
            models.Index(fields=["state", "max_period_end"], name="record_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_no} {self.title}"

    @property
    def is_negative(self) -> bool:
        return self.category in NEGATIVE_CATEGORIES

    def set_publication_periods(self, *, published_on: date) -> None:
        """Fix the rule set and the periods of a record published on `published_on`, under the
        active profile's provincial cap on publishing negative information (if it has one)."""
        periods = publication_periods(
            category=self.category,
            severity=self.severity,
            decision_date=self.decision_date,
            published_on=published_on,
            cap_years=active_profile().publication_cap_years,
        )
        self.rule_set = periods.rule_set.code
        self.publication_start = periods.start
        self.min_period_end = periods.min_end
        self.max_period_end = periods.max_end


class QueryKind(models.TextChoices):
    LIST = "list", _("Record list")
    DETAIL = "detail", _("Record detail")
    HISTORY = "history", _("Record history")
    CREDIT_CHECK = "credit_check", _("Credit check")


class QueryLog(models.Model):
    """Query registration (seed 000 §六(二)): a staff look-up of subjects' records."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="query_logs"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=QueryKind.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    subjects = models.ManyToManyField(CreditSubject, verbose_name=_("subjects"), related_name="query_logs")
    returned_records = models.JSONField(_("records returned"), default=list)

    class Meta:
        verbose_name = _("query log entry")
        verbose_name_plural = _("query log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_kind_display()}"


class CreditCheck(models.Model):
    """A credit check in an administrative matter (逢办必查, seed 002 §五(十)), kept as evidence."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    subject_identifier = models.CharField(_("subject identifier"), max_length=18, db_index=True)
    matter = models.CharField(_("administrative matter"), max_length=200)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    has_active_negative = models.BooleanField(_("has active negative records"))
    answer = models.JSONField(_("answer"))

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject_identifier} · {self.matter}"


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class RecordImport(models.Model):
    """The kept report of one file of records imported by a department or the office (issue 6
    "Inbound"): what the file was, what became of its rows, and why each refused row was refused."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="record_imports"
    )
    # The importer's department (none for the office): who besides the office may read the report.
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    file_format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True, help_text=_("Of a CSV file."))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    updated = models.PositiveIntegerField(_("records updated"), default=0)
    unchanged = models.PositiveIntegerField(_("records unchanged"), default=0)
    invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    unknown_columns = models.JSONField(_("unknown columns"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"line": n, "fields": {name: [reasons]}}]

    class Meta:
        verbose_name = _("record import")
        verbose_name_plural = _("record imports")
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["department", "imported_at"], name="record_import_department_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"
