"""The quarterly summary per court and subtree, with zero reports (零报告) and the streaks of
zero quarters flagged: a page, an .xlsx and a PDF (Chinese embedded: lib/pdf.py), ready to
send to the political-legal committee at the same level and to the court above."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import text_param
from tongxin.core.permissions import Perm
from tongxin.discipline.models import Kind
from tongxin.discipline.selectors import (
    quarter_bounds,
    quarter_of,
    quarterly_summary,
    summary_courts,
)
from tongxin.lib.excel import download_response, sheets_response
from tongxin.lib.pdf import PDF, pdf_file


def _period(request) -> tuple[int, int, list[str]]:
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    errors = []
    raw_year, raw_quarter = request.GET.get("year", ""), request.GET.get("quarter", "")
    if raw_year:
        if raw_year.isdigit() and 2015 <= int(raw_year) <= today.year:
            year = int(raw_year)
        else:
            errors.append(_("The year must lie between 2015 and this year."))
    if raw_quarter:
        if raw_quarter in ("1", "2", "3", "4"):
            quarter = int(raw_quarter)
        else:
            errors.append(_("The quarter is 1, 2, 3 or 4."))
    if (year, quarter) > quarter_of(today):
        errors.append(_("This quarter has not begun."))
        year, quarter = quarter_of(today)
    return year, quarter, errors


@requires(Perm.REGISTER_VIEW)
def summary(request):
    courts = summary_courts(request.user)
    year, quarter, errors = _period(request)
    code = text_param(request.GET, "court", 20).strip()
    court = (courts.filter(code=code).first() if code else None) or courts.first()
    if code and court is not None and court.code != code:
        errors.append(_("No court with this code within your reach."))
    rows = (
        quarterly_summary(user=request.user, court=court, year=year, quarter=quarter)
        if court
        else []
    )
    start, end = quarter_bounds(year, quarter)
    context = {
        "court": court,
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "rows": rows,
        "kinds": Kind.choices,
        "errors": errors,
        "zero_count": sum(1 for row in rows if row.zero),
        "flagged_count": sum(1 for row in rows if row.flagged),
        "years": list(range(timezone.localdate().year, 2014, -1)),
    }
    fmt = request.GET.get("format", "")
    if court is not None and fmt == "xlsx":
        return _xlsx(context)
    if court is not None and fmt == "pdf":
        return _pdf(request, context)
    return render(request, "discipline/summary.html", context)


def _table(context) -> tuple[list[str], list[list]]:
    headers = [_("Court code"), _("Court")]
    headers += [str(label) for _value, label in context["kinds"]]
    headers += [
        _("Total"),
        _("Immediate reports"),
        _("Corrections"),
        _("Report"),
        _("Quarters without an entry"),
    ]
    rows = []
    for row in context["rows"]:
        rows.append(
            [row.court.code or "", row.court.name]
            + [row.counts[value] for value, _label in context["kinds"]]
            + [
                row.total,
                row.affecting,
                row.corrections,
                _("Zero report") if row.zero else "",
                row.streak,
            ]
        )
    return headers, rows


def _filename(context, ext: str) -> str:
    return f"register-summary-{context['court'].code or context['court'].pk}-{context['year']}Q{context['quarter']}.{ext}"


def _xlsx(context):
    headers, rows = _table(context)
    title = _("Quarterly summary")
    return sheets_response(filename=_filename(context, "xlsx"), sheets=[(title, headers, rows)])


def _pdf(request, context):
    headers, rows = _table(context)
    html = render_to_string(
        "discipline/summary_pdf.html",
        {**context, "headers": headers, "table": rows, "today": timezone.localdate()},
        request=request,
    )
    handle = pdf_file(html, stylesheets=[settings.BASE_DIR / "static" / "css" / "roster-pdf.css"])
    return download_response(handle, filename=_filename(context, "pdf"), content_type=PDF)
