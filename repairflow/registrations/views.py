"""The registration pages, working without JavaScript: `/register/` (the phone number, then the
form with the code received), `/register/received/`; and the credit office's queue
`/office/registrations/` (the auditor reads it; anyone else 404), where each registration's proof
is opened and the registration approved or, with a reason, rejected, each after a confirmation
page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _

from repairflow.core.api import status_of
from repairflow.core.errors import DomainError, Invalid, TooLarge, UnsupportedType, get_or_not_found
from repairflow.core.paging import page_of
from repairflow.core.permissions import Role
from repairflow.registrations import held, services
from repairflow.registrations.forms import PhoneForm, RegistrationForm, RejectForm
from repairflow.registrations.models import RegistrationState
from repairflow.registrations.phones import mobile_number
from repairflow.registrations.selectors import registrations_visible_to
from repairflow.registrations.throttling import CodeLimits, RegistrationLimits, page_wait

TOO_MANY = _("Too many requests from here: try again in %(seconds)d seconds.")
CODE_SENT = _("A code was sent by SMS to %(phone)s. It is valid for 10 minutes.")
APPROVED_DONE = _("Registration of %(subject)s approved: the account %(username)s can sign in.")
REJECTED_DONE = _("Registration of %(subject)s rejected; the subject is told why.")
QUEUE_PAGE_SIZE = 50


def _refused(form, error: DomainError, *, file_field: str | None = None) -> int:
    """Show a service's refusal beside the fields it names; the status to answer with."""
    if isinstance(error, Invalid):
        for name, field_messages in error.fields.items():
            for message in field_messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(file_field, str(error.detail))
    return status_of(error)


def _too_many(form, field: str | None, wait: float) -> int:
    form.add_error(field, TOO_MANY % {"seconds": max(1, round(wait))})
    return 429


def register(request):
    """Step 1: the mobile number, to which a code is sent; then step 2 (`register-details`)."""
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            wait = page_wait(request, CodeLimits)
            if wait is not None:
                status = _too_many(form, "phone", wait)
            else:
                try:
                    sent = services.phone_code_send(phone=form.cleaned_data["phone"])
                except Invalid as error:
                    status = _refused(form, error)
                else:
                    messages.success(request, CODE_SENT % {"phone": sent.phone})
                    return redirect(f"{reverse('register-details')}?{urlencode({'phone': sent.phone})}")
        else:
            status = 400
    return render(request, "registrations/phone.html", {"form": form}, status=status)


def register_details(request):
    """Step 2: who registers, the code received, the account wanted and the proof. Refused for
    another field, a proof that passed its checks is held for the visitor (registrations/held.py)
    and sent again with the next submit that chooses no new file."""
    limit = filesizeformat(settings.REPAIRFLOW_UPLOAD_MAX_BYTES)
    if request.method != "POST":
        phone = mobile_number(request.GET.get("phone", "")) or ""
        form = RegistrationForm(initial={"phone": phone}, limit=limit)
        return render(request, "registrations/details.html", {"form": form})
    upload = request.FILES.get("proof")
    if upload is not None:
        held.proof_release(request.session)  # a new file replaces the one held
    kept = held.proof_claimed(request.session, request.POST.get(held.KEPT_FIELD, ""))
    form = RegistrationForm(request.POST, request.FILES, limit=limit, kept=kept)
    # every submit is counted, as the API counts it: no file is held for one beyond the limits
    if (wait := page_wait(request, RegistrationLimits)) is not None:
        status = _too_many(form, None, wait)
    elif not form.is_valid():
        status = 400
    else:
        proof = form.cleaned_data["proof"] or held.proof_upload(kept)
        try:
            services.registration_submit(application=services.Application(**{**form.cleaned_data, "proof": proof}))
        except (Invalid, TooLarge, UnsupportedType) as error:
            status = _refused(form, error, file_field="proof")
        else:
            held.proof_release(request.session)
            return redirect("register-received")
        finally:
            if proof is not upload:
                proof.close()  # the held file (an upload is closed with the request)
    if upload is not None and wait is None and "proof" not in form.errors:
        kept = held.proof_hold(request.session, upload)
    return render(request, "registrations/details.html", {"form": form, "kept": kept}, status=status)


def register_received(request):
    return render(request, "registrations/received.html")


# --- The office's queue -------------------------------------------------------------------------


@login_required
def office_registrations(request):
    """The registrations in one state (pending by default), oldest first."""
    registrations = registrations_visible_to(request.user)
    state = request.GET.get("state")
    if state not in RegistrationState.values:
        state = RegistrationState.PENDING
    page = page_of(registrations.filter(state=state), request.GET.get("page"), QUEUE_PAGE_SIZE)
    context = {
        "page": page,
        "state": state,
        "states": RegistrationState.choices,
        "may_decide": request.user.role == Role.OFFICE,
    }
    return render(request, "registrations/queue.html", context)


@login_required
def office_registration_proof(request, registration_id: int):
    """The proof as it was sent, to download (never shown inline: its type is only what it is)."""
    registration = get_or_not_found(registrations_visible_to(request.user), pk=registration_id)
    response = FileResponse(registration.proof.open("rb"), content_type=registration.proof_content_type)
    response["Content-Disposition"] = content_disposition_header(True, registration.proof_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def office_registration_decide(request, registration_id: int, decision: str):
    """GET: the registration and what deciding it does (with the reason, to reject); POST (the
    office): decided, back to the queue."""
    registration = get_or_not_found(registrations_visible_to(request.user), pk=registration_id)
    form = RejectForm(request.POST or None) if decision == "reject" else None
    status = 200
    if request.method == "POST":
        try:
            if decision == "approve":
                services.registration_approve(actor=request.user, registration_id=registration.pk)
                done = APPROVED_DONE % {"subject": registration.subject_name, "username": registration.username}
            else:
                services.registration_reject(
                    actor=request.user, registration_id=registration.pk, reason=request.POST.get("reason", "")
                )
                done = REJECTED_DONE % {"subject": registration.subject_name}
        except DomainError as error:
            if form is not None and isinstance(error, Invalid):
                status = _refused(form, error)
            else:
                messages.error(request, str(error.detail))
                status = status_of(error)
            registration.refresh_from_db()
        else:
            messages.success(request, done)
            return redirect("office-registrations")
    context = {"registration": registration, "decision": decision, "form": form}
    return render(request, "registrations/decide.html", context, status=status)
