"""Every free text a young person sends passes crisis detection before any handler sees it.

Why a middleware and not a call in each handler: a safety check that each feature must remember
is a check some feature will forget. Here it covers every text and caption (plain messages,
script answers, goal texts, edited messages) by construction, and a handler that fails cannot
lose the flag (it is committed before the handler runs).

Outside a conversation the crisis answer *is* the reply (the ordinary "I didn't catch that"
would be wrong); inside one (a script question, onboarding), the handler still takes the text
as its answer, and the crisis answer follows it so its buttons are the last thing on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.methods import SendMessage
from aiogram.types import Message, TelegramObject

from bot.middlewares.crisis_first_aid import CrisisFirstAid, deliver_alert_now
from bot.runtime import Runtime
from bot.services.crisis_context import low_mood_before
from bot.services.crisis_detection import CrisisReading
from bot.services.crisis_response import CrisisService, Screened, should_screen
from bot.services.dialog_runner import DIALOG_STATE
from bot.telegram.crisis_messages import crisis_text, friend_text
from bot.telegram.safety_keyboards import crisis_answer_keyboard
from bot.telegram.urgent_send import send_urgent

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def text_source(message: Message, state: FSMContext | None, edited: bool) -> str:
    """Where a text came from, for the flag: never the text itself."""
    if edited:
        return "edited"
    current = await state.get_state() if state is not None else None
    if current == DIALOG_STATE and state is not None:
        run = (await state.get_data()).get("dialog")
        script = run.get("script_id") if isinstance(run, dict) else None
        return f"script:{script}" if script else "script"
    if current is not None:
        return f"state:{current}"
    return "caption" if message.caption and not message.text else "message"


class CrisisScreenMiddleware(BaseMiddleware):
    def __init__(self, *, edited: bool = False) -> None:
        self.edited = edited

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message) or event.chat.type != "private":
            return await handler(event, data)
        text = event.text or event.caption or ""
        if not text.strip() or text.startswith("/"):
            return await handler(event, data)
        runtime: Runtime = data["runtime"]
        service = CrisisService(data["session"], runtime.clock, runtime.crisis_rules)
        person = data.get("person")
        if not should_screen(person):
            return await handler(event, data)
        # The text is read once (by first aid, outermost, when it ran): whether a low mood
        # answer just before would matter (the mood is looked up only then), and what it matches.
        reading: CrisisReading | None = data.get("crisis_reading")
        if reading is None or reading.text != text:
            reading = runtime.crisis_rules.read(text)
        low_mood = False
        if reading.context_sensitive():
            state: FSMContext | None = data.get("state")
            low_mood = await low_mood_before(
                data["session"],
                runtime.clock,
                person,
                await state.get_data() if state is not None else None,
                runtime.settings.alert_low_mood_max,
            )
        hit = reading.match(low_mood=low_mood)
        if hit is None:
            return await handler(event, data)
        source = await text_source(event, data.get("state"), self.edited)
        update = data.get("event_update")
        update_id = update.update_id if update is not None else None
        screened = await service.answer(person, hit, text, source, update_id=update_id)
        aid: CrisisFirstAid | None = data.get("crisis_first_aid")
        if aid is not None:
            aid.recorded = True
        in_conversation = self.edited or source.startswith(("script", "state:"))
        try:
            if in_conversation:
                data["crisis_flagged"] = True  # the handler leaves the sharing question to us
                return await handler(event, data)
            return None
        finally:
            await send_crisis_answer(data["bot"], event.chat.id, screened, runtime)
            if aid is not None:
                aid.answered = True
            if screened.flag is not None and data.get("deliver_now") is not None:
                await deliver_alert_now(
                    data["deliver_now"], CrisisService.alert_slots(screened.flag), update_id or 0
                )


async def send_crisis_answer(bot: Bot, chat_id: int, screened: Screened, runtime: Runtime) -> None:
    flag = screened.flag
    locale, now = runtime.i18n.current_locale, runtime.clock.now()
    if screened.friend:
        await bot.send_message(chat_id, friend_text(runtime.crisis_lines, locale, now))
        return
    category = screened.match.category
    text = crisis_text(
        runtime.crisis_lines,
        locale,
        now,
        flagged=flag is not None,
        category=category,
        urgency=runtime.crisis_rules.info(category).urgency,
    )
    markup = crisis_answer_keyboard(flag.id) if flag is not None else None
    # Retried on 5xx and network errors: this answer must arrive (at least once).
    await send_urgent(bot, SendMessage(chat_id=chat_id, text=text, reply_markup=markup))
