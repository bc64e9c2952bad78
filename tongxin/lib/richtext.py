"""Formatted text (minutes, summaries, answers): sanitised on save and again on display.

One allow-list for the whole product, applied with nh3 (the Rust `ammonia` sanitiser):
paragraphs, line breaks, emphasis, lists, headings, tables and links (http, https, mailto
only; `rel="noopener noreferrer"` added). Scripts, styles, event handlers and `javascript:`
links are removed with their content where they carry code.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h3", "h4", "h5",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "div", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
SCHEMES = {"http", "https", "mailto"}


def clean_html(text: str | None) -> str:
    """The text with everything outside the allow-list removed ("" for None)."""
    if not text:
        return ""
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
    )


_ACTIVE = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|meta|link|base|svg|math)\b"
    r"|\bon[a-z]+\s*="
    r"|(java|vb)script\s*:"
    r"|data\s*:\s*text/html",
    re.IGNORECASE,
)


def has_active_content(text: str | None) -> bool:
    """Whether the text carries scripts, event handlers or other active content.

    Forms refuse such text with a message rather than silently dropping it, so the author
    knows what was not kept; `clean_html` is still applied on save and on display.
    """
    return bool(text) and _ACTIVE.search(text) is not None


def render_html(text: str | None) -> SafeString:
    """For templates: sanitise again on display (a row written by other means stays safe)."""
    return mark_safe(clean_html(text))  # noqa: S308 - sanitised by nh3 just above
