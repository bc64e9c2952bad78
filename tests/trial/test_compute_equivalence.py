"""The rolled-up indicator computation (rollup.py, the default) against the one-statement
computation over the whole facts relation (`compute(..., direct=True)`, the path it replaced)
on seeded random case stores: every numerator, denominator and value, for every indicator,
court, department, judge and case type, for a year, a quarter and a month, with the filters
the pages use. The random stores hold what makes the links hard: chains across courts, origins
the store does not hold, a loop of origins, a chain deeper than MAX_CHAIN, appeals filed and
decided in other periods, cases filed after the period, missing judges' departments, time
limits and amounts."""

import datetime
import math
import random

import pyarrow as pa
import pytest

from tongxin.trial import caseno, rollup
from tongxin.trial.compute import COURT, DEPARTMENT, JUDGE, compute
from tongxin.trial.facts import MAX_CHAIN
from tongxin.trial.indicators import INDICATORS, Indicator, period
from tongxin.trial.store import SCHEMA, CaseStore

CODES = ("民初", "民终", "民申", "民再", "执", "执恢", "执异", "刑初", "刑终", "行初", "民辖")
METHODS = ("judgment", "mediation", "withdrawal", "appeal_withdrawn", "reversed", "remanded",
           "upheld", "enforced", "terminated", "other")  # fmt: skip
COURTS = {11: "苏0101", 12: "苏0102", 13: "苏01", 14: "京0105"}


def _store(tmp_path, seed: int, size: int = 2500) -> CaseStore:
    rng = random.Random(seed)
    kinds = caseno.case_types()
    rows: list[dict] = []

    def add(code: str, filed: datetime.date, origin: str | None, court_id: int | None = None):
        court_id = court_id or rng.choice(list(COURTS))
        court = COURTS[court_id]
        closed = filed + datetime.timedelta(days=rng.randint(0, 500))
        if rng.random() < 0.25 or closed > datetime.date(2025, 6, 30):
            closed = None
        judge_id = court_id * 100 + rng.randint(1, 6)
        kind = kinds[code]
        enforcement = kind.category == "enforcement"
        claimed = (
            round(rng.lognormvariate(9, 1.5), 2) if enforcement and rng.random() < 0.9 else None
        )
        recovered = (
            round(claimed * rng.random(), 2) if claimed and closed and rng.random() < 0.8 else None
        )
        rows.append(
            {
                "case_number": f"({filed.year}){court}{code}{len(rows) + 1}号",
                "year": filed.year,
                "province": court[0],
                "court": court,
                "court_id": court_id,
                "type_code": code,
                "category": kind.category,
                "stage": kind.stage,
                "filed_on": filed,
                "closed_on": closed,
                "closing_method": rng.choice(METHODS) if closed else None,
                "judge": f"J{judge_id}",
                "judge_id": judge_id,
                "department": rng.choice(("民一庭", "民二庭", "执行局", None)),
                "procedure": "ordinary",
                "time_limit_days": rng.choice((None, 60, 90, 180, 270)),
                "excluded_days": rng.choice((None, 0, 0, 15, 40)),
                "origin_case_number": origin,
                "enforcement_claimed": claimed,
                "enforcement_recovered": recovered,
                "batch_id": 1,
            }
        )
        return rows[-1]["case_number"]

    def day() -> datetime.date:
        return datetime.date(2021, 6, 1) + datetime.timedelta(days=rng.randint(0, 1480))

    for _ in range(size):
        roll = rng.random()
        if rows and roll < 0.35:
            origin = rng.choice(rows)
            filed = origin["filed_on"] + datetime.timedelta(days=rng.randint(0, 400))
            code = rng.choice(("民终", "民终", "执", "民申", "民再", "执异", "民初"))
            add(code, filed, origin["case_number"])
        elif roll < 0.40:
            add(rng.choice(("民终", "执")), day(), f"(2019)苏0101民初{rng.randint(1, 99)}号")
        else:
            add(rng.choice(CODES), day(), None)
    # A loop of origins (A from B, B from A), and a chain deeper than MAX_CHAIN.
    loop = add("民初", datetime.date(2024, 2, 1), None)
    rows[-1]["origin_case_number"] = add("民终", datetime.date(2024, 3, 1), loop)
    origin = add("民初", datetime.date(2024, 1, 5), None, court_id=11)
    for step in range(MAX_CHAIN + 3):
        code = "民终" if step % 2 == 0 else "民再"
        origin = add(code, datetime.date(2024, 1, 6) + datetime.timedelta(days=step), origin)
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    store = CaseStore(tmp_path / f"store{seed}")
    parts = {}
    for row in rows:
        parts.setdefault((row["year"], row["province"]), []).append(row)
    store.write_partitions(pa.Table.from_pylist(p, schema=SCHEMA) for p in parts.values())
    assert store.count() == table.num_rows
    return store


def _keyed(results) -> dict:
    return {(r.level, r.court_id, r.department, r.judge_id, r.case_type): r.values for r in results}


def _same(new, old) -> list[str]:
    """Where the two computations differ (counts exactly; sums of amounts to 1e-9)."""
    new, old = _keyed(new), _keyed(old)
    assert new.keys() == old.keys()
    wrong = []
    for key, values in old.items():
        assert values.keys() == new[key].keys()
        for code, triple in values.items():
            for a, b in zip(new[key][code], triple, strict=True):
                if (a is None) != (b is None) or (
                    a is not None and not math.isclose(a, b, rel_tol=1e-9)
                ):
                    wrong.append(f"{key} {code}: {new[key][code]} != {triple}")
    return wrong


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("key", ["2024", "2024Q3", "2023-02"])
def test_rolled_up_equals_direct_for_every_grain(tmp_path, seed, key):
    store = _store(tmp_path, seed)
    for by_case_type in (False, True):
        new = compute(period(key), store=store, by_case_type=by_case_type)
        old = compute(period(key), store=store, by_case_type=by_case_type, direct=True)
        assert len(new) >= 40  # 4 courts, their departments and 24 judges
        assert _same(new, old) == []
    if key != "2024":
        return
    # The links really are exercised: appeals, chains and roots disagree with the
    # unlinked values somewhere.
    court = {r.court_id: r.values for r in new if r.level == COURT and not r.case_type}
    assert any(v["appeal_rate"][0] for v in court.values())
    assert any(v["case_to_matter_ratio"][0] != v["case_to_matter_ratio"][1] for v in court.values())


@pytest.mark.parametrize(
    "filters",
    [
        {"levels": (COURT,), "court_ids": [12]},
        {"levels": (JUDGE,), "court_ids": [11], "judge_ids": [1101, 1102]},
        {"levels": (DEPARTMENT,), "court_ids": [11, 13], "case_type": "民初"},
        {"levels": (COURT, JUDGE), "case_type": "执", "by_case_type": True},
    ],
)
def test_rolled_up_equals_direct_with_the_pages_filters(tmp_path, filters):
    store = _store(tmp_path, 7, size=1500)
    new = compute(period("2024"), store=store, **filters)
    old = compute(period("2024"), store=store, direct=True, **filters)
    assert new
    assert _same(new, old) == []


# Indicators of other shapes than the shipped ones: a count of a linked column, a sum of one
# under a linked condition, a sum without a filter, a holistic aggregate of a plain column.
EXTRA = INDICATORS + (
    Indicator("x1", "x1", "x1", "count", "count(chain_size) FILTER (WHERE root_in AND closed_in)",
              "sum(enforcement_claimed)"),
    Indicator("x2", "x2", "x2", "count", "sum(chain_size * 2) FILTER (WHERE root_in OR appeals_in > 0)",
              "sum(time_limit_days)"),
    Indicator("x3", "x3", "x3", "count", "quantile_cont(duration, 0.9) FILTER (WHERE closed_in)", None),
    Indicator("x4", "x4", "x4", "count", "sum(reversed_in) FILTER (WHERE closed_in)", "count(*)"),
)  # fmt: skip


def test_other_shapes_of_aggregate_roll_up_too(tmp_path):
    store = _store(tmp_path, 11, size=1500)
    assert rollup.rollable([i.numerator for i in EXTRA])
    for key in ("2024", "2022Q4"):
        new = compute(period(key), store=store, indicators=EXTRA, by_case_type=True)
        old = compute(period(key), store=store, indicators=EXTRA, by_case_type=True, direct=True)
        assert _same(new, old) == []


def test_a_holistic_aggregate_of_a_linked_column_is_computed_directly(tmp_path, monkeypatch):
    linked = Indicator("y", "y", "y", "count", "median(chain_size) FILTER (WHERE root_in)", None)
    assert not rollup.rollable([linked.numerator])
    assert rollup.rollable(["median(duration) FILTER (WHERE closed_in)"])
    store = _store(tmp_path, 5, size=600)

    def refuse(*args, **kwargs):
        raise AssertionError("rolled up an aggregate that does not add up")

    monkeypatch.setattr(rollup, "rows", refuse)
    results = compute(period("2024"), store=store, indicators=(linked,))
    assert any(r.values["y"][0] for r in results)


def test_the_held_cases_file_follows_the_store(tmp_path):
    store = _store(tmp_path, 13, size=800)
    first = compute(period("2024"), store=store)
    files = list((store.root / "links").glob("held-*.parquet"))
    assert len(files) == 1
    assert _same(compute(period("2024"), store=store), first) == []  # read back, same numbers
    # New appeals against cases of 2024 arrive (a partition of 2025): a new file, the old one
    # gone, and the appeals counted.
    appealed = [
        r for r in store.query_arrow("SELECT * FROM cases WHERE stage = 'first_instance'")
        .to_pylist() if r["filed_on"].year == 2024
    ][:30]  # fmt: skip
    new = [
        {**r, "case_number": f"(2025)苏01民终{i}号", "year": 2025, "province": "苏", "court": "苏01",
         "court_id": 13, "type_code": "民终", "stage": "second_instance", "judge_id": 1301,
         "filed_on": datetime.date(2024, 12, 30), "closed_on": None, "closing_method": None,
         "origin_case_number": r["case_number"]}
        for i, r in enumerate(appealed)
    ]  # fmt: skip
    store.write_partitions([pa.Table.from_pylist(new, schema=SCHEMA)])
    after = compute(period("2024"), store=store)
    assert [p.name for p in (store.root / "links").glob("held-*.parquet")] != [files[0].name]
    assert len(list((store.root / "links").glob("held-*.parquet"))) == 1
    assert _same(after, compute(period("2024"), store=store, direct=True)) == []
    court = {r.court_id: r.values for r in after if r.level == COURT and not r.case_type}
    before = {r.court_id: r.values for r in first if r.level == COURT and not r.case_type}
    assert sum(v["appeal_rate"][0] for v in court.values()) == sum(
        v["appeal_rate"][0] for v in before.values()
    ) + len(new)


def test_a_store_it_cannot_write_beside_is_computed_all_the_same(tmp_path, monkeypatch):
    store = _store(tmp_path, 17, size=500)
    (store.root / "links").write_text("not a directory")  # mkdir fails
    assert (
        _same(
            compute(period("2024"), store=store), compute(period("2024"), store=store, direct=True)
        )
        == []
    )
    assert (store.root / "links").read_text() == "not a directory"
