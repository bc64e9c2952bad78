"""The dues ledger: months paid, exempt or unpaid, arrears carried across the year end, the
branch's monthly sheet, the court's yearly report, and who may see a salary base."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.people import ledger
from tongxin.people.models import DuesPayment

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def bases(world, settings):
    settings.DUES_LEDGER_START = "2025-11"
    for person in [*world.members, world.probationary]:
        person.dues_base = Decimal("8000")  # 1.5 % → 120.00 a month
        person.save()
    return world


def pay(world, person, month, receipt, paid_on=None):
    return ledger.dues_record(
        actor=world.users["secretary"],
        person=person,
        organisation=world.branch,
        month=month,
        status="paid",
        paid_on=paid_on or month + datetime.timedelta(days=9),
        receipt=receipt,
    )


def test_arrears_are_carried_across_the_year_end(bases):
    world = bases
    person = world.members[2]
    pay(world, person, datetime.date(2025, 11, 1), "R1")
    # December 2025 unpaid; the January sheet carries it into the new year.
    sheet = ledger.collection_sheet(organisation=world.branch, month=JAN)
    row = next(r for r in sheet.rows if r.person == person)
    assert row.arrears == [datetime.date(2025, 12, 1)]
    assert row.arrears_amount == Decimal("120.00") and row.status == "unpaid"
    # Paying December late clears it; January itself is this month's due, not arrears.
    pay(world, person, datetime.date(2025, 12, 1), "R2", paid_on=datetime.date(2026, 1, 5))
    row = next(
        r
        for r in ledger.collection_sheet(organisation=world.branch, month=JAN).rows
        if r.person == person
    )
    assert row.arrears == []


def test_the_sheet_totals_due_collected_unpaid_and_exempt(bases):
    world = bases
    pay(world, world.members[0], JAN, "R10")
    ledger.dues_record(
        actor=world.users["secretary"],
        person=world.members[1],
        organisation=world.branch,
        month=JAN,
        status="exempt",
        note="困难党员，支部大会同意",
    )
    sheet = ledger.collection_sheet(organisation=world.branch, month=JAN)
    assert len(sheet.rows) == 10
    assert sheet.exempt == 1 and sheet.unpaid == 8
    assert sheet.due == Decimal("120.00") * 9  # the exempt member owes nothing
    assert sheet.collected == Decimal("120.00")


def test_a_month_or_a_receipt_recorded_twice_is_refused(bases):
    world = bases
    pay(world, world.members[0], JAN, "R20")
    with pytest.raises(ApplicationError, match="already recorded as"):
        pay(world, world.members[0], JAN, "R21")
    with pytest.raises(ApplicationError, match="Receipt R20 is already recorded"):
        pay(world, world.members[1], JAN, "R20")
    assert DuesPayment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"month": datetime.date(2025, 10, 1)}, "ledger begins in 2025-11"),
        ({"month": datetime.date(2099, 1, 1)}, "has not begun"),
        ({"paid_on": None}, "date the dues were paid"),
        ({"paid_on": datetime.date(2099, 1, 1)}, "cannot lie in the future"),
        ({"status": "exempt", "receipt": ""}, "reason for the exemption"),
        ({"status": "forgiven"}, "Unknown status"),
    ],
)
def test_bad_records_are_explained_and_nothing_is_saved(bases, changes, message):
    world = bases
    data = {
        "actor": world.users["secretary"],
        "person": world.members[0],
        "organisation": world.branch,
        "month": JAN,
        "status": "paid",
        "paid_on": datetime.date(2026, 1, 10),
        "receipt": "R30",
        **changes,
    }
    with pytest.raises(ApplicationError, match=message):
        ledger.dues_record(**data)
    assert not DuesPayment.objects.exists()


def test_a_member_of_another_branch_cannot_be_recorded_here(bases):
    world = bases
    from tests.factories import MembershipFactory, PersonFactory

    stranger = PersonFactory(court=world.basic, dues_base=Decimal("5000"))
    MembershipFactory(person=stranger, organisation=world.committee_org)
    with pytest.raises(ApplicationError, match="did not belong"):
        pay(world, stranger, JAN, "R40")


def test_recording_and_taking_back_are_audited(bases):
    world = bases
    payment = pay(world, world.members[4], JAN, "R50")
    pk = payment.pk
    ledger.dues_undo(actor=world.users["secretary"], payment=payment)
    actions = list(
        AuditEntry.objects.filter(object_type="people.duespayment", object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["people.dues.recorded", "people.dues.revoked"]


def test_the_secretary_records_a_month_from_the_page(bases, client_for):
    world = bases
    client = client_for("secretary")
    month = timezone.localdate().strftime("%Y-%m")
    response = client.post(
        f"/people/dues/{world.branch.pk}/record/",
        {
            "person": world.members[6].pk,
            "month": month,
            "status": "paid",
            "paid_on": timezone.localdate().isoformat(),
            "receipt": "R60",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    row = next(r for r in page.context["sheet"].rows if r.person == world.members[6])
    assert row.status == "paid" and row.payment.receipt == "R60"
    # Twice: the form says why, in place.
    again = client.post(
        f"/people/dues/{world.branch.pk}/record/",
        {
            "person": world.members[6].pk,
            "month": month,
            "status": "paid",
            "paid_on": timezone.localdate().isoformat(),
            "receipt": "R61",
        },
    )
    assert again.status_code == 200 and "already recorded" in again.content.decode()


def test_the_month_sheet_exports_named_sheets_with_yes_and_no(bases, client_for):
    world = bases
    world.members[3].is_retired = True
    world.members[3].save()
    client = client_for("secretary")
    client.cookies["django_language"] = "zh-hans"
    response = client.get(
        f"/people/dues/{world.branch.pk}/?month=2026-01&export=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 2
    values = [row for row in book.worksheets[0].values]
    assert values[0][1] == "姓名"
    assert {row[2] for row in values[1:]} == {"是", "否"}


def test_the_yearly_report_adds_up_by_branch_and_month(bases, client_for):
    world = bases
    pay(world, world.members[0], JAN, "R70")
    pay(world, world.members[1], datetime.date(2026, 2, 1), "R71")
    response = client_for("party").get("/people/dues/year/?court=苏0102&year=2026")
    assert response.status_code == 200
    item = next(i for i in response.context["report"] if i["organisation"] == world.branch)
    assert item["months"][0][0] == Decimal("120.00") and item["months"][1][0] == Decimal("120.00")
    assert item["total"] == Decimal("240.00") and item["payments"] == 2
    export = client_for("party").get("/people/dues/year/?court=苏0102&year=2026&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert len(book.sheetnames) == 2


def test_the_sheet_costs_the_same_queries_for_a_bigger_branch(bases, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory, PersonFactory

    world = bases
    client = client_for("secretary")
    url = f"/people/dues/{world.branch.pk}/?month=2026-01"
    client.get(url)  # the first page also fills the header's cached count of waiting work
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(15):
        MembershipFactory(
            person=PersonFactory(court=world.basic, dues_base=Decimal("3000")),
            organisation=world.branch,
        )
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_the_salary_base_is_shown_only_to_dues_keepers(bases, client_for):
    world = bases
    person = world.members[3]
    assert client_for("secretary").get(f"/people/{person.pk}/").context["dues"] is not None
    for role in ("discipline", "trial"):
        response = client_for(role).get(f"/people/{person.pk}/")
        assert response.context["dues"] is None
        assert "8000" not in response.content.decode()
