"""API: indicator values, case lookup with its chain, case-import status; scoped like the
pages (trial.view on the court subtree; a judge their own values and cases)."""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from tongxin.api.common import ERRORS, Id, Text
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court
from tongxin.trial import selectors
from tongxin.trial.caseno import case_types
from tongxin.trial.compute import COURT, DEPARTMENT, JUDGE
from tongxin.trial.models import Judge
from tongxin.trial.views import visible_chain

router = Router(tags=["trial quality"])


class ValueOut(Schema):
    code: str
    value: float | None = Field(description="None: a zero denominator (no value).")
    numerator: float | None
    denominator: float | None
    range: list | None = Field(description="[low, high] for the court's level; null = open.")
    within_range: bool | None


class IndicatorsOut(Schema):
    court: str
    period: str
    level: str
    department: str
    judge: str | None
    case_type: str
    values: list[ValueOut]


class IndicatorQuery(Schema):
    period: Text = Field("", description="2024, 2024Q3 or 2024-07 (default: the latest year).")
    department: Text = Field("", description="A department (its name as imported).")
    case_type: Text = Field("", description="A case-type code, e.g. 民初.")


def _query(query: IndicatorQuery) -> str:
    if query.period and selectors.parse_period(query.period) is None:
        raise ApplicationError("period: 2024, 2024Q3 or 2024-07")
    if query.case_type and query.case_type not in case_types():
        raise ApplicationError("case_type: not a case-type code")
    return selectors.parse_period(query.period).key if query.period else selectors.default_period()


def _answer(court, key, level, query, *, judge=None) -> dict:
    values = selectors.values_for(
        court_id=court.pk,
        period_key=key,
        level=level,
        department=query.department,
        judge_id=judge.pk if judge else None,
        case_type=query.case_type,
    )
    rows = selectors.shown(values, court.level, judge=level == JUDGE)
    return {
        "court": court.code or "",
        "period": key,
        "level": level,
        "department": query.department if level == DEPARTMENT else "",
        "judge": judge.staff_number if judge else None,
        "case_type": query.case_type,
        "values": [row.as_dict for row in rows],
    }


@router.get("/trial/courts/{court_id}/indicators", response={200: IndicatorsOut, **ERRORS})
def court_indicators(request, court_id: Id, query: Query[IndicatorQuery]):
    """Indicator values of a court (or, with `department`, one of its departments)."""
    key = _query(query)
    court = scope_for(request.user).get(Court, court_id, Perm.TRIAL_VIEW)
    return _answer(court, key, DEPARTMENT if query.department else COURT, query)


@router.get("/trial/judges/{judge_id}/indicators", response={200: IndicatorsOut, **ERRORS})
def judge_indicators(request, judge_id: Id, query: Query[IndicatorQuery]):
    """Indicator values of a judge (a judge may read their own)."""
    key = _query(query)
    judge = scope_for(request.user).get(Judge, judge_id, Perm.TRIAL_VIEW)
    query.department = ""
    return _answer(judge.court, key, JUDGE, query, judge=judge)


class CaseOut(Schema):
    case_number: str
    court: str
    type_code: str
    stage: str
    filed_on: datetime.date
    closed_on: datetime.date | None
    closing_method: str | None
    judge: str
    department: str | None
    origin_case_number: str | None
    depth: int = Field(description="Steps from the dispute's first case.")


class ChainOut(Schema):
    case: CaseOut
    chain: list[CaseOut] = Field(description="The dispute's cases the caller may see.")
    derived_cases: int


@router.get("/trial/cases/{number}", response={200: ChainOut, **ERRORS})
def case_lookup(request, number: str):
    """A case by its number (any bracket width), with its dispute's chain."""
    scope = scope_for(request.user)
    chain = visible_chain(scope, selectors.case_chain(number[:60]))
    from tongxin.trial.caseno import canonical

    key = canonical(number[:60])
    found = next((row for row in chain if row["case_number"] == key), None)
    if found is None:
        raise NotFound("not found")
    return {"case": found, "chain": chain, "derived_cases": len(chain) - 1}


class ImportOut(Schema):
    id: int
    status: str
    file_name: str
    accepted: int
    rejected: int
    progress: dict | None
    failure: str


@router.get("/trial/imports/{batch_id}", response={200: ImportOut, **ERRORS})
def import_status(request, batch_id: Id):
    """A case import's status and progress (the caller's own imports)."""
    from tongxin.transfer.models import ImportBatch
    from tongxin.transfer.services import import_progress

    scope = scope_for(request.user)
    scope.require(Perm.TRIAL_IMPORT)
    batch = ImportBatch.objects.filter(pk=batch_id, user=request.user, kind="cases").first()
    if batch is None:
        raise NotFound("not found")
    return {
        "id": batch.pk,
        "status": batch.status,
        "file_name": batch.file_name,
        "accepted": batch.created_count,
        "rejected": batch.rejected_count,
        "progress": import_progress(batch) or None,
        "failure": batch.failure or "",
    }
