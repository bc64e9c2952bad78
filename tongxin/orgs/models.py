from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import any_prefix, scoped
from tongxin.core.tree import TreeNode


class Bilingual:
    """Objects with name_zh and name_en show the name in the active language."""

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __str__(self) -> str:
        return self.name


def _court_rule(scope, perm: str) -> Q:
    """Court grants reach their subtree; for the organisation permissions, a grant on an
    organisation also reaches that organisation's court (a secretary adding a sub-organisation
    in their court). A subquery, not a join: no duplicate courts."""
    q = any_prefix(scope.court_paths(perm), "path")
    org_paths = scope.org_paths(perm) if perm in (Perm.ORG_VIEW, Perm.ORG_CHANGE) else []
    if org_paths:
        q |= Q(
            pk__in=PartyOrganisation.objects.filter(any_prefix(org_paths, "path"))
            .order_by()
            .values("court_id")
        )
    return q


@scoped(court="path", view=Perm.COURT_VIEW, change=Perm.COURT_CHANGE, rule=_court_rule)
class Court(Bilingual, TreeNode):
    class Level(models.TextChoices):
        SPC = "spc", _("Supreme People's Court")
        CIRCUIT = "circuit", _("Circuit court")
        HIGH = "high", _("High court")
        INTERMEDIATE = "intermediate", _("Intermediate court")
        BASIC = "basic", _("Basic court")
        TRIBUNAL = "tribunal", _("People's tribunal")

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        MILITARY = "military", _("Military")
        MARITIME = "maritime", _("Maritime")
        IP = "ip", _("Intellectual property")
        FINANCIAL = "financial", _("Financial")
        RAILWAY = "railway", _("Railway transport")
        INTERNET = "internet", _("Internet")
        FORESTRY = "forestry", _("Forestry")
        RECLAMATION = "reclamation", _("Land reclamation")
        OILFIELD = "oilfield", _("Oilfield")
        OTHER_SPECIAL = "special", _("Other specialised")

    code = models.CharField(
        _("court code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The code used in case numbers, e.g. 京0105. People's tribunals have none."),
        error_messages={"unique": _("A court with this code already exists.")},
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    province = models.CharField(
        _("province"), max_length=4, blank=True, help_text=_("High-court code, e.g. 京")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        indexes = [
            # Prefix queries ("this court and below") on PostgreSQL use the pattern index;
            # ORDER BY path (tree order, e.g. people by court) needs the plain one.
            models.Index(fields=["path"], name="court_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="court_path_order"),
        ]


@scoped(court="court__path", view=Perm.COURT_VIEW, change=Perm.COURT_CHANGE)
class Department(Bilingual, models.Model):
    class Kind(models.TextChoices):
        JUDICIAL = "judicial", _("Judicial")
        ADMINISTRATIVE = "administrative", _("Administrative")
        AFFILIATED = "affiliated", _("Directly affiliated")

    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="departments"
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["court__path", "id"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "name_zh"],
                name="department_unique_name",
                violation_error_message=_("This court already has a department of this name."),
            )
        ]


@scoped(court="court__path", org="path", view=Perm.ORG_VIEW, change=Perm.ORG_CHANGE)
class PartyOrganisation(Bilingual, TreeNode):
    class Kind(models.TextChoices):
        PARTY_GROUP = "party_group", _("Leading Party members' group")  # 党组
        ORGAN_COMMITTEE = "organ_committee", _("Organ Party committee")  # 机关党委
        GENERAL_BRANCH = "general_branch", _("General branch")  # 党总支
        BRANCH = "branch", _("Branch")  # 党支部
        CELL = "cell", _("Party cell")  # 党小组

    court = models.ForeignKey(
        Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments covered"), blank=True, related_name="organisations"
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Which kinds may sit under which: the organ committee leads general branches and
    # branches; a general branch leads branches; Party cells (党小组) sit inside a branch.
    ALLOWED_PARENTS = {
        Kind.PARTY_GROUP: (),
        Kind.ORGAN_COMMITTEE: (),
        Kind.GENERAL_BRANCH: (Kind.ORGAN_COMMITTEE,),
        Kind.BRANCH: (Kind.ORGAN_COMMITTEE, Kind.GENERAL_BRANCH),
        Kind.CELL: (Kind.BRANCH,),
    }
    # Kinds that elect a committee with a term.
    ELECTED_KINDS = (Kind.ORGAN_COMMITTEE, Kind.GENERAL_BRANCH, Kind.BRANCH)

    class Meta:
        ordering = ["path"]
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "name_zh"],
                name="organisation_unique_name",
                violation_error_message=_("This court already has an organisation of this name."),
            )
        ]
        indexes = [
            models.Index(
                fields=["path"], name="organisation_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["path"], name="organisation_path_order"),  # see Court
        ]


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.ORG_VIEW,
    change=Perm.ORG_CHANGE,
)
class CommitteeTerm(models.Model):
    """One committee term of an organisation. The current one on a day is the latest that has
    begun on or before it (`selectors.term_current`): a recorded future term is not current."""

    organisation = models.ForeignKey(
        PartyOrganisation, on_delete=models.PROTECT, related_name="terms"
    )
    starts_on = models.DateField(_("term starts"))
    # The day the term ends: scheduled while it runs; once the next committee is elected, the
    # election day (earlier or later than scheduled), the scheduled day kept beside it.
    ends_on = models.DateField(_("term ends"))
    scheduled_ends_on = models.DateField(_("scheduled end"), null=True, blank=True)
    # A postponed election (at most a year, approved by the higher organisation).
    postponed_until = models.DateField(_("election postponed until"), null=True, blank=True)
    postponement_reason = models.CharField(
        _("reason for the postponement"), max_length=200, blank=True
    )
    postponement_approved_on = models.DateField(
        _("postponement approved on"), null=True, blank=True
    )

    class Meta:
        ordering = ["organisation", "-starts_on"]
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="term_order"
            ),
            models.UniqueConstraint(fields=["organisation", "starts_on"], name="term_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.starts_on} – {self.ends_on}"

    @property
    def deadline(self):
        """When the next election is due: the approved postponement, else the scheduled end."""
        return self.postponed_until or self.ends_on


@scoped(
    court="organisation__court__path",
    org="organisation__path",
    view=Perm.ORG_VIEW,
    change=Perm.ORG_CHANGE,
)
class CommitteePost(models.Model):
    """A committee post held by a person from a date until a date (open while ends_on is null)."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        ORGANISATION = "organisation", _("Organisation member")
        PROPAGANDA = "propaganda", _("Propaganda member")
        DISCIPLINE = "discipline", _("Discipline member")
        MEMBER = "member", _("Committee member")

    organisation = models.ForeignKey(
        PartyOrganisation, on_delete=models.PROTECT, related_name="posts"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts"
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "post", "-starts_on"]
        verbose_name = _("committee post")
        verbose_name_plural = _("committee posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="post_order",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(post="secretary", ends_on__isnull=True),
                name="post_one_open_secretary",
            ),
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(ends_on__isnull=True),
                name="post_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "starts_on", "ends_on"], name="post_by_date")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_post_display()} {self.person}"


class HealthRule(models.Model):
    """An organisation-health rule with its thresholds; editable data, domain.md defaults."""

    code = models.CharField(max_length=40, unique=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    value = models.IntegerField(_("threshold"), null=True, blank=True)
    value_max = models.IntegerField(_("upper threshold"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("health rule")
        verbose_name_plural = _("health rules")

    def __str__(self) -> str:
        from tongxin.orgs.health import RULES  # the rule's name lives with the rule

        rule = RULES.get(self.code)
        return str(rule.label) if rule is not None else self.code


# Maintained facts ------------------------------------------------------------------------


@scoped(court="court_path", org="path", view=Perm.HEALTH_VIEW)
class OrganisationFacts(models.Model):
    """What organisation health (and the coming compliance heat map) reads of an organisation,
    one row each, kept current by the services that change its inputs (`orgs.facts`) and
    checked against a full recount by `manage.py recount_facts --check`.

    The court and organisation paths are copies, so "this court subtree" and the user's scope
    are prefix conditions on this table alone. The two latest committee terms are stored
    (not "the current term"): the current term on any day is the latest of them begun by
    then (`facts.term_ends_on`), so the row does not go stale as days pass."""

    organisation = models.OneToOneField(
        PartyOrganisation, primary_key=True, on_delete=models.CASCADE, related_name="facts"
    )
    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    court_path = models.CharField(max_length=255)
    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=PartyOrganisation.Kind.choices)
    is_active = models.BooleanField()
    # Active and of a kind that elects a committee: the organisations health checks.
    checked = models.BooleanField()
    full = models.PositiveIntegerField(default=0)  # active full members, open membership
    probationary = models.PositiveIntegerField(default=0)  # active probationary members
    committee = models.PositiveIntegerField(default=0)  # open committee posts
    secretary = models.BooleanField(default=False)  # an open secretary post
    last_starts = models.DateField(null=True)  # the latest recorded term
    last_ends = models.DateField(null=True)
    prev_starts = models.DateField(null=True)  # the one before it
    prev_ends = models.DateField(null=True)

    class Meta:
        verbose_name = _("organisation facts")
        verbose_name_plural = _("organisation facts")
        # Every health rule counts and lists its findings from one of these (partial: the
        # checked rows only), reading about as many entries as it has findings.
        indexes = [
            models.Index(
                fields=["court_path"], name="facts_court_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["path"], name="facts_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="facts_path_order"),
            # The paths last: the user's scope is checked in the index, without a table read.
            models.Index(
                fields=["full", "court_path", "path"],
                name="facts_branch_full",
                condition=Q(checked=True, kind=PartyOrganisation.Kind.BRANCH),
            ),
            models.Index(
                fields=["full", "court_path", "path"],
                name="facts_committee_missing",
                condition=Q(checked=True, kind=PartyOrganisation.Kind.BRANCH, committee__lte=1),
            ),
            models.Index(  # not partial: committee_size's two ranges are an OR of index searches
                fields=["committee", "checked", "kind", "full", "court_path", "path"],
                name="facts_committee",
            ),
            models.Index(
                fields=["path", "court_path"],
                name="facts_no_secretary",
                condition=Q(checked=True, secretary=False),
            ),
            models.Index(
                fields=["last_ends", "last_starts", "court_path", "path"],
                name="facts_term_ends",
                condition=Q(checked=True),
            ),
            models.Index(
                fields=["path", "court_path"],
                name="facts_term_missing",
                condition=Q(checked=True, last_starts__isnull=True),
            ),
            models.Index(
                fields=["last_starts", "committee", "secretary", "court_path", "path"],
                name="facts_term_starts",
                condition=Q(checked=True),
            ),
        ]

    def __str__(self) -> str:
        return f"facts of {self.organisation_id}"


@scoped(court="court_path", view=Perm.HEALTH_VIEW)
class UnassignedMember(models.Model):
    """A Party member (full or probationary) on the staff without an open membership: the
    "not in any organisation" health rule lists these rows. Kept by the people services
    (`orgs.facts.facts_refresh(person_ids=...)`). Reached by court grants through the copy of
    the person's court path: the other ways to reach a person (an organisation's members,
    one's own record) never lead to a member outside every organisation."""

    person = models.OneToOneField(
        "people.Person", primary_key=True, on_delete=models.CASCADE, related_name="unassigned"
    )
    court_path = models.CharField(max_length=255)
    staff_number = models.CharField(max_length=30)  # with the court path: the list's order

    class Meta:
        verbose_name = _("unassigned Party member")
        verbose_name_plural = _("unassigned Party members")
        indexes = [
            models.Index(
                fields=["court_path"],
                name="unassigned_court_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["court_path", "staff_number"], name="unassigned_order"),
        ]

    def __str__(self) -> str:
        return f"unassigned {self.person_id}"
