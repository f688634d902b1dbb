"""Mainland mobile numbers, and the digest a phone code is kept as."""

import re

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

NOT_A_MOBILE = _("Enter an 11-digit mainland mobile number.")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_COUNTRY_PREFIX = re.compile(r"^(?:\+|00)?86(?=1\d{10}$)")


def mobile_number(value: object) -> str | None:
    """The 11 digits of a mainland mobile number written with spaces or hyphens, or after +86;
    None when `value` is not one."""
    if not isinstance(value, str):
        return None
    compact = _COUNTRY_PREFIX.sub("", re.sub(r"[\s-]", "", value))
    return compact if _MOBILE.match(compact) else None


def code_digest(phone: str, code: str) -> str:
    """What is kept of a code sent to `phone`: an HMAC under the site's secret (a 6-digit code's
    plain hash is reversed by trying a million), bound to the number."""
    return salted_hmac("repairflow.registrations.phone_code", f"{phone}:{code}", algorithm="sha256").hexdigest()
