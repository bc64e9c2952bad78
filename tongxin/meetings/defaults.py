"""The compliance rules as shipped (../shared/docs/domain.md section 3): the data migration
writes them as the national versions in force from DEFAULT_FROM; courts adjust them from a
date on (`services.rule_version_save`)."""

import datetime

DEFAULT_FROM = datetime.date(2000, 1, 1)

BRANCH = "branch"
COMMITTEE_KINDS = "organ_committee,general_branch,branch"

# activity → the version's fields
DEFAULTS = {
    "general": dict(
        applies_to=BRANCH, cadence="quarterly", quorum_num=1, quorum_den=2, quorum_strict=True
    ),
    "committee": dict(applies_to=COMMITTEE_KINDS, cadence="monthly", needs="committee"),
    "group": dict(applies_to="cell", cadence="monthly"),
    "lesson": dict(applies_to=BRANCH, cadence="quarterly"),
    "theme_day": dict(applies_to=BRANCH, cadence="monthly"),
    "org_life": dict(applies_to=BRANCH, cadence="yearly"),
    "democratic_life": dict(applies_to="party_group", cadence="yearly", quorum_num=2, quorum_den=3),
    "centre_study": dict(applies_to="party_group", cadence="quarterly"),
    "warning": dict(applies_to=BRANCH, cadence="yearly"),
}

# Member study: hours a year (domain.md; the secretaries' figure is marked unverified there).
STUDY_HOURS_MEMBER = 32
STUDY_HOURS_SECRETARY = 56
