from django.conf import settings
from django.core.checks import Error

from repairflow.deadlines.policy import PROFILES, office_name


def check_profile(app_configs, **kwargs) -> list[Error]:
    """Refuse to start with a jurisdiction profile that does not exist."""
    if settings.REPAIRFLOW_PROFILE in PROFILES:
        if office_name():
            return []
        return [
            Error(
                f"The profile {settings.REPAIRFLOW_PROFILE!r} names no credit office to sign notices and reports;"
                " set REPAIRFLOW_OFFICE_NAME.",
                id="repairflow.E002",
            )
        ]
    return [
        Error(
            f"REPAIRFLOW_PROFILE is {settings.REPAIRFLOW_PROFILE!r}; it must be one of {', '.join(sorted(PROFILES))}.",
            id="repairflow.E001",
        )
    ]
