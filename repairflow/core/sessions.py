"""How long a session lasts: set at sign-in, a fixed time from then whatever is done meanwhile
(settings "Sessions"). Staff (department, office and auditor accounts, and any account the admin
flags as staff) see and change many subjects' records: theirs end after STAFF_SESSION_AGE
(8 hours, a working day); a subject's after SESSION_COOKIE_AGE (24 hours)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_staff_role", False) or user.is_staff or user.is_superuser)


def session_age(user) -> timedelta:
    if is_staff_member(user):
        return settings.STAFF_SESSION_AGE
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def end_session_in_time(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: the session ends `session_age(user)` from now (an absolute time, kept in
    the session and as its row's expiry date, so no later request extends it)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.set_expiry(timezone.now() + session_age(user))
