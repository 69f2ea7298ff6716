"""The few-taps form for adding or changing an activity. Pure: a draft (a plain dict kept in the
conversation store) and the next question it needs.

Order: kind → name → weekly or once → weekdays (weekly) or date (once) → start → end → place
(once only, may be skipped). Editing starts from the activity's values with the changed fields
left out, so only those are asked.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.dialogs.time_input import parse_time_of_day
from bot.services.attendance import ActivityDraft
from storage.models.attendance import Activity, ActivityKind

TITLE_MAX = 60
PLACE_MAX = 80
_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\.?\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")

Draft = dict[str, Any]


class Step(StrEnum):
    KIND = "kind"
    TITLE = "title"
    REPEAT = "repeat"
    DAYS = "days"
    DATE = "date"
    START = "start"
    END = "end"
    PLACE = "place"


class Edit(StrEnum):
    """What the youth chose to change on an existing activity."""

    TIME = "time"
    WHEN = "when"  # weekdays or date
    NAME = "name"
    PLACE = "place"


EDIT_CLEARS: dict[Edit, tuple[str, ...]] = {
    Edit.TIME: ("start", "end"),
    Edit.WHEN: ("days", "date", "days_pick"),
    Edit.NAME: ("title",),
    Edit.PLACE: ("place", "place_done"),
}


def new_draft(youth_id: int) -> Draft:
    return {"youth_id": youth_id}


def draft_from(activity: Activity, edit: Edit) -> Draft:
    draft: Draft = {
        "youth_id": activity.youth_id,
        "activity_id": activity.id,
        "kind": activity.kind,
        "title": activity.title,
        "repeat": "weekly" if activity.on_date is None else "once",
        "start": activity.start_time,
        "end": activity.end_time,
        "place": activity.place,
        "place_done": True,
    }
    if activity.on_date is None:
        draft["days"] = activity.weekdays or ""
        draft["days_pick"] = activity.weekdays or ""
    else:
        draft["date"] = activity.on_date.isoformat()
    for key in EDIT_CLEARS[edit]:
        draft.pop(key, None)
    if edit is Edit.WHEN:
        draft["days_pick"] = activity.weekdays or ""
    if edit is Edit.PLACE:
        draft["place_asked"] = True
    return draft


def next_step(draft: Draft) -> Step | None:
    """The next question the draft needs, or None when it is complete."""
    if "kind" not in draft:
        return Step.KIND
    if "title" not in draft:
        return Step.TITLE
    if "repeat" not in draft:
        return Step.REPEAT
    if draft["repeat"] == "weekly" and "days" not in draft:
        return Step.DAYS
    if draft["repeat"] == "once" and "date" not in draft:
        return Step.DATE
    if "start" not in draft:
        return Step.START
    if "end" not in draft:
        return Step.END
    wants_place = draft["repeat"] == "once" or draft.get("place_asked")
    if wants_place and not draft.get("place_done"):
        return Step.PLACE
    return None


def choose(draft: Draft, step: Step, value: str, today: date) -> bool:
    """A tapped or typed answer to ``step``; False when it is not a usable answer."""
    if step is Step.KIND:
        if value not in {kind.value for kind in ActivityKind}:
            return False
        draft["kind"] = value
    elif step is Step.TITLE:
        title = " ".join(value.split())[:TITLE_MAX]
        if not title:
            return False
        draft["title"] = title
    elif step is Step.REPEAT:
        if value not in ("weekly", "once"):
            return False
        draft["repeat"] = value
    elif step is Step.DAYS:
        return _days(draft, value)
    elif step is Step.DATE:
        day = parse_date(value, today)
        if day is None or day < today:
            return False
        draft["date"] = day.isoformat()
    elif step in (Step.START, Step.END):
        # Buttons carry "HHMM" (a colon would split the callback data); typed "0930" reads alike.
        at = parse_time_of_day(value)
        if at is None or (step is Step.END and at == draft.get("start")):
            return False
        draft[step.value] = at
    elif step is Step.PLACE:
        place = " ".join(value.split())[:PLACE_MAX]
        draft["place"] = place or None
        draft["place_done"] = True
    return True


def skip_place(draft: Draft) -> None:
    draft["place"] = None
    draft["place_done"] = True


def _days(draft: Draft, value: str) -> bool:
    """A weekday digit toggles it; "done" accepts the picked days (at least one)."""
    picked = str(draft.get("days_pick", ""))
    if value == "done":
        if not picked:
            return False
        draft["days"] = "".join(sorted(picked))
        return True
    if value not in list("1234567"):
        return False
    picked = picked.replace(value, "") if value in picked else picked + value
    draft["days_pick"] = "".join(sorted(picked))
    return True


def parse_date(raw: str, today: date) -> date | None:
    """'24.12', '24/12/2026', '24-12-26' or '2026-12-24'; a day without a year is the next
    such day from today on."""
    iso = _ISO_DATE.match(raw)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        match = _DATE.match(raw)
        if not match:
            return None
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if year is not None:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return date(full, month, day)
        guess = date(today.year, month, day)
        return guess if guess >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def end_choices(start: str) -> list[str]:
    """End times to tap: 1, 2, 3, 4, 6 and 8 hours after the start."""
    moment = datetime.strptime(start, "%H:%M")  # noqa: DTZ007 - a time of day only
    return [(moment + timedelta(hours=hours)).strftime("%H:%M") for hours in (1, 2, 3, 4, 6, 8)]


def to_activity(draft: Draft) -> ActivityDraft:
    weekly = draft["repeat"] == "weekly"
    return ActivityDraft(
        kind=str(draft["kind"]),
        title=str(draft["title"]),
        start=str(draft["start"]),
        end=str(draft["end"]),
        weekdays=str(draft["days"]) if weekly else None,
        on_date=None if weekly else date.fromisoformat(str(draft["date"])),
        place=draft.get("place") or None,
    )
