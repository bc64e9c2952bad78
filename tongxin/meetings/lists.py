"""The list of meetings: page, exports and API read it through one definition."""

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from tongxin.core.listing import Column, ListDefinition
from tongxin.meetings import selectors
from tongxin.meetings.models import Kind, Meeting

MEETINGS = ListDefinition(
    filters=selectors.MeetingFilters,
    select=selectors.meeting_list,
    columns=lambda: [
        Column(_("Date"), lambda m: m.held_on, field="held_on"),
        Column(_("Kind"), lambda m: m.get_kind_display(), field="kind", labels=Kind.choices),
        Column(_("Topic"), lambda m: m.topic, field="topic"),
        Column(_("Organisation"), lambda m: m.organisation.name_zh, field="organisation__name_zh"),
        Column(
            _("Status"),
            lambda m: m.get_status_display(),
            field="status",
            labels=Meeting.Status.choices,
        ),
        Column(
            _("Signed off"),
            lambda m: m.signed_off_at is not None,
            field=ExpressionWrapper(Q(signed_off_at__isnull=False), output_field=BooleanField()),
        ),
    ],
    filename="meetings.xlsx",
    name="meetings.meetings",
)
