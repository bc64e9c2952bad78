"""Reads of the appraisal: a cycle's current results with the committee's word, a person's
own results and their explanation, a rater's own sheet."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from tongxin.core.exceptions import NotFound
from tongxin.evaluation import grading
from tongxin.evaluation.ballots import MIN_GROUP
from tongxin.evaluation.models import (
    Computation,
    Cycle,
    Override,
    RaterAssignment,
    RaterSheet,
    Result,
)


def own_person(user):
    from tongxin.core.scoping import scope_for
    from tongxin.people.scope import own_person as own

    return own(scope_for(user))


def with_final(results):
    """Annotate `override_grade` (the committee's latest word, or None) and
    `override_reason`: one subquery each, whatever the number of results."""
    latest = Override.objects.filter(result=OuterRef("pk")).order_by("-id")
    return results.annotate(
        override_grade=Subquery(latest.values("grade")[:1]),
        override_reason=Subquery(latest.values("reason")[:1]),
    )


def final_of(result) -> str:
    overridden = getattr(result, "override_grade", None)
    return result.grade if overridden is None else overridden


def final_grade_map(results) -> dict[int, str]:
    return {r.pk: final_of(r) for r in with_final(results).only("pk", "grade")}


def latest_computation(cycle: Cycle) -> Computation | None:
    return cycle.computations.order_by("-id").first()


def cycle_results(cycle: Cycle):
    run = latest_computation(cycle)
    if run is None:
        return Result.objects.none()
    return with_final(Result.objects.filter(computation=run)).select_related("person")


def unresolved_ties(cycle: Cycle) -> int:
    return sum(
        1 for r in cycle_results(cycle).filter(status=grading.TIE) if r.override_grade is None
    )


def final_grades(person_ids, year: int) -> dict[int, str]:
    """Each person's final grade in the final cycles of a year (latest computation)."""
    runs = Computation.objects.filter(cycle__year=year, cycle__status=Cycle.Status.FINAL)
    latest = runs.filter(cycle=OuterRef("cycle")).order_by("-id").values("pk")[:1]
    rows = with_final(
        Result.objects.filter(person_id__in=list(person_ids), computation_id=Subquery(latest))
    )
    return {r.person_id: final_of(r) for r in rows}


def own_results(user):
    """The user's published or final results (latest computation of each cycle)."""
    person = own_person(user)
    if person is None:
        return Result.objects.none()
    latest = Computation.objects.filter(cycle=OuterRef("cycle")).order_by("-id").values("pk")[:1]
    return with_final(
        Result.objects.filter(
            person=person,
            computation_id=Subquery(latest),
            cycle__status__in=[Cycle.Status.PUBLISHED, Cycle.Status.FINAL],
        )
    ).select_related("cycle")


def own_result(user, pk) -> Result:
    found = own_results(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("not found")
    return found


def _labels(nodes, out):
    for node in nodes:
        out[node["code"]] = node
        _labels(node.get("children") or [], out)
    return out


def explain(result: Result) -> dict:
    """Why a person got their grade: each criterion (weight, score, the source record it was
    scored on, whether it was left out), the vetoes, the committee's word. Rater groups
    with fewer than MIN_GROUP raters are not shown separately: they are merged, and the
    merged figure is shown only if it holds MIN_GROUP raters."""
    scheme = result.scheme
    nodes = _labels(scheme.get("tree") or [], {})
    rules = {r["code"]: r for r in scheme.get("rules") or []}
    criteria = result.criteria
    rows = []

    def walk(items, depth):
        for node in items:
            raw = criteria.get(node["code"], {})
            row = {
                "code": node["code"],
                "label": node.get("label", node["code"]),
                "depth": depth,
                "weight": raw.get("weight"),
                "score": raw.get("score"),
                "used": raw.get("used", False),
                "source": node.get("source", ""),
                "record": result.facts.get(node.get("source", "")),
                "groups": None,
            }
            if isinstance(raw.get("detail"), dict):
                row["groups"] = rater_groups(raw["detail"])
                row["record"] = None
            elif node.get("source"):
                row["detail"] = raw.get("detail")
            rows.append(row)
            walk(node.get("children") or [], depth + 1)

    walk(scheme.get("tree") or [], 0)
    vetoes = [
        {
            **v,
            "label": rules.get(v["code"], {}).get("label", v["code"]),
            "record": result.facts.get(v["source"]),
        }
        for v in result.vetoes
    ]
    return {"criteria": rows, "vetoes": vetoes, "nodes": nodes}


def rater_groups(detail: dict) -> list[dict]:
    shown, small_n, small_sum = [], 0, 0.0
    for group, info in sorted(detail.items()):
        count, mean = info["count"], float(info["mean"])
        if count >= MIN_GROUP:
            shown.append({"group": group, "count": count, "mean": f"{mean:.2f}"})
        else:
            small_n += count
            small_sum += mean * count
    if small_n >= MIN_GROUP:
        shown.append({"group": "other", "count": small_n, "mean": f"{small_sum / small_n:.2f}"})
    elif small_n:
        shown.append({"group": "withheld", "count": None, "mean": None})
    return shown


def rater_sheet(user, cycle: Cycle):
    """The rater's own assignments in a cycle (never another rater's) and whether the sheet
    was submitted."""
    person = own_person(user)
    if person is None:
        return [], False
    rows = list(
        RaterAssignment.objects.filter(cycle=cycle, rater=person)
        .select_related("ratee")
        .order_by("group", "ratee__name")
    )
    return rows, RaterSheet.objects.filter(cycle=cycle, rater=person).exists()


def rater_cycles(user):
    person = own_person(user)
    if person is None:
        return Cycle.objects.none()
    return Cycle.objects.filter(assignments__rater=person, status=Cycle.Status.OPEN).distinct()
