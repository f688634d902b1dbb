"""The API's throttle (the setting DEFAULT_THROTTLE_CLASSES): DRF's scoped rates, counted per
client address as `core.addresses` finds it and kept in the shared cache (CACHES), so that N web
processes allow the rate once, not N times. A module of its own: DRF reads the setting while
`rest_framework.views` is being imported."""

from rest_framework.throttling import ScopedRateThrottle

from repairflow.core.addresses import client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request):
        return client_address(request)
