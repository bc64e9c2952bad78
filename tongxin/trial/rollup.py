"""The indicators' counts and sums rolled up from the finest grain (issue 9's indicator run).

The one-statement computation (`facts.FACTS_SQL`) joins every case to its links (appeals
against it, its dispute's size, whether it hangs from an origin) by case number, then runs
every aggregate once per grouping set. Here:

1. **base**: every case's flags with the values a case no link touches has (no appeal, a
   dispute of its own), aggregated once at the finest grain (court, department, judge, and
   case type when asked): the scan reads no case number at all;
2. **delta**: only the cases a link can touch (the derived cases, and the cases they name as
   origin: a small part of the store, kept in a file per content of the store by links.py),
   with their linked and their unlinked flags; each aggregate's difference between the two,
   per finest grain;
3. the grouping sets (court, department, judge, by case type) as sums of base + delta over
   the finest grain (a few thousand rows, not millions);
4. aggregates that do not add up (the median) straight over the unlinked facts per grouping
   set; they must not read a linked column (`rollable`), else the caller computes directly.

Counts are exact. A sum of decimal amounts can differ from the one-statement sum in its last
bits (another order of addition; DuckDB's parallel sums have no fixed order either).
"""

from __future__ import annotations

import re

from tongxin.trial.facts import (
    FLAGS_SQL,
    LINKED,
    UNLINKED_SQL,
)
from tongxin.trial.links import HELD_JOINS_SQL, HELD_LINKED_SQL, HELD_LINKS_SQL

GRAIN = ("court_id", "department", "judge_id", "type_code")
_ADDITIVE = re.compile(r"^(count|sum)\(([^()]*)\)(?:\s+FILTER\s+\(WHERE\s+(.*)\))?$", re.S)
_LINKED = re.compile(r"\b(" + "|".join(LINKED) + r")\b")


def _parse(expression: str):
    """(function, argument, condition) of `count(x) FILTER (WHERE c)` or `sum(...)`, else None."""
    match = _ADDITIVE.match(expression.strip())
    if not match:
        return None
    return match[1], match[2].strip(), (match[3] or "true").strip()


def rollable(parts: list[str]) -> bool:
    """Whether every aggregate either adds up or reads no linked column."""
    return all(_parse(p) is not None or not _LINKED.search(p) for p in parts)


def _unlinked(sql: str) -> str:
    return _LINKED.sub(r"u_\1", sql)


def _flag(condition: str) -> str:
    return f"coalesce(({condition}), false)::INTEGER"


# What the linked columns hold for a case no link touches (as UNLINKED_SQL says).
_CONSTANT = {"appeals_in": "0", "reversed_in": "0", "chain_size": "1", "root_in": "received"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class _Base:
    """The finest-grain aggregates over every case with its unlinked flags, each distinct
    one once (the linked columns replaced by their constants, a sum of a constant as that
    constant times a count)."""

    def __init__(self):
        self.columns: dict[str, str] = {}

    def column(self, expression: str) -> str:
        if expression not in self.columns:
            self.columns[expression] = f"b{len(self.columns)}"
        return self.columns[expression]

    def count(self, argument: str, condition: str) -> str:
        condition = _LINKED.sub(lambda m: _CONSTANT[m[1]], condition)
        argument = _LINKED.sub(lambda m: _CONSTANT[m[1]], argument)
        if argument == "*" or _NUMBER.match(argument):
            return f"sum({self.column(f'count(*) FILTER (WHERE {condition})')})"
        return f"sum({self.column(f'count({argument}) FILTER (WHERE {condition})')})"

    def sum(self, argument: str, condition: str) -> str:
        condition = _LINKED.sub(lambda m: _CONSTANT[m[1]], condition)
        argument = _LINKED.sub(lambda m: _CONSTANT[m[1]], argument)
        if _NUMBER.match(argument):
            return f"{argument} * {self.count('*', condition)}"
        return f"sum({self.column(f'sum({argument}) FILTER (WHERE {condition})')})"

    def select(self) -> str:
        return ", ".join(f"{e} AS {name}" for e, name in self.columns.items())


def _plain(where: str) -> str:
    """Every case's facts with the unlinked values."""
    return (
        f"SELECT {FLAGS_SQL}, {UNLINKED_SQL.format(prefix='')} FROM cases c "
        f"WHERE c.filed_on <= $end {where}"
    )


def _plan(parts: list[str]):
    """(base, delta aggregates, total expressions, holistic indexes)."""
    base, delta, total, holistic = _Base(), [], [], []
    for index, expression in enumerate(parts):
        parsed = _parse(expression)
        if parsed is None:
            holistic.append(index)
            continue
        function, argument, condition = parsed
        linked = bool(_LINKED.search(expression))
        given = condition if argument == "*" else f"({condition}) AND {argument} IS NOT NULL"
        if function == "sum" and not linked and not _NUMBER.match(argument):
            # The fine grains' sums are NULL where they sum no value, and so is their sum:
            # no count needed to tell a sum over no value (one aggregate less per sum).
            total.append(base.sum(argument, condition))
            continue
        count = base.count(argument, condition)
        if linked:
            delta.append(f"sum({_flag(given)} - {_flag(_unlinked(given))}) AS e{index}")
            count = f"({count} + coalesce(sum(e{index}), 0))"
        if function == "count":
            total.append(count)
            continue
        value = base.sum(argument, condition)
        if linked:
            delta.append(
                f"sum(coalesce(CASE WHEN {_flag(condition)} = 1 THEN {argument} END, 0) - "
                f"coalesce(CASE WHEN {_flag(_unlinked(condition))} = 1 THEN "
                f"{_unlinked(argument)} END, 0)) AS d{index}"
            )
            value = f"coalesce({value}, 0) + coalesce(sum(d{index}), 0)"
        # A sum over no value is no value (NULL), as SQL's sum gives it.
        total.append(f"CASE WHEN {count} = 0 THEN NULL ELSE {value} END")
    return base, delta, total, holistic


def rows(con, parts: list[str], where: str, params: dict, grouping: str, picked: str, held):
    """Rows as the one-statement query gives them: the keys with their GROUPING flags, then
    one cell per aggregate in `parts`. `held()` gives the relation of the cases the links can
    touch (links.py)."""
    base, delta, total, holistic = _plan(parts)
    grain = ", ".join(k for k in GRAIN if k in grouping)
    fine = f"SELECT {grain}, {base.select()} FROM ({_plain(where)}) GROUP BY ALL"
    sql = fine
    if delta:
        both = (
            f"SELECT {FLAGS_SQL}, {HELD_LINKED_SQL.format(prefix='')}, "
            f"{UNLINKED_SQL.format(prefix='u_')} FROM held c {HELD_JOINS_SQL} "
            f"WHERE c.filed_on <= $end {where}"
        )
        on = " AND ".join(f"f.{k} IS NOT DISTINCT FROM d.{k}" for k in grain.split(", "))
        names = ", ".join("d." + item.rsplit(" AS ", 1)[1] for item in delta)
        sql = (
            f"WITH held AS (SELECT * FROM {held()}), {HELD_LINKS_SQL}, "
            f"fine AS ({fine}), "
            f"delta AS (SELECT {grain}, {', '.join(delta)} FROM ({both}) GROUP BY ALL) "
            f"SELECT f.*, {names} FROM fine f LEFT JOIN delta d ON {on}"
        )
    keys = [f"k{i}" for i in range(7)]
    # As DOUBLE: the numbers are read as floats anyway (exact below 2**53), and fetching the
    # sums' HUGEINT into Python costs more than the roll-up.
    rolled = (
        f"SELECT * FROM (SELECT {picked}, {', '.join(f'({t})::DOUBLE' for t in total)} "
        f"FROM _fine GROUP BY {grouping}) r({', '.join(keys + [f'a{i}' for i in range(len(total))])})"
    )
    cells, additive = [], iter(range(len(total)))
    for index in range(len(parts)):
        cells.append(f"h.h{index}" if index in holistic else f"r.a{next(additive)}")
    query = f"SELECT {', '.join(f'r.{k}' for k in keys)}, {', '.join(cells)} FROM ({rolled}) r"
    if holistic:
        # The aggregates that do not add up, per grouping set over the unlinked facts, put in
        # their places by the grouping keys (a set without a row gives them NULL, as there).
        names = ", ".join(keys + [f"h{i}" for i in holistic])
        aggregates = ", ".join(parts[i] for i in holistic)
        query += (
            f" LEFT JOIN (SELECT * FROM (SELECT {picked}, {aggregates} FROM ({_plain(where)}) "
            f"GROUP BY {grouping}) h({names})) h ON "
            + " AND ".join(f"r.{k} IS NOT DISTINCT FROM h.{k}" for k in keys)
        )
    con.execute(f"CREATE TEMP TABLE _fine AS {sql}", params)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.execute("DROP TABLE _fine")
