"""Monthly Party dues from the declared post-tax salary base (domain.md section 2).

The whole base is charged at the rate of the bracket it falls in (not progressively).
Upper bounds are inclusive: 3,000.00 pays 0.5 %, 3,000.01 pays 1 %.
"""

from decimal import ROUND_HALF_UP, Decimal

# (inclusive upper bound or None for "above", rate)
WORKING_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
CENT = Decimal("0.01")


def dues_rate(base: Decimal, *, retired: bool = False) -> Decimal:
    if base < 0:
        raise ValueError("salary base cannot be negative")
    for upper, rate in RETIRED_BRACKETS if retired else WORKING_BRACKETS:
        if upper is None or base <= upper:
            return rate
    raise AssertionError("unreachable: the last bracket is open")


def monthly_dues(base: Decimal | None, *, retired: bool = False) -> Decimal | None:
    """Dues in yuan, rounded half-up to the fen; None when no base is declared."""
    if base is None:
        return None
    base = Decimal(base)
    return (base * dues_rate(base, retired=retired)).quantize(CENT, rounding=ROUND_HALF_UP)
