"""The API's throttles (the setting DEFAULT_THROTTLE_CLASSES): DRF's scoped rates, counted per
client address as `core.addresses` finds it and kept in the shared cache (CACHES), so that N web
processes allow the rate once, not N times. A module of its own: DRF reads the setting while
`rest_framework.views` is being imported."""

from rest_framework.throttling import ScopedRateThrottle

from repairflow.core.addresses import client_address


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request):
        return client_address(request)


class MissThrottle(ClientScopedRateThrottle):
    """Counts only a client's misses (a look-up that found nothing: `record_miss`), at the rate of
    the view's `miss_throttle_scope`; a client that used them all is refused every look-up, a hit
    too, until the oldest miss is older than the rate's period. Guessing is slow; knowing is not."""

    scope_attr = "miss_throttle_scope"

    def throttle_success(self):
        return True  # a look-up that may still hit counts only once it missed

    def record_miss(self, request, view) -> None:
        self.allow_request(request, view)  # reads the client's misses into `history`
        if self.rate is None:
            return
        self.history.insert(0, self.timer())
        self.cache.set(self.key, self.history, self.duration)
