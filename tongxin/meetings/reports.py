"""The yearly organisational-life report of an organisation or a court subtree: meetings by
kind, the compliance of each organisation (cells per verdict) and attendance, as an Excel
workbook and as a PDF (WeasyPrint, CJK font embedded: tongxin/lib/pdf.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.permissions import Perm
from tongxin.lib.excel import download_response, sheets_response
from tongxin.lib.pdf import PDF, pdf_file
from tongxin.meetings import compliance, selectors
from tongxin.meetings.models import Attendance, Kind, MeetingOrganisation
from tongxin.orgs.models import Court, PartyOrganisation

PDF_MAX_ORGS = 300  # a larger subtree: the workbook


def _year(request) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year


def build(user, *, year: int, court=None, organisation=None) -> dict:
    """The report's figures: a fixed number of queries whatever the subtree's size."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    orgs = selectors.compliance_orgs(user=user, court=court, organisation=organisation)
    facts, cells = selectors.heatmap(orgs, first, last)
    links = MeetingOrganisation.objects.filter(
        organisation__in=orgs.values("id"), meeting__held_on__gte=first, meeting__held_on__lte=last
    )
    by_kind = {
        (r["meeting__kind"], r["meeting__status"]): r["n"]
        for r in links.values("meeting__kind", "meeting__status").annotate(n=Count("id")).order_by()
    }
    att = (
        Attendance.objects.filter(
            organisation__in=orgs.values("id"),
            meeting__status="held",
            meeting__held_on__gte=first,
            meeting__held_on__lte=last,
        )  # fmt: skip
        .values("organisation_id")
        .annotate(
            expected=Count("id", filter=~Q(status="leave")),
            present=Count("id", filter=Q(status="present")),
        )
        .order_by()
    )
    attendance = {r["organisation_id"]: r for r in att}
    rows = []
    for org in facts.orgs:
        tally = dict.fromkeys(compliance.SEVERITY, 0)
        for code, _activity in cells.row(org.id):  # codes only: no cell objects for a subtree
            tally[code] += 1
        a = attendance.get(org.id, {"expected": 0, "present": 0})
        rate = round(100 * a["present"] / a["expected"], 1) if a["expected"] else None
        rows.append((org, tally, a["present"], a["expected"], rate))
    kinds = [
        (
            label,
            by_kind.get((value, "held"), 0),
            by_kind.get((value, "planned"), 0),
            by_kind.get((value, "cancelled"), 0),
        )  # fmt: skip
        for value, label in Kind.choices
    ]
    subject = organisation.name_zh if organisation else court.name_zh
    return {"year": year, "subject": subject, "rows": rows, "kinds": kinds,
            "verdicts": [(c, compliance.VERDICTS[c]) for c in compliance.SEVERITY]}  # fmt: skip


def _xlsx(report: dict):
    verdict_headers = [str(label) for _c, label in report["verdicts"]]
    return sheets_response(
        filename=f"{report['subject']}-{report['year']}-组织生活.xlsx",
        sheets=[
            (
                _("Meetings by kind"),
                [_("Kind"), _("Held"), _("Planned"), _("Cancelled")],
                [[str(k), h, p, c] for k, h, p, c in report["kinds"]],
            ),
            (
                _("Compliance"),
                [
                    _("Organisation"),
                    *verdict_headers,
                    _("Present"),
                    _("Expected"),
                    _("Attendance %"),
                ],  # fmt: skip
                [
                    [org.name, *[tally[c] for c, _l in report["verdicts"]], present, expected, rate]
                    for org, tally, present, expected, rate in report["rows"]
                ],
            ),
        ],
    )


def _pdf(request, report: dict):
    html = render_to_string(
        "meetings/report_pdf.html", {**report, "today": timezone.localdate()}, request=request
    )
    handle = pdf_file(html, stylesheets=[settings.BASE_DIR / "static" / "css" / "roster-pdf.css"])
    return download_response(
        handle, filename=f"{report['subject']}-{report['year']}-组织生活.pdf", content_type=PDF
    )


@requires(Perm.COMPLIANCE_VIEW, PartyOrganisation, parent_view=Perm.COMPLIANCE_VIEW)
def org_xlsx(request, organisation):
    return _xlsx(build(request.user, year=_year(request), organisation=organisation))


@requires(Perm.COMPLIANCE_VIEW, PartyOrganisation, parent_view=Perm.COMPLIANCE_VIEW)
def org_pdf(request, organisation):
    return _pdf(request, build(request.user, year=_year(request), organisation=organisation))


@requires(Perm.COMPLIANCE_VIEW, Court)
def court_xlsx(request, court):
    return _xlsx(build(request.user, year=_year(request), court=court))


@requires(Perm.COMPLIANCE_VIEW, Court)
def court_pdf(request, court):
    report = build(request.user, year=_year(request), court=court)
    report["rows"] = report["rows"][:PDF_MAX_ORGS]
    report["truncated"] = len(report["rows"]) == PDF_MAX_ORGS
    return _pdf(request, report)
