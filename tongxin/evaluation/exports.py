"""Result exports: the cycle as .xlsx, a court's results and a person's explanation as PDF
(lib/pdf.py, the CJK font embedded)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.evaluation import selectors
from tongxin.evaluation.models import Grade, Result
from tongxin.lib.excel import download_response, workbook_response
from tongxin.lib.pdf import PDF, pdf_file

CSS = settings.BASE_DIR / "static" / "css" / "roster-pdf.css"
PDF_MAX_ROWS = 2000


def _rows(results):
    labels = dict(Grade.choices)
    status = dict(Result.Status.choices)
    for r in results.select_related("person__court").iterator(chunk_size=2000):
        final = selectors.final_of(r)
        yield [
            r.person.court.name_zh,
            r.person.staff_number,
            r.person.name,
            r.category,
            "" if r.final is None else float(r.final),
            str(labels.get(r.grade, "")),
            str(status.get(r.status, r.status)),
            str(labels.get(final, "")),
            r.override_reason or "",
            ", ".join(v["code"] for v in r.vetoes),
        ]


def _headers():
    return [
        _("Court"),
        _("Staff number"),
        _("Name"),
        _("Category"),
        _("Final score"),
        _("Computed grade"),
        _("Status"),
        _("Final grade"),
        _("Committee's reason"),
        _("Vetoes"),
    ]


def cycle_workbook(cycle, results):
    return workbook_response(
        filename=f"{cycle.year}-{cycle.name}.xlsx", headers=_headers(), rows=_rows(results)
    )


def cycle_pdf(request, cycle, results):
    """The results of one court (`?court=`; default the cycle's own) as a PDF."""
    court_id = request.GET.get("court", "")
    court_id = int(court_id) if court_id.isdigit() else cycle.court_id
    results = results.filter(person__court_id=court_id)[:PDF_MAX_ROWS]
    rows = list(
        _rows(
            Result.objects.filter(pk__in=[r.pk for r in results])
            .annotate(**_annotations())
            .order_by("-final")
        )
    )
    html = render_to_string(
        "evaluation/cycle_pdf.html",
        {"cycle": cycle, "headers": _headers(), "rows": rows, "today": timezone.localdate()},
        request=request,
    )
    return download_response(
        pdf_file(html, stylesheets=[CSS]),
        filename=f"{cycle.year}-{cycle.name}-{court_id}.pdf",
        content_type=PDF,
    )


def _annotations():
    from django.db.models import OuterRef, Subquery

    from tongxin.evaluation.models import Override

    latest = Override.objects.filter(result=OuterRef("pk")).order_by("-id")
    return {
        "override_grade": Subquery(latest.values("grade")[:1]),
        "override_reason": Subquery(latest.values("reason")[:1]),
    }


def result_pdf(request, result, why):
    html = render_to_string(
        "evaluation/result_pdf.html",
        {
            "result": result,
            "why": why,
            "final": selectors.final_of(result),
            "grades": dict(Grade.choices),
            "today": timezone.localdate(),
        },
        request=request,
    )
    return download_response(
        pdf_file(html, stylesheets=[CSS]),
        filename=f"{result.cycle.year}-{result.person.name}.pdf",
        content_type=PDF,
    )
