"""What starts a script, and for whom: `audience` and `triggers` in the script file.

    audience: youths            # youths (default), mentors or staff
    triggers:
      - schedule: {days: [fri], at: "14:00", every_weeks: 1, start: week 1, end: week 26}
      - event: checkin_low_mood
      - command: reflect
        roles: [youth]
        description: {da: Ugens refleksion, en: Weekly reflection}

A trigger with `handled_by: FEATURE` is honoured by that built-in feature of Fremad (which adds
what only it knows: the check-in's streak, an activity's name, a goal's step). Every other
trigger is honoured by the script-trigger scheduler (bot/scheduling/script_triggers.py) — no code
is needed for a new script. Pure data and checks here: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from bot.dialogs.diagnostics import Problem
from bot.dialogs.model import Condition, Localized, NodePath

Audience = Literal["youths", "mentors", "staff"]
AUDIENCES: tuple[Audience, ...] = ("youths", "mentors", "staff")
ROLE_OF_AUDIENCE: Mapping[str, str] = {"youths": "youth", "mentors": "mentor", "staff": "staff"}

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS: Mapping[str, frozenset[int]] = {
    "weekdays": frozenset({1, 2, 3, 4, 5}),
    "every_day": frozenset(range(1, 8)),
}

# Fremad's own commands (bot/telegram/commands.py and /start, /help): a script cannot take them
# unless it is the built-in feature's own script (a test keeps this list complete).
RESERVED_COMMANDS: frozenset[str] = frozenset(
    {
        "start",
        "help",
        "cancel",
        "attendance",
        "belief",
        "checkin",
        "cohort",
        "delete",
        "goals",
        "invite",
        "mydata",
        "mysummary",
        "pause",
        "plan",
        "progress",
        "quiet",
        "rate",
        "rating",
        "resume",
        "safetyplan",
        "scripts",
        "settings",
        "sos",
        "subgoals",
        "success",
        "successes",
        "summaryday",
        "youths",
        "focus",
        "talk",
        "web",
        "review",
        "mig",
        "calm",
    }
)

# Built-in features that start their own script (with context only they have).
FEATURES: tuple[str, ...] = (
    "checkin",
    "attendance",
    "goals",
    "successes",
    "ratings",
    "safety_plan",
    "focus",
    "coping",
    "self_profile",
    "prompts",
)


@dataclass(frozen=True, slots=True)
class EventInfo:
    """A documented event: when it happens and the variables a started script may use."""

    description: str
    variables: Mapping[str, int]
    # The young person's own answer causes it: a script started on it soon after is a reply to
    # them, not a message Fremad starts on its own (bot/services/message_budget.py).
    by_the_youth: bool = False


# The one list of events (dialogs/README.md documents the same names; a test compares them).
EVENTS: Mapping[str, EventInfo] = {
    "checkin_low_mood": EventInfo(
        "a check-in's mood answer was low (2 or less on the 1–5 scale)", {"mood": 2}, True
    ),
    "absence_with_reason": EventInfo(
        "the young person said they were not at an activity, and why (`reason`: ill, "
        "overslept, anxiety, transport or other)",
        {"date": 32, "reason": 16},
        True,
    ),
    "goal_step_done": EventInfo("a step towards a goal was done", {}, True),
    "goal_step_missed": EventInfo("a step towards a goal was given up (dropped)", {}, True),
    "silent_days": EventInfo(
        "no check-in answered for `after_days` check-in days in a row", {"days_missed": 6}
    ),
    "success": EventInfo("a success was noted (by the young person or their mentor)", {}),
    "mentor_note": EventInfo(
        "the mentor wrote a note about the young person", {"mentor_name": 128}
    ),
    "activity_ended": EventInfo(
        "a planned activity ended (only the attendance feature starts a script on it)",
        {"activity": 200, "date": 32, "time": 5},
    ),
    "prompt_answered": EventInfo(
        "the young person wrote back to a motivational prompt that asked them something "
        "(only the prompts feature starts a script on it)",
        {},
        True,
    ),
}
# A script started on an event the young person caused, within this many minutes, answers them.
REPLY_WITHIN_MINUTES = 60
# Events only a built-in feature can act on (it alone knows what to pass along).
FEATURE_EVENTS: Mapping[str, str] = {
    "activity_ended": "attendance",
    "prompt_answered": "prompts",
}
OWN_TIME = "checkin_time"
OWN_DAYS = "checkin_days"


@dataclass(frozen=True, slots=True)
class Offset:
    """`day 3` / `week 2` after the person joined (day 1 = the day they joined)."""

    unit: Literal["day", "week"]
    amount: int

    @property
    def days(self) -> int:
        return (self.amount - 1) * (7 if self.unit == "week" else 1)


@dataclass(frozen=True, slots=True)
class ScheduleTrigger:
    days: frozenset[int]
    """ISO weekdays (Monday=1); empty with `own_days`."""
    at: str
    """"HH:MM", or OWN_TIME: the young person's own check-in time."""
    every_weeks: int = 1
    start: Offset | None = None
    end: Offset | None = None
    mentor: str | None = None
    cohort: str | None = None
    handled_by: str | None = None
    path: NodePath = ()
    own_days: bool = False
    """Also (or only) the young person's own check-in days."""


@dataclass(frozen=True, slots=True)
class EventTrigger:
    event: str
    after_days: int | None = None
    delay_minutes: int = 0
    when: Condition | None = None
    handled_by: str | None = None
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class CommandTrigger:
    command: str
    roles: tuple[str, ...] = ("youth",)
    description: Localized | None = None
    handled_by: str | None = None
    path: NodePath = ()


Trigger: TypeAlias = ScheduleTrigger | EventTrigger | CommandTrigger

_OFFSET = re.compile(r"^(day|week) ([1-9][0-9]{0,3})$")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def parse_offset(value: Any) -> Offset | None:
    match = _OFFSET.match(str(value)) if value is not None else None
    if match is None:
        return None
    unit: Literal["day", "week"] = "day" if match.group(1) == "day" else "week"
    return Offset(unit, int(match.group(2)))


def parse_days(value: Any) -> frozenset[int]:
    """Weekday names and groups → ISO weekdays (OWN_DAYS is read per person, not here)."""
    if isinstance(value, str):
        if value in DAY_GROUPS:
            return DAY_GROUPS[value]
        value = [value]
    days: set[int] = set()
    for name in value or []:
        if name in WEEKDAY_NAMES:
            days.add(WEEKDAY_NAMES.index(name) + 1)
        elif name in DAY_GROUPS:
            days |= DAY_GROUPS[name]
    return frozenset(days)


def normal_time(value: str) -> str:
    match = _TIME.match(value)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else value


def parse_trigger(
    data: Mapping[str, Any], path: NodePath, condition: Any, problems: list[Problem]
) -> Trigger | None:
    """One schema-valid trigger entry; `condition` parses a `when:` block."""
    handled_by = data.get("handled_by")
    kinds = [k for k in ("schedule", "event", "command") if k in data]
    if len(kinds) != 1:
        problems.append(
            Problem(
                path,
                "a trigger needs exactly one of `schedule:`, `event:` or `command:`"
                + (f" (this one has {' and '.join(kinds)})" if kinds else ""),
            )
        )
        return None
    if "schedule" in data:
        raw = data["schedule"]
        days = raw.get("days", "every_day")
        return ScheduleTrigger(
            days=parse_days(days),
            own_days=OWN_DAYS in ([days] if isinstance(days, str) else days),
            at=normal_time(str(raw.get("at", "09:00"))),
            every_weeks=int(raw.get("every_weeks", 1)),
            start=parse_offset(raw.get("start")),
            end=parse_offset(raw.get("end")),
            mentor=raw.get("mentor"),
            cohort=raw.get("cohort"),
            handled_by=handled_by,
            path=path,
        )
    if "event" in data:
        when = condition(data["when"], (*path, "when"), problems) if "when" in data else None
        return EventTrigger(
            event=str(data["event"]),
            after_days=data.get("after_days"),
            delay_minutes=int(data.get("delay_minutes", 0)),
            when=when,
            handled_by=handled_by,
            path=path,
        )
    description = data.get("description")
    return CommandTrigger(
        command=str(data["command"]).lstrip("/"),
        roles=tuple(data.get("roles") or ("youth",)),
        description=(
            {str(k): str(v) for k, v in description.items()}
            if isinstance(description, dict)
            else None
        ),
        handled_by=handled_by,
        path=path,
    )


def trigger_problems(
    triggers: Collection[Trigger],
    audience: str,
    *,
    reserved_commands: Collection[str],
) -> Iterator[Problem]:
    """Meaning checks the schema cannot express."""
    role = ROLE_OF_AUDIENCE.get(audience, "youth")
    for trigger in triggers:
        if isinstance(trigger, ScheduleTrigger):
            yield from _schedule_problems(trigger, audience)
        elif isinstance(trigger, EventTrigger):
            if trigger.event == "silent_days" and trigger.after_days is None:
                yield Problem(
                    (*trigger.path, "event"),
                    "the event `silent_days` needs `after_days: N` (how many silent check-in "
                    "days before the script starts)",
                )
            feature = FEATURE_EVENTS.get(trigger.event)
            if feature is not None and trigger.handled_by != feature:
                yield Problem(
                    (*trigger.path, "event"),
                    f"only Fremad's {feature} feature can start a script on `{trigger.event}`; "
                    "pick another event",
                )
            if audience != "youths" and trigger.handled_by is None:
                yield Problem(
                    (*trigger.path, "event"),
                    f"events happen to young people; a script for {audience} cannot start on "
                    "one (use `schedule:` or `command:`)",
                )
        elif isinstance(trigger, CommandTrigger):
            if trigger.handled_by is None and trigger.command in reserved_commands:
                yield Problem(
                    (*trigger.path, "command"),
                    f"/{trigger.command} is already one of Fremad's own commands; pick another "
                    "name",
                )
            if trigger.handled_by is None and role not in trigger.roles:
                yield Problem(
                    (*trigger.path, "roles"),
                    f"this script is for {audience}, so `roles` must include {role}",
                    at_key=True,
                )


def _schedule_problems(trigger: ScheduleTrigger, audience: str) -> Iterator[Problem]:
    where = (*trigger.path, "schedule")
    if not trigger.days and not trigger.own_days:
        yield Problem((*where, "days"), "`days` names no weekday (mon, tue, … sun)")
    if audience != "youths" and (trigger.own_days or trigger.at == OWN_TIME):
        yield Problem(
            where,
            f"`{OWN_DAYS}` and `{OWN_TIME}` are a young person's own; this script is for "
            f"{audience}: name the days and a time",
        )
    if trigger.start and trigger.end and trigger.end.days < trigger.start.days:
        yield Problem((*where, "end"), "`end` comes before `start`")
    if audience != "youths" and (trigger.mentor or trigger.cohort):
        yield Problem(
            (*where, "mentor" if trigger.mentor else "cohort"),
            "`mentor` and `cohort` choose young people; this script is not for youths",
            at_key=True,
        )


def event_variables(triggers: Collection[Trigger]) -> dict[str, int]:
    """Variables a script may use because an event trigger provides them."""
    out: dict[str, int] = {}
    for trigger in triggers:
        if isinstance(trigger, EventTrigger) and trigger.event in EVENTS:
            out.update(EVENTS[trigger.event].variables)
    return out
