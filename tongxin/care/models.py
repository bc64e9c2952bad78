"""Care records: heart-to-heart talks and home visits of a branch, help for staff in
difficulty, and the contact points of leading Party members' group members with their visits.

Visibility narrower than the court is declared here, on each model (`care/scope.py`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxin.care.scope import confidential, help_narrow
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped

TALK_RULE, TALK_NARROW = confidential("talker")
VISIT_RULE, VISIT_NARROW = confidential("visitor")


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.TALK_VIEW,
    change=Perm.TALK_CHANGE,
    rule=TALK_RULE,
    narrow=TALK_NARROW,
)
class Talk(models.Model):
    """A heart-to-heart talk (谈心谈话) of a committee member with a member of the branch."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        APPOINTMENT = "appointment", _("On appointment")
        DIFFICULTY = "difficulty", _("On difficulty")
        CRITICISM = "criticism", _("On criticism")

    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="talks",
    )
    talker = models.ForeignKey(
        "people.Person",
        verbose_name=_("committee member"),
        on_delete=models.PROTECT,
        related_name="talks_given",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("talked with"),
        on_delete=models.PROTECT,
        related_name="talks_received",
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROUTINE)
    summary = models.TextField(_("summary"), blank=True)  # sanitised HTML (lib.richtext)
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(talker=models.F("person")), name="talk_not_with_oneself"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "held_on"], name="talk_by_branch"),
            # Coverage: the pairs of a year, read by talker.
            models.Index(fields=["talker", "held_on", "person"], name="talk_by_talker"),
            models.Index(fields=["person", "held_on"], name="talk_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.talker} → {self.person} {self.held_on}"


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.TALK_VIEW,
    change=Perm.TALK_CHANGE,
    rule=VISIT_RULE,
    narrow=VISIT_NARROW,
)
class HomeVisit(models.Model):
    """A home visit (家访) by a committee member to a member of the branch."""

    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="home_visits",
    )
    visitor = models.ForeignKey(
        "people.Person",
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visits_made",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("visited"),
        on_delete=models.PROTECT,
        related_name="visits_received",
    )
    visited_on = models.DateField(_("visited on"))
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)  # sanitised HTML
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(visitor=models.F("person")), name="visit_not_to_oneself"
            )
        ]
        indexes = [models.Index(fields=["organisation", "visited_on"], name="visit_by_branch")]

    def __str__(self) -> str:
        return f"{self.visitor} → {self.person} {self.visited_on}"


@scoped(court="court__path", view=Perm.HELP_VIEW, change=Perm.HELP_CHANGE, narrow=help_narrow)
class HelpRecord(models.Model):
    """Help given to a member of staff in difficulty (困难帮扶): visible to few."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Financial aid")
        ILLNESS = "illness", _("Illness")
        FAMILY = "family", _("Family hardship")
        BEREAVEMENT = "bereavement", _("Bereavement")
        OTHER = "other", _("Other")

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person helped"),
        on_delete=models.PROTECT,
        related_name="help_records",
    )
    difficulty = models.TextField(_("difficulty"))
    kind = models.CharField(_("kind of help"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(_("given by"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("help record")
        verbose_name_plural = _("help records")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="help_amount_positive"
            )
        ]
        indexes = [models.Index(fields=["court", "given_on"], name="help_by_court")]

    def __str__(self) -> str:
        return f"{self.person} {self.given_on}"


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.CONTACT_VIEW,
    change=Perm.CONTACT_CHANGE,
)
class ContactPoint(models.Model):
    """A member of the leading Party members' group's contact branch (党组成员联系点)."""

    leader = models.ForeignKey(
        "people.Person",
        verbose_name=_("Member of the leading Party members' group"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__court__path", "leader__name", "id"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "organisation"],
                condition=Q(ends_on__isnull=True),
                name="contact_one_open",
                violation_error_message=_("This leader already has this contact branch."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.organisation}"


@scoped(
    court="contact__organisation__court__path",
    org="contact__organisation__path",
    view=Perm.CONTACT_VIEW,
    change=Perm.CONTACT_CHANGE,
)
class ContactVisit(models.Model):
    """A visit of a member of the leading Party members' group to their contact branch."""

    contact = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"))
    activities = models.TextField(_("what was done"))
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("contact visit")
        verbose_name_plural = _("contact visits")

    def __str__(self) -> str:
        return f"{self.contact} {self.visited_on}"
