"""Where courts, departments and Party organisations may sit: the rules, once.

Pure functions: they take the record's resulting values (and the few facts about its parent
that a rule needs) and return EVERY problem as (field, reason), running no query. The
services (forms, API) raise the first problem; the import reports each one as a reject of
its row, so a preview never accepts what the commit would refuse.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.orgs.models import Court, PartyOrganisation

LEVEL_ORDER = {
    Court.Level.SPC: 0,
    Court.Level.CIRCUIT: 1,
    Court.Level.HIGH: 1,
    Court.Level.INTERMEDIATE: 2,
    Court.Level.BASIC: 3,
    Court.Level.TRIBUNAL: 4,
}

Problems = list[tuple[str, str]]


def new_in_inactive_court(court, *, is_new: bool) -> Problems:
    """Nothing new is added to an inactive court (departments, organisations, people)."""
    if is_new and court is not None and not court.is_active:
        return [("court", _("This court is inactive: reactivate it first."))]
    return []


def court_problems(
    *,
    level: str,
    code: str | None,
    province: str | None,
    parent,
    moved: bool = False,
    becomes_root: bool = False,
    root_taken: bool = False,
    parent_in_reach: bool | None = None,
) -> Problems:
    """Every problem with a court at its place.

    `parent`: None, or anything with the parent's `level` and `province`; `province` is the
    court's own after defaulting (empty: the parent's). `moved`: the court gets a new parent;
    `becomes_root`: it is new or loses its parent and has none; `root_taken`: another court
    is the root already; `parent_in_reach`: whether the acting user may place courts under
    the new parent (False for a user placing a court at the root; None: the caller checks
    reach itself). An SPC under any court is refused by the level order.
    """
    problems: Problems = []
    tribunal = level == Court.Level.TRIBUNAL
    if parent is not None:
        if LEVEL_ORDER.get(parent.level, 9) >= LEVEL_ORDER.get(level, 9):
            problems.append(
                (
                    "parent",
                    _("A %(level)s cannot sit under a %(parent)s.")
                    % {"level": _level(level), "parent": _level(parent.level)},
                )
            )
        elif tribunal and parent.level != Court.Level.BASIC:
            problems.append(("parent", _("A people's tribunal must belong to a basic court.")))
    elif tribunal:
        problems.append(("parent", _("A people's tribunal must belong to a basic court.")))
    elif level != Court.Level.SPC:
        problems.append(("parent", _("Only the Supreme People's Court has no parent court.")))
    elif becomes_root and root_taken:
        problems.append(
            (
                "parent",
                _("Only the Supreme People's Court has no parent court: give the parent court."),
            )
        )
    if tribunal and code:
        problems.append(("code", _("People's tribunals have no court code of their own.")))
    if not tribunal and not code:
        problems.append(("code", _("Give the court code used in case numbers, e.g. 京0105.")))
    if parent is not None and parent.province and province and province != parent.province:
        problems.append(
            (
                "province",
                _("The province %(province)s differs from the parent court's (%(parent)s).")
                % {"province": province, "parent": parent.province},
            )
        )
    if code and province and not code.startswith(province) and level != Court.Level.SPC:
        problems.append(
            (
                "code",
                _("A court code starts with its province's code (%(province)s).")
                % {"province": province},
            )
        )
    placed = moved or (becomes_root and level == Court.Level.SPC and not root_taken)
    if placed and parent_in_reach is False:
        # Nobody places a court out of or above their own reach: a new parent must lie in
        # it, and no user places a court at the root (the first SPC comes from the
        # court-code table, loaded by the system).
        problems.append(
            ("parent", _("You may only place a court under a court within your reach."))
        )
    return problems


def _level(level) -> str:
    try:
        return str(Court.Level(level).label)
    except ValueError:
        return str(level)


def parent_courts(court: Court) -> list[int]:
    """Courts whose organisations may lead this court's: its own, and for a people's tribunal
    also its basic court (a tribunal's branch usually sits under the court's organ committee)."""
    if court.level == Court.Level.TRIBUNAL and court.parent_id:
        return [court.pk, court.parent_id]
    return [court.pk]


def organisation_problems(
    *,
    kind: str,
    parent,
    court,
    is_new: bool,
    department_courts=None,
) -> Problems:
    """Every problem with a Party organisation at its place.

    `parent`: None, or anything with the parent's `kind` and `court_id`; `court`: the
    organisation's court; `department_courts`: the court ids of the departments it is to
    cover (None: unchanged).
    """
    problems: Problems = []
    Kind = PartyOrganisation.Kind
    allowed = PartyOrganisation.ALLOWED_PARENTS.get(kind, ())
    if parent is None and allowed and kind != Kind.BRANCH:
        problems.append(
            ("parent", _("A %(kind)s needs a parent organisation.") % {"kind": Kind(kind).label})
        )
    if parent is not None and parent.kind not in allowed:
        problems.append(
            (
                "parent",
                _("A %(kind)s cannot sit under a %(parent)s.")
                % {"kind": Kind(kind).label, "parent": Kind(parent.kind).label},
            )
        )
    if parent is not None and court is not None and parent.court_id not in parent_courts(court):
        problems.append(
            (
                "parent",
                _(
                    "The parent organisation must belong to the same court (a people's tribunal's "
                    "may also belong to its basic court)."
                ),
            )
        )
    problems += new_in_inactive_court(court, is_new=is_new)
    if (
        department_courts is not None
        and court is not None
        and any(court_id != court.pk for court_id in department_courts)
    ):
        problems.append(("departments", _("A branch can only cover departments of its own court.")))
    return problems
