"""Opinions, rectification tasks (one mechanism for every source), responsibility lists and
tour guidance. The task's life is `answers.machine` (one transitions table)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.answers.scope import attachment_rule, opinion_rule, task_rule, update_rule
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


@scoped(court="court__path", view=Perm.OPINION_VIEW, change=Perm.OPINION_TRIAGE, rule=opinion_rule)
class Opinion(models.Model):
    class Topic(models.TextChoices):
        WORK = "work", _("Court work")
        PARTY = "party", _("Party building")
        CONDUCT = "conduct", _("Conduct and integrity")
        LIFE = "life", _("Staff life")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting triage")
        RECTIFYING = "rectifying", _("Being rectified")
        MERGED = "merged", _("Merged with another")
        ANSWERED = "answered", _("Answered")

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    submitter = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="opinions"
    )
    hide_name = models.BooleanField(_("hide my name"), default=False)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    answer_due = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [models.Index(fields=["state", "court"], name="opinion_state_court")]

    def __str__(self) -> str:
        return self.title


@scoped(court="court__path", view=Perm.TASK_VIEW, change=Perm.TASK_ASSIGN, rule=task_rule)
class Task(models.Model):
    """A rectification task (整改任务). Its source is any record of a registered task source
    (`answers.sources`), linked generically (content type + id)."""

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        EXTENSION = "extension", _("Extension requested")
        SUBMITTED = "submitted", _("Submitted for verification")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        "people.Person",
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    assigner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    deadline = models.DateField(_("deadline"))
    first_deadline = models.DateField(_("first deadline"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="open")
    version = models.PositiveIntegerField(default=0)
    requested_deadline = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True, default="")
    times_extended = models.PositiveSmallIntegerField(default=0)
    times_sent_back = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_on_time = models.BooleanField(null=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="task_source"),
            models.Index(fields=["responsible", "state"], name="task_responsible"),
            models.Index(fields=["assigner", "state"], name="task_assigner"),
            models.Index(fields=["court", "state", "deadline"], name="task_court_state"),
            models.Index(
                fields=["deadline"], name="task_due", condition=Q(state__in=["open", "extension"])
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.OPEN, self.State.EXTENSION, self.State.SUBMITTED)


@scoped(court="task__court__path", view=Perm.TASK_VIEW, rule=update_rule)
class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


@scoped(court="task__court__path", view=Perm.TASK_VIEW, rule=update_rule)
class TaskUpdate(models.Model):
    """One event in a task's life: progress with evidence, an extension asked or decided, a
    submission, a verification. The log of the task, oldest first."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Assigned")
        PROGRESS = "progress", _("Progress")
        EXTENSION_ASKED = "extension_asked", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted and closed")
        SENT_BACK = "sent_back", _("Sent back")
        CANCELLED = "cancelled", _("Cancelled")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField(blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(null=True, blank=True)  # an extension's date
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


@scoped(court="opinion__court__path", view=Perm.OPINION_VIEW, rule=attachment_rule)
class Attachment(models.Model):
    """A file of an opinion or of a task update (evidence), checked by lib.uploads and kept in
    the database (bounded by UPLOAD_MAX_BYTES); downloaded through a scoped view."""

    opinion = models.ForeignKey(
        Opinion, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    update = models.ForeignKey(
        TaskUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(opinion__isnull=False, update__isnull=True)
                | Q(opinion__isnull=True, update__isnull=False),
                name="attachment_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name


@scoped(court="court__path", org="organisation__path", view=Perm.LIST_VIEW, change=Perm.LIST_CHANGE)
class ResponsibilityList(models.Model):
    """A year's responsibility list (责任清单): the court Party group's, a grassroots
    organisation's, or a leading cadre's "one post, two responsibilities" (一岗双责)."""

    class Kind(models.TextChoices):
        PARTY_GROUP = "party_group", _("Court leading Party members' group")
        ORGANISATION = "organisation", _("Grassroots organisation")
        CADRE = "cadre", _("One post, two responsibilities")

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cadre = models.ForeignKey(
        "people.Person",
        verbose_name=_("leading cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["-year", "court__path", "kind", "id"]
        constraints = [
            # One list per holder and year (partial indexes: NULLs are distinct elsewhere).
            models.UniqueConstraint(
                fields=["court", "kind", "year"],
                condition=Q(organisation__isnull=True, cadre__isnull=True),
                name="resp_list_unique_court",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(organisation__isnull=False),
                name="resp_list_unique_org",
            ),
            models.UniqueConstraint(
                fields=["cadre", "year"],
                condition=Q(cadre__isnull=False),
                name="resp_list_unique_cadre",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@scoped(
    court="list__court__path",
    org="list__organisation__path",
    view=Perm.LIST_VIEW,
    change=Perm.LIST_CHANGE,
)
class ListItem(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    list = models.ForeignKey(ResponsibilityList, on_delete=models.CASCADE, related_name="items")
    content = models.TextField(_("content"))
    measures = models.TextField(_("measures"), blank=True, default="")
    responsible_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"))
    evidence = models.TextField(_("evidence"), blank=True, default="")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="planned")

    class Meta:
        ordering = ["list", "deadline", "id"]

    def __str__(self) -> str:
        return self.content[:60]


@scoped(court="court__path", view=Perm.TOUR_VIEW, change=Perm.TOUR_CHANGE)
class TourVisit(models.Model):
    """Tour guidance (巡回指导): a visit to a circuit court or affiliated unit, planned by a
    court (`court`) to one of its subtree (`target`)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Visited")

    court = models.ForeignKey("orgs.Court", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(
        "orgs.Court", verbose_name=_("unit visited"), on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField(_("planned on"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    team = models.CharField(_("team"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True, default="")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="planned")

    class Meta:
        ordering = ["-planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.target} {self.planned_on}"


@scoped(court="visit__court__path", view=Perm.TOUR_VIEW, change=Perm.TOUR_CHANGE)
class Finding(models.Model):
    visit = models.ForeignKey(TourVisit, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]
