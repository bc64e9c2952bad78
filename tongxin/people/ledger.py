"""The Party dues ledger (党费收缴): what each member owes each month, what was paid or
exempted, and the arrears carried forward.

Amounts come from the declared salary base and the brackets (`people.dues`). A month is
"paid" or "exempt" when the ledger has a row for it; otherwise it is unpaid, and the unpaid
months since the ledger began (`DUES_LEDGER_START`) while the person belonged to the branch
are their arrears: carried from month to month and across the year end until paid.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.lib.dates import add_months
from tongxin.orgs.models import PartyOrganisation
from tongxin.orgs.selectors import roster_on
from tongxin.people.dues import monthly_dues
from tongxin.people.models import DuesPayment, Membership, Person

ZERO = Decimal("0.00")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def parse_month(text: str, default: datetime.date | None = None) -> datetime.date | None:
    """ "2026-11" → 2026-11-01; None (or `default`) for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1) if 1900 < year < 2200 else default
    except ValueError:
        return default


def ledger_start() -> datetime.date:
    return parse_month(settings.DUES_LEDGER_START, datetime.date(2026, 1, 1))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The months from `first` to `last`, both included (empty when first > last)."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def due(person: Person) -> Decimal | None:
    return monthly_dues(person.dues_base, retired=person.is_retired)


@dataclass
class SheetRow:
    person: Person
    due: Decimal | None
    payment: DuesPayment | None
    arrears: list = field(default_factory=list)  # unpaid months before this one

    @property
    def status(self) -> str:
        return self.payment.status if self.payment else "unpaid"

    @property
    def arrears_amount(self) -> Decimal:
        return (self.due or ZERO) * len(self.arrears)


@dataclass
class Sheet:
    organisation: PartyOrganisation
    month: datetime.date
    rows: list
    due: Decimal
    collected: Decimal
    exempt: int
    unpaid: int
    arrears: Decimal


def collection_sheet(*, organisation: PartyOrganisation, month: datetime.date) -> Sheet:
    """A branch's collection sheet for a month: its members at the month's end with what each
    owes, what was recorded, and their arrears (three queries whatever the branch's size)."""
    month = month_start(month)
    members = [m.person for m in roster_on(organisation=organisation, on=month_end(month))]
    ids = [p.pk for p in members]
    first = ledger_start()
    payments = defaultdict(dict)
    for row in DuesPayment.objects.filter(person_id__in=ids, month__gte=first, month__lte=month):
        payments[row.person_id][row.month] = row
    # Since when each member belongs to this branch (arrears only for those months).
    joined = {}
    for person_id, starts_on in Membership.objects.filter(
        person_id__in=ids, organisation=organisation
    ).values_list("person_id", "starts_on"):
        joined[person_id] = min(joined.get(person_id, starts_on), starts_on)
    rows, total_due, collected, exempt, unpaid, arrears = [], ZERO, ZERO, 0, 0, ZERO
    for person in members:
        amount = due(person)
        recorded = payments[person.pk]
        start = max(first, month_start(joined.get(person.pk, first)))
        owed = [m for m in months_between(start, add_months(month, -1)) if m not in recorded]
        row = SheetRow(person=person, due=amount, payment=recorded.get(month), arrears=owed)
        rows.append(row)
        if row.status == DuesPayment.Status.EXEMPT:
            exempt += 1
            continue
        total_due += amount or ZERO
        if row.status == DuesPayment.Status.PAID:
            collected += row.payment.amount
        else:
            unpaid += 1
        arrears += row.arrears_amount
    return Sheet(organisation, month, rows, total_due, collected, exempt, unpaid, arrears)


def yearly_report(*, organisations, year: int) -> list[dict]:
    """Per organisation, the dues collected in each month of a year and the number of payments
    and exemptions: one grouped query."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    rows = (
        DuesPayment.objects.filter(organisation__in=organisations, month__range=(first, last))
        .values("organisation_id", "month")
        .annotate(
            collected=Sum("amount", filter=Q(status=DuesPayment.Status.PAID)),
            paid=Count("pk", filter=Q(status=DuesPayment.Status.PAID)),
            exempt=Count("pk", filter=Q(status=DuesPayment.Status.EXEMPT)),
        )
        .order_by()
    )
    by_org: dict[int, dict] = defaultdict(lambda: {m: [ZERO, 0, 0] for m in range(1, 13)})
    for row in rows:
        cell = by_org[row["organisation_id"]][row["month"].month]
        cell[0] += row["collected"] or ZERO
        cell[1] += row["paid"]
        cell[2] += row["exempt"]
    report = []
    for org in organisations:
        months = by_org[org.pk]
        report.append(
            {
                "organisation": org,
                "months": [months[m] for m in range(1, 13)],
                "total": sum((months[m][0] for m in range(1, 13)), ZERO),
                "payments": sum(months[m][1] for m in range(1, 13)),
            }
        )
    return report


# Writes --------------------------------------------------------------------------------------


def _check_month(person: Person, organisation: PartyOrganisation, month: datetime.date) -> None:
    today = timezone.localdate()
    if month > month_start(today):
        raise ApplicationError(_("Dues cannot be recorded for a month that has not begun."))
    if month < ledger_start():
        raise ApplicationError(
            _("The dues ledger begins in %(month)s.") % {"month": ledger_start().strftime("%Y-%m")}
        )
    belonged = Membership.objects.filter(
        person=person, organisation=organisation, starts_on__lte=month_end(month)
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=month))
    if not belonged.exists():
        raise ApplicationError(
            _("%(name)s did not belong to %(organisation)s in %(month)s.")
            % {"name": person.name, "organisation": organisation, "month": month.strftime("%Y-%m")}
        )


@transaction.atomic
def dues_record(
    *,
    actor,
    person: Person,
    organisation: PartyOrganisation,
    month: datetime.date,
    status: str,
    paid_on: datetime.date | None = None,
    receipt: str = "",
    note: str = "",
) -> DuesPayment:
    """Record a month's dues as paid (with the date and the receipt) or exempt (with the
    reason); a month already recorded is refused (undo it first)."""
    month = month_start(month)
    _check_month(person, organisation, month)
    if status == DuesPayment.Status.PAID:
        if paid_on is None:
            raise ApplicationError(_("Give the date the dues were paid."))
        if paid_on > timezone.localdate():
            raise ApplicationError(_("The payment date cannot lie in the future."))
        amount = due(person)
        if amount is None:
            raise ApplicationError(
                _("%(name)s has no declared salary base: record it on their page first.")
                % {"name": person.name}
            )
    elif status == DuesPayment.Status.EXEMPT:
        if not note.strip():
            raise ApplicationError(_("Give the reason for the exemption."))
        amount, paid_on, receipt = ZERO, None, ""
    else:
        raise ApplicationError(_("Unknown status."))
    existing = DuesPayment.objects.filter(person=person, month=month).first()
    if existing is not None:
        raise ApplicationError(
            _("%(month)s of %(name)s is already recorded as %(status)s (receipt %(receipt)s).")
            % {
                "month": month.strftime("%Y-%m"),
                "name": person.name,
                "status": existing.get_status_display(),
                "receipt": existing.receipt or "—",
            }
        )
    if (
        receipt
        and DuesPayment.objects.filter(
            organisation__court_id=organisation.court_id, receipt=receipt.strip()
        ).exists()
    ):
        raise ApplicationError(
            _("Receipt %(receipt)s is already recorded in this court.") % {"receipt": receipt}
        )
    row = DuesPayment(
        person=person,
        organisation=organisation,
        month=month,
        amount=amount,
        status=status,
        paid_on=paid_on,
        receipt=receipt.strip(),
        note=note.strip(),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # the same month recorded by two requests at once
        raise ApplicationError(_("This month is already recorded.")) from error
    audit_record(
        actor=actor,
        action="people.dues.recorded",
        obj=row,
        before=None,
        after=snapshot(row),
        court=organisation.court,
    )
    return row


@transaction.atomic
def dues_undo(*, actor, payment: DuesPayment) -> None:
    """Take back a month recorded by mistake (audited: the row's values stay in the log)."""
    audit_record(
        actor=actor,
        action="people.dues.revoked",
        obj=payment,
        before=snapshot(payment),
        after=None,
        court=payment.organisation.court,
    )
    payment.delete()
