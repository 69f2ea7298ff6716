"""Buttons of the plan and of the heads-up ("running late", "can't come"). Payloads carry ids
only; handlers re-check in the database that the tapping person may act on them."""

from __future__ import annotations

from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.plan_form import Draft, Step, end_choices
from bot.telegram import figure_format
from bot.telegram.attendance_texts import kind_label, weekday_name
from bot.telegram.callbacks import pack_day
from storage.models.attendance import Activity, ActivityKind

START_CHOICES = ("07:00", "08:00", "09:00", "10:00", "12:00", "14:00")
TRAVEL_CHOICES = (10, 20, 30, 45, 60)
ABSENCE_LIMITS = (2, 3, 1, 0)
RATE_THRESHOLDS = (50, 70, 30, 0)


class PlanTap(CallbackData, prefix="ap"):
    """ap:<action>:<activity id>:<youth id>:<value>."""

    action: str
    activity: int = 0
    youth: int = 0
    value: str = ""


class HeadsUpTap(CallbackData, prefix="ah"):
    """ah:<late|cant_come>:<activity id>:<YYYYMMDD>."""

    what: str
    activity: int
    day: str


def heads_up_row(
    activity: Activity, day: date, with_title: bool = False
) -> list[InlineKeyboardButton]:
    packed = pack_day(day)
    suffix = f" · {activity.title[:20]}" if with_title else ""
    return [
        InlineKeyboardButton(
            text=_("⏰ I'm running late") + suffix,
            callback_data=HeadsUpTap(what="late", activity=activity.id, day=packed).pack(),
        ),
        InlineKeyboardButton(
            text=_("✋ I can't come today") + suffix,
            callback_data=HeadsUpTap(what="cant_come", activity=activity.id, day=packed).pack(),
        ),
    ]


def plan_keyboard(
    youth_id: int,
    activities: list[Activity],
    today_rows: list[list[InlineKeyboardButton]],
    *,
    for_mentor: bool,
    tell_mentor: bool,
    absence_limit: int = 2,
    rate_threshold: int = 50,
) -> InlineKeyboardMarkup:
    rows = list(today_rows)
    for activity in activities:
        rows.append([_tap(f"✏️ {activity.title[:40]}", "open", activity=activity.id)])
    rows.append([_tap(_("➕ Add an activity"), "add", youth=youth_id)])
    if for_mentor:
        rows.append(
            [
                _tap(
                    _("Alert after absences in a row: {n}").format(n=absence_limit or _("never")),
                    "alert_abs",
                    youth=youth_id,
                )
            ]
        )
        rows.append(
            [
                _tap(
                    _("Alert when a week is under: {p}").format(
                        p=f"{rate_threshold} %" if rate_threshold else _("never")
                    ),
                    "alert_rate",
                    youth=youth_id,
                )
            ]
        )
    else:
        rows.append(
            [
                _tap(
                    _("Tell my mentor at once when I'm late: {answer}").format(
                        answer=_("on") if tell_mentor else _("off")
                    ),
                    "tell",
                    youth=youth_id,
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def youth_picker(youths: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for youth_id, name in youths:
        builder.button(text=name[:40], callback_data=PlanTap(action="list", youth=youth_id))
    builder.adjust(1)
    return builder.as_markup()


def activity_keyboard(
    activity: Activity, today: date | None, notify: bool | None
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if today is not None:
        rows.append(heads_up_row(activity, today))
    a = activity.id
    rows.append(
        [
            _tap(_("Change time"), "edit", activity=a, value="time"),
            _tap(_("Change day"), "edit", activity=a, value="when"),
        ]
    )
    rows.append(
        [
            _tap(_("Rename"), "edit", activity=a, value="name"),
            _tap(_("Change place"), "edit", activity=a, value="place"),
        ]
    )
    rows.append([_tap(_("“Leave in 20 min” reminder"), "travel_menu", activity=a)])
    notify_label = {
        None: _("Tell mentor about this one: as my setting"),
        True: _("Tell mentor about this one: yes"),
        False: _("Tell mentor about this one: no"),
    }[notify]
    rows.append([_tap(notify_label, "notify", activity=a)])
    rows.append(
        [
            _tap(_("🗑 Delete"), "delete", activity=a),
            _tap(_("◀️ Back"), "list", youth=activity.youth_id),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def travel_keyboard(activity: Activity) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for minutes in TRAVEL_CHOICES:
        builder.button(
            text=_("{n} min travel").format(n=minutes),
            callback_data=PlanTap(action="travel", activity=activity.id, value=str(minutes)),
        )
    builder.button(
        text=_("No reminder"),
        callback_data=PlanTap(action="travel", activity=activity.id, value="off"),
    )
    builder.adjust(3, 2, 1)
    return builder.as_markup()


def confirm_delete_keyboard(activity: Activity) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _tap(_("Yes, delete it"), "delete_yes", activity=activity.id),
                _tap(_("No, keep it"), "open", activity=activity.id),
            ]
        ]
    )


def step_keyboard(step: Step, draft: Draft, today: date) -> InlineKeyboardMarkup | None:
    """The buttons for one question of the plan form."""
    builder = InlineKeyboardBuilder()
    if step is Step.KIND:
        for kind in ActivityKind:
            builder.button(text=kind_label(kind.value), callback_data=_form(step, kind.value))
        builder.adjust(2)
    elif step is Step.TITLE:
        label = _("Use “{kind}”").format(kind=kind_label(str(draft["kind"])))
        builder.button(text=label, callback_data=_form(step, "kind_name"))
    elif step is Step.REPEAT:
        builder.button(text=_("Every week"), callback_data=_form(step, "weekly"))
        builder.button(text=_("One time"), callback_data=_form(step, "once"))
        builder.adjust(2)
    elif step is Step.DAYS:
        picked = str(draft.get("days_pick", ""))
        for weekday in range(1, 8):
            mark = "✅ " if str(weekday) in picked else ""
            builder.button(
                text=mark + weekday_name(weekday), callback_data=_form(step, str(weekday))
            )
        builder.button(text=_("Done"), callback_data=_form(step, "done"))
        builder.adjust(4, 3, 1)
    elif step is Step.DATE:
        for offset in range(7):
            day = date.fromordinal(today.toordinal() + offset)
            label = (
                _("Today")
                if offset == 0
                else _("Tomorrow")
                if offset == 1
                else f"{weekday_name(day.isoweekday())} {figure_format.day_label(day)}"
            )
            builder.button(text=label, callback_data=_form(step, day.isoformat()))
        builder.adjust(2, 3, 2)
    elif step is Step.START:
        for choice in START_CHOICES:
            builder.button(text=choice, callback_data=_form(step, choice.replace(":", "")))
        builder.adjust(3)
    elif step is Step.END:
        for choice in end_choices(str(draft["start"])):
            builder.button(text=choice, callback_data=_form(step, choice.replace(":", "")))
        builder.adjust(3)
    elif step is Step.PLACE:
        builder.button(text=_("Skip"), callback_data=_form(step, "skip"))
    builder.row(_tap(_("Cancel"), "cancel"))
    return builder.as_markup()


def _form(step: Step, value: str) -> PlanTap:
    return PlanTap(action=f"f_{step.value}", value=value)


def _tap(
    text: str, action: str, *, activity: int = 0, youth: int = 0, value: str = ""
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text,
        callback_data=PlanTap(action=action, activity=activity, youth=youth, value=value).pack(),
    )
