"""What each role may do: the one module that says it.

A user's reach is the union of their role grants. Each grant sits on a court subtree or on
a Party-organisation subtree; a permission held through a grant reaches everything in that
subtree. `tongxin.core.scoping` turns this table into querysets; views, the API and the
import all go through it, so there is no second place where access is decided.

Outsiders (nothing in scope) get 404; users who can see an object but whose roles lack the
write permission get 403.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PARTY_AFFAIRS = "party_affairs", _("Party-affairs staff")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee member")
    MEMBER = "member", _("Member")
    COURT_LEADER = "court_leader", _("Court leader (read-only)")
    DISCIPLINE = "discipline", _("Discipline inspection")
    TRIAL_MANAGEMENT = "trial_management", _("Trial management office")


class Perm:
    # Reached by ownership, not by a role: a user's own notices (the inbox). In no role's set.
    INBOX_OWN = "inbox.own"
    COURT_VIEW = "court.view"
    COURT_CHANGE = "court.change"  # courts and departments
    ORG_VIEW = "org.view"
    ORG_CHANGE = "org.change"  # organisations, terms, committee posts
    PERSON_VIEW = "person.view"
    PERSON_CHANGE = "person.change"  # records, memberships, dues base
    DUES_VIEW = "dues.view"  # the dues ledger and the declared salary bases
    DUES_CHANGE = "dues.change"  # record dues paid or exempted
    HEALTH_VIEW = "health.view"
    RULE_CHANGE = "rule.change"  # health-rule thresholds (global data)
    AUDIT_VIEW = "audit.view"
    IMPORT_RUN = "import.run"
    GRANT_VIEW = "grant.view"  # the role grants and accounts of the subtree
    # Grant and withdraw roles no stronger than one's own grant there (`roles_within`); unlock
    # and reset the password of an account whose every grant one could have given.
    GRANT_CHANGE = "grant.change"
    # Organisational life (tongxin.meetings): meetings of the organisations in reach, their
    # recording, the compliance heat map and reports, and the compliance rules of a subtree.
    MEETING_VIEW = "meeting.view"
    MEETING_CHANGE = "meeting.change"
    COMPLIANCE_VIEW = "compliance.view"
    MEETING_RULE_CHANGE = "meeting_rule.change"
    # Opinions, rectification tasks, responsibility lists, tour guidance (tongxin.answers).
    OPINION_VIEW = "opinion.view"  # the opinions of the court subtree (one's own: always)
    OPINION_TRIAGE = "opinion.triage"  # answer, merge, turn into rectification tasks
    TASK_VIEW = "task.view"  # the rectification tasks of the subtree (one's own: always)
    TASK_ASSIGN = "task.assign"  # create tasks, decide extensions, verify, cancel
    LIST_VIEW = "resp.view"  # responsibility lists and their review
    LIST_CHANGE = "resp.change"
    TOUR_VIEW = "tour.view"  # tour guidance visits and findings
    TOUR_CHANGE = "tour.change"
    # Evaluation (tongxin.evaluation): appraisal cycles and results of the subtree (committee
    # work: read), cycles, schemes, computing, overrides and review answers (change), and the
    # branch's democratic evaluation, commitments and selections (branch).
    EVAL_VIEW = "evaluation.view"
    EVAL_CHANGE = "evaluation.change"
    EVAL_BRANCH = "evaluation.branch"


READ = {Perm.COURT_VIEW, Perm.ORG_VIEW, Perm.PERSON_VIEW, Perm.HEALTH_VIEW}
MEETINGS_READ = {Perm.MEETING_VIEW, Perm.COMPLIANCE_VIEW}
MEETINGS_CHANGE = MEETINGS_READ | {Perm.MEETING_CHANGE}
# Reading the answers app's registers of a court subtree (court leaders, discipline too).
ANSWERS_READ = {Perm.OPINION_VIEW, Perm.TASK_VIEW, Perm.LIST_VIEW, Perm.TOUR_VIEW}
ANSWERS_CHANGE = {Perm.OPINION_TRIAGE, Perm.TASK_ASSIGN, Perm.LIST_CHANGE, Perm.TOUR_CHANGE}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        READ
        | {
            Perm.COURT_CHANGE,
            Perm.ORG_CHANGE,
            Perm.PERSON_CHANGE,
            Perm.DUES_VIEW,
            Perm.DUES_CHANGE,
            Perm.RULE_CHANGE,
            Perm.AUDIT_VIEW,
            Perm.EVAL_VIEW,
            Perm.EVAL_CHANGE,
            Perm.EVAL_BRANCH,
            Perm.IMPORT_RUN,
            Perm.GRANT_VIEW,
            Perm.GRANT_CHANGE,
            Perm.MEETING_RULE_CHANGE,
        }
        | MEETINGS_CHANGE
        | ANSWERS_READ
        | ANSWERS_CHANGE
    ),
    Role.PARTY_AFFAIRS: frozenset(
        READ
        | {
            Perm.COURT_CHANGE,
            Perm.ORG_CHANGE,
            Perm.PERSON_CHANGE,
            Perm.DUES_VIEW,
            Perm.DUES_CHANGE,
            Perm.AUDIT_VIEW,
            Perm.IMPORT_RUN,
            Perm.GRANT_VIEW,
            Perm.EVAL_VIEW,
            Perm.EVAL_CHANGE,
            Perm.EVAL_BRANCH,
            Perm.GRANT_CHANGE,  # every role but system administrator (roles_within)
            Perm.MEETING_RULE_CHANGE,  # for their subtree, from a date on
        }
        | MEETINGS_CHANGE
        | ANSWERS_READ
        | ANSWERS_CHANGE
    ),
    # Organisation-scoped roles: they see their organisation subtree and its members.
    Role.BRANCH_SECRETARY: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.PERSON_VIEW,
            Perm.HEALTH_VIEW,
            Perm.ORG_CHANGE,
            Perm.PERSON_CHANGE,
            Perm.DUES_VIEW,
            Perm.DUES_CHANGE,
            Perm.LIST_VIEW,  # their organisation's responsibility list
            Perm.LIST_CHANGE,
            Perm.EVAL_BRANCH,
        }
        | MEETINGS_CHANGE
    ),
    Role.BRANCH_COMMITTEE: frozenset(
        {Perm.ORG_VIEW, Perm.PERSON_VIEW, Perm.HEALTH_VIEW, Perm.DUES_VIEW, Perm.LIST_VIEW}
        | MEETINGS_READ
    ),
    # A member sees their own record and their branch (no other member's record).
    # Members see the meetings of their branch (their calendar), not its compliance.
    Role.MEMBER: frozenset({Perm.MEETING_VIEW}),
    Role.COURT_LEADER: frozenset(
        READ | {Perm.DUES_VIEW, Perm.EVAL_VIEW} | ANSWERS_READ | MEETINGS_READ
    ),
    Role.DISCIPLINE: frozenset(
        READ | {Perm.AUDIT_VIEW, Perm.EVAL_VIEW} | ANSWERS_READ | MEETINGS_READ
    ),
    Role.TRIAL_MANAGEMENT: frozenset({Perm.COURT_VIEW, Perm.PERSON_VIEW, Perm.ORG_VIEW}),
}

# Roles granted on a Party organisation rather than a court.
ORGANISATION_ROLES = frozenset({Role.BRANCH_SECRETARY, Role.BRANCH_COMMITTEE, Role.MEMBER})


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


def roles_within(role: str) -> list[str]:
    """The roles a grant of `role` may give and withdraw in its subtree: none without
    grant.change, else every role whose permissions are all its own (so party-affairs staff
    grant every role but system administrator, and nobody grants above their own grant)."""
    own = ROLE_PERMISSIONS.get(role, frozenset())
    if Perm.GRANT_CHANGE not in own:
        return []
    return [other for other in Role.values if ROLE_PERMISSIONS[other] <= own]


def write_counterpart(perm: str) -> str:
    """The view permission a write permission presupposes (used to tell 404 from 403)."""
    return {
        Perm.COURT_CHANGE: Perm.COURT_VIEW,
        Perm.ORG_CHANGE: Perm.ORG_VIEW,
        Perm.PERSON_CHANGE: Perm.PERSON_VIEW,
        Perm.MEETING_CHANGE: Perm.MEETING_VIEW,
        Perm.MEETING_RULE_CHANGE: Perm.COMPLIANCE_VIEW,
    }.get(perm, perm)
