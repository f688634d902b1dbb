from django.conf import settings
from django.core.checks import Error

from repairflow.deadlines.policy import PROFILES


def check_profile(app_configs, **kwargs) -> list[Error]:
    """Refuse to start with a jurisdiction profile that does not exist."""
    if settings.REPAIRFLOW_PROFILE in PROFILES:
        return []
    return [
        Error(
            f"REPAIRFLOW_PROFILE is {settings.REPAIRFLOW_PROFILE!r}; it must be one of {', '.join(sorted(PROFILES))}.",
            id="repairflow.E001",
        )
    ]
