"""The roster (花名册) of an organisation as a page's date and as files (.xlsx, PDF)."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import text_param
from tongxin.core.permissions import Perm
from tongxin.lib.excel import download_response, workbook_response
from tongxin.lib.pdf import PDF, pdf_file
from tongxin.orgs import rosters
from tongxin.orgs.models import PartyOrganisation


def _date_param(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _roster_date(request) -> tuple[datetime.date, str]:
    """The roster's day (?on=YYYY-MM-DD, default today) and, for text that is not a date,
    why today is shown instead."""
    value = text_param(request.GET, "on", 40)
    on = _date_param(value)
    if on is None and value:
        return timezone.localdate(), _(
            "“%(value)s” is not a date (YYYY-MM-DD): the roster shows today."
        ) % {"value": value}
    return on or timezone.localdate(), ""


def _roster_subtree(request, org: PartyOrganisation) -> bool:
    return request.GET.get("sub") == "1" and org.kind in rosters.SUBTREE_KINDS


def _roster_query(roster) -> str:
    query = {"on": roster.on.isoformat()}
    if roster.subtree:
        query["sub"] = "1"
    return urlencode(query)


# The roster (花名册) as a file: personal data, so for those who may see the organisation's
# people (a member sees the short roster on their branch's page, and no export).
@requires(Perm.PERSON_VIEW, PartyOrganisation)
def roster_xlsx(request, org: PartyOrganisation):
    on, _error = _roster_date(request)
    roster = rosters.roster_build(organisation=org, on=on, subtree=_roster_subtree(request, org))
    headers, rows = roster.table()
    footer = [
        [],
        [_("Organisation"), org.name_zh, _("Court"), org.court.name_zh, _("Date"), on],
        [
            _("Full members"),
            roster.full,
            _("Probationary members"),
            roster.probationary,
            _("Total"),
            roster.total,
        ],
    ]
    return workbook_response(
        filename=roster.filename("xlsx"), headers=headers, rows=[*rows, *footer]
    )


ROSTER_PDF_MAX_ROWS = 1000


@requires(Perm.PERSON_VIEW, PartyOrganisation)
def roster_pdf(request, org: PartyOrganisation):
    """The roster as an A4 PDF with the CJK font embedded: organisation, court, date and
    counts in the heading, page numbers in the footer."""
    on, _error = _roster_date(request)
    roster = rosters.roster_build(organisation=org, on=on, subtree=_roster_subtree(request, org))
    limit = getattr(settings, "ROSTER_PDF_MAX_ROWS", ROSTER_PDF_MAX_ROWS)
    if roster.total > limit:  # about 10 s of rendering per thousand members: the .xlsx instead
        return render(
            request,
            "orgs/roster_too_long.html",
            {"org": org, "roster": roster, "limit": limit, "roster_query": _roster_query(roster)},
        )
    headers, rows = roster.table()
    fitted = roster.fitted()
    rows = [
        [
            ("" if v is None else v.isoformat() if isinstance(v, datetime.date) else v, fits)
            for v, fits in zip(row, fitted, strict=True)
        ]
        for row in rows
    ]
    html = render_to_string(
        "orgs/roster_pdf.html",
        {
            "org": org,
            "roster": roster,
            "headers": list(zip(headers, fitted, strict=True)),
            "rows": rows,
            "today": timezone.localdate(),
        },
        request=request,
    )
    handle = pdf_file(html, stylesheets=[settings.BASE_DIR / "static" / "css" / "roster-pdf.css"])
    return download_response(handle, filename=roster.filename("pdf"), content_type=PDF)
