"""What every case (objection, repair application) is and keeps: its number, the base of its
model, its timeline (`Transition`) and the written notices it issues (`Notice`)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.audit import Chained
from repairflow.core.models import Attachment


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


class RejectionCode(models.TextChoices):
    """Why the office did not accept a case, where the reason is one the notice spells out itself."""

    REPEAT = "repeat", _("A repeat of a closed case that brings nothing new")


class Case(models.Model):
    """What every case (objection, repair application) is: a numbered request by one subject
    about one of its records, received on a day the legal clock counts from. The state and its
    machine belong to the concrete case; every transition leaves a `Transition` row."""

    NUMBER_PREFIX: str  # "YY" for objections, "XF" for repair applications
    # Added after rows were kept: a creation says nothing of them while they are empty (core/history.py).
    HISTORY_SHOWN_WHEN_SET: tuple[str, ...] = ("repeat_of", "rejection_code")

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
    # An earlier closed case of the same kind by the same subject on the same record that this one
    # repeats with nothing new (the same grounds, no evidence the earlier did not have): found
    # when the case is filed (repairflow.cases.services.case_repeat_of).
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    rejection_code = models.CharField(
        _("rejection reason code"), max_length=20, choices=RejectionCode.choices, blank=True, editable=False
    )
    # The case suspended its record because a department's clock went overdue (the profile's
    # `suspend_record_when_overdue`): only then does the case resume the record.
    record_suspended_when_overdue = models.BooleanField(
        _("record suspended while a department is overdue"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the case keeps in the generic tables, read with it (prefetched) where cases are listed.
    timeline = GenericRelation("cases.Transition", content_type_field="case_type", object_id_field="case_id")
    notices = GenericRelation("cases.Notice", content_type_field="case_type", object_id_field="case_id")
    deadlines = GenericRelation("deadlines.Deadline", content_type_field="case_type", object_id_field="case_id")
    feedback_given = GenericRelation("cases.Feedback", content_type_field="case_type", object_id_field="case_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class Transition(Chained):
    """One step of a case through its state machine: who, what, from where to where, and why.
    The case's timeline is these rows in order; append-only and hash-chained (`repairflow.core.audit`)."""

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
        indexes = [
            models.Index(fields=["case_type", "case_id", "at"], name="transition_case"),
            # The transitions to a state in a period (cases closed, results confirmed: the statistics),
            # answered from the index alone on PostgreSQL.
            models.Index(fields=["case_type", "target", "at"], include=["case_id", "action"], name="transition_target"),
        ]

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
    撤销修复决定书): what it says (`text`, in the site's language) is kept in the case's own
    transaction, and its PDF (a few kilobytes: the font is not embedded) rendered from that text
    right after the commit, with its SHA-256 so that the copy the subject holds can be verified.
    The PDF is the same bytes whenever it is rendered (repairflow/core/pdf.py)."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    case_id = models.PositiveBigIntegerField(_("case"))
    case = GenericForeignKey("case_type", "case_id")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    # {"title", "facts": [[label, value]], "paragraphs": [...]}; empty for notices kept before it was.
    text = models.JSONField(_("text"), default=dict, blank=True)
    content = models.BinaryField(_("PDF"), null=True)
    size = models.PositiveIntegerField(_("size"), null=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
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


class Feedback(models.Model):
    """What the subject thought of how its case was handled, given once, after the case closed:
    a rating (1–5) and a comment. The office reads them together on its desk."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("case type"))
    case_id = models.PositiveBigIntegerField(_("case"))
    case = GenericForeignKey("case_type", "case_id")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id"], name="feedback_once_per_case"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} · {self.given_at:%Y-%m-%d}"
