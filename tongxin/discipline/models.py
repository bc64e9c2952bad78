"""Strict discipline: the interference register (three provisions, 三个规定), the discipline
records that feed appraisal vetoes, eight-provisions supervision checks and their findings,
and warning-education sessions with attendance (domain.md section 8)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped
from tongxin.discipline.scope import register_rule


class Kind(models.TextChoices):
    LEADING_CADRE = "leading_cadre", _("Interference by a leading cadre from outside the court")
    INTERNAL = "internal", _("Inquiry by internal personnel (retirees included)")
    CONTACT = "contact", _("Contact with parties, lawyers, relatives or intermediaries")
    RELATIVE_LAWYER = "relative_lawyer", _("Special report: close relative working as a lawyer")
    DEPUTY_FOLLOWED = "deputy_followed", _("Special report: case followed by a deputy or member")


THREE_PROVISIONS = (Kind.LEADING_CADRE, Kind.INTERNAL, Kind.CONTACT)


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    MESSAGE = "message", _("Message")
    THIRD_PERSON = "third_person", _("Through a third person")


@scoped(
    court="court_path", view=Perm.REGISTER_VIEW, change=Perm.REGISTER_RECORD, rule=register_rule
)
class RegisterEntry(models.Model):
    """One record of the register: permanent. The model refuses save-after-create and
    delete; a database trigger refuses UPDATE and DELETE (migration 0001); a correction is a
    new entry naming the one it corrects. Each entry is link `seq` of its court's hash chain
    (`prev_hash`, `hash`: see discipline/chain.py), written under the chain head's lock."""

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    court_path = models.CharField(max_length=255)  # copied at write time (scope by prefix)
    seq = models.BigIntegerField(_("number"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    person_name = models.CharField(_("who asked (name)"), max_length=50)
    person_unit = models.CharField(_("their unit"), max_length=100, blank=True)
    person_post = models.CharField(_("their post"), max_length=100, blank=True)
    relation = models.CharField(_("relation to the case or to you"), max_length=100, blank=True)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    occurred_on = models.DateField(_("when"))
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    asked = models.TextField(_("what was asked"))
    done = models.TextField(_("what was done"), blank=True)
    affects_case = models.BooleanField(_("affects the handling of the case"), default=False)
    correction_of = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder_name = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("register entry")
        verbose_name_plural = _("interference register")
        constraints = [models.UniqueConstraint(fields=["court", "seq"], name="register_court_seq")]
        indexes = [
            models.Index(
                fields=["court_path"], name="register_court_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["court", "occurred_on"], name="register_court_day"),
            models.Index(fields=["recorder"], name="register_recorder"),
        ]

    def __str__(self) -> str:
        return f"{self.court_id}-{self.seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("Register entries are permanent: add a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("Register entries are permanent: add a correction instead."))

    @property
    def is_three_provisions(self) -> bool:
        return self.kind in THREE_PROVISIONS


@scoped(court="court__path", view=Perm.REGISTER_MANAGE, change=Perm.REGISTER_MANAGE)
class RegisterReader(models.Model):
    """A court leader the discipline office named to read its court's register."""

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("register reader")
        constraints = [
            models.UniqueConstraint(fields=["court", "user"], name="register_reader_unique")
        ]

    def __str__(self) -> str:
        return f"{self.court_id}:{self.user_id}"


class Sanction(models.TextChoices):
    # Organisational treatment (组织处理) and Party / government sanctions (处分).
    ADMONITION = "admonition", _("Admonition talk")
    CRITICISM = "criticism", _("Circular criticism")
    WARNING = "warning", _("Warning")
    SERIOUS_WARNING = "serious_warning", _("Serious warning")
    DEMERIT = "demerit", _("Demerit")
    MAJOR_DEMERIT = "major_demerit", _("Major demerit")
    DEMOTION = "demotion", _("Demotion")
    REMOVAL = "removal", _("Removal from post")
    PROBATION = "probation", _("Probation within the Party")
    EXPULSION = "expulsion", _("Expulsion")


# Sanctions that veto an "excellent" appraisal in the year they run (evaluation app).
VETO = frozenset(
    {
        Sanction.WARNING,
        Sanction.SERIOUS_WARNING,
        Sanction.DEMERIT,
        Sanction.MAJOR_DEMERIT,
        Sanction.DEMOTION,
        Sanction.REMOVAL,
        Sanction.PROBATION,
        Sanction.EXPULSION,
    }
)


@scoped(court="court__path", view=Perm.DISCIPLINE_VIEW, change=Perm.DISCIPLINE_CHANGE)
class DisciplineRecord(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    sanction = models.CharField(_("sanction"), max_length=20, choices=Sanction.choices)
    decided_on = models.DateField(_("decided on"))
    period_months = models.PositiveSmallIntegerField(_("period (months)"), default=0)
    ends_on = models.DateField(_("effect ends on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        indexes = [models.Index(fields=["person", "decided_on"], name="discipline_person_day")]

    def __str__(self) -> str:
        return f"{self.get_sanction_display()} {self.decided_on}"


class Area(models.TextChoices):
    RECEPTION = "reception", _("Official reception")
    VEHICLES = "vehicles", _("Official vehicles")
    TRAVEL = "travel", _("Travel abroad and at home")
    MEETINGS = "meetings", _("Meetings and documents")
    OFFICES = "offices", _("Office space")
    GIFTS = "gifts", _("Gifts and money")
    BANQUETS = "banquets", _("Banquets and entertainment")
    OTHER = "other", _("Other work style")


@scoped(court="court__path", view=Perm.DISCIPLINE_VIEW, change=Perm.DISCIPLINE_CHANGE)
class SupervisionCheck(models.Model):
    """An eight-provisions supervision check (八项规定监督检查) and its findings."""

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    checked_on = models.DateField(_("checked on"))
    subject = models.CharField(_("what was checked"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("supervision check")
        verbose_name_plural = _("supervision checks")

    def __str__(self) -> str:
        return f"{self.checked_on} {self.subject}"


@scoped(court="supervision__court__path", view=Perm.DISCIPLINE_VIEW, change=Perm.DISCIPLINE_CHANGE)
class Finding(models.Model):
    """A problem a check found. Rectification tasks (the answers app) point at it through a
    generic link (content type + id); no task model here."""

    supervision = models.ForeignKey(
        SupervisionCheck, verbose_name=_("check"), on_delete=models.PROTECT, related_name="findings"
    )
    description = models.TextField(_("finding"))
    responsible = models.CharField(_("responsible unit"), max_length=100, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.description[:60]


@scoped(court="court__path", view=Perm.DISCIPLINE_VIEW, change=Perm.DISCIPLINE_CHANGE)
class EducationSession(models.Model):
    """A warning-education session (警示教育), a study kind, with its attendance."""

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    material = models.TextField(_("cases studied"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("warning-education session")
        verbose_name_plural = _("warning-education sessions")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


@scoped(court="session__court__path", view=Perm.DISCIPLINE_VIEW, change=Perm.DISCIPLINE_CHANGE)
class Attendance(models.Model):
    session = models.ForeignKey(
        EducationSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="warning_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.person_id}"
