"""The lists of the discipline app: each page, its exports and its API list read rows through
one definition (filters, scoped selector, columns)."""

from django.utils.translation import gettext as _

from tongxin.core.listing import Column, ListDefinition
from tongxin.discipline import selectors
from tongxin.discipline.models import Area, Channel, Kind, Sanction

ENTRIES = ListDefinition(
    filters=selectors.EntryFilters,
    select=selectors.entry_list,
    columns=lambda: [
        Column(_("Court code"), lambda e: e.court.code, field="court__code"),
        Column(_("Number"), lambda e: e.seq, field="seq"),
        Column(_("Kind"), lambda e: e.get_kind_display(), field="kind", labels=Kind.choices),
        Column(_("Who asked"), lambda e: e.person_name, field="person_name"),
        Column(_("Their unit"), lambda e: e.person_unit, field="person_unit"),
        Column(_("Their post"), lambda e: e.person_post, field="person_post"),
        Column(_("Relation"), lambda e: e.relation, field="relation"),
        Column(
            _("How"), lambda e: e.get_channel_display(), field="channel", labels=Channel.choices
        ),
        Column(_("When"), lambda e: e.occurred_on, field="occurred_on"),
        Column(_("Case number"), lambda e: e.case_number, field="case_number"),
        Column(_("What was asked"), lambda e: e.asked, field="asked"),
        Column(_("What was done"), lambda e: e.done, field="done"),
        Column(_("Affects the case"), lambda e: e.affects_case, field="affects_case"),
        Column(
            _("Corrects number"),
            lambda e: e.correction_of.seq if e.correction_of_id else None,
            field="correction_of__seq",
        ),
        Column(_("Recorded by"), lambda e: e.recorder_name, field="recorder_name"),
        Column(_("Recorded at"), lambda e: e.recorded_at, field="recorded_at"),
        Column(_("Hash"), lambda e: e.hash, field="hash"),
    ],
    filename="interference-register.xlsx",
    name="discipline.entries",
)

RECORDS = ListDefinition(
    filters=selectors.RecordFilters,
    select=selectors.record_list,
    columns=lambda: [
        Column(_("Court code"), lambda r: r.court.code, field="court__code"),
        Column(_("Person"), lambda r: r.person.name, field="person__name"),
        Column(_("Staff number"), lambda r: r.person.staff_number, field="person__staff_number"),
        Column(
            _("Sanction"),
            lambda r: r.get_sanction_display(),
            field="sanction",
            labels=Sanction.choices,
        ),
        Column(_("Decided on"), lambda r: r.decided_on, field="decided_on"),
        Column(_("Period (months)"), lambda r: r.period_months, field="period_months"),
        Column(_("Effect ends on"), lambda r: r.ends_on, field="ends_on"),
        Column(_("Reason"), lambda r: r.reason, field="reason"),
    ],
    filename="discipline-records.xlsx",
    name="discipline.records",
)

CHECKS = ListDefinition(
    filters=selectors.CheckFilters,
    select=selectors.check_list,
    columns=lambda: [
        Column(_("Court code"), lambda c: c.court.code, field="court__code"),
        Column(_("Area"), lambda c: c.get_area_display(), field="area", labels=Area.choices),
        Column(_("Checked on"), lambda c: c.checked_on, field="checked_on"),
        Column(_("What was checked"), lambda c: c.subject, field="subject"),
        Column(_("Findings"), lambda c: c.finding_count, field="finding_count"),
    ],
    filename="supervision-checks.xlsx",
    name="discipline.checks",
)

SESSIONS = ListDefinition(
    filters=selectors.SessionFilters,
    select=selectors.session_list,
    columns=lambda: [
        Column(_("Court code"), lambda s: s.court.code, field="court__code"),
        Column(_("Held on"), lambda s: s.held_on, field="held_on"),
        Column(_("Title"), lambda s: s.title, field="title"),
        Column(_("Present"), lambda s: s.present, field="present"),
        Column(_("Absent"), lambda s: s.absent, field="absent"),
    ],
    filename="warning-education.xlsx",
    name="discipline.sessions",
)
