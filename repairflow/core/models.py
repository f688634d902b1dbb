import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user is to repairflow; design/api.md "Authentication and roles"."""

    SUBJECT = "subject", _("Credit subject")
    DEPARTMENT = "department", _("Source department")
    OFFICE = "office", _("Credit office")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = (Role.DEPARTMENT, Role.OFFICE, Role.AUDITOR)


class User(AbstractUser):
    """A person who signs in. A subject account is bound to one credit subject, a department
    account to one department; office and auditor accounts to neither."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SUBJECT)
    department = models.ForeignKey(
        "records.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    credit_subject = models.ForeignKey(
        "records.CreditSubject",
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


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` header, replayed on repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


def attachment_path(attachment: "Attachment", filename: str) -> str:
    """Stored under a random name: the user's file name is kept in `name`, never in the path."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded piece of evidence (PDF, JPEG, PNG or OFD, judged by its content), kept through
    Django's storage API with its SHA-256."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=40)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CaseSequence(models.Model):
    """The last number given to a kind of case in a year (`YY2026000123`, `XF2026000123`)."""

    prefix = models.CharField(_("prefix"), max_length=4)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}"


class Case(models.Model):
    """What every case (objection, repair application) is: a numbered request by one subject
    about one of its records, received on a day the legal clock counts from. The state and its
    machine belong to the concrete case; every transition leaves a `Transition` row."""

    NUMBER_PREFIX: str  # "YY" for objections, "XF" for repair applications

    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    record = models.ForeignKey(
        "records.CreditRecord", verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    subject = models.ForeignKey(
        "records.CreditSubject", verbose_name=_("credit subject"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("statement"))
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    attachments = models.ManyToManyField(Attachment, verbose_name=_("attachments"), related_name="+", blank=True)
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class Transition(models.Model):
    """One step of a case through its state machine: who, what, from where to where, and why.
    The case's timeline is these rows in order."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    case_id = models.PositiveBigIntegerField(_("case"))
    case = GenericForeignKey("case_type", "case_id")
    action = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("from"), max_length=20)
    target = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted by itself (a lapse, an automatic publication)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["case_type", "case_id", "at"], name="transition_case")]

    def __str__(self) -> str:
        return f"{self.action}: {self.source} → {self.target}"


class NoticeKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    SUPPLEMENT = "supplement", _("Request for supplement")
    REJECTION = "rejection", _("Rejection")
    RESULT = "result", _("Result")
    DECISION = "decision", _("Decision")
    REVOCATION = "revocation", _("Revocation")


class Notice(models.Model):
    """A written notice to the subject (受理回执, 补正通知, 不予受理通知, 处理结果告知, 修复决定书,
    撤销修复决定书), kept as a PDF
    in the case's own transaction (a few kilobytes: the font is not embedded), with its SHA-256 so
    that the copy the subject holds can be verified."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    case_id = models.PositiveBigIntegerField(_("case"))
    case = GenericForeignKey("case_type", "case_id")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    content = models.BinaryField(_("PDF"))
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["case_type", "case_id", "kind"], name="notice_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.issued_at:%Y-%m-%d}"
