"""A vectorised case generator for large benchmark files (tens of millions of rows).

Same shapes as `generator.Generator` (the demo's and the tests' generator, which stays: it is
deterministic row by row and small files go through the real import): the type mixes by court
level, procedures, durations around the statutory limits with extensions and excluded days,
closing methods by type, long-pending cases filed the year before, appeals of first-instance
judgments to the parent court with their outcomes, retrials after a remand, enforcement of
civil judgments and mediations with claimed and recovered amounts. Drawn with numpy one
family of courts (an intermediate court and its basic courts: appeals stay inside) at a time,
so memory is bounded by a chunk, and written in the import format (`generator.HEADERS`, every
cell text) as Parquet or as CSV in any encoding. The random stream is not the row generator's:
the same seed gives the same file here, not the same cases as there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tongxin.trial import caseno
from tongxin.trial.generator import (
    APPEAL_SHARE,
    BASIC_MIX,
    ENFORCE_SHARE,
    HEADERS,
    INTERMEDIATE_MIX,
    LONG_PENDING_SHARE,
    METHODS,
)
from tongxin.trial.imports import METHOD_WORDS, PROCEDURE_WORDS

CODES = ("民初", "刑初", "行初", "执", "执恢", "执异", "民申", "民终", "刑终", "行终")
_C = {code: i for i, code in enumerate(CODES)}
PROCEDURES = ("ordinary", "simple", "small_claims")
METHOD_NAMES = tuple(METHOD_WORDS)
_M = {name: i for i, name in enumerate(METHOD_NAMES)}
_DERIVED = 1.07  # about this many rows per drawn case once appeals, retrials, enforcement added
_EPOCH = datetime.date(1970, 1, 1)


def _day(date: datetime.date) -> int:
    return (date - _EPOCH).days


def _mix_table(mix) -> tuple[np.ndarray, np.ndarray]:
    return np.array([_C[c] for c, _ in mix]), np.cumsum([s for _, s in mix])


def _pick(rng, cumulative: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"),
                      len(cumulative) - 1)  # fmt: skip


_LIMITS = np.array(
    [[caseno.statutory_limit(c, p) or 180 for p in PROCEDURES] for c in CODES], np.int32
)
_METHOD_TABLES = [
    (np.array([_M[m] for m, _ in METHODS.get(c, (("judgment", 1.0),))]),
     np.cumsum([s for _, s in METHODS.get(c, (("judgment", 1.0),))]))
    for c in CODES
]  # fmt: skip
_ENFORCEMENT = np.array([caseno.case_types()[c].category == "enforcement" and c != "执异"
                         for c in CODES])  # fmt: skip
_FIRST = np.array([caseno.case_types()[c].stage == "first_instance" for c in CODES])


class _Rows:
    """Columns of the cases of one chunk, as numpy arrays (court: index into the chunk's
    courts; dates as days since 1970; -1 / NaN for none; origin: a row index or -1)."""

    NAMES = ("court", "code", "year", "filed", "closed", "method", "judge", "procedure",
             "limit", "excluded", "claimed", "recovered", "origin")  # fmt: skip

    def __init__(self, **columns):
        self.__dict__.update(columns)

    def __len__(self) -> int:
        return len(self.code)

    @classmethod
    def concat(cls, parts: list[_Rows]) -> _Rows:
        # origins are row indices in the whole chunk already
        columns = {n: np.concatenate([getattr(p, n) for p in parts]) for n in cls.NAMES}
        return cls(**columns)


def _cases(rng, court, code, filed, end_day, judges_of, *, origin=None) -> _Rows:
    """Draw the attributes of cases with these courts, codes and filing days."""
    n = len(code)
    procedure = np.zeros(n, np.int8)
    civil = code == _C["民初"]
    procedure[civil] = np.array([1, 2, 0])[_pick(rng, np.cumsum([0.6, 0.1, 0.3]), int(civil.sum()))]
    limit = _LIMITS[code, procedure]
    extended = np.where(rng.random(n) < 0.04, limit + 90, limit).astype(np.int32)
    excluded = np.where(rng.random(n) < 0.06, rng.choice([15, 30, 60], n), 0).astype(np.int32)
    duration = (rng.lognormal(0, 0.55, n) * limit * 0.45).astype(np.int64) + 1
    closed = filed + duration
    closed = np.where(closed > end_day, -1, closed)
    method = np.full(n, -1, np.int16)
    for index, (names, cumulative) in enumerate(_METHOD_TABLES):
        rows = np.flatnonzero((code == index) & (closed >= 0))
        if len(rows):
            method[rows] = names[_pick(rng, cumulative, len(rows))]
    claimed = np.where(_ENFORCEMENT[code], np.round(rng.lognormal(10.5, 1.3, n), 2), np.nan)
    recovered = np.where(
        method == _M["enforced"], claimed,
        np.where(closed >= 0, np.round(claimed * rng.random(n) * 0.5, 2), np.nan),
    )  # fmt: skip
    counts, offsets = judges_of
    judge = offsets[court] + (rng.random(n) * counts[court]).astype(np.int64)
    year = filed.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    return _Rows(
        court=court, code=code, year=year.astype(np.int32), filed=filed, closed=closed,
        method=method, judge=judge, procedure=procedure, limit=extended, excluded=excluded,
        claimed=claimed, recovered=recovered,
        origin=np.full(n, -1, np.int64) if origin is None else origin,
    )  # fmt: skip


def _chunk(rng, courts, counts, parents, judges_of, year: int) -> _Rows:
    """The cases of a family of courts: `counts[i]` drawn cases at court i, plus derived."""
    start, end = _day(datetime.date(year, 1, 1)), _day(datetime.date(year, 12, 31))
    court = np.repeat(np.arange(len(courts)), counts)
    n = len(court)
    code = np.empty(n, np.int64)
    basic = np.array([c.level == "basic" for c in courts])[court]
    for mask, mix in ((basic, BASIC_MIX), (~basic, INTERMEDIATE_MIX)):
        names, cumulative = _mix_table(mix)
        code[mask] = names[_pick(rng, cumulative, int(mask.sum()))]
    filed = start + rng.integers(0, 365, n)
    pending = rng.random(n) < LONG_PENDING_SHARE
    previous = np.array([_day(datetime.date(year - 1, m, 1)) for m in range(1, 13)])
    filed[pending] = previous[rng.integers(0, 12, int(pending.sum()))] + rng.integers(
        0, 28, int(pending.sum())
    )
    base = _cases(rng, court, code, filed, end, judges_of)
    base.closed[pending], base.method[pending] = -1, -1
    base.recovered[pending] = np.nan
    parts = [base]
    judged = _FIRST[base.code] & (base.closed >= 0) & (base.method == _M["judgment"])
    appeal = np.flatnonzero(judged & (parents[base.court] >= 0) & (rng.random(n) < APPEAL_SHARE))
    appeal_filed = base.closed[appeal] + rng.integers(15, 41, len(appeal))
    appeal = appeal[appeal_filed <= end]
    appeals = None
    if len(appeal):
        up = {_C["刑初"]: _C["刑终"], _C["行初"]: _C["行终"]}
        appeal_code = np.array([up.get(c, _C["民终"]) for c in base.code[appeal]], np.int64)
        appeals = _cases(rng, parents[base.court[appeal]], appeal_code,
                         appeal_filed[appeal_filed <= end], end, judges_of, origin=appeal)  # fmt: skip
        parts.append(appeals)
        remanded = np.flatnonzero(appeals.method == _M["remanded"])
        again = appeals.closed[remanded] + rng.integers(10, 31, len(remanded))
        keep = again <= end
        if keep.any():
            first = appeal[remanded[keep]]
            parts.append(_cases(rng, base.court[first], base.code[first], again[keep], end,
                                judges_of, origin=n + remanded[keep]))  # fmt: skip
    enforce = (
        (base.code == _C["民初"])
        & np.isin(base.method, [_M["judgment"], _M["mediation"]])
        & (rng.random(n) < ENFORCE_SHARE)
    )
    enforce[appeal] = False
    rows = np.flatnonzero(enforce)
    enforce_filed = base.closed[rows] + rng.integers(30, 121, len(rows))
    rows = rows[enforce_filed <= end]
    if len(rows):
        parts.append(_cases(rng, base.court[rows], np.full(len(rows), _C["执"]),
                            enforce_filed[enforce_filed <= end], end, judges_of, origin=rows))  # fmt: skip
    return _Rows.concat(parts)


def _numbers(rows: _Rows, court_codes: np.ndarray) -> pa.Array:
    """'(year)court type serial号', serials counting up by filing day per year, court, type."""
    key = (rows.year.astype(np.int64) * 4096 + rows.court) * 16 + rows.code
    order = np.lexsort((rows.filed, key))
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1]
    run = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    serial = np.empty(len(order), np.int64)
    serial[order] = run + 1
    return pc.binary_join_element_wise(
        "(", pa.array(rows.year).cast(pa.string()), ")", pa.array(court_codes[rows.court]),
        pa.array(np.array(CODES, object)[rows.code]), pa.array(serial).cast(pa.string()), "号",
        "",
    )  # fmt: skip


def _text(values: pa.Array) -> pa.Array:
    return pc.fill_null(values.cast(pa.string()), "")


def _dates(days: np.ndarray) -> pa.Array:
    dates = pa.array(np.where(days >= 0, days, 0).astype(np.int32)).cast(pa.date32())
    return _text(pc.if_else(pa.array(days >= 0), dates, pa.nulls(len(days), pa.date32())))


def _table(rows: _Rows, courts, staff, departments, rng) -> pa.Table:
    codes = np.array([c.code for c in courts], object)
    number = _numbers(rows, codes)
    origin = pc.if_else(pa.array(rows.origin >= 0), pc.take(number, np.maximum(rows.origin, 0)),
                        pa.nulls(len(rows), pa.string()))  # fmt: skip
    method_text = np.array([METHOD_WORDS[m][0] for m in METHOD_NAMES] + [""], object)
    procedure_text = np.array([PROCEDURE_WORDS[p][0] for p in PROCEDURES], object)
    columns = [
        number,
        _dates(rows.filed),
        _dates(rows.closed),
        pa.array(method_text[rows.method]),
        pa.array(staff[rows.judge]),
        pa.array(departments[rows.judge]),
        pa.array(procedure_text[rows.procedure]),
        _text(pa.array(rows.limit)),
        pc.if_else(pa.array(rows.excluded > 0), pa.array(rows.excluded).cast(pa.string()), ""),
        _text(origin),
        _text(pa.array(rows.claimed, from_pandas=True)),
        _text(pa.array(rows.recovered, from_pandas=True)),
    ]
    table = pa.table(columns, names=list(HEADERS))
    return table.take(rng.permutation(len(table)))  # an export is not in any useful order


def tables(courts, judges: dict, *, year: int, cases: int, seed: int = 1, chunk=1_000_000):
    """Yield import-format tables of about `cases` cases (plus derived) filed in `year`."""
    rng = np.random.default_rng(seed)
    courts = [c for c in courts if judges.get(c.code)]
    families = defaultdict(list)
    codes = {c.code for c in courts}
    for court in courts:
        head = court.parent if court.parent in codes else court.code
        families[head].append(court)
    weights = np.array([3.0 if c.level == "basic" else 1.0 for c in courts])
    drawn = rng.multinomial(int(cases / _DERIVED), weights / weights.sum())
    per_court = dict(zip((c.code for c in courts), drawn, strict=True))
    group, size = [], 0
    for members in families.values():
        group += members
        size += sum(per_court[c.code] for c in members)
        if size >= chunk:
            yield _family_table(rng, group, per_court, judges, year)
            group, size = [], 0
    if group:
        yield _family_table(rng, group, per_court, judges, year)


def _family_table(rng, courts, per_court, judges, year) -> pa.Table:
    index = {c.code: i for i, c in enumerate(courts)}
    parents = np.array([index.get(c.parent, -1) if c.parent else -1 for c in courts])
    people = [judges[c.code] for c in courts]
    counts = np.array([len(p) for p in people])
    offsets = np.r_[0, np.cumsum(counts)[:-1]]
    staff = np.array([j.staff_number for p in people for j in p], object)
    departments = np.array([j.department or "" for p in people for j in p], object)
    rows = _chunk(rng, courts, np.array([per_court[c.code] for c in courts]), parents,
                  (counts, offsets), year)  # fmt: skip
    return _table(rows, courts, staff, departments, rng)


def write_parquet(path, courts, judges, *, year: int, cases: int, seed: int = 1) -> int:
    schema = pa.schema([(name, pa.string()) for name in HEADERS])
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for table in tables(courts, judges, year=year, cases=cases, seed=seed):
            writer.write_table(table.cast(schema), row_group_size=256_000)
            count += table.num_rows
    return count


def write_csv(path, courts, judges, *, year: int, cases: int, seed=1, encoding="gbk") -> int:
    """The same cases as CSV (dates in the three written forms, as `generator.write_csv`)."""
    import csv

    import pyarrow.csv as pa_csv

    count = 0
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerow(HEADERS)
        for table in tables(courts, judges, year=year, cases=cases, seed=seed):
            filed = table.column(1).to_numpy(zero_copy_only=False)
            index = np.arange(count, count + len(filed))
            dates = pa.array(filed).cast(pa.date32())
            slash = pc.strftime(dates, "%Y/%m/%d").to_numpy(zero_copy_only=False)
            slash = np.char.replace(slash.astype(str), "/0", "/")
            year_text = pc.strftime(dates, "%Y").to_numpy(zero_copy_only=False).astype(str)
            month = pc.month(dates).to_numpy().astype(str)
            day = pc.day(dates).to_numpy().astype(str)
            chinese = np.char.add(np.char.add(np.char.add(year_text, "年"),
                                              np.char.add(month, "月")), np.char.add(day, "日"))  # fmt: skip
            filed = np.where(index % 7 == 3, slash, np.where(index % 11 == 5, chinese, filed))
            table = table.set_column(1, HEADERS[1], pa.array(filed.astype(object)))
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(
                table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="needed")
            )
            handle.write(sink.getvalue().to_pybytes().decode("utf-8"))
            count += table.num_rows
    return count
