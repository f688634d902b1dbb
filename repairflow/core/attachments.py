"""What an uploaded file really is, judged by its bytes and never by its name: PDF, JPEG, PNG or
OFD (GB/T 33190, a ZIP package with `OFD.xml` at its root). Anything else is refused."""

import zipfile
from typing import IO

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"

SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
ZIP_SIGNATURE = b"PK\x03\x04"
OFD_ENTRY = "OFD.xml"


def content_type_of(file: IO[bytes]) -> str | None:
    """The file's type when it is one we accept, else None; the file is read from its start and
    left at its start."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(ZIP_SIGNATURE):
        try:
            with zipfile.ZipFile(file) as package:
                names = package.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            file.seek(0)
        return OFD if OFD_ENTRY in names else None
    return None
