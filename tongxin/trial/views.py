"""Trial-quality pages: the health check (体检表) of a court and of a judge, the cases behind
any number, long-pending cases, a dispute's chain. No page ranks courts or judges
(domain.md section 9): distributions are shown in name order."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court
from tongxin.people.scope import own_person
from tongxin.trial import selectors
from tongxin.trial.caseno import case_types
from tongxin.trial.compute import COURT, DEPARTMENT, JUDGE
from tongxin.trial.indicators import BY_CODE, GROUPS, INDICATORS
from tongxin.trial.models import Judge
from tongxin.trial.scope import own_judge_id

PAGE = 50


def _filters(request) -> dict:
    """The period, case type and indicator a page shows (bad values fall back to defaults)."""
    chosen = selectors.parse_period(request.GET.get("period"))
    key = chosen.key if chosen else selectors.default_period()
    case_type = request.GET.get("case_type") or ""
    if case_type not in case_types():
        case_type = ""
    code = request.GET.get("code") or "closure_rate"
    if code not in BY_CODE:
        code = "closure_rate"
    return {"period": key, "case_type": case_type, "code": code}


def _grouped(rows) -> list:
    return [
        (GROUPS[group], [row for row in rows if row.group == group])
        for group in GROUPS
        if any(row.group == group for row in rows)
    ]


def _common(filters) -> dict:
    return {
        **filters,
        "indicator": BY_CODE[filters["code"]],
        "indicators": INDICATORS,
        "type_codes": ["民初", "民终", "刑初", "刑终", "行初", "行终", "执", "执恢", "执异", "民申", "民再"],
    }  # fmt: skip


@requires(Perm.TRIAL_VIEW)
def index(request):
    """The courts whose health check the user may open (in tree order, not ranked)."""
    scope = scope_for(request.user)
    courts = (
        scope.visible(Court, Perm.TRIAL_VIEW)
        .filter(is_active=True, code__isnull=False)
        .only("pk", "code", "name_zh", "name_en", "level", "path")
    )
    page = Paginator(courts, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trial/index.html",
        {"page": page, "can_import": scope.has(Perm.TRIAL_IMPORT) and scope.has(Perm.IMPORT_RUN)},
    )


@requires(Perm.TRIAL_VIEW, Court)
def health(request, court):
    filters = _filters(request)
    values = selectors.values_for(
        court_id=court.pk, period_key=filters["period"], case_type=filters["case_type"]
    )
    rows = selectors.shown(values, court.level)
    return render(
        request,
        "trial/health.html",
        {
            **_common(filters),
            "court": court,
            "groups": _grouped(rows),
            "computed": bool(values),
        },
    )


@requires(Perm.TRIAL_VIEW, Court)
def chart(request, court, kind: str):
    """JSON for charts.js: the trend of an indicator over the year's months, or its
    distribution over the court's departments or judges (name order)."""
    filters = _filters(request)
    item = BY_CODE[filters["code"]]
    if kind == "trend":
        year = int(filters["period"][:4])
        series = selectors.trend(court_id=court.pk, codes=[item.code], year=year)[item.code]
        labels, data = [key for key, _v in series], [_round(v) for _k, v in series]
        title = _("%(name)s by month") % {"name": item.name}
    else:
        level = DEPARTMENT if kind == "departments" else JUDGE
        pairs = selectors.distribution(
            court_id=court.pk, period_key=filters["period"], code=item.code, level=level
        )
        labels, data = [label for label, _v in pairs], [_round(v) for _l, v in pairs]
        title = (_("%(name)s by department") if level == DEPARTMENT else _("%(name)s by judge")) % {
            "name": item.name
        }
    return JsonResponse(
        {
            "title": title,
            "kind": "bar",
            "labels": labels,
            "series": [{"name": item.name, "data": data}],
        }
    )


def _round(value):
    return None if value is None else round(value, 4)


def _case_page(request, *, court_code: str, judge: str | None, filters: dict):
    number = request.GET.get("page") or "1"
    page = int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1
    department = (request.GET.get("department") or "")[:100] or None
    total, cases = selectors.cases_behind(
        court_code=court_code,
        period_key=filters["period"],
        code=filters["code"],
        judge=judge,
        department=department,
        case_type=filters["case_type"] or None,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    return {
        "cases": cases,
        "total": total,
        "page_number": page,
        "has_next": page * PAGE < total,
        "department": department or "",
    }


@requires(Perm.TRIAL_VIEW, Court)
def cases(request, court):
    filters = _filters(request)
    context = _case_page(request, court_code=court.code or "", judge=None, filters=filters)
    return render(
        request, "trial/cases.html", {**_common(filters), **context, "court": court, "judge": None}
    )


@requires(Perm.TRIAL_VIEW, Court)
def pending(request, court):
    months = 12 if request.GET.get("months") != "18" else 18
    rows = selectors.long_pending(
        court_code=court.code or "", as_of=datetime.date.today(), months=months
    )
    return render(request, "trial/pending.html", {"court": court, "rows": rows, "months": months})


@requires(Perm.TRIAL_VIEW, Judge)
def judge(request, judge):
    filters = _filters(request)
    values = selectors.values_for(
        court_id=judge.court_id,
        period_key=filters["period"],
        level=JUDGE,
        judge_id=judge.pk,
        case_type=filters["case_type"],
    )
    rows = selectors.shown(values, judge.court.level, judge=True)
    pending_rows = selectors.long_pending(
        court_code=judge.court.code or "", as_of=datetime.date.today(), judge=judge.staff_number
    )
    return render(
        request,
        "trial/judge.html",
        {
            **_common(filters),
            "judge": judge,
            "groups": _grouped(rows),
            "computed": bool(values),
            "rows": pending_rows,
        },
    )


@requires(Perm.TRIAL_VIEW, Judge)
def judge_cases(request, judge):
    filters = _filters(request)
    context = _case_page(
        request, court_code=judge.court.code or "", judge=judge.staff_number, filters=filters
    )
    return render(
        request,
        "trial/cases.html",
        {**_common(filters), **context, "court": judge.court, "judge": judge},
    )


@requires(signed_in=True)
def mine(request):
    """A judge's own health check; anyone else is told there is none."""
    person = own_person(scope_for(request.user))
    if person is not None:
        return redirect("trial:judge", pk=person.pk)
    return render(request, "trial/mine.html", {})


def visible_chain(scope, chain: list[dict]) -> list[dict]:
    """The cases of a chain this user may see: their court subtree (trial.view), or their own."""
    paths = scope.court_paths(Perm.TRIAL_VIEW)
    ids = {row["court_id"] for row in chain}
    court_paths = dict(Court.objects.filter(pk__in=ids).values_list("pk", "path")) if ids else {}
    own = own_judge_id(scope)
    return [
        row
        for row in chain
        if any(court_paths.get(row["court_id"], "").startswith(p) for p in paths)
        or (own is not None and row["judge_id"] == own)
    ]


@requires(signed_in=True)
def case(request):
    """Look a case up by its number and show its dispute's chain (the cases the user may see)."""
    number = (request.GET.get("number") or "").strip()[:60]
    chain, found = [], None
    if number:
        scope = scope_for(request.user)
        chain = visible_chain(scope, selectors.case_chain(number))
        from tongxin.trial.caseno import canonical

        key = canonical(number)
        found = next((row for row in chain if row["case_number"] == key), None)
        if found is None:
            chain = []
    return render(
        request,
        "trial/case.html",
        {"number": number, "chain": chain, "found": found, "derived": max(len(chain) - 1, 0)},
    )


__all__ = ["COURT"]
