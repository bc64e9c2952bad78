"""Expected answers of the answers routes for each role (read by the access walks).

Written by hand from docs/permissions.md ("Opinions, tasks, lists, tour guidance"). The
fixture rows: an opinion submitted by the member (name hidden), a task the member is
responsible for (assigned by party-affairs staff), the branch's responsibility list, a tour
guidance visit of the intermediate court to the basic court with one finding.
"""

from tests.walk import ALL, BRANCH_CHANGE, COURT_CHANGE, row

READ_LIST = row(200, 200, 403, 403, 403, 200, 200, 403, 200)
# An object the member owns (their opinion, their task): court readers and the member.
OWN_DETAIL = row(200, 200, 404, 404, 200, 200, 200, 404, 404)
TRIAGE = row(200, 200, 404, 404, 403, 403, 403, 404, 404)
# Only the responsible person (the member) acts; court staff who see it get 403.
RESPONSIBLE = row(403, 403, 404, 404, 200, 403, 403, 404, 404)
LIST_READ = row(200, 200, 200, 200, 403, 200, 200, 403, 200)
LIST_DETAIL = row(200, 200, 200, 200, 404, 200, 200, 404, 404)
LIST_CHANGE = row(200, 200, 200, 403, 404, 403, 403, 404, 404)
ITEM_TASK = row(200, 200, 403, 403, 404, 403, 403, 404, 404)
TOUR_DETAIL = row(200, 200, 404, 404, 404, 200, 200, 404, 404)
TOUR_CHANGE = row(200, 200, 404, 404, 404, 403, 403, 404, 404)


def _opinion(w):
    if not hasattr(w, "opinion"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.answers.factories import opinion

        w.opinion = opinion(w)
        from tongxin.answers.models import Attachment

        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        w.attachment = Attachment.objects.create(
            opinion=w.opinion, name=pdf.name, content_type="application/pdf", size=13,
            data=pdf.read(),
        )  # fmt: skip
    return w.opinion


def _attachment(w):
    _opinion(w)
    return w.attachment


def _task(w):
    if not hasattr(w, "task"):
        from tests.answers.factories import task

        w.task = task(w)
    return w.task


def _list(w):
    if not hasattr(w, "resp"):
        from tests.answers.factories import resp_list

        w.resp = resp_list(w)
    return w.resp


def _visit(w):
    if not hasattr(w, "visit"):
        from tests.answers.factories import visit

        w.visit = visit(w)
    return w.visit


def _finding_kwargs(w):
    """A supervision finding of the discipline app (a declared task source) in province A."""
    from types import SimpleNamespace

    if not isinstance(w, SimpleNamespace):
        return {"model": "discipline.finding", "pk": 1}
    if not hasattr(w, "finding"):
        import datetime

        from tongxin.discipline.models import Finding, SupervisionCheck

        check = SupervisionCheck.objects.create(
            court=w.basic, area="gifts", checked_on=datetime.date(2026, 1, 5), subject="检查"
        )
        w.finding = Finding.objects.create(supervision=check, description="收受礼品")
    return {"model": "discipline.finding", "pk": w.finding.pk}


# Turning another app's record into a task: task.assign over its court (admin, party-affairs).
FROM_SOURCE = row(200, 200, 403, 403, 403, 403, 403, 403, 404)

PAGES = {
    "answers:task-from-source": (_finding_kwargs, FROM_SOURCE),
    "answers:opinion-list": (None, READ_LIST),
    "answers:opinion-mine": (None, ALL),
    "answers:opinion-submit": (None, ALL),
    "answers:opinion-detail": (lambda w: {"pk": _opinion(w).pk}, OWN_DETAIL),
    "answers:opinion-answer": (lambda w: {"pk": _opinion(w).pk}, TRIAGE),
    "answers:opinion-merge": (lambda w: {"pk": _opinion(w).pk}, TRIAGE),
    "answers:opinion-task": (lambda w: {"pk": _opinion(w).pk}, TRIAGE),
    "answers:attachment": (lambda w: {"pk": _attachment(w).pk}, OWN_DETAIL),
    "answers:task-list": (None, READ_LIST),
    "answers:task-mine": (None, ALL),
    "answers:figures": (None, READ_LIST),
    "answers:task-detail": (lambda w: {"pk": _task(w).pk}, OWN_DETAIL),
    "answers:task-progress": (lambda w: {"pk": _task(w).pk}, RESPONSIBLE),
    "answers:task-act": (lambda w: {"pk": _task(w).pk, "action": "submit"}, RESPONSIBLE),
    "answers:resp-list": (None, LIST_READ),
    "answers:resp-create": (lambda w: {"court_pk": w.basic.pk}, COURT_CHANGE),
    "answers:resp-create-org": (lambda w: {"org_pk": w.branch.pk}, BRANCH_CHANGE),
    "answers:resp-detail": (lambda w: {"pk": _list(w).pk}, LIST_DETAIL),
    "answers:resp-copy": (lambda w: {"pk": _list(w).pk}, LIST_CHANGE),
    "answers:item-create": (lambda w: {"pk": _list(w).pk}, LIST_CHANGE),
    "answers:item-edit": (lambda w: {"pk": _list(w).items.first().pk}, LIST_CHANGE),
    "answers:item-task": (lambda w: {"pk": _list(w).items.first().pk}, ITEM_TASK),
    "answers:tour-list": (None, READ_LIST),
    "answers:tour-create": (lambda w: {"court_pk": w.inter.pk}, COURT_CHANGE),
    "answers:tour-detail": (lambda w: {"pk": _visit(w).pk}, TOUR_DETAIL),
    "answers:tour-edit": (lambda w: {"pk": _visit(w).pk}, TOUR_CHANGE),
    "answers:finding-create": (lambda w: {"pk": _visit(w).pk}, TOUR_CHANGE),
    "answers:finding-task": (lambda w: {"pk": _visit(w).findings.first().pk}, TOUR_CHANGE),
}

API = {
    "/api/v1/answers/opinions": (None, READ_LIST),
    "/api/v1/answers/opinions/{opinion_id}": (
        lambda w: {"opinion_id": _opinion(w).pk},
        OWN_DETAIL,
    ),
    "/api/v1/answers/tasks": (None, READ_LIST),
    "/api/v1/answers/tasks/{task_id}": (lambda w: {"task_id": _task(w).pk}, OWN_DETAIL),
    "/api/v1/answers/responsibility-lists": (None, LIST_READ),
    # Writes, walked with an empty body: whoever may write gets the service's 400 (empty
    # fields); the others are refused first (403 seen, 404 not).
    "POST /api/v1/answers/opinions": (None, row(*[400] * 9)),
    "POST /api/v1/answers/opinions/{opinion_id}/answer": (
        lambda w: {"opinion_id": _opinion(w).pk},
        row(400, 400, 404, 404, 403, 403, 403, 404, 404),
    ),
    "POST /api/v1/answers/tasks/{task_id}/updates": (
        lambda w: {"task_id": _task(w).pk},
        row(403, 403, 404, 404, 400, 403, 403, 404, 404),
    ),
    "POST /api/v1/answers/tasks/{task_id}/actions/{action}": (
        lambda w: {"task_id": _task(w).pk, "action": "submit"},
        row(403, 403, 404, 404, 400, 403, 403, 404, 404),
    ),
    "/api/v1/answers/responsibility-lists/{list_id}": (
        lambda w: {"list_id": _list(w).pk},
        LIST_DETAIL,
    ),
}
