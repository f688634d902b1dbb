from django.utils import translation


def in_chinese(message) -> str:
    """A message as a user of the default language reads it (and as history keeps a system's): a
    lazy one as it renders, a plain one (a msgid written out in the test) as the catalogue has it."""
    with translation.override("zh-hans"):
        return translation.gettext(message) if isinstance(message, str) else str(message)
