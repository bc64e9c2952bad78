"""PDF out: HTML and a stylesheet file rendered by WeasyPrint into a PDF with its fonts
embedded (subsets of the fonts used, so Chinese text shows and can be searched and copied).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and finds fonts through
fontconfig: the stylesheets name the CJK font installed with the product's system packages
(WenQuanYi Micro Hei, fonts-wqy-microhei). It is imported on first use: the web process
does not pay for it until someone asks for a PDF.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

PDF = "application/pdf"


def _no_fetch(url: str, *args, **kwargs):
    """Nothing is fetched while rendering: the stylesheets are given as files and the HTML
    refers to nothing (a URL in the data must not make the server request it)."""
    raise ValueError(f"not fetched: {url[:100]}")


def pdf_file(html: str, *, stylesheets: Sequence[Path], base_url: str | None = None):
    """Render `html` with the stylesheet files into a temporary file (rewound, for a
    download response that closes it)."""
    from weasyprint import CSS, HTML

    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    HTML(string=html, base_url=base_url, url_fetcher=_no_fetch).write_pdf(
        handle, stylesheets=[CSS(filename=str(path)) for path in stylesheets]
    )
    handle.seek(0)
    return handle
