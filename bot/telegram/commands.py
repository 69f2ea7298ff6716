"""Every command, who it is for and what it does: one table for /help and Telegram's menu."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogs.model import Localized
from bot.dialogs.texts import N_
from bot.services.script_triggers import command_scripts, live_scripts
from storage.models import Person, Role
from storage.repositories.people import PeopleRepository


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
    CommandInfo("mig", Role.YOUTH, N_("what works for me: my own short profile")),
    CommandInfo("calm", Role.YOUTH, N_("a one-minute exercise when it gets hard")),
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
    CommandInfo("review", Role.MENTOR, N_("a joint review with a young person")),
    CommandInfo("summaryday", Role.MENTOR, N_("when your weekly summary comes")),
    CommandInfo("quiet", Role.MENTOR, N_("when alerts wait (a crisis alert never does)")),
    CommandInfo("web", Role.MENTOR, N_("a sign-in link to the web console")),
    CommandInfo("invite", Role.STAFF, N_("invite a young person, mentor or staff member")),
    CommandInfo("scripts", Role.STAFF, N_("dialog scripts: versions and rollback")),
    CommandInfo("cohort", Role.STAFF, N_("overview per mentor and overall")),
    CommandInfo("web", Role.STAFF, N_("a sign-in link to the web console")),
    # Shared names: a person with several roles sees the broader line (listed later).
    CommandInfo("settings", Role.STAFF, N_("your language")),
    CommandInfo("settings", Role.MENTOR, N_("language, summary day and quiet hours")),
)


@dataclass(frozen=True)
class ScriptCommand:
    """A command a published script answers (`command:` trigger in its file)."""

    name: str
    roles: tuple[Role, ...]
    description: Localized
    script_id: str

    def text(self, locale: str) -> str:
        return self.description.get(locale) or self.description.get("da") or self.script_id


async def script_commands(session: AsyncSession) -> list[ScriptCommand]:
    """The commands of the live scripts, in script order (read each time: a publish in any
    process changes them at once)."""
    out: list[ScriptCommand] = []
    for script, trigger in command_scripts(await live_scripts(session)):
        description = trigger.description or script.description or script.title
        roles = tuple(Role(role) for role in trigger.roles)
        out.append(ScriptCommand(trigger.command, roles, description, script.id))
    return out


def commands_for(person: Person) -> list[CommandInfo]:
    """The person's commands, each once: in the place it first appears for one of their roles,
    described by the last entry for their roles (a mentor who is also staff invites anyone)."""
    chosen: dict[str, CommandInfo] = {}
    for info in COMMANDS:
        if person.has_role(info.role):
            chosen[info.name] = info
    return list(chosen.values())


def script_commands_for(person: Person, extra: Sequence[ScriptCommand]) -> list[ScriptCommand]:
    seen = {info.name for info in commands_for(person)}
    chosen = []
    for command in extra:
        if command.name not in seen and any(person.has_role(role) for role in command.roles):
            seen.add(command.name)
            chosen.append(command)
    return chosen


def _menu(
    i18n: I18n, locale: str, infos: Sequence[CommandInfo], extra: Sequence[ScriptCommand]
) -> list[BotCommand]:
    commands = [
        BotCommand(command=info.name, description=i18n.gettext(info.description, locale=locale))
        for info in infos
    ]
    commands += [BotCommand(command=c.name, description=c.text(locale)[:256]) for c in extra]
    return commands[:100]  # Telegram's limit


async def publish_menu(
    bot: Bot, i18n: I18n, extra: Sequence[ScriptCommand] = (), people: Sequence[Person] = ()
) -> None:
    """Telegram's command menu: the young person's commands (and the scripts' commands for
    youths) for everyone, in Danish and in English; mentors and staff get their own menu in
    their chat (their commands and the scripts' commands for their roles)."""
    youth = [info for info in COMMANDS if info.role is Role.YOUTH]
    own = {info.name for info in youth}
    youth_extra = [c for c in extra if Role.YOUTH in c.roles and c.name not in own]
    for locale in ("da", "en"):
        await bot.set_my_commands(_menu(i18n, locale, youth, youth_extra), language_code=locale)
    await bot.set_my_commands(_menu(i18n, "da", youth, youth_extra))
    for person in people:
        if person.is_youth or not (person.is_mentor or person.is_staff):
            continue
        locale = person.locale or "da"
        menu = _menu(i18n, locale, commands_for(person), script_commands_for(person, extra))
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id=person.telegram_id))


async def refresh_menu(
    bot: Bot, i18n: I18n, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The menu as the live scripts make it now (at start, and after a publish or rollback)."""
    async with sessionmaker() as session:
        extra = await script_commands(session)
        repo = PeopleRepository(session)
        people = {p.id: p for p in await repo.with_role(Role.MENTOR)}
        people.update({p.id: p for p in await repo.with_role(Role.STAFF)})
    await publish_menu(bot, i18n, extra, [p for p in people.values() if p.left_at is None])
