from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped
from tongxin.people.scope import membership_rule, person_rule


@scoped(court="court__path", view=Perm.PERSON_VIEW, change=Perm.PERSON_CHANGE, rule=person_rule)
class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    class Category(models.TextChoices):
        JUDGE = "judge", _("Judge")
        JUDGE_ASSISTANT = "assistant", _("Judge assistant")
        CLERK = "clerk", _("Clerk")
        POLICE = "police", _("Judicial police")
        ADMINISTRATIVE = "admin", pgettext_lazy("position category", "Administrative")

    class CadreLevel(models.TextChoices):
        NONE = "", _("None")
        DEPARTMENT = "department", _("Department level")  # 厅局级
        DIVISION = "division", _("Division level")  # 处级
        SECTION = "section", _("Section level")  # 科级

    class PoliticalStatus(models.TextChoices):
        FULL = "full", _("Full member")
        PROBATIONARY = "probationary", _("Probationary member")
        APPLICANT = "applicant", _("Applicant")
        NONE = "none", _("Not a Party member")

    court = models.ForeignKey(
        "orgs.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="people"
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    staff_number = models.CharField(_("staff number"), max_length=30)
    category = models.CharField(_("position category"), max_length=20, choices=Category.choices)
    cadre_level = models.CharField(
        _("leading-cadre level"), max_length=20, choices=CadreLevel.choices, blank=True, default=""
    )
    is_quota_judge = models.BooleanField(_("quota judge"), default=False)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default="none"
    )
    joined_party_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
    # Probation (预备期) ends a year after joining, or on this day when the branch extended it.
    probation_ends_on = models.DateField(_("probation extended until"), null=True, blank=True)
    dues_base = models.DecimalField(
        _("declared salary base (yuan/month)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    is_retired = models.BooleanField(_("retired"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["court__path", "staff_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "staff_number"], name="person_unique_staff_no"
            ),
        ]
        indexes = [
            models.Index(fields=["court", "political_status"], name="person_court_status"),
            # Searches by the start of a name or a staff number (selectors.person_search):
            # LIKE 'x%' on PostgreSQL with the pattern operator class (right under any
            # collation), a range on SQLite (whose own LIKE would not use an index).
            models.Index(
                fields=["staff_number"],
                name="person_staff_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The probation rules read the few probationary members by their joining date.
            models.Index(
                fields=["joined_party_on", "probation_ends_on"],
                name="person_probation",
                condition=Q(political_status="probationary", is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_member(self) -> bool:
        return self.political_status in (
            self.PoliticalStatus.FULL,
            self.PoliticalStatus.PROBATIONARY,
        )


@scoped(
    court="person__court__path",
    view=Perm.PERSON_VIEW,
    change=Perm.PERSON_CHANGE,
    rule=membership_rule,
)
class Membership(models.Model):
    """A person's membership of a Party organisation (and Party cell) for a period.

    Moving a member closes the open row and opens a new one, and so does a change of Party
    cell within the same organisation (`services.membership_cell_set`), so the roster of any
    organisation, with each member's cell, on any day is one indexed query (see
    orgs.selectors.roster_on).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    cell = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("Party cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cell_memberships",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["person", "-starts_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ends_on__isnull=True), name="membership_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="membership_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "starts_on", "ends_on"], name="membership_by_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation} ({self.starts_on} – {self.ends_on or ''})"


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.DUES_VIEW,
    change=Perm.DUES_CHANGE,
)
class DuesPayment(models.Model):
    """A member's Party dues for one month: paid (with the date and the receipt) or exempted
    (with the reason). A month without a row is unpaid; unpaid months since the ledger began
    (DUES_LEDGER_START) are the member's arrears, carried from month to month and year to
    year until paid."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        EXEMPT = "exempt", _("Exempt")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="dues_payments"
    )
    organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    month = models.DateField(_("month"))  # the first day of the month
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    receipt = models.CharField(_("receipt number"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["month", "person"]
        verbose_name = _("Party dues payment")
        verbose_name_plural = _("Party dues payments")
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="dues_one_per_month"),
            models.CheckConstraint(
                condition=Q(status="exempt") | Q(paid_on__isnull=False),
                name="dues_paid_has_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "month"], name="dues_by_month")]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.get_status_display()}"


@scoped(
    court=("from_organisation__court__path", "to_organisation__court__path"),
    view=Perm.PERSON_VIEW,
    change=Perm.PERSON_CHANGE,
)
class Transfer(models.Model):
    """A member's Party relation moving to an organisation of another court (组织关系转接):
    sent with a letter (介绍信) by the sending court, then received or returned by the
    receiving one. In transit the member belongs to neither organisation; both courts see the
    transfer."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        RETURNED = "returned", _("Returned")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organisation = models.ForeignKey(
        "orgs.PartyOrganisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    letter_number = models.CharField(_("letter number"), max_length=50)
    sent_on = models.DateField(_("sent on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_TRANSIT
    )
    settled_on = models.DateField(_("received or returned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="in_transit"),
                name="transfer_one_in_transit",
            ),
            models.CheckConstraint(
                condition=Q(status="in_transit") | Q(settled_on__isnull=False),
                name="transfer_settled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.from_organisation} → {self.to_organisation}"
