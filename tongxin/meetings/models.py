"""Organisational life: meetings, who was expected and who came, minutes, sign-off, the
compliance rules (rows with history) and the calendar feed tokens.

A meeting belongs to its host organisation (the scope) and takes part for every organisation
in `MeetingOrganisation` (the host included): a joint meeting counts for each of them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


class Kind(models.TextChoices):
    GENERAL = "general", _("Branch general meeting")  # 支部党员大会
    COMMITTEE = "committee", _("Branch committee meeting")  # 支委会
    GROUP = "group", _("Party cell meeting")  # 党小组会
    LESSON = "lesson", _("Party lesson")  # 党课
    THEME_DAY = "theme_day", _("Theme party day")  # 主题党日
    ORG_LIFE = "org_life", _("Organisational life meeting")  # 组织生活会
    DEMOCRATIC_LIFE = "democratic_life", _("Democratic life meeting")  # 民主生活会
    CENTRE_STUDY = "centre_study", _("Centre-group study session")  # 理论学习中心组
    WARNING = "warning", _("Warning-education session")  # 警示教育


# Kinds whose hours count as study (member study: hours a year).
STUDY_KINDS = (Kind.LESSON, Kind.THEME_DAY, Kind.CENTRE_STUDY, Kind.WARNING)
# Kinds that record an approved topic, criticism and self-criticism, and issues.
LIFE_KINDS = (Kind.ORG_LIFE, Kind.DEMOCRATIC_LIFE)


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=2)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    topic_approved_on = models.DateField(_("topic approved on"), null=True, blank=True)
    host = models.ForeignKey(
        "people.Person",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    speaker = models.ForeignKey(
        "people.Person",
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["organisation", "held_on"], name="meeting_org_date")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}: {self.topic}"

    @property
    def locked(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_life(self) -> bool:
        return self.kind in LIFE_KINDS


class MeetingOrganisation(models.Model):
    """An organisation the meeting counts for (the host, and the others of a joint meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="meeting_org_unique")
        ]
        indexes = [models.Index(fields=["organisation", "meeting"], name="meeting_org_by_org")]

    def __str__(self) -> str:
        return f"{self.meeting_id} @ {self.organisation_id}"


@scoped(
    court="meeting__organisation__court__path",
    org="meeting__organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class Attendance(models.Model):
    """One expected attendee (from the roster of the day) and whether they came."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("On leave")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation", on_delete=models.PROTECT, related_name="+"
    )
    voting = models.BooleanField(_("voting member"), default=True)  # full member on the day
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.ABSENT
    )
    reason = models.CharField(_("reason for leave"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_attendance_unique")
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status}"


@scoped(
    court="meeting__organisation__court__path",
    org="meeting__organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class Attachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.name


@scoped(
    court="meeting__organisation__court__path",
    org="meeting__organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class Critique(models.Model):
    """Criticism and self-criticism of one participant of a democratic / organisational life
    meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="critiques")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT)
    self_criticism = models.TextField(_("self-criticism"), blank=True)
    criticism = models.TextField(_("criticism received"), blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="critique_one")]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.person_id}"


@scoped(
    court="meeting__organisation__court__path",
    org="meeting__organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class MeetingIssue(models.Model):
    """An issue raised at a meeting. `task` is a generic link the rectification app will set
    (this app knows no task model)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="issues")
    text = models.CharField(_("issue"), max_length=500)
    raised_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    task_id = models.PositiveBigIntegerField(null=True, blank=True)
    task = GenericForeignKey("task_type", "task_id")

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text


class Correction(models.Model):
    """A change to a signed-off record: who, when, why, and what it was before (kept for ever,
    shown on the meeting's page)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason for the correction"), max_length=300)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["meeting", "at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.at}: {self.reason}"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    PER_TERM = "per_term", _("Once per committee term")


class Needs(models.TextChoices):
    NOTHING = "", _("Nothing more")
    COMMITTEE = "committee", _("A committee")


@scoped(court="court__path", view=Perm.COMPLIANCE_VIEW, change=Perm.MEETING_RULE_CHANGE)
class ComplianceRule(models.Model):
    """One version of the rule for an activity: from `effective_from` on, in `court`'s subtree
    (no court: everywhere). The rule judging an organisation's period is the version of the
    deepest court above it (or the national one) in force on the period's first day."""

    activity = models.CharField(_("activity"), max_length=20, choices=Kind.choices)
    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT
    )
    effective_from = models.DateField(_("in force from"))
    is_enabled = models.BooleanField(_("required"), default=True)
    applies_to = models.CharField(_("organisation kinds"), max_length=200)  # comma-separated
    needs = models.CharField(_("only where there are"), max_length=20, choices=Needs.choices, blank=True)  # fmt: skip
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence.choices)
    times = models.PositiveSmallIntegerField(_("how many per period"), default=1)
    quorum_num = models.PositiveSmallIntegerField(_("quorum numerator"), default=0)
    quorum_den = models.PositiveSmallIntegerField(_("quorum denominator"), default=1)
    quorum_strict = models.BooleanField(_("more than the quorum"), default=False)
    minutes_required = models.BooleanField(_("minutes required"), default=True)
    signoff_required = models.BooleanField(_("sign-off required"), default=True)
    late_days = models.PositiveSmallIntegerField(_("days to enter the record"), default=15)
    changed_by = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "court", "effective_from"],
                name="compliance_rule_version",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(quorum_den__gt=0), name="compliance_quorum_den"),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} ({self.effective_from})"

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.applies_to.split(",") if k]


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.MEETING_VIEW,
    change=Perm.MEETING_CHANGE,
)
class ThemeDay(models.Model):
    """A branch's fixed day of the month for its theme Party day (主题党日): where the plan
    of the year puts it (planning.propose); unset, the 15th."""

    organisation = models.OneToOneField(
        "orgs.PartyOrganisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.PositiveSmallIntegerField(_("theme Party day (day of the month)"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=28), name="meetings_theme_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.day}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's secret feed token: the feed URLs carry it; resetting it ends every
    subscription made with the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
