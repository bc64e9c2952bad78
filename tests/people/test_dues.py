"""Party dues brackets (domain.md section 2), boundaries included."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxin.people.dues import dues_rate, monthly_dues


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0", "0.00"),
        ("2999.99", "15.00"),
        ("3000", "15.00"),
        ("3000.01", "30.00"),
        ("5000", "50.00"),
        ("5000.01", "75.00"),
        ("10000", "150.00"),
        ("10000.01", "200.00"),
        ("12345.67", "246.91"),
    ],
)
def test_working_member_brackets(base, expected):
    assert monthly_dues(Decimal(base)) == Decimal(expected)


@pytest.mark.parametrize(
    ("base", "expected"),
    [("3000", "15.00"), ("5000", "25.00"), ("5000.01", "50.00"), ("20000", "200.00")],
)
def test_retired_member_brackets(base, expected):
    assert monthly_dues(Decimal(base), retired=True) == Decimal(expected)


def test_no_declared_base_means_no_amount():
    assert monthly_dues(None) is None


def test_negative_base_is_refused():
    with pytest.raises(ValueError):
        dues_rate(Decimal("-1"))


@given(st.decimals(min_value=0, max_value=10**6, places=2))
def test_rate_never_falls_as_the_salary_rises(base):
    assert dues_rate(base + Decimal("0.01")) >= dues_rate(base)
    assert dues_rate(base + Decimal("0.01"), retired=True) >= dues_rate(base, retired=True)


@given(st.decimals(min_value=0, max_value=10**6, places=2))
def test_amount_is_base_times_rate_rounded_to_the_fen(base):
    amount = monthly_dues(base)
    assert abs(amount - base * dues_rate(base)) <= Decimal("0.005")
    assert amount == amount.quantize(Decimal("0.01"))


def test_dues_page_totals_the_branch_and_exports(world, client_for):
    for i, person in enumerate(world.members):
        person.dues_base = Decimal(3000 + 1000 * i)
        person.save()
    world.probationary.dues_base = Decimal("4000")
    world.probationary.is_retired = True
    world.probationary.save()
    expected = sum(
        monthly_dues(p.dues_base, retired=p.is_retired)
        for p in [*world.members, world.probationary]
    )
    client = client_for("secretary")
    response = client.get(f"/people/dues/{world.branch.pk}/")
    assert response.status_code == 200
    assert response.context["sheet"].due == expected
    export = client.get(f"/people/dues/{world.branch.pk}/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_dues_are_hidden_from_an_outsider(world, client_for):
    assert client_for("outsider").get(f"/people/dues/{world.branch.pk}/").status_code == 404
