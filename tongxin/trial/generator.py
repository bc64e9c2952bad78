"""Synthetic cases with realistic shapes, for the demo and the benchmark.

Per basic court: civil first instance (民初, most of the intake, simple procedure for most),
criminal (刑初) and administrative (行初) first instance, enforcement (执, some 执恢, 执异);
durations drawn around the statutory limits (a few late, a few with excluded days or an
extended limit); closing methods by case type; judgments appealed to the parent intermediate
court (民终) with upheld / reversed / remanded / withdrawn outcomes; remanded cases tried
again (民初 with its origin); judgments enforced (执 with its origin, claimed and recovered
amounts); some cases filed the year before and still pending (long-pending).

`generate` yields columns in the store's schema (court and judge resolved); `import_rows`
turns them into the import format (Chinese headers, dates as text, methods in Chinese), which
`write_csv` / `write_parquet` write for the real import. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from tongxin.trial import caseno
from tongxin.trial.imports import METHOD_WORDS, PROCEDURE_WORDS

# (type code, share of a basic court's intake)
BASIC_MIX = (("民初", 0.56), ("刑初", 0.08), ("行初", 0.02), ("执", 0.28), ("执恢", 0.04), ("执异", 0.02))  # fmt: skip
INTERMEDIATE_MIX = (("民初", 0.25), ("刑初", 0.05), ("行初", 0.10), ("民申", 0.05), ("执", 0.55))  # fmt: skip
METHODS = {
    "民初": (
        ("judgment", 0.45),
        ("mediation", 0.25),
        ("withdrawal", 0.22),
        ("dismissal", 0.05),
        ("transferred", 0.03),
    ),  # fmt: skip
    "刑初": (("judgment", 0.95), ("withdrawal", 0.03), ("other", 0.02)),
    "行初": (("judgment", 0.55), ("withdrawal", 0.30), ("dismissal", 0.15)),
    "民终": (
        ("upheld", 0.78),
        ("reversed", 0.08),
        ("remanded", 0.03),
        ("appeal_withdrawn", 0.08),
        ("mediation", 0.03),
    ),  # fmt: skip
    "执": (("enforced", 0.40), ("terminated", 0.45), ("withdrawal", 0.10), ("other", 0.05)),
    "执恢": (("enforced", 0.35), ("terminated", 0.55), ("other", 0.10)),
    "执异": (("judgment", 0.70), ("withdrawal", 0.30)),
    "民申": (("judgment", 0.90), ("withdrawal", 0.10)),
}
APPEAL_SHARE = 0.14  # of first-instance judgments
ENFORCE_SHARE = 0.30  # of civil judgments and mediations
LONG_PENDING_SHARE = 0.01  # filed the year before, still pending


@dataclass(frozen=True)
class Judge:
    id: int
    staff_number: str
    department: str


@dataclass(frozen=True)
class Court:
    id: int
    code: str
    level: str
    parent: str | None  # the parent court's code (appeals go there)


def _pick(rng: random.Random, mix) -> str:
    x, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if x < total:
            return value
    return mix[-1][0]


class _Numbers:
    def __init__(self):
        self.next = defaultdict(int)

    def take(self, year: int, court: str, code: str) -> str:
        self.next[(year, court, code)] += 1
        return f"({year}){court}{code}{self.next[(year, court, code)]}号"


class Generator:
    def __init__(self, courts: list[Court], judges: dict[str, list[Judge]], *, seed: int = 1):
        self.courts = {c.code: c for c in courts if judges.get(c.code)}
        self.judges = judges
        self.rng = random.Random(seed)
        self.numbers = _Numbers()

    def _case(self, court: Court, code: str, filed: datetime.date, *, origin=None, end):
        rng = self.rng
        judge = rng.choice(self.judges[court.code])
        kind = caseno.case_types()[code]
        procedure = "ordinary"
        if code == "民初":
            procedure = _pick(rng, (("simple", 0.6), ("small_claims", 0.1), ("ordinary", 0.3)))
        limit = caseno.statutory_limit(code, procedure) or 180
        extended = limit
        if rng.random() < 0.04:
            extended = limit + 90  # an approved extension
        excluded = rng.choice((15, 30, 60)) if rng.random() < 0.06 else 0
        # Durations around the limit: most well within, a tail beyond it.
        duration = int(rng.lognormvariate(0, 0.55) * limit * 0.45) + 1
        closed = filed + datetime.timedelta(days=duration)
        method = None
        if closed > end:
            closed = None
        else:
            method = _pick(rng, METHODS.get(code, (("judgment", 1.0),)))
        claimed = recovered = None
        if kind.category == "enforcement" and code != "执异":
            claimed = round(rng.lognormvariate(10.5, 1.3), 2)
            if method == "enforced":
                recovered = claimed
            elif closed is not None:
                recovered = round(claimed * rng.random() * 0.5, 2)
        return {
            "case_number": self.numbers.take(filed.year, court.code, code),
            "year": filed.year,
            "province": "最高法" if court.code == "最高法" else court.code[0],
            "court": court.code,
            "court_id": court.id,
            "type_code": code,
            "category": kind.category,
            "stage": kind.stage,
            "filed_on": filed,
            "closed_on": closed,
            "closing_method": method,
            "judge": judge.staff_number,
            "judge_id": judge.id,
            "department": judge.department,
            "procedure": procedure,
            "time_limit_days": extended,
            "excluded_days": excluded,
            "origin_case_number": origin,
            "enforcement_claimed": claimed,
            "enforcement_recovered": recovered,
            "batch_id": 0,
        }

    def generate(self, *, year: int, cases: int) -> Iterator[dict]:
        """About `cases` cases filed in `year` (plus their derived cases that year)."""
        rng = self.rng
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        courts = list(self.courts.values())
        weights = [3.0 if c.level == "basic" else 1.0 for c in courts]
        made = 0
        while made < cases:
            court = rng.choices(courts, weights)[0]
            mix = BASIC_MIX if court.level == "basic" else INTERMEDIATE_MIX
            code = _pick(rng, mix)
            if rng.random() < LONG_PENDING_SHARE:
                filed = datetime.date(year - 1, rng.randint(1, 12), rng.randint(1, 28))
                case = self._case(court, code, filed, end=datetime.date(year - 1, 1, 1))
                case.update(closed_on=None, closing_method=None, enforcement_recovered=None)
            else:
                filed = start + datetime.timedelta(days=rng.randint(0, 364))
                case = self._case(court, code, filed, end=end)
            yield case
            made += 1
            made += yield from self._derived(case, end)

    def _derived(self, case: dict, end: datetime.date):
        """Appeals, retrials after a remand, enforcement of judgments (returns their count)."""
        rng, made = self.rng, 0
        closed = case["closed_on"]
        if closed is None or case["stage"] != "first_instance":
            return 0
        court = self.courts[case["court"]]
        parent = self.courts.get(court.parent or "")
        if case["closing_method"] == "judgment" and parent and rng.random() < APPEAL_SHARE:
            filed = closed + datetime.timedelta(days=rng.randint(15, 40))
            if filed <= end:
                code = {"刑初": "刑终", "行初": "行终"}.get(case["type_code"], "民终")
                appeal = self._case(parent, code, filed, origin=case["case_number"], end=end)
                yield appeal
                made += 1
                if appeal["closing_method"] == "remanded":
                    refiled = appeal["closed_on"] + datetime.timedelta(days=rng.randint(10, 30))
                    if refiled <= end:
                        yield self._case(
                            court, case["type_code"], refiled, origin=appeal["case_number"], end=end
                        )
                        made += 1
                return made
        if (
            case["type_code"] == "民初"
            and case["closing_method"] in ("judgment", "mediation")
            and rng.random() < ENFORCE_SHARE
        ):
            filed = closed + datetime.timedelta(days=rng.randint(30, 120))
            if filed <= end:
                yield self._case(court, "执", filed, origin=case["case_number"], end=end)
                made += 1
        return made


# The import format ----------------------------------------------------------------------

HEADERS = ("案号", "立案日期", "结案日期", "结案方式", "承办法官", "承办部门", "适用程序",
           "审限天数", "扣除审限天数", "原审案号", "申请执行标的", "执行到位金额")  # fmt: skip


def _text(value) -> str:
    return "" if value is None else str(value)


def import_rows(cases, *, date_styles: bool = True) -> Iterator[list[str]]:
    """Cases as rows of the import format (every accepted date form, when date_styles)."""
    for index, case in enumerate(cases):
        filed = case["filed_on"]
        if date_styles and index % 7 == 3:
            filed_text = f"{filed.year}/{filed.month}/{filed.day}"
        elif date_styles and index % 11 == 5:
            filed_text = f"{filed.year}年{filed.month}月{filed.day}日"
        else:
            filed_text = filed.isoformat()
        yield [
            case["case_number"],
            filed_text,
            _text(case["closed_on"]),
            METHOD_WORDS[case["closing_method"]][0] if case["closing_method"] else "",
            case["judge"],
            case["department"] or "",
            PROCEDURE_WORDS[case["procedure"]][0],
            _text(case["time_limit_days"]),
            _text(case["excluded_days"] or ""),
            _text(case["origin_case_number"]),
            _text(case["enforcement_claimed"]),
            _text(case["enforcement_recovered"]),
        ]


def write_csv(path, cases, *, encoding: str = "utf-8") -> int:
    count = 0
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for values in import_rows(cases):
            writer.writerow(values)
            count += 1
    return count


def write_parquet(path, cases, *, block: int = 200_000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.string()) for name in HEADERS])
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        rows = []
        for values in import_rows(cases, date_styles=False):
            rows.append(values)
            if len(rows) >= block:
                writer.write_table(pa.table(list(zip(*rows, strict=True)), schema=schema))
                count += len(rows)
                rows = []
        if rows:
            writer.write_table(pa.table(list(zip(*rows, strict=True)), schema=schema))
            count += len(rows)
    return count


def from_database(*, court_ids=None) -> Generator:
    """A generator over the courts and judges in the database (the demo)."""
    from tongxin.orgs.models import Court as CourtModel
    from tongxin.people.models import Person

    courts = CourtModel.objects.filter(code__isnull=False, is_active=True)
    if court_ids is not None:
        courts = courts.filter(pk__in=court_ids)
    parents = dict(CourtModel.objects.filter(code__isnull=False).values_list("pk", "code"))
    rows = [
        Court(pk, code, level, parents.get(parent_id))
        for pk, code, level, parent_id in courts.values_list("pk", "code", "level", "parent_id")
        if level in ("basic", "intermediate", "high")
    ]
    judges: dict[str, list[Judge]] = defaultdict(list)
    people = Person.objects.filter(
        category=Person.Category.JUDGE, is_active=True, court__in=courts
    ).values_list("pk", "staff_number", "court__code", "department__name_zh")
    for pk, staff, code, department in people.order_by("pk"):
        judges[code].append(Judge(pk, staff, department or ""))
    return Generator(rows, dict(judges))
