"""Every command, who it is for and what it does: one table for /help and Telegram's menu."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from bot.dialogs.texts import N_
from storage.models import Person, Role


@dataclass(frozen=True)
class CommandInfo:
    name: str
    role: Role
    description: str  # an English msgid


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("checkin", Role.YOUTH, N_("take today's check-in")),
    CommandInfo("plan", Role.YOUTH, N_("your activities: internship, school, appointments")),
    CommandInfo("attendance", Role.YOUTH, N_("how showing up has gone")),
    CommandInfo("goals", Role.YOUTH, N_("your goals and next small steps")),
    CommandInfo("rating", Role.YOUTH, N_("rate how your sub-goals are going")),
    CommandInfo("focus", Role.YOUTH, N_("this week's question about your focus")),
    CommandInfo("talk", Role.YOUTH, N_("I'd like to talk with my contact person")),
    CommandInfo("successes", Role.YOUTH, N_("look how far you have come")),
    CommandInfo("mysummary", Role.YOUTH, N_("what your mentor's last summary said about you")),
    CommandInfo("settings", Role.YOUTH, N_("check-in time, days and language")),
    CommandInfo("pause", Role.YOUTH, N_("pause check-ins (ill, holiday, hospital)")),
    CommandInfo("resume", Role.YOUTH, N_("start check-ins again")),
    CommandInfo("sos", Role.YOUTH, N_("help right now")),
    CommandInfo("safetyplan", Role.YOUTH, N_("your own safety plan")),
    CommandInfo("mydata", Role.YOUTH, N_("everything stored about you")),
    CommandInfo("delete", Role.YOUTH, N_("ask for everything about you to be deleted")),
    CommandInfo("youths", Role.MENTOR, N_("your young people: status, notes, pause, hand-over")),
    CommandInfo("invite", Role.MENTOR, N_("an invite link for a young person")),
    CommandInfo("progress", Role.MENTOR, N_("a young person's sub-goal progression")),
    CommandInfo("rate", Role.MENTOR, N_("your rating of a young person's sub-goal")),
    CommandInfo("belief", Role.MENTOR, N_("your belief that they will reach job or education")),
    CommandInfo("success", Role.MENTOR, N_("name a success for a young person")),
    CommandInfo("subgoals", Role.MENTOR, N_("switch sub-goals on or off for a young person")),
    CommandInfo("summaryday", Role.MENTOR, N_("when your weekly summary comes")),
    CommandInfo("quiet", Role.MENTOR, N_("when alerts wait (a crisis alert never does)")),
    CommandInfo("invite", Role.STAFF, N_("invite a young person, mentor or staff member")),
    CommandInfo("scripts", Role.STAFF, N_("dialog scripts: versions and rollback")),
    CommandInfo("cohort", Role.STAFF, N_("overview per mentor and overall")),
)


def commands_for(person: Person) -> list[CommandInfo]:
    seen: set[str] = set()
    chosen: list[CommandInfo] = []
    for info in COMMANDS:
        if person.has_role(info.role) and info.name not in seen:
            seen.add(info.name)
            chosen.append(info)
    return chosen


async def publish_menu(bot: Bot, i18n: I18n) -> None:
    """Telegram's command menu shows the young person's commands, in Danish and in English."""
    youth = [info for info in COMMANDS if info.role is Role.YOUTH]
    for locale in ("da", "en"):
        commands = [
            BotCommand(command=info.name,
                       description=i18n.gettext(info.description, locale=locale)[:256])
            for info in youth
        ]
        await bot.set_my_commands(commands, language_code=locale)
    default = [
        BotCommand(command=info.name, description=i18n.gettext(info.description, locale="da"))
        for info in youth
    ]
    await bot.set_my_commands(default)
