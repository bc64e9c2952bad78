"""The dues ledger as Excel: a branch's monthly collection sheet and a court's yearly report,
with named sheets, Chinese headers (in the reader's language) and 是/否 for yes and no."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.lib.excel import csv_response, sheets_response
from tongxin.people.models import DuesPayment


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _status(row) -> str:
    if row.payment is None:
        return _("Unpaid")
    return row.payment.get_status_display()


def sheet_response(sheet, fmt: str = "xlsx"):
    headers = [
        _("Staff number"),
        pgettext("person", "Name"),
        _("Retired"),
        _("Declared salary base"),
        _("Monthly dues"),
        _("Status"),
        _("Paid on"),
        _("Receipt number"),
        _("Note"),
        _("Months in arrears"),
        _("Arrears (yuan)"),
    ]
    rows = [
        [
            row.person.staff_number,
            row.person.name,
            _yes_no(row.person.is_retired),
            row.person.dues_base,
            row.due,
            _status(row),
            row.payment.paid_on if row.payment else None,
            row.payment.receipt if row.payment else "",
            row.payment.note if row.payment else "",
            len(row.arrears),
            row.arrears_amount,
        ]
        for row in sheet.rows
    ]
    totals = [
        [_("Dues of the month"), sheet.due],
        [_("Collected"), sheet.collected],
        [_("Unpaid members"), sheet.unpaid],
        [_("Exempt members"), sheet.exempt],
        [_("Arrears of earlier months (yuan)"), sheet.arrears],
    ]
    month = sheet.month.strftime("%Y-%m")
    if fmt == "csv":
        total = ["", _("Total"), "", "", sheet.due, "", "", "", "", "", sheet.arrears]
        return csv_response(
            filename=f"{sheet.organisation.name_zh}-{month}-党费.csv",
            headers=headers,
            rows=[*rows, total],
        )
    return sheets_response(
        filename=f"{sheet.organisation.name_zh}-{month}-党费.xlsx",
        sheets=[
            (_("Collection %(month)s") % {"month": month}, headers, rows),
            (_("Totals"), [_("Item"), _("Value")], totals),
        ],
    )


def year_response(report, *, year: int, court=None):
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    headers = [_("Court"), _("Organisation"), *months, _("Total (yuan)"), _("Payments")]
    rows = [
        [
            item["organisation"].court.name_zh,
            item["organisation"].name_zh,
            *[cell[0] for cell in item["months"]],
            item["total"],
            item["payments"],
        ]
        for item in report
    ]
    by_month = [
        [
            month,
            sum((item["months"][n][0] for item in report), start=0),
            sum(item["months"][n][1] for item in report),
            sum(item["months"][n][2] for item in report),
        ]
        for n, month in enumerate(months)
    ]
    name = court.name_zh if court else _("All courts in reach")
    return sheets_response(
        filename=f"{name}-{year}-党费年报.xlsx",
        sheets=[
            (_("By organisation"), headers, rows),
            (
                _("By month"),
                [_("Month"), _("Collected (yuan)"), _("Payments"), _("Exemptions")],
                by_month,
            ),
        ],
    )


__all__ = ["DuesPayment", "sheet_response", "year_response"]
