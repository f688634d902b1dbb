"""Opening an uploaded ZIP package (an XLSX workbook, an OFD document) without unpacking a bomb.

Before anything is decompressed, the package is judged by what it declares: how many members
its end record counts (read before `zipfile` builds one object per member), their total size
unpacked, and how tightly each large member is compressed. Python's `zipfile` never hands out
more bytes of a member than its declared size, so the declared sizes bound what any reader
(openpyxl included) can unpack. A file that is not a ZIP package, or whose directory is broken,
is `ArchiveError("corrupt")`.
"""

import struct
import zipfile
import zlib
from typing import IO

_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_END_SEARCH = _END_RECORD_SIZE + 0xFFFF  # the record and the longest comment
# Members smaller than this unpacked are not judged by their ratio (a small XML file of repeated
# tags is legitimately compressed a hundredfold).
_RATIO_FLOOR = 1024 * 1024

# Errors zipfile and zlib raise on a damaged package or member.
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)


class ArchiveError(Exception):
    """Why a package is refused: `reason` is "corrupt", "members", "unpacked" or "ratio", and
    `limit` the limit it is over."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def declared_members(file: IO[bytes]) -> int | None:
    """How many members the package's end record counts, or None when it has none (not a ZIP
    file: zipfile says so). A ZIP64 package counts 0xFFFF here: far over any limit we keep."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - _END_SEARCH))
    tail = file.read()
    file.seek(0)
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        return None
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]


def archive_open(file: IO[bytes], *, max_members: int, max_unpacked: int, max_ratio: int) -> zipfile.ZipFile:
    """The package in `file` (read from its start), open, once it is within the limits; else
    ArchiveError. The caller closes it (which leaves `file` open)."""
    declared = declared_members(file)
    if declared is not None and declared > max_members:
        raise ArchiveError("members", max_members)
    try:
        package = zipfile.ZipFile(file)
    except ARCHIVE_ERRORS as error:
        raise ArchiveError("corrupt") from error
    try:
        members = package.infolist()
        if len(members) > max_members:
            raise ArchiveError("members", max_members)
        if sum(member.file_size for member in members) > max_unpacked:
            raise ArchiveError("unpacked", max_unpacked)
        for member in members:
            if member.file_size > _RATIO_FLOOR and member.file_size > max_ratio * max(member.compress_size, 1):
                raise ArchiveError("ratio", max_ratio)
    except BaseException:
        package.close()
        raise
    return package
