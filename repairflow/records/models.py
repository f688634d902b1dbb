import uuid
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.audit import Chained
from repairflow.core.history import keep_history_of, kept_history
from repairflow.core.identifiers import SubjectType, mask_identifier
from repairflow.core.permissions import STAFF_ROLES, Role
from repairflow.deadlines.policy import active_profile
from repairflow.records.publication import Category, Severity, is_negative, publication_periods


class Department(models.Model):
    """A source department (数据提供单位 / 认定单位): the body that produced a record."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_-]*$", _("Upper-case letters, digits, - and _ only."))],
    )
    name = models.CharField(_("name"), max_length=200)
    history = kept_history()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CreditSubject(models.Model):
    """An enterprise (统一社会信用代码) or a natural person (居民身份证号码)."""

    # Fields added after subjects were kept: a creation lists them only when set (core/history.py).
    HISTORY_SHOWN_WHEN_SET = ("bankruptcy_started_on", "bankruptcy_source", "bankruptcy_ended_on")

    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    identifier = models.CharField(_("identifier"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # In bankruptcy (破产), as the office flags it: from when, on what source (the court's ruling
    # number), and until when once cleared. The subject's history keeps who changed it and why.
    bankruptcy_started_on = models.DateField(_("in bankruptcy since"), null=True, blank=True)
    bankruptcy_source = models.CharField(
        _("source of the bankruptcy"),
        max_length=200,
        blank=True,
        help_text=_("The court's ruling number or the notice the office relies on."),
    )
    bankruptcy_ended_on = models.DateField(_("bankruptcy ended on"), null=True, blank=True)
    history = kept_history()

    class Meta:
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        ordering = ["identifier"]
        indexes = [
            # The start of a name (`LIKE 'start%'`): the public search by a part too short for the
            # trigram index (portal/selectors.py); PostgreSQL's pattern ordering, whatever the collation.
            models.Index(fields=["name"], name="subject_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_identifier if self.is_natural_person else self.identifier})"

    @property
    def is_natural_person(self) -> bool:
        return self.subject_type == SubjectType.NATURAL_PERSON

    @property
    def masked_identifier(self) -> str:
        return mask_identifier(self.identifier)

    def in_bankruptcy_on(self, day: date) -> bool:
        """Flagged in bankruptcy on `day`: from its first day, through the day it ended."""
        started, ended = self.bankruptcy_started_on, self.bankruptcy_ended_on
        return started is not None and started <= day and (ended is None or day <= ended)


# The longest life the office may give a department system account's API tokens: 90 days.
MAX_API_TOKEN_HOURS = 90 * 24


class AccountNotDeletable(Exception):
    """Accounts are deactivated, never deleted: the history and the logs name them."""

    def __init__(self) -> None:
        super().__init__("accounts are deactivated, never deleted")


class UserQuerySet(models.QuerySet):
    def delete(self) -> Any:
        raise AccountNotDeletable()


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


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
        help_text=_("Receives the 督办 notifications for the department or the office when a deadline is reached."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mainland mobile number."))],
        help_text=_("Notifications are also sent by SMS when this is set."),
    )
    api_token_hours = models.PositiveIntegerField(
        _("API token life (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_API_TOKEN_HOURS)],
        help_text=_(
            "Only for a department's system account: how long its API tokens last, set by the office "
            "(at most 90 days). Empty: the default of API_TOKEN_TTL_HOURS."
        ),
    )
    # Who changed an account, its role, its binding, its groups or permissions, and when; not the
    # password hash, nor each sign-in (`last_login` is written without history: `records.apps`).
    history = kept_history(excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"])

    objects = AccountManager()

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
            models.CheckConstraint(
                name="user_token_life_department_only",
                condition=Q(api_token_hours__isnull=True) | Q(role=Role.DEPARTMENT),
                violation_error_message=_("Only a department's system account may have a longer API token life."),
            ),
        ]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AccountNotDeletable()

    @property
    def api_token_ttl(self) -> timedelta | None:
        """How long this account's API tokens last when not the default (docs/api.md)."""
        return timedelta(hours=self.api_token_hours) if self.api_token_hours else None

    @property
    def is_staff_role(self) -> bool:
        """Department, office and auditor users: their look-ups of records are logged."""
        return self.role in STAFF_ROLES

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.OFFICE, Role.AUDITOR)


# Who changed a group, or the permissions it grants (a user's own groups and permissions are in the
# user's history).
keep_history_of(Group, app="repairflow.records", m2m_fields=["permissions"])


class RecordState(models.TextChoices):
    """The publication lifecycle; transitions are declared in flows.py only."""

    UNPUBLISHED = "unpublished", _("Not published")
    PUBLISHED = "published", _("Published")
    SUSPENDED = "suspended", _("Publication suspended")
    ENDED = "ended", _("Publication ended")
    EXPIRED = "expired", _("Publication period expired")
    REVOKED = "revoked", _("Revoked")


# The most a subject may say of its record (docs/api.md "Records: the subject's statement").
STATEMENT_MAX_LENGTH = 500


class CreditRecord(models.Model):
    """One piece of public credit information about one subject."""

    # Fields added after records were kept: a creation lists them only when set (core/history.py).
    HISTORY_SHOWN_WHEN_SET = ("publication_due_on", "publication_late_days", "subject_statement")

    subject = models.ForeignKey(
        CreditSubject, verbose_name=_("credit subject"), on_delete=models.PROTECT, related_name="records"
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    # null, not "": the API says `"severity": null` for information that is not negative
    severity = models.CharField(  # noqa: DJ001
        _("severity"), max_length=16, choices=Severity.choices, null=True, blank=True
    )
    # Counted against the subject: by its category, or where the category leaves it to the record,
    # by its having a severity (records.publication.CATEGORY_RULES; set by `classify`).
    negative = models.BooleanField(_("negative"), default=False)
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
    # The 双公示 duty (records/duties.py): the last day to publish a new 行政许可 or 行政处罚, and once
    # it is published, how many working days after that day it was (0: on time).
    publication_due_on = models.DateField(_("to be published by"), null=True, blank=True)
    publication_late_days = models.PositiveIntegerField(_("working days published late"), null=True, blank=True)
    # What the subject says of the record (docs/api.md "Records: the subject's statement"): shown
    # wherever the record is, the public included, and sent with it; null while it says nothing.
    subject_statement = models.CharField(  # noqa: DJ001 (the API says null, not "")
        _("subject's statement"), max_length=STATEMENT_MAX_LENGTH, null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The record's own clocks (records/duties.py), as a case's hang on it.
    deadlines = GenericRelation("deadlines.Deadline", content_type_field="case_type", object_id_field="case_id")
    # `negative` follows from category and severity, which history keeps
    history = kept_history(excluded_fields=["negative"])

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decision_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_no"], name="record_decision_unique"),
        ]
        indexes = [
            # A decision number looked up without its department: the office's queue searched by it.
            models.Index(fields=["decision_no"], name="record_decision_no"),
            # The new records held to the 双公示 duty, by the day they came: the statistics' publication figures.
            models.Index(
                fields=["created_at"], condition=Q(publication_due_on__isnull=False), name="record_publication_duty"
            ),
            models.Index(fields=["subject", "category", "state"], name="record_subject_idx"),
            # The lists, in their order (`ordering`): every record, a department's, a subject's.
            models.Index(fields=["-decision_date", "-id"], name="record_order"),
            models.Index(fields=["department", "-decision_date", "-id"], name="record_department_order"),
            models.Index(fields=["subject", "-decision_date", "-id"], name="record_subject_order"),
            models.Index(fields=["state", "max_period_end"], name="record_expiry_idx"),
            # The public's list of published records, newest decision first (portal/selectors.py);
            # by category too. (Its search by name: a trigram index, records migration 0013.) It
            # carries what a search by name checks of each record, so that walking it to find the
            # newest records of a set of subjects reads the index alone, not the table.
            models.Index(
                fields=["-decision_date", "-id"],
                name="record_public_order",
                condition=Q(state="published"),
                include=["subject", "publication_start", "max_period_end"],
            ),
            models.Index(
                fields=["category", "-decision_date", "-id"],
                name="record_public_category_order",
                condition=Q(state="published"),
            ),
            # A subject's published records, newest first, carrying what the public's filter checks
            # of each: the public search by a name reads its few subjects' records from it.
            models.Index(
                fields=["subject", "-decision_date", "-id"],
                name="record_subject_public_order",
                condition=Q(state="published"),
                include=["publication_start", "max_period_end"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_no} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("record-detail", args=[self.pk])

    def classify(self) -> None:
        """Whether the record is negative, from its category and severity (after either changes)."""
        self.negative = is_negative(self.category, self.severity)

    def set_publication_periods(self, *, published_on: date) -> None:
        """Fix the rule set and the periods of a record published on `published_on`, under the
        active profile's provincial cap on publishing negative information (if it has one)."""
        periods = publication_periods(
            negative=self.negative,
            severity=self.severity,
            decision_date=self.decision_date,
            published_on=published_on,
            cap_years=active_profile().publication_cap_years,
        )
        self.rule_set = periods.rule_set.code
        self.publication_start = periods.start
        self.min_period_end = periods.min_end
        self.max_period_end = periods.max_end


class UpstreamChangeKind(models.TextChoices):
    CHANGED = "changed", _("Decision changed")
    REVOKED = "revoked", _("Decision revoked")


class UpstreamChangeStatus(models.TextChoices):
    NOTED = "noted", _("Noted by the office, awaiting the department's report")
    REPORTED = "reported", _("Reported, awaiting removal from publication")
    DONE = "done", _("Applied to the record")


class UpstreamOutcome(models.TextChoices):
    CORRECTED = "corrected", _("Record corrected")
    REMOVED = "removed", _("Record deleted from publication")


OPEN_UPSTREAM = [UpstreamChangeStatus.NOTED, UpstreamChangeStatus.REPORTED]


class UpstreamChange(models.Model):
    """The decision behind a record was changed or revoked upstream (reconsideration, litigation, the
    department's own correction): noted by the office or reported by the department, then applied
    to the record (records/upstream.py). One open at a time per record."""

    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="upstream_changes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UpstreamChangeKind.choices)
    decided_on = models.DateField(_("upstream decision date"))
    document = models.CharField(_("upstream document"), max_length=200)
    corrected_fields = models.JSONField(_("corrected fields"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=UpstreamChangeStatus.choices)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("noted by"), on_delete=models.PROTECT, related_name="+"
    )
    noted_at = models.DateTimeField(_("noted at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=UpstreamOutcome.choices, blank=True)
    done_on = models.DateField(_("applied on"), null=True, blank=True)
    history = kept_history()

    class Meta:
        verbose_name = _("upstream change")
        verbose_name_plural = _("upstream changes")
        ordering = ["-noted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status__in=OPEN_UPSTREAM), name="upstream_change_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.document}"


class QueryKind(models.TextChoices):
    LIST = "list", _("Record list")
    DETAIL = "detail", _("Record detail")
    HISTORY = "history", _("Record history")
    CREDIT_CHECK = "credit_check", _("Credit check")
    CASE_LIST = "case_list", _("Case list")
    CASE_DETAIL = "case_detail", _("Case detail")
    NOTICE = "notice", _("Notice")
    ATTACHMENT = "attachment", _("Attachment")


class QueryLog(Chained):
    """Query registration (seed 000 §六(二)): a staff look-up of subjects' records; append-only and
    hash-chained (`repairflow.core.audit`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="query_logs"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
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


class MatterKind(models.TextChoices):
    """What a 逢办必查 list names a matter as (seed 002 §五(十)): a licence, a subsidy, a procurement."""

    LICENCE = "licence", _("Administrative licence")
    SUBSIDY = "subsidy", _("Subsidy or funding")
    PROCUREMENT = "procurement", _("Public procurement")
    OTHER = "other", _("Other matter")


class AdministrativeMatter(models.Model):
    """One entry of a department's list of administrative matters in which a credit check is made
    (逢办必查). The credit office maintains the lists; a matter is deactivated, never deleted (the
    checks made in it name it)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="matters"
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_-]*$", _("Upper-case letters, digits, - and _ only."))],
        help_text=_("Unique within the department; begins with a letter."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MatterKind.choices, default=MatterKind.OTHER)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: no new credit check may name it; the checks made in it keep it.")
    )
    history = kept_history()

    class Meta:
        verbose_name = _("administrative matter")
        verbose_name_plural = _("administrative matters")
        # The lists in their order: every matter, a department's (the unique index serves both).
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="matter_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise MatterNotDeletable()


class MatterNotDeletable(Exception):
    """Matters are deactivated, never deleted: the credit checks made in them name them."""

    def __init__(self) -> None:
        super().__init__("administrative matters are deactivated, never deleted")


class CreditCheck(models.Model):
    """A credit check in an administrative matter (逢办必查, seed 002 §五(十)), kept as evidence:
    `answer` holds what the check answered, the rule it applied and, for every record it saw, the
    record's version and history row (`credit_check_run`). `matter` is the matter's name as it was
    when the check was made (checks made before the lists existed have that text only)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    subject_identifier = models.CharField(_("subject identifier"), max_length=18, db_index=True)
    matter = models.CharField(_("administrative matter"), max_length=200)
    administrative_matter = models.ForeignKey(
        AdministrativeMatter,
        verbose_name=_("administrative matter (list entry)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_checks",
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    has_active_negative = models.BooleanField(_("has active negative records"))
    answer = models.JSONField(_("answer"))

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        ordering = ["-checked_at", "-id"]
        indexes = [
            # The lists in their order: every check (office, auditor), a department's own.
            models.Index(fields=["-checked_at", "-id"], name="credit_check_order"),
            models.Index(fields=["department", "-checked_at", "-id"], name="credit_check_department_order"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_identifier} · {self.matter}"


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class RecordImport(models.Model):
    """The kept report of one file of records imported by a department or the office (docs/api.md
    "Records"): what the file was, what became of its rows, and why each refused row was refused."""

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


# --- The record's events and the platforms they go to (the outbox) --------------------------------
# Every change to a record is one `RecordEvent`, written in the transaction of the change, with one
# `Delivery` for every subscribed platform that wants it: pending until the platform acknowledges
# it. `repairflow.sync` sends them (docs/architecture.md "Push-back and sync").


class EventType(models.TextChoices):
    """The event types of docs/api.md "Webhooks"."""

    RECORD_PUBLISHED = "record.published", _("Record published")
    RECORD_CORRECTED = "record.corrected", _("Record corrected")
    RECORD_OBJECTION_MARKED = "record.objection_marked", _("Record marked as under objection")
    RECORD_OBJECTION_CLEARED = "record.objection_cleared", _("Record's objection mark cleared")
    RECORD_SUSPENDED = "record.suspended", _("Record's publication suspended")
    RECORD_RESUMED = "record.resumed", _("Record's publication resumed")
    RECORD_REVOKED = "record.revoked", _("Record revoked")
    RECORD_PUBLICATION_ENDED = "record.publication_ended", _("Record's publication ended")
    RECORD_REPUBLISHED = "record.republished", _("Record published again")
    RECORD_EXPIRED = "record.expired", _("Record's publication period expired")
    RECORD_STATEMENT_CHANGED = "record.statement_changed", _("Subject's statement on the record changed")


# The record's state machine's actions (records/flows.py), and the subject's statement set or
# removed (records/statements.py), and the event each one is.
RECORD_ACTION_EVENTS: dict[str, EventType] = {
    "publish": EventType.RECORD_PUBLISHED,
    "correct": EventType.RECORD_CORRECTED,
    "mark-objection": EventType.RECORD_OBJECTION_MARKED,
    "clear-objection": EventType.RECORD_OBJECTION_CLEARED,
    "suspend": EventType.RECORD_SUSPENDED,
    "resume": EventType.RECORD_RESUMED,
    "revoke": EventType.RECORD_REVOKED,
    "end-publication": EventType.RECORD_PUBLICATION_ENDED,
    "republish": EventType.RECORD_REPUBLISHED,
    "expire": EventType.RECORD_EXPIRED,
    "change-statement": EventType.RECORD_STATEMENT_CHANGED,
}


NAME_TAKEN = _("A subscription with this name already exists.")
URL_NOT_HTTP = _("Enter an http:// or https:// address with a host name.")
UNKNOWN_EVENT_TYPE = _('"%(value)s" is not an event type.')
EVENTS_NOT_A_LIST = _("Give the event types as a list.")
SECRET_REQUIRED = _("Give a secret to sign the requests with.")
SECRET_TOO_SHORT = _("Use a secret of at least %(length)d characters.")
SECRET_MIN_LENGTH = 16


def validate_http_url(value: str) -> None:
    """An address a platform is reached at: http or https, with a host name."""
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # e.g. a port that is not a number
        valid = False
    if not valid:
        raise ValidationError(URL_NOT_HTTP, code="invalid_url")


def validate_event_types(value: object) -> None:
    """A subscription's filter: a list of event types (empty: every type)."""
    if not isinstance(value, list):
        raise ValidationError(EVENTS_NOT_A_LIST, code="not_a_list")
    for item in value:
        if item not in EventType.values:
            raise ValidationError(UNKNOWN_EVENT_TYPE, code="unknown_event_type", params={"value": item})


def validate_secret(value: str) -> None:
    """A secret to sign with: not blank, and long enough not to be guessed."""
    if not value or not value.strip():
        raise ValidationError(SECRET_REQUIRED, code="required")
    if len(value) < SECRET_MIN_LENGTH:
        raise ValidationError(SECRET_TOO_SHORT, code="too_short", params={"length": SECRET_MIN_LENGTH})


class RecordEvent(models.Model):
    """One change to one record, as every subscribed platform is told of it: its stable id (the
    webhook's `id` and `X-Repairflow-Delivery`), its type, when it happened, the record as it then
    was (the API's record JSON as a platform may see it: a natural person's identifier masked)
    and the case that caused it. Written in the transaction of the change, never changed."""

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("record as sent"), encoder=DjangoJSONEncoder)
    also = models.JSONField(
        _("also"),
        default=list,
        blank=True,
        help_text=_("The types of the other changes made to the record with this one, which its type outweighs."),
    )
    case_kind = models.CharField(_("case kind"), max_length=16, blank=True)
    case_number = models.CharField(_("case number"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["id"]
        indexes = [
            # A record's events in the order they happened (the primary key grows with time, and
            # changes to one record are serialised by its row lock).
            models.Index(fields=["record", "id"], name="record_event_order"),
            models.Index(fields=["case_kind", "case_number"], name="record_event_case", condition=~Q(case_number="")),
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.uuid}"

    @property
    def case_reference(self) -> dict | None:
        """The webhook's `case`: `{"kind", "number"}`, or None for a change no case caused."""
        if not self.case_number:
            return None
        return {"kind": self.case_kind, "number": self.case_number}


class Subscription(models.Model):
    """A platform that is told of every change to a record (of the types it chose). `paused`: its
    deliveries wait (they are neither sent nor failed) until it is resumed; it still holds the
    cases that await it. `active` off: it is retired, gets no new deliveries, nothing of it is sent
    and no case awaits it. `required`: its acknowledgement is needed before a case is published.
    The secret signs every request; it is stored, never shown again, and kept out of history."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.CharField(_("URL"), max_length=500, validators=[validate_http_url])
    secret = models.CharField(_("secret"), max_length=200)
    events = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        validators=[validate_event_types],
        help_text=_("The event types sent to this platform; empty: every type."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: retired; it gets no new events and no case awaits it.")
    )
    paused = models.BooleanField(_("paused"), default=False, help_text=_("Its deliveries wait until it is resumed."))
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Its acknowledgement is needed before a case is published.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = kept_history(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, *event_types: str) -> bool:
        """Whether an event of these types (its own and those it stands for too) is sent here."""
        return not self.events or any(event_type in self.events for event_type in event_types)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event for one subscription: pending until the platform answers 2xx (acknowledged) or
    the tries run out or it refuses for good (failed). `next_try_at` is when it is next due; while
    a worker is sending it, it is the end of that worker's lease (`lease_token` says whose).
    `record` repeats the event's so that a record's deliveries to a platform are read in order
    from one index."""

    event = models.ForeignKey(RecordEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="deliveries"
    )
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    # Who holds the delivery while it is being sent: a new token for every lease taken.
    lease_token = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    # When it was last handed to the workers: the relay does not hand it again before the resend
    # interval has passed (its task is then lost).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    history = kept_history()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="delivery_unique")]
        indexes = [
            # The relay: the pending deliveries due, a range read on a partial index.
            models.Index(fields=["next_try_at"], name="delivery_due", condition=Q(status="pending")),
            # A record's deliveries to one platform in the order of their events.
            models.Index(fields=["subscription", "record", "event"], name="delivery_record_order"),
            # The counts per subscription and status.
            models.Index(fields=["subscription", "status"], name="delivery_subscription_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"

    @property
    def ledger_state(self) -> str:
        """Where the delivery stands in the propagation ledger: pending (not sent yet), sent (tried,
        not acknowledged yet), acknowledged or failed."""
        if self.status == DeliveryStatus.PENDING:
            return "sent" if self.last_attempt_at else "pending"
        return self.status
