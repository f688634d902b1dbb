"""The proof held for a visitor of `/register/details/` whose registration was refused for
another field (docs/api.md "Subjects registering themselves"): the page shows it as kept, with
its token in the hidden field `proof_kept`, and the next submit without a new file sends it.

The visitor is anonymous, so a hold is bound to the session: the session keeps the token of its
one hold, and a token is claimed only by the session that keeps it (another visitor's token is
refused, however it is learnt). The file is stored under a random name with a row saying whose it
is and since when (HeldProof), so that the hourly purge finds the holds never used by one indexed
query, whatever the sessions have become."""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from repairflow.core.attachments import file_name_safe
from repairflow.core.errors import Invalid, TooLarge, UnsupportedType
from repairflow.core.services import upload_check
from repairflow.registrations.models import HeldProof

KEPT_FIELD = "proof_kept"
HELD_FOR = timedelta(days=1)
SESSION_KEY = "registrations.held_proof"


def proof_hold(session, upload: UploadedFile) -> HeldProof | None:
    """Hold `upload` for the session (which holds nothing else: `proof_release`) when it passes
    the check every upload passes (`upload_check`); None, and nothing held, when it does not."""
    try:
        content_type = upload_check(upload)
    except (Invalid, TooLarge, UnsupportedType):
        return None
    name = file_name_safe(upload.name, content_type)
    held = HeldProof(token=secrets.token_urlsafe(32), name=name, size=upload.size)
    held.file.save(name, upload, save=False)
    try:
        held.save()
    except Exception:
        held.file.delete(save=False)  # no file without its row
        raise
    session[SESSION_KEY] = held.token
    return held


def proof_claimed(session, token: str) -> HeldProof | None:
    """The session's hold when `token` names it and it is less than HELD_FOR old; else None."""
    kept = session.get(SESSION_KEY)
    if not token or not kept or not constant_time_compare(token, kept):
        return None
    return HeldProof.objects.filter(token=kept, held_at__gt=timezone.now() - HELD_FOR).first()


def proof_upload(held: HeldProof) -> UploadedFile:
    """The held file, opened, to send as the proof (the caller closes it)."""
    return UploadedFile(held.file.open("rb"), name=held.name, size=held.size)


def proof_release(session) -> None:
    """Forget the session's hold, its file deleted (sent, or replaced by a new file)."""
    token = session.pop(SESSION_KEY, None)
    if token:
        _delete(HeldProof.objects.filter(token=token))


def held_proofs_purge() -> int:
    """Delete the holds older than HELD_FOR, files included (beat, hourly); how many."""
    return _delete(HeldProof.objects.filter(held_at__lte=timezone.now() - HELD_FOR))


def _delete(holds) -> int:
    count = 0
    for held in holds:
        held.file.delete(save=False)  # the file first: a row left without its file is purged again
        held.delete()
        count += 1
    return count
