"""Texts and buttons of the mentor's demands. Call inside the reader's locale."""

from __future__ import annotations

import html

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import SubgoalCatalogue
from bot.services.demand_ladder import Rung, Suggestion
from bot.services.demands import NextDemand
from storage.models import Demand, Person


class DemandPropose(CallbackData, prefix="dmp"):
    youth: int
    subgoal: str
    level: int
    review: int  # 0: not from a review


class DemandSet(CallbackData, prefix="dms"):
    youth: int
    subgoal: str
    level: int
    review: int


class DemandTap(CallbackData, prefix="dmt"):
    demand: int
    action: str  # done | missed | too_much


def demand_wording(text: str, attendance_days: int | None) -> str:
    if attendance_days is not None:
        return ngettext(
            "Show up {days} day at your activities this week",
            "Show up {days} days at your activities this week",
            attendance_days,
        ).format(days=attendance_days)
    return text


def rung_wording(rung: Rung, locale: str) -> str:
    return demand_wording(rung.text.get(locale) or rung.text.get("da", ""), rung.attendance_days)


def proposal(
    youth: Person,
    subgoal: str,
    suggestion: Suggestion,
    ladder_size: int,
    review_id: int,
    catalogue: SubgoalCatalogue,
    locale: str,
    *,
    lead: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """The suggested next demand for one sub-goal, with set / smaller / bigger."""
    direction = {
        "start": _("a first step"),
        "up": _("one step up — after a success"),
        "same": _("the same step again"),
        "down": _("one step smaller"),
    }[suggestion.direction]
    rung = suggestion.rung
    text = _(
        "🎯 <b>{subgoal}</b> · next demand for {name} ({direction}):\n<b>{demand}</b>"
    ).format(
        subgoal=html.escape(catalogue.name(subgoal, locale)),
        name=html.escape(youth.first_name),
        direction=direction,
        demand=html.escape(rung_wording(rung, locale)),
    )
    if lead:
        text = lead + "\n" + text
    row = [
        InlineKeyboardButton(
            text=_("✅ Set it"),
            callback_data=DemandSet(
                youth=youth.id, subgoal=subgoal, level=rung.level, review=review_id
            ).pack(),
        )
    ]
    for label, level in ((_("↓ Smaller"), rung.level - 1), (_("↑ Bigger"), rung.level + 1)):
        if 1 <= level <= ladder_size:
            row.append(
                InlineKeyboardButton(
                    text=label,
                    callback_data=DemandPropose(
                        youth=youth.id, subgoal=subgoal, level=level, review=review_id
                    ).pack(),
                )
            )
    return text, InlineKeyboardMarkup(inline_keyboard=[row])


def new_demand_for_youth(demand: Demand, mentor: Person) -> tuple[str, InlineKeyboardMarkup]:
    wording = html.escape(demand_wording(demand.text, demand.attendance_days))
    text = _(
        "🎯 {mentor} sets a demand for you, until {day}:\n<b>{demand}</b>\n{mentor} believes you "
        "can do it. If it's too much, say so — then you adjust it together."
    ).format(
        mentor=html.escape(mentor.first_name), day=demand.due_on.strftime("%d.%m."), demand=wording
    )
    buttons = []
    if demand.attendance_days is None:
        buttons.append(_tap(_("✅ Done"), demand, "done"))
    else:
        text += "\n" + _("Your attendance counts by itself — nothing to tick off.")
    buttons.append(_tap(_("✋ Too much"), demand, "too_much"))
    return text, InlineKeyboardMarkup(inline_keyboard=[buttons])


def followup_question(demand: Demand) -> tuple[str, InlineKeyboardMarkup]:
    text = _("🎯 How did it go with “{demand}”?").format(
        demand=html.escape(demand_wording(demand.text, demand.attendance_days))
    )
    return text, InlineKeyboardMarkup(
        inline_keyboard=[
            [_tap(_("✅ I did it"), demand, "done"), _tap(_("Not this time"), demand, "missed")],
            [_tap(_("✋ It was too much"), demand, "too_much")],
        ]
    )


def _tap(label: str, demand: Demand, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=label, callback_data=DemandTap(demand=demand.id, action=action).pack()
    )


def youth_outcome(demand: Demand, shown: int | None) -> str:
    """What the young person reads when a demand is settled: the success named first."""
    wording = html.escape(demand_wording(demand.text, demand.attendance_days))
    if demand.status == "done":
        if shown is not None:
            return ngettext(
                "🎉 You showed up {shown} day this week — you met “{demand}”. You did that!",
                "🎉 You showed up {shown} days this week — you met “{demand}”. You did that!",
                shown,
            ).format(shown=shown, demand=wording)
        return _("🎉 Well done — “{demand}” is done. That's a success, and it's yours.").format(
            demand=wording
        )
    if demand.status == "too_much":
        return _(
            "Thanks for saying it — that's taking responsibility too. Your contact person will "
            "adjust it with you. I still believe you can move forward, one step at a time."
        )
    if shown is not None:
        days = demand.attendance_days or 0
        return ngettext(
            "This week you showed up {shown} of {days} day. New week, new try — your contact "
            "person will plan the next step with you.",
            "This week you showed up {shown} of {days} days. New week, new try — your contact "
            "person will plan the next step with you.",
            days,
        ).format(shown=shown, days=days)
    return _("Okay — thanks for being honest. New week, new try.")


def mentor_outcome(demand: Demand, youth: Person, shown: int | None) -> str:
    name = html.escape(youth.first_name)
    wording = html.escape(demand_wording(demand.text, demand.attendance_days))
    if demand.status == "done":
        return _("✅ {name} met the demand “{demand}”. Name it in your next talk!").format(
            name=name, demand=wording
        ) + _shown_days(shown)
    if demand.status == "too_much":
        return _(
            "✋ {name} says “{demand}” is too much right now. Hold it or make it smaller — and "
            "tell {name} you still believe in them."
        ).format(name=name, demand=wording)
    return _("↻ {name} did not manage “{demand}” this time.").format(
        name=name, demand=wording
    ) + _shown_days(shown)


def _shown_days(shown: int | None) -> str:
    if shown is None:
        return ""
    return " " + ngettext("({shown} day shown up)", "({shown} days shown up)", shown).format(
        shown=shown
    )


def demand_set_confirmed(youth: Person, demand: Demand) -> str:
    return _("Set. {name} sees it now: “{demand}” until {day}.").format(
        name=html.escape(youth.first_name),
        demand=html.escape(demand_wording(demand.text, demand.attendance_days)),
        day=demand.due_on.strftime("%d.%m."),
    )


def next_demand_message(
    found: NextDemand, shown: int | None, catalogue: SubgoalCatalogue, locale: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """To the mentor: how the demand went, then the suggested next one with its buttons."""
    lead = mentor_outcome(found.demand, found.youth, shown)
    if found.suggestion is None:
        return lead, None
    return proposal(
        found.youth,
        found.demand.subgoal,
        found.suggestion,
        found.ladder_size,
        found.demand.review_id or 0,
        catalogue,
        locale,
        lead=lead,
    )
