""" "I'd like to talk": /talk or the button after a hard check-in; the mentor's answer."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.services.talk_requests import TalkRequests
from bot.telegram.talk_messages import (
    TalkAsk,
    TalkTime,
    answer_confirmed,
    answer_for_youth,
    asked_text,
    parse_stamp,
    request_for_mentor,
)
from storage.models import Person


async def ask_to_talk(
    bot: Bot, youth: Person, source: str, talk: TalkRequests, i18n: I18n, runtime: Runtime
) -> None:
    """Records the request, tells whoever is not in quiet hours now, and answers the youth."""
    asked = await talk.ask(youth, source)
    now = runtime.clock.now()
    for recipient in asked.tell_now:
        with i18n.use_locale(recipient.locale or runtime.settings.default_locale):
            text, markup = request_for_mentor(asked, youth, recipient, now)
            try:
                await bot.send_message(recipient.telegram_id, text, reply_markup=markup)
            except TelegramForbiddenError:
                continue
    mentor_name = asked.mentor.first_name if asked.mentor else None
    await bot.send_message(youth.telegram_id, asked_text(asked, mentor_name, youth))


async def on_talk(
    message: Message,
    bot: Bot,
    person: Person | None,
    talk: TalkRequests,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("“I'd like to talk” is for young people in the programme."))
        return
    await ask_to_talk(bot, person, "menu", talk, i18n, runtime)


async def on_talk_tap(
    call: CallbackQuery,
    callback_data: TalkAsk,
    bot: Bot,
    person: Person | None,
    talk: TalkRequests,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    await ask_to_talk(bot, person, callback_data.source, talk, i18n, runtime)


async def on_talk_time(
    call: CallbackQuery,
    callback_data: TalkTime,
    bot: Bot,
    person: Person | None,
    talk: TalkRequests,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    talk_at = parse_stamp(callback_data.at)
    answered = (
        await talk.answer(person, callback_data.request, talk_at)
        if person is not None and talk_at is not None
        else None
    )
    if answered is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    now = runtime.clock.now()
    assert answered.request.talk_at is not None
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await call.message.answer(
            answer_confirmed(answered.youth, answered.request.talk_at, now, answered.mentor)
        )
    youth = answered.youth
    with i18n.use_locale(youth.locale or runtime.settings.default_locale):
        try:
            await bot.send_message(
                youth.telegram_id,
                answer_for_youth(answered.mentor, answered.request.talk_at, now, youth),
            )
        except TelegramForbiddenError:
            return


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_talk, Command("talk"))
    router.callback_query.register(on_talk_tap, TalkAsk.filter())
    router.callback_query.register(on_talk_time, TalkTime.filter())
    return router
