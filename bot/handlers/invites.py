"""`/invite` in the bot: a mentor invites a young person (linked to them); staff invite anyone."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.cli_invite import bot_username, invite_link
from bot.config import Settings
from bot.handlers.texts import role_name
from bot.services.access import AccessService
from bot.services.onboarding import OnboardingService
from bot.telegram.callbacks import InviteRolePick
from bot.telegram.keyboards import invite_role_keyboard
from storage.models import Invite, Person, Role


def _invite_text(invite: Invite, link: str, role: Role, ttl_hours: int) -> str:
    return ngettext(
        "Here is a single-use invite for a {role}. It expires in {hours} hour.\n\n"
        "Link: {link}\nCode: <code>{code}</code>",
        "Here is a single-use invite for a {role}. It expires in {hours} hours.\n\n"
        "Link: {link}\nCode: <code>{code}</code>",
        ttl_hours,
    ).format(role=role_name(role), hours=ttl_hours, link=html.escape(link), code=invite.code)


async def on_invite(
    message: Message,
    bot: Bot,
    person: Person | None,
    onboarding: OnboardingService,
    settings: Settings,
) -> None:
    if person is None or not (person.is_mentor or person.is_staff):
        await message.answer(_("Only mentors and staff can invite people."))
        return
    if person.is_staff:
        roles = ["youth", "mentor", "staff"]
        await message.answer(
            _("Who would you like to invite?"), reply_markup=invite_role_keyboard(roles)
        )
        return
    invite = await onboarding.create_invite(Role.YOUTH, created_by=person)
    link = invite_link(await bot_username(settings, bot), invite.code)
    await message.answer(_invite_text(invite, link, Role.YOUTH, settings.invite_ttl_hours))


async def on_invite_role(
    call: CallbackQuery,
    callback_data: InviteRolePick,
    bot: Bot,
    person: Person | None,
    onboarding: OnboardingService,
    settings: Settings,
    access: AccessService,
) -> None:
    # The role comes from the button, the right to invite from the database.
    if person is None or not person.is_staff or callback_data.role not in set(Role):
        await access.refuse(person, "invite_role", callback_data.role)
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    role = Role(callback_data.role)
    invite = await onboarding.create_invite(role, created_by=person)
    link = invite_link(await bot_username(settings, bot), invite.code)
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await call.message.answer(_invite_text(invite, link, role, settings.invite_ttl_hours))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_invite, Command("invite"))
    router.callback_query.register(on_invite_role, InviteRolePick.filter())
    return router
