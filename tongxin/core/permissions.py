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
    # Care (tongxin.care): heart-to-heart talks and home visits of a branch. Their existence
    # and the coverage figures are `talk.view`; what was said (summary, notes, follow-up) is
    # `talk.summary`, further narrowed by the models to organisation grants (the branch
    # committee) and the two people concerned, whatever role holds it (care/scope.py).
    TALK_VIEW = "talk.view"
    TALK_SUMMARY = "talk.summary"
    TALK_CHANGE = "talk.change"  # record talks and home visits (the branch committee)
    # Help for staff in difficulty: narrowed to grants on the record's own court.
    HELP_VIEW = "help.view"
    HELP_CHANGE = "help.change"
    # Contact points of leading Party members' group members (court leaders) and their visits.
    CONTACT_VIEW = "contact.view"
    CONTACT_CHANGE = "contact.change"
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
    # The interference register (three provisions): every staff member records; the
    # discipline inspection and trial management offices read their court subtree; court
    # leaders read the courts whose office named them (`discipline.RegisterReader`).
    REGISTER_RECORD = "register.record"
    REGISTER_VIEW = "register.view"
    REGISTER_LEADER = "register.leader"
    REGISTER_MANAGE = "register.manage"  # name the leaders who read; export head hashes
    DISCIPLINE_VIEW = "discipline.view"  # discipline records, supervision checks, warning education
    DISCIPLINE_CHANGE = "discipline.change"
    # Trial quality (tongxin.trial): indicator values, health checks and the cases of the
    # court subtree; a judge sees their own page and cases without it (trial.scope).
    TRIAL_VIEW = "trial.view"
    TRIAL_IMPORT = "trial.import"  # import case data (with import.run)


READ = {Perm.COURT_VIEW, Perm.ORG_VIEW, Perm.PERSON_VIEW, Perm.HEALTH_VIEW}
MEETINGS_READ = {Perm.MEETING_VIEW, Perm.COMPLIANCE_VIEW}
MEETINGS_CHANGE = MEETINGS_READ | {Perm.MEETING_CHANGE}
# Reading the answers app's registers of a court subtree (court leaders, discipline too).
ANSWERS_READ = {Perm.OPINION_VIEW, Perm.TASK_VIEW, Perm.LIST_VIEW, Perm.TOUR_VIEW}
ANSWERS_CHANGE = {Perm.OPINION_TRIAGE, Perm.TASK_ASSIGN, Perm.LIST_CHANGE, Perm.TOUR_CHANGE}
RECORD = {Perm.REGISTER_RECORD}  # every staff member records what they were asked

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
            Perm.DISCIPLINE_VIEW,
            # Held so that administrators may grant every role (roles_within); the care
            # models' narrow conditions keep summaries and help records from them.
            Perm.TALK_VIEW,
            Perm.TALK_SUMMARY,
            Perm.TALK_CHANGE,
            Perm.HELP_VIEW,
            Perm.HELP_CHANGE,
            Perm.CONTACT_VIEW,
            Perm.CONTACT_CHANGE,
            Perm.TRIAL_VIEW,
            Perm.TRIAL_IMPORT,
            Perm.MEETING_RULE_CHANGE,
        }
        | MEETINGS_CHANGE
        | ANSWERS_READ
        | ANSWERS_CHANGE
        | RECORD
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
            Perm.DISCIPLINE_VIEW,
            Perm.TALK_VIEW,  # coverage figures
            # Held so that party-affairs staff may grant the branch roles (roles_within) and
            # enter a paper talk record; the narrow condition keeps the summaries from them.
            Perm.TALK_SUMMARY,
            Perm.TALK_CHANGE,
            Perm.HELP_VIEW,
            Perm.HELP_CHANGE,
            Perm.CONTACT_VIEW,
            Perm.CONTACT_CHANGE,
            Perm.MEETING_RULE_CHANGE,  # for their subtree, from a date on
        }
        | MEETINGS_CHANGE
        | ANSWERS_READ
        | ANSWERS_CHANGE
        | RECORD
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
            Perm.TALK_VIEW,
            Perm.TALK_SUMMARY,
            Perm.TALK_CHANGE,
            Perm.CONTACT_VIEW,
            Perm.LIST_VIEW,  # their organisation's responsibility list
            Perm.LIST_CHANGE,
            Perm.EVAL_BRANCH,
        }
        | RECORD
        | MEETINGS_CHANGE
    ),
    Role.BRANCH_COMMITTEE: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.PERSON_VIEW,
            Perm.HEALTH_VIEW,
            Perm.DUES_VIEW,
            Perm.LIST_VIEW,
            Perm.TALK_VIEW,
            Perm.TALK_SUMMARY,
            Perm.TALK_CHANGE,
            Perm.CONTACT_VIEW,
        }
        | RECORD
        | MEETINGS_READ
    ),
    # A member sees their own record and their branch (no other member's record), and the
    # meetings of their branch (their calendar), not its compliance.
    Role.MEMBER: frozenset(RECORD | {Perm.MEETING_VIEW}),
    Role.COURT_LEADER: frozenset(
        READ
        | RECORD
        | ANSWERS_READ
        | MEETINGS_READ
        | {
            Perm.DUES_VIEW,
            Perm.TRIAL_VIEW,
            Perm.EVAL_VIEW,
            Perm.REGISTER_LEADER,
            Perm.DISCIPLINE_VIEW,
            Perm.HELP_VIEW,
            Perm.CONTACT_VIEW,
        }
    ),
    Role.DISCIPLINE: frozenset(
        READ
        | RECORD
        | ANSWERS_READ
        | MEETINGS_READ
        | {
            Perm.AUDIT_VIEW,
            Perm.EVAL_VIEW,
            Perm.REGISTER_VIEW,
            Perm.REGISTER_MANAGE,
            Perm.DISCIPLINE_VIEW,
            Perm.DISCIPLINE_CHANGE,
        }
    ),
    Role.TRIAL_MANAGEMENT: frozenset(
        {
            Perm.COURT_VIEW,
            Perm.PERSON_VIEW,
            Perm.ORG_VIEW,
            Perm.REGISTER_VIEW,
            Perm.TRIAL_VIEW,
            Perm.TRIAL_IMPORT,
            Perm.IMPORT_RUN,
        }
        | RECORD
    ),
}

# Permissions of the discipline office and the registers it keeps: administrators give the
# roles that carry them (discipline inspection, trial management, court leader) without
# holding them, since they may not read the interference register themselves.
NOT_HELD_BY_GRANTORS = frozenset(
    {
        Perm.REGISTER_VIEW,
        Perm.REGISTER_LEADER,
        Perm.REGISTER_MANAGE,
        Perm.DISCIPLINE_CHANGE,
        Perm.TRIAL_VIEW,  # party-affairs staff administer the trial office without case data
        Perm.TRIAL_IMPORT,
    }
)

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
    # Administrators and party-affairs staff give the roles of the discipline office, the
    # trial management office and court leaders without reading those registers themselves.
    return [other for other in Role.values if ROLE_PERMISSIONS[other] - NOT_HELD_BY_GRANTORS <= own]


def write_counterpart(perm: str) -> str:
    """The view permission a write permission presupposes (used to tell 404 from 403)."""
    return {
        Perm.COURT_CHANGE: Perm.COURT_VIEW,
        Perm.ORG_CHANGE: Perm.ORG_VIEW,
        Perm.PERSON_CHANGE: Perm.PERSON_VIEW,
        Perm.DISCIPLINE_CHANGE: Perm.DISCIPLINE_VIEW,
        Perm.MEETING_CHANGE: Perm.MEETING_VIEW,
        Perm.MEETING_RULE_CHANGE: Perm.COMPLIANCE_VIEW,
    }.get(perm, perm)
