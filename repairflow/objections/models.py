from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from repairflow.cases.models import Case
from repairflow.core.history import kept_history
from repairflow.core.models import Attachment


class ObjectionState(models.TextChoices):
    """The objection's lifecycle; transitions are declared in flows.py only."""

    SUBMITTED = "submitted", _("Submitted")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Needs supplement")
    ACCEPTED = "accepted", _("Accepted")
    VERIFYING = "verifying", _("Being verified")
    REPLIED = "replied", _("Replied")
    CORRECTED = "corrected", _("Outcome applied")
    PUBLISHED = "published", pgettext_lazy("objection state", "Published")
    REJECTED = "rejected", _("Rejected")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATES = (ObjectionState.PUBLISHED, ObjectionState.REJECTED, ObjectionState.LAPSED, ObjectionState.WITHDRAWN)
OPEN_STATES = tuple(state for state in ObjectionState if state not in FINAL_STATES)


class Ground(models.TextChoices):
    CONTENT_ERROR = "content_error", _("The content is wrong")
    INCOMPLETE = "incomplete", _("The record is incomplete")
    NOT_MINE = "not_mine", _("The record is not mine")
    PAST_PERIOD = "past_period", _("Published past its period")
    DECISION_REVOKED = "decision_revoked", _("The decision was revoked or changed")
    PRIVACY = "privacy", _("It exposes trade secrets or privacy")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    MAINTAIN = "maintain", _("Maintain the record")
    CORRECT = "correct", _("Correct the record")
    SUPPLEMENT = "supplement", _("Supplement the record")
    REVOKE = "revoke", _("Revoke the record")
    STOP_PUBLICATION = "stop_publication", _("Stop publication")
    REMOVE_FROM_LIST = "remove_from_list", _("Remove from the list")


# Outcomes that change the record's fields: the reply names the corrected fields.
OUTCOMES_WITH_FIELDS = (Outcome.CORRECT, Outcome.SUPPLEMENT)
# Outcomes that find for the subject: all but keeping the record as it is.
UPHELD = tuple(outcome for outcome in Outcome if outcome != Outcome.MAINTAIN)


class Objection(Case):
    """An objection (异议) by a subject to one of its records (docs/domain.md "Objection")."""

    NUMBER_PREFIX = "YY"
    HISTORY_SHOWN_WHEN_SET = (*Case.HISTORY_SHOWN_WHEN_SET, "contests_repair")

    state = models.CharField(
        _("state"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.SUBMITTED
    )
    grounds = models.JSONField(_("grounds"), default=list)
    requested_change = models.TextField(_("requested change"), blank=True)
    missing = models.TextField(_("missing materials"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_in_office = models.BooleanField(_("decided by the office within its own scope"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    corrected_fields = models.JSONField(_("corrected fields"), default=dict, blank=True)
    # The denied repair application this objection contests: when the objection is found for the
    # subject, that application goes back to the department's review.
    contests_repair = models.ForeignKey(
        "repair.RepairApplication",
        verbose_name=_("contested repair decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="contesting_objections",
    )
    history = kept_history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            # One open objection per subject per record (docs/api.md: a second one is 409).
            models.UniqueConstraint(
                fields=["record", "subject"], condition=Q(state__in=OPEN_STATES), name="objection_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "received_on"], name="objection_state_idx"),
            # The list's order, newest first.
            models.Index(fields=["-created_at", "-id"], name="objection_order"),
        ]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("objection-detail", args=[self.number])

    def grounds_display(self) -> list[str]:
        labels = dict(Ground.choices)
        return [str(labels.get(code, code)) for code in self.grounds]


class Verification(models.Model):
    """One department's verification of an objection routed to it, with its own clock. The
    department whose record it is leads: its outcome is the case's."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="verifications"
    )
    department = models.ForeignKey(
        "records.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="verifications"
    )
    leads = models.BooleanField(_("leads"), default=False)
    forwarded_on = models.DateField(_("forwarded on"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    corrected_fields = models.JSONField(_("corrected fields"), default=dict, blank=True)
    attachments = models.ManyToManyField(Attachment, verbose_name=_("attachments"), related_name="+", blank=True)
    history = kept_history()

    class Meta:
        ordering = ["-leads", "department__code"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(fields=["objection", "department"], name="verification_once_per_department"),
        ]

    def __str__(self) -> str:
        return f"{self.objection} · {self.department.code}"

    @property
    def has_replied(self) -> bool:
        return self.replied_at is not None
