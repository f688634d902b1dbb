from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from repairflow.cases.models import Case
from repairflow.core.history import kept_history
from repairflow.core.models import Attachment


class RepairState(models.TextChoices):
    """The repair application's lifecycle; transitions are declared in flows.py only."""

    SUBMITTED = "submitted", _("Submitted")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Needs supplement")
    ACCEPTED = "accepted", _("Accepted")
    REVIEWING = "reviewing", _("Under the department's review")
    APPROVED = "approved", _("Approved")
    REPAIRED = "repaired", _("Repaired")
    PUBLISHED = "published", pgettext_lazy("repair state", "Published")
    REJECTED = "rejected", _("Rejected")
    DENIED = "denied", _("Denied")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", pgettext_lazy("repair state", "Revoked")


# Open: the application is still being handled. `published` is not open (it has ended), though
# it may still be revoked.
OPEN_STATES = (
    RepairState.SUBMITTED,
    RepairState.NEEDS_SUPPLEMENT,
    RepairState.ACCEPTED,
    RepairState.REVIEWING,
    RepairState.APPROVED,
    RepairState.REPAIRED,
)
# A repair that took effect (and was not revoked): what the local refusal rules count.
EFFECTIVE_STATES = (RepairState.REPAIRED, RepairState.PUBLISHED)


class MaterialKind(models.TextChoices):
    """What a piece of the application's evidence is (docs/domain.md "Credit repair": materials)."""

    PERFORMANCE_PROOF = "performance_proof", _("Proof of performance")
    TRAINING_CERTIFICATE = "training_certificate", _("Training certificate")
    CREDIT_REPORT = "credit_report", _("Credit report")


class RepairApplication(Case):
    """A credit repair application (信用修复) by a subject that has corrected its conduct."""

    NUMBER_PREFIX = "XF"

    state = models.CharField(_("state"), max_length=20, choices=RepairState.choices, default=RepairState.SUBMITTED)
    commitment = models.BooleanField(
        _("credit commitment given"), default=False, help_text=_("信用承诺书: the subject's written commitment.")
    )
    eligibility = models.JSONField(
        _("eligibility"),
        default=list,
        blank=True,
        help_text=_("The eligibility rules' results at filing or at the last supplement."),
    )
    eligibility_rule_set = models.CharField(_("rule set"), max_length=32, blank=True)
    eligible = models.BooleanField(_("eligible"), default=False)
    department = models.ForeignKey(
        "records.Department",
        verbose_name=_("reviewing department"),
        on_delete=models.PROTECT,
        related_name="repair_applications",
        null=True,
        blank=True,
    )
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    missing = models.TextField(_("missing materials"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    repaired_on = models.DateField(_("repaired on"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    history = kept_history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")
        constraints = [
            # One open application per subject per record (docs/api.md: a second one is 409).
            models.UniqueConstraint(
                fields=["record", "subject"], condition=Q(state__in=OPEN_STATES), name="repair_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "received_on"], name="repair_state_idx"),
            models.Index(fields=["subject", "repaired_on"], name="repair_subject_repaired_idx"),
            # The list's order, newest first.
            models.Index(fields=["-created_at", "-id"], name="repair_order"),
        ]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("repair-detail", args=[self.number])


class RepairMaterial(models.Model):
    """One attachment of the application named as a material the rules ask for, with the day it
    was issued where its age matters (a credit report is valid for a year)."""

    application = models.ForeignKey(
        RepairApplication, verbose_name=_("repair application"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MaterialKind.choices)
    attachment = models.ForeignKey(Attachment, verbose_name=_("attachment"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "attachment"], name="repair_material_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.attachment}"


class RepairBan(models.Model):
    """A ban on new repair applications by a subject, started when one of its repairs is revoked
    for a false commitment or false materials (docs/domain.md "Credit repair")."""

    subject = models.ForeignKey(
        "records.CreditSubject", verbose_name=_("credit subject"), on_delete=models.PROTECT, related_name="repair_bans"
    )
    application = models.ForeignKey(
        RepairApplication, verbose_name=_("revoked application"), on_delete=models.PROTECT, related_name="bans"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The last day of the ban."))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = kept_history()

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("repair ban")
        verbose_name_plural = _("repair bans")
        indexes = [models.Index(fields=["subject", "ends_on"], name="repair_ban_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.starts_on} – {self.ends_on}"
