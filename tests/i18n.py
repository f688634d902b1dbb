from django.utils import translation


def in_chinese(message) -> str:
    """A message as a user of the default language reads it (and as history keeps a system's)."""
    with translation.override("zh-hans"):
        return str(message)
