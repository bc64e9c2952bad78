"""The rectification task's life in one table: (action, state) → (new state, who may act).

Pure: no database. `answers.services.task_act` looks the action up here, checks the actor's
part, and moves the task with a conditional UPDATE on (state, version), so two people acting
on the same task at once cannot both win.

Parts: RESPONSIBLE (the responsible person), ASSIGNER (whoever assigned it, or staff holding
task.assign over its court), never the responsible person for an assigner's action: nobody
verifies or extends their own task.
"""

from __future__ import annotations

from typing import NamedTuple

OPEN, EXTENSION, SUBMITTED, CLOSED, CANCELLED = (
    "open",
    "extension",
    "submitted",
    "closed",
    "cancelled",
)
STATES = (OPEN, EXTENSION, SUBMITTED, CLOSED, CANCELLED)
RESPONSIBLE, ASSIGNER = "responsible", "assigner"


class Move(NamedTuple):
    to: str
    part: str


TRANSITIONS: dict[tuple[str, str], Move] = {
    ("request_extension", OPEN): Move(EXTENSION, RESPONSIBLE),
    ("approve_extension", EXTENSION): Move(OPEN, ASSIGNER),
    ("refuse_extension", EXTENSION): Move(OPEN, ASSIGNER),
    ("submit", OPEN): Move(SUBMITTED, RESPONSIBLE),
    ("accept", SUBMITTED): Move(CLOSED, ASSIGNER),
    ("send_back", SUBMITTED): Move(OPEN, ASSIGNER),
    ("cancel", OPEN): Move(CANCELLED, ASSIGNER),
    ("cancel", EXTENSION): Move(CANCELLED, ASSIGNER),
    ("cancel", SUBMITTED): Move(CANCELLED, ASSIGNER),
}
ACTIONS = tuple(sorted({action for action, _state in TRANSITIONS}))
# Progress updates (with evidence) do not change the state; they are allowed while working.
PROGRESS_STATES = frozenset({OPEN, EXTENSION})
# States in which a task still counts (open for the figures, "due" for reminders).
LIVE = frozenset({OPEN, EXTENSION, SUBMITTED})
WORKING = frozenset({OPEN, EXTENSION})


def move(action: str, state: str) -> Move | None:
    """The move `action` makes from `state`, or None when it is not allowed."""
    return TRANSITIONS.get((action, state))


def actions_from(state: str) -> list[str]:
    return [action for (action, source) in TRANSITIONS if source == state]
