"""The compliance rules as data: versions per activity, court subtree and date."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.meetings.models import ComplianceRule

VERSION_FIELDS = (
    "is_enabled", "applies_to", "needs", "cadence", "times", "quorum_num", "quorum_den",
    "quorum_strict", "minutes_required", "signoff_required", "late_days",
)  # fmt: skip


def in_force(court, day: datetime.date) -> dict[str, ComplianceRule]:
    """Each activity's version in force on `day` for `court` (None: nationally)."""
    path = court.path if court is not None else ""
    best: dict = {}
    for row in ComplianceRule.objects.select_related("court").order_by("effective_from"):
        row_path = row.court.path if row.court_id else ""
        if row.effective_from > day or not path.startswith(row_path):
            continue
        current = best.get(row.activity)
        key = (len(row_path), row.effective_from)
        if current is None or key > current[0]:
            best[row.activity] = (key, row)
    return {activity: row for activity, (_key, row) in best.items()}


@transaction.atomic
def rule_version_save(*, actor, court, activity: str, effective_from, values: dict):
    """A new version of an activity's rule for `court`'s subtree from `effective_from` on
    (the same day again: that version is replaced). Earlier periods keep their versions."""
    if court is None:
        raise ApplicationError(_("Choose the court whose subtree the rule is for."))
    if values.get("quorum_den", 1) <= 0 or values.get("quorum_num", 0) > values.get(
        "quorum_den", 1
    ):
        raise ApplicationError(_("The quorum must be a fraction between 0 and 1."), {"quorum_num": [_("The quorum must be a fraction between 0 and 1.")]})  # fmt: skip
    row = ComplianceRule.objects.filter(
        activity=activity, court=court, effective_from=effective_from
    ).first()
    before = snapshot(row) if row else None
    if row is None:
        row = ComplianceRule(activity=activity, court=court, effective_from=effective_from)
    for name in VERSION_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    row.changed_by = getattr(actor, "username", "")[:150]
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="meetings.rule.saved", obj=row, before=before,
                 after=snapshot(row), court=court)  # fmt: skip
    return row
