"""Attachments: what a file really is (by its first bytes, not its name) and how big it may be.

Every app that accepts attachments (meeting minutes, opinions, task evidence, findings) calls
`check_upload(file)` in its form and stores the file only when it returns no problems. The
type is decided from the content: a Windows program renamed `.pdf` is refused because its
bytes start with `MZ`, not `%PDF`. Limits come from settings (`UPLOAD_MAX_BYTES`, default
20 MB) so a court can lower them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
PNG = Kind("png", "image/png", "PNG")
JPEG = Kind("jpg", "image/jpeg", "JPEG")
GIF = Kind("gif", "image/gif", "GIF")
WEBP = Kind("webp", "image/webp", "WebP")
DOCX = Kind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
)
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
PPTX = Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint")  # fmt: skip
OFD = Kind("ofd", "application/ofd", "OFD")
DOCUMENTS = (PDF, DOCX, XLSX, PPTX, OFD)
IMAGES = (PNG, JPEG, GIF, WEBP)
ALLOWED = DOCUMENTS + IMAGES

_EXTENSIONS = {"jpeg": "jpg"}


def sniff(head: bytes, file=None) -> Kind | None:
    """The kind the bytes say the file is, or None for anything not on the list."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04") and file is not None:
        return _office_kind(file)
    return None


def _office_kind(file) -> Kind | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    if "OFD.xml" in names:
        return OFD
    return None


def check_upload(file, *, allowed: tuple[Kind, ...] = ALLOWED, max_bytes: int | None = None):
    """Every problem with an uploaded file, in the user's language, and the kind it is.

    Returns `(problems, kind)`; store the file only when `problems` is empty.
    """
    limit = max_bytes or getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    problems: list[str] = []
    size = getattr(file, "size", None)
    if size is None or size == 0:
        return [_("The file is empty.")], None
    if size > limit:
        problems.append(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )
        return problems, None
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head, file)
    labels = ", ".join(k.label for k in allowed)
    if kind is None or kind not in allowed:
        problems.append(
            _("This file's content is not an accepted type (accepted: %(types)s).")
            % {"types": labels}
        )
        return problems, None
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = _EXTENSIONS.get(extension, extension)
    if extension != kind.extension:
        problems.append(
            _("The file is named .%(extension)s but its content is %(kind)s; rename it or upload the right file.")
            % {"extension": extension or "?", "kind": kind.label}
        )  # fmt: skip
    return problems, (None if problems else kind)
