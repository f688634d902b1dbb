"""What an uploaded file really is, judged by its bytes and never by its name: PDF, JPEG, PNG or
OFD (GB/T 33190, a ZIP package with `OFD.xml` at its root). Anything else is refused.

Two steps: `content_type_of` names the type by the first bytes, then `content_check` reads the
file as that type, so that a file that only begins like one (a PDF header and anything after
it) is refused:

- PDF: opened by pypdf, which must find its pages, at least one (a PDF that needs a password to
  be opened is refused: `Encrypted`);
- JPEG, PNG: opened and verified by Pillow, then decoded whole (a JPEG at an eighth of its size,
  which decodes every block at a fraction of the memory); an image of more pixels than the
  limit is refused from its header, before it is decoded (`TooManyPixels`);
- OFD: a ZIP package within the archive limits (`core/archives.py`) whose `OFD.xml` unpacks.

`file_name_safe` gives the name an upload is kept and shown under.
"""

import posixpath
import re
import unicodedata
import zipfile
from typing import IO

from PIL import Image
from pypdf import PdfReader

from repairflow.core.archives import ARCHIVE_ERRORS, ArchiveError, archive_open, declared_members

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"

SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
ZIP_SIGNATURE = b"PK\x03\x04"
OFD_ENTRY = "OFD.xml"

# The type's name as people know it, and the extensions a file of the type is named with (the
# first is added to a name that has none of them).
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", OFD: "OFD"}
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg", ".jpe"), PNG: (".png",), OFD: (".ofd",)}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def content_type_of(file: IO[bytes], *, max_members: int = 1000) -> str | None:
    """The file's type when it is one we accept, else None; the file is read from its start and
    left at its start. A ZIP package counting more than `max_members` members is ArchiveError
    ("members"), judged before its directory is read."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(ZIP_SIGNATURE):
        try:
            declared = declared_members(file)
            if declared is not None and declared > max_members:
                raise ArchiveError("members", max_members)
            with zipfile.ZipFile(file) as package:
                names = package.namelist()
        except ARCHIVE_ERRORS:
            return None
        finally:
            file.seek(0)
        return OFD if OFD_ENTRY in names else None
    return None


class Unreadable(Exception):
    """The file begins like its type but cannot be read as one (or, a PDF, has no page)."""


class Encrypted(Unreadable):
    """A PDF that needs a password to be opened."""


class NoPages(Unreadable):
    """A PDF that opens but has no page."""


class TooManyPixels(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def content_check(
    file: IO[bytes],
    content_type: str,
    *,
    max_pixels: int,
    max_members: int,
    max_unpacked: int,
    max_ratio: int,
) -> None:
    """Read `file` as `content_type` (what `content_type_of` said): Unreadable, Encrypted,
    TooManyPixels or ArchiveError when it is not wholly one. The file is left at its start."""
    try:
        if content_type == PDF:
            _pdf_check(file)
        elif content_type in _PILLOW_FORMATS:
            _image_check(file, _PILLOW_FORMATS[content_type], max_pixels=max_pixels)
        elif content_type == OFD:
            with archive_open(file, max_members=max_members, max_unpacked=max_unpacked, max_ratio=max_ratio) as ofd:
                with ofd.open(OFD_ENTRY) as entry:
                    while entry.read(64 * 1024):  # the CRC is checked at the end
                        pass
        else:
            raise Unreadable(content_type)
    except (Unreadable, TooManyPixels, ArchiveError):
        raise
    except Exception as error:  # pypdf, Pillow, zipfile fail on bad input with errors of every kind
        raise Unreadable(content_type) from error
    finally:
        file.seek(0)


def _pdf_check(file: IO[bytes]) -> None:
    file.seek(0)
    reader = PdfReader(file, strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only an owner password: opened without one
        except Exception as error:  # an algorithm pypdf cannot use without an extra package
            raise Encrypted(PDF) from error
        if not opened:
            raise Encrypted(PDF)
    if len(reader.pages) < 1:
        raise NoPages(PDF)
    reader.pages[0].mediabox  # noqa: B018 — the first page is a page


def _image_check(file: IO[bytes], image_format: str, *, max_pixels: int) -> None:
    file.seek(0)
    try:
        with Image.open(file, formats=[image_format]) as image:
            if image.width * image.height > max_pixels:
                raise TooManyPixels(max_pixels)
            image.verify()
        file.seek(0)
        with Image.open(file, formats=[image_format]) as image:
            if image_format == "JPEG":  # decoded at 1/8 scale: every block, an eighth of the memory
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except Image.DecompressionBombError as error:  # Pillow's own limit, above ours
        raise TooManyPixels(max_pixels) from error


# --- File names ---------------------------------------------------------------------------------

NAME_MAX_LENGTH = 120
DEFAULT_NAME = "file"
_EXTENSION_MAX_LENGTH = 10
# Characters Windows does not take in a name; replaced so that a downloaded file keeps its name.
_RESERVED_CHARACTERS = re.compile(r'[<>:"|?*]')
# Character categories dropped: control, format (bidi overrides, zero-width), surrogates,
# private use, unassigned, line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
)


def file_name_safe(name: str | None, content_type: str | None = None) -> str:
    """The name an uploaded file is kept and shown under: its last path component only (`/` and
    `\\` both separate), without control, format (bidi override, zero-width) or unassigned
    characters, spaces collapsed, no leading dots, at most NAME_MAX_LENGTH characters with its
    extension kept; Chinese and every other script are kept. When `content_type` is given, the
    name ends with one of the type's extensions (added when it has none of them). A name with
    nothing left is DEFAULT_NAME."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    text = posixpath.basename(text)
    text = "".join(
        " " if unicodedata.category(char) == "Zs" or char in "\t\n\r" else char
        for char in text
        if unicodedata.category(char) not in _DROPPED_CATEGORIES or char in "\t\n\r"
    )
    text = _RESERVED_CHARACTERS.sub("_", " ".join(text.split())).strip(" .")
    stem, dot, extension = text.rpartition(".")
    if not dot or len(extension) > _EXTENSION_MAX_LENGTH or not stem:
        stem, extension = text, ""
    if stem.casefold() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    if content_type in EXTENSIONS and f".{extension.casefold()}" not in EXTENSIONS[content_type]:
        if extension:
            stem = f"{stem}.{extension}"
        extension = EXTENSIONS[content_type][0].lstrip(".")
    stem = stem or DEFAULT_NAME
    suffix = f".{extension}" if extension else ""
    stem = stem[: NAME_MAX_LENGTH - len(suffix)].rstrip(" .") or DEFAULT_NAME
    return stem + suffix
