"""The register's pages: record, read, correct; the leaders who read; head hashes."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.discipline import register, services
from tongxin.discipline.forms import EntryForm, ReaderForm
from tongxin.discipline.lists import ENTRIES
from tongxin.discipline.models import Kind, RegisterEntry, RegisterReader
from tongxin.lib.excel import download_response


@requires(Perm.REGISTER_RECORD)
def entry_list(request):
    """What the reader may read of the register: their own entries, and their court
    subtree's for the discipline and trial management offices (see scope.py)."""
    scope = scope_for(request.user)
    return ENTRIES.page(
        request,
        template="discipline/entry_list.html",
        context={"kinds": Kind.choices, "office": scope.has(Perm.REGISTER_VIEW)},
    )


@requires(Perm.REGISTER_RECORD)
def entry_create(request):
    created = {}

    def action(data):
        created["entry"] = register.entry_record(actor=request.user, values=data)

    return form_page(
        request,
        form=EntryForm(request.POST or None),
        action=action,
        success=_("Recorded. The entry is permanent; a mistake is put right by a correction."),
        redirect_to=lambda: reverse("discipline:entry-detail", args=[created["entry"].pk]),
        template="discipline/entry_form.html",
        context={"title": _("Record an inquiry or interference")},
    )


@requires(Perm.REGISTER_RECORD)
def entry_detail(request, pk: int):
    """Every staff member holds register.record; whether this entry is theirs to read (their
    own, or the offices' subtree) is the register's rule (scope.py): 404 otherwise."""
    scope = scope_for(request.user)
    entry = scope.get(
        RegisterEntry, pk, queryset=RegisterEntry.objects.select_related("court", "correction_of")
    )
    corrections = entry.corrections.order_by("seq")
    return render(
        request,
        "discipline/entry_detail.html",
        {
            "entry": entry,
            "corrections": corrections,
            "can_correct": entry.recorder_id == request.user.pk and scope.has(Perm.REGISTER_RECORD),
        },
    )


@requires(Perm.REGISTER_RECORD, RegisterEntry)
def entry_correct(request, entry: RegisterEntry):
    created = {}

    def action(data):
        created["entry"] = register.entry_correct(actor=request.user, entry=entry, values=data)

    return form_page(
        request,
        form=EntryForm(request.POST or None, initial_entry=entry),
        action=action,
        success=_("The correction is recorded as a new entry linked to the one it corrects."),
        redirect_to=lambda: reverse("discipline:entry-detail", args=[created["entry"].pk]),
        template="discipline/entry_form.html",
        context={
            "title": _("Correct entry %(number)s") % {"number": entry.seq},
            "corrects": entry,
        },
    )


# The leaders who read a court's register -----------------------------------------------


@requires(Perm.REGISTER_MANAGE)
def reader_list(request):
    scope = scope_for(request.user)
    readers = scope.visible(RegisterReader).select_related("court", "user").order_by("court__path")
    form = ReaderForm(request.POST or None)
    if request.method == "POST":
        return form_page(
            request,
            form=form,
            action=lambda data: services.reader_add(actor=request.user, **data),
            success=_("The leader now reads this court's register."),
            redirect_to=reverse("discipline:reader-list"),
            template="discipline/reader_list.html",
            context={"readers": readers},
        )
    return render(request, "discipline/reader_list.html", {"form": form, "readers": readers})


@requires(Perm.REGISTER_MANAGE, RegisterReader)
def reader_remove(request, reader: RegisterReader):
    return confirm_page(
        request,
        obj=reader,
        action=lambda: services.reader_remove(actor=request.user, reader=reader),
        question=_("Stop %(user)s reading the register of %(court)s?")
        % {"user": reader.user.username, "court": reader.court.name},
        done=_("Done."),
        back=reverse("discipline:reader-list"),
        redirect_to=reverse("discipline:reader-list"),
    )


@requires(Perm.REGISTER_MANAGE)
def heads_download(request):
    """The head hash of each day of the registers the office reads, as a JSON file to keep
    outside the database (verify_register --heads checks against it)."""
    import io

    from tongxin.discipline.chain import chain_name
    from tongxin.discipline.heads import day_heads, dumps
    from tongxin.orgs.models import Court

    courts = (
        scope_for(request.user).visible(Court, Perm.REGISTER_MANAGE).values_list("pk", flat=True)
    )
    chains = {chain_name(pk) for pk in courts}
    text = dumps(day_heads(audit=False, chains=chains))
    name = f"register-heads-{timezone.localdate():%Y%m%d}.json"
    return download_response(
        io.BytesIO(text.encode()), filename=name, content_type="application/json"
    )
