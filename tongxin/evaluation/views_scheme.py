"""The scheme editor's page (scheme_editor.py); the JSON editor is views.scheme_json."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.evaluation import services, sources
from tongxin.evaluation.models import Scheme
from tongxin.evaluation.scheme_editor import SCORINGS, SchemeEditorForm


def _source_choices() -> list[tuple[str, str]]:
    registered = sources.sources()
    return [
        (code, f"{registered[code].label} ({code})" if code in registered else code)
        for code in sorted(sources.known_codes())
    ]


@requires(Perm.RULE_CHANGE, Scheme)
def scheme_edit(request, scheme: Scheme):
    form = SchemeEditorForm(
        request.POST or None, definition=scheme.definition, sources=_source_choices()
    )
    back = reverse("evaluation:scheme-list")
    return form_page(
        request,
        form=form,
        action=lambda _data: services.scheme_save(
            actor=request.user, scheme=scheme, definition=form.definition()
        ),
        success=_("Scheme saved."),
        redirect_to=back,
        template="evaluation/scheme_edit.html",
        context={
            "scheme": scheme,
            "back": back,
            "scorings": SCORINGS,
            "json_url": reverse("evaluation:scheme-json", args=[scheme.pk]),
        },
    )
