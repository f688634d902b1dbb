"""The limits on registering without an account (docs/api.md "Subjects registering themselves"):
the SMS codes a client address may ask for and one code per phone number a minute, and the
registrations a client address may send. The API's views and the pages count them in the same
places (the shared cache), with DRF's throttles."""

from typing import Any

from rest_framework.throttling import ScopedRateThrottle

from repairflow.core.throttling import ClientScopedRateThrottle
from repairflow.registrations.phones import mobile_number


class PhoneRateThrottle(ScopedRateThrottle):
    """Counts per phone number (the one the request names, written any way), at the rate of the
    view's `phone_throttle_scope`; a request naming no mobile number is left to be refused as invalid."""

    scope_attr = "phone_throttle_scope"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        data = request.data if hasattr(request, "data") else request.POST
        phone = mobile_number(data.get("phone"))
        return None if phone is None else self.cache_format % {"scope": self.scope, "ident": phone}


class CodeLimits:
    """Asking for a code: per client address, and per phone number."""

    throttle_classes = [ClientScopedRateThrottle, PhoneRateThrottle]
    throttle_scope = "registration_code"
    phone_throttle_scope = "registration_phone"


class RegistrationLimits:
    """Sending a registration: per client address."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "registration"


def page_wait(request: Any, limits: type) -> float | None:
    """For a page: the seconds to wait when `limits` refuse this request now (counted as the API
    counts it), else None."""
    for throttle_class in limits.throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(request, limits):
            return throttle.wait() or 1.0
    return None
