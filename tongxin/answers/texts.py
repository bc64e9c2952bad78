"""Checks shared by the answers services: formatted text, plain text, attachments."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError
from tongxin.lib.richtext import clean_html, has_active_content
from tongxin.lib.uploads import check_upload

MAX_FILES = 5


def rich(value: str | None, field: str, *, required: bool = True) -> str:
    """Formatted text, sanitised; refused (with a message at `field`) when it carries
    scripts or, if required, nothing readable."""
    value = (value or "").replace("\x00", "")
    if has_active_content(value):
        raise ApplicationError(
            _("The text contains scripts or other active content; remove them."),
            extra={field: [_("The text contains scripts or other active content; remove them.")]},
        )
    cleaned = clean_html(value).strip()
    if required and not strip_tags(cleaned).strip():
        raise ApplicationError(
            _("This text may not be empty."), extra={field: [_("This text may not be empty.")]}
        )
    return cleaned


def plain(value: str | None, field: str, *, max_length: int = 200) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise ApplicationError(
            _("This field may not be empty."), extra={field: [_("This field may not be empty.")]}
        )
    if has_active_content(value) or "<" in value:
        raise ApplicationError(
            _("Angle brackets and scripts are not allowed here."),
            extra={field: [_("Angle brackets and scripts are not allowed here.")]},
        )
    return value[:max_length]


def files_checked(files, field: str = "files") -> list[tuple[str, str, bytes]]:
    """Every uploaded file checked (type by content, size); (name, content type, bytes)."""
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        message = _("At most %(count)s files may be attached.") % {"count": MAX_FILES}
        raise ApplicationError(message, extra={field: [message]})
    out, problems = [], []
    for file in files:
        found, kind = check_upload(file)
        if found:
            problems += [f"{getattr(file, 'name', '')}: {p}" for p in found]
            continue
        file.seek(0)
        out.append((str(getattr(file, "name", "file"))[:200], kind.content_type, file.read()))
    if problems:
        raise ApplicationError(" ".join(problems), extra={field: problems})
    return out
