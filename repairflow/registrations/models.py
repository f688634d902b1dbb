"""Subjects registering themselves (docs/api.md "Subjects registering themselves"): the SMS codes
that confirm a phone number, and the registrations the credit office approves or rejects.

A registration is not an account: nobody can sign in with it. Approved, it becomes a `subject`
account bound to its credit subject, with the password chosen when registering (kept here hashed
until then, and forgotten once decided)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.history import kept_history
from repairflow.core.identifiers import SubjectType, mask_identifier


class PhoneCode(models.Model):
    """A code sent by SMS to confirm a phone number: only its keyed digest is kept. It is good for
    a while and a few tries, once; a newer code for the number replaces it."""

    phone = models.CharField(_("mobile number"), max_length=11)
    digest = models.CharField(_("digest"), max_length=64)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        indexes = [models.Index(fields=["phone", "-sent_at"], name="phone_code_latest")]

    def __str__(self) -> str:
        return f"{self.phone} · {self.sent_at:%Y-%m-%d %H:%M}"


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def proof_path(registration: "Registration", filename: str) -> str:
    """Stored under a random name, as attachments are: the sender's file name is kept in `proof_name`."""
    return f"registrations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Registration(models.Model):
    """A subject asking for an account, with the proof of who it is (a business licence or an ID
    card), until the credit office decides."""

    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    identifier = models.CharField(_("identifier"), max_length=18)
    subject_name = models.CharField(_("subject name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100)
    phone = models.CharField(_("mobile number"), max_length=11)
    email = models.EmailField(_("e-mail address"), blank=True)
    username = models.CharField(_("user name"), max_length=150)
    password = models.CharField(_("password"), max_length=128, blank=True)  # hashed; emptied once decided
    proof = models.FileField(_("proof"), upload_to=proof_path, max_length=200)
    proof_name = models.CharField(_("proof's file name"), max_length=255)
    proof_size = models.PositiveBigIntegerField(_("proof's size"))
    proof_sha256 = models.CharField(_("proof's SHA-256"), max_length=64)
    proof_content_type = models.CharField(_("proof's content type"), max_length=40)
    state = models.CharField(
        _("state"), max_length=16, choices=RegistrationState.choices, default=RegistrationState.PENDING
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration",
        help_text=_("The account made when the registration was approved."),
    )
    # Who decided and why, the account made; never the password's hash.
    history = kept_history(excluded_fields=["password"])

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["received_at", "id"]
        constraints = [
            # a user name is asked for by one pending registration at a time (in any case, as the
            # service checks it; an account's is checked when registering, and again when approving)
            models.UniqueConstraint(
                fields=["username"], condition=Q(state="pending"), name="registration_pending_username"
            ),
        ]
        indexes = [models.Index(fields=["state", "received_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.shown_identifier}) · {self.username}"

    @property
    def shown_identifier(self) -> str:
        """A natural person's id number masked, as in every list; an enterprise's code whole."""
        if self.subject_type == SubjectType.NATURAL_PERSON:
            return mask_identifier(self.identifier)
        return self.identifier


def held_proof_path(held: "HeldProof", filename: str) -> str:
    return f"registrations/held/{uuid.uuid4().hex}"


class HeldProof(models.Model):
    """A proof that passed its checks, sent with a registration the page refused for another
    field: kept for the visitor's session to send again without choosing the file again
    (registrations/held.py), until it is sent, replaced or purged a day later."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    file = models.FileField(_("file"), upload_to=held_proof_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    held_at = models.DateTimeField(_("held at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("held proof")
        verbose_name_plural = _("held proofs")

    def __str__(self) -> str:
        return f"{self.name} · {self.held_at:%Y-%m-%d %H:%M}"
