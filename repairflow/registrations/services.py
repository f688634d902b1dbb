"""Subjects registering themselves (docs/api.md "Subjects registering themselves"): a code sent by
SMS confirms the phone number, the registration waits for the credit office with its proof, and
the office approves it (a `subject` account bound to exactly that subject) or rejects it with a
reason. The person is told either way, by SMS and by e-mail when given."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from repairflow.core.attachments import file_name_safe
from repairflow.core.errors import Conflict, Invalid, TransitionNotAllowed, get_or_not_found
from repairflow.core.history import Writes, save_with_history
from repairflow.core.identifiers import InvalidIdentifier, validate_identifier
from repairflow.core.permissions import Role, require_role
from repairflow.core.services import file_sha256, upload_check
from repairflow.notifications.services import contact_tell
from repairflow.records.models import CreditSubject, User
from repairflow.registrations.models import PhoneCode, Registration, RegistrationState
from repairflow.registrations.phones import NOT_A_MOBILE, code_digest, mobile_number
from repairflow.registrations.selectors import registrations_visible_to

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(minutes=10)
CODE_TRIES = 5

CODE_EXPIRED = _("This code has expired or was not sent to this number: ask for a new code.")
CODE_TRIED_OUT = _("The code was entered wrongly too many times: ask for a new code.")
CODE_WRONG = _("The code is wrong.")
USERNAME_TAKEN = _("This user name is taken; choose another.")
USERNAME_TAKEN_SINCE = _("The user name %(username)s has been taken since this registration was sent: reject it.")
REASON_REQUIRED = _("Give the reason, which the subject is told.")
RECEIVED = _("Registration received")
APPROVED = _("Registration approved")
SUBJECT_REGISTERED = _("Subject registered itself")


@dataclass(frozen=True)
class Application:
    """What a subject sends to register (its fields are the API's)."""

    subject_id: str
    subject_name: str
    subject_type: str
    contact_name: str
    phone: str
    phone_code: str
    username: str
    password: str
    proof: UploadedFile
    email: str = ""


# --- The phone's code ---------------------------------------------------------------------------


def phone_code_send(*, phone: str) -> PhoneCode:
    """Send a new code to `phone` by SMS (after commit); it replaces any code sent before."""
    number = mobile_number(phone)
    if number is None:
        raise Invalid({"phone": [NOT_A_MOBILE]})
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    sent = PhoneCode.objects.create(
        phone=number, digest=code_digest(number, code), sent_at=now, expires_at=now + CODE_VALID_FOR
    )
    minutes = int(CODE_VALID_FOR.total_seconds() // 60)
    contact_tell(mobile=number, kind="registration.phone_code", params={"code": code, "minutes": minutes})
    return sent


def _phone_code_check(phone: str, code: str) -> PhoneCode:
    """The code last sent to `phone`, when `code` is it, still good and not used; else Invalid,
    `phone_code`. A try is taken before the code is compared and given back when it was right, so
    that no more than CODE_TRIES wrong codes are ever compared, however many requests race."""
    latest = PhoneCode.objects.filter(phone=phone).order_by("-sent_at", "-id").first()
    if latest is None or latest.used_at is not None or latest.expires_at <= timezone.now():
        raise Invalid({"phone_code": [CODE_EXPIRED]})
    if not PhoneCode.objects.filter(pk=latest.pk, tries__lt=CODE_TRIES).update(tries=F("tries") + 1):
        raise Invalid({"phone_code": [CODE_TRIED_OUT]})
    if not constant_time_compare(latest.digest, code_digest(phone, code.strip())):
        raise Invalid({"phone_code": [CODE_WRONG]})
    PhoneCode.objects.filter(pk=latest.pk).update(tries=F("tries") - 1)
    return latest


# --- Registering --------------------------------------------------------------------------------


def _username_taken(username: str) -> bool:
    return (
        User.objects.filter(username__iexact=username).exists()
        or Registration.objects.filter(username__iexact=username, state=RegistrationState.PENDING).exists()
    )


def _application_errors(application: Application) -> dict[str, list]:
    """Every field that fails its check, with its messages (the code and the proof aside)."""
    errors: dict[str, list] = {}
    try:
        validate_identifier(application.subject_id, application.subject_type)
    except InvalidIdentifier as error:
        errors["subject_id"] = [error.args[0]]
    if mobile_number(application.phone) is None:
        errors["phone"] = [NOT_A_MOBILE]
    try:
        User._meta.get_field("username").run_validators(application.username)
    except ValidationError as error:
        errors["username"] = error.messages
    else:
        if _username_taken(application.username):
            errors["username"] = [USERNAME_TAKEN]
    person = User(username=application.username, first_name=application.contact_name, email=application.email)
    try:
        validate_password(application.password, user=person)
    except ValidationError as error:
        errors["password"] = error.messages
    return errors


def registration_submit(*, application: Application) -> Registration:
    """Keep a registration for the office to decide. Refused whole, nothing kept: a proof over
    the size limit (TooLarge) or that is not PDF, JPEG, PNG or OFD (UnsupportedType), as any
    attachment; else Invalid naming each field that fails (an id failing its check digit, a user
    name taken by an account or a pending registration, a password Django's validators refuse, a
    code wrong, expired or tried out, a proof that cannot be read as its type)."""
    errors = _application_errors(application)
    try:
        content_type = upload_check(application.proof)
    except Invalid as error:
        errors["proof"] = error.fields["file"]
        content_type = None
    phone = mobile_number(application.phone)
    code = None
    if phone is not None:
        try:
            code = _phone_code_check(phone, application.phone_code)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    name = file_name_safe(application.proof.name, content_type)
    registration = Registration(
        subject_type=application.subject_type,
        identifier=validate_identifier(application.subject_id, application.subject_type),
        subject_name=application.subject_name.strip(),
        contact_name=application.contact_name.strip(),
        phone=phone,
        email=application.email,
        username=application.username,
        password=make_password(application.password),
        proof_name=name,
        proof_size=application.proof.size,
        proof_sha256=file_sha256(application.proof),
        proof_content_type=content_type,
    )
    registration.proof.save(name, application.proof, save=False)
    try:
        with transaction.atomic():
            if not PhoneCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=timezone.now()):
                raise Invalid({"phone_code": [CODE_EXPIRED]})  # used meanwhile by another registration
            try:
                with transaction.atomic():
                    save_with_history(registration, actor=None, reason=RECEIVED)
            except IntegrityError:  # the same user name registered meanwhile
                raise Invalid({"username": [USERNAME_TAKEN]}) from None
    except Exception:
        registration.proof.delete(save=False)  # no file without its row
        raise
    return registration


# --- The office's decision ----------------------------------------------------------------------


def _pending(actor: Any, registration_id: int) -> Registration:
    """The registration, locked, when the actor may decide it and it is still pending."""
    registrations = registrations_visible_to(actor)
    require_role(actor, Role.OFFICE)
    registration = get_or_not_found(registrations.select_for_update(of=("self",)), pk=registration_id)
    if registration.state != RegistrationState.PENDING:
        raise TransitionNotAllowed(state=registration.state, allowed=[])
    return registration


def _decided(registration: Registration, actor: Any, state: RegistrationState) -> None:
    registration.state = state
    registration.decided_at = timezone.now()
    registration.decided_by = actor
    registration.password = ""  # the account has it now, or nobody does


def registration_approve(*, actor: Any, registration_id: int) -> Registration:
    """Make the registration's `subject` account, bound to its credit subject (added to the
    registry when it is not there yet), with the password chosen when registering; tell the
    person. Conflict when its user name has been taken by an account since."""
    with transaction.atomic():
        registration = _pending(actor, registration_id)
        if User.objects.filter(username__iexact=registration.username).exists():
            raise Conflict(USERNAME_TAKEN_SINCE % {"username": registration.username})
        writes = Writes()
        subject = CreditSubject.objects.filter(identifier=registration.identifier).first()
        if subject is None:
            subject = CreditSubject(
                identifier=registration.identifier,
                subject_type=registration.subject_type,
                name=registration.subject_name,
            )
            writes.create(subject, actor=actor, reason=SUBJECT_REGISTERED, now=True)
        account = User(
            username=registration.username,
            password=registration.password,
            role=Role.SUBJECT,
            credit_subject=subject,
            mobile=registration.phone,
            email=registration.email,
        )
        writes.create(account, actor=actor, reason=APPROVED, now=True)
        _decided(registration, actor, RegistrationState.APPROVED)
        registration.account = account
        writes.save(registration, actor=actor, reason=APPROVED)
        writes.flush()
        contact_tell(
            mobile=registration.phone,
            email=registration.email,
            kind="registration.approved",
            params={"subject": registration.subject_name, "username": registration.username},
            link=reverse("login"),
        )
    return registration


def registration_reject(*, actor: Any, registration_id: int, reason: str) -> Registration:
    """Refuse the registration with a reason, which the person is told; no account is made."""
    reason = (reason or "").strip()
    with transaction.atomic():
        registration = _pending(actor, registration_id)
        if not reason:
            raise Invalid({"reason": [REASON_REQUIRED]})
        _decided(registration, actor, RegistrationState.REJECTED)
        registration.rejection_reason = reason
        save_with_history(registration, actor=actor, reason=reason)
        contact_tell(
            mobile=registration.phone,
            email=registration.email,
            kind="registration.rejected",
            params={"subject": registration.subject_name, "reason": reason},
        )
    return registration
