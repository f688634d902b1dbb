from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

from repairflow.sync.addresses import allowed_networks


def check_allowed_networks(app_configs, **kwargs) -> list[Error]:
    """Refuse to start with a SYNC_ALLOWED_NETWORKS entry that is not an address or a CIDR (else
    every delivery would stop on it)."""
    try:
        allowed_networks()
    except ImproperlyConfigured as error:
        return [Error(f"{error}; give addresses or CIDRs separated by commas.", id="repairflow.E002")]
    return []
