"""The crisis path cannot fail silently: first aid for a crisis text whose update failed.

Runs outermost (before the conversation store, the update claim and the database session), so
it needs none of them: the crisis rules and help lines live in memory. For a private text that
matches a crisis rule it lets the update run; if the update then fails before the crisis screen
(bot/middlewares/crisis_screen.py) finished its work — the database or Redis away, a bug — it
sends the crisis answer from memory (112, the help lines; retried on 5xx and network errors)
and appends the flag and the mentor's alert to the crisis outbox (bot/services/crisis_outbox.py),
completed as soon as the database answers. Then the failure goes on to the errors router,
which decides whether Telegram delivers the update again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from aiogram.types import Message, TelegramObject, Update

from bot.runtime import Runtime
from bot.services.crisis_detection import CrisisMatch
from bot.services.crisis_outbox import CrisisOutbox, complete_entry, new_entry
from bot.telegram.crisis_messages import crisis_text, friend_text
from bot.telegram.urgent_send import send_urgent

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
DeliverNow = Callable[[list[str]], Awaitable[None]]
# How long first aid tries to store the flag itself before leaving it to the outbox replay.
IMMEDIATE_RECORD_SECONDS = 5.0


@dataclass
class CrisisFirstAid:
    """What the crisis screen completed for this update (it sets these as it goes)."""

    hit: CrisisMatch
    answered: bool = False
    recorded: bool = False
    in_outbox: bool = False


def screened_message(update: Update) -> tuple[Message, str, str] | None:
    """(message, text, source) for a private free text the crisis screen would look at."""
    for message, edited in ((update.message, False), (update.edited_message, True)):
        if message is None or message.chat.type != "private":
            continue
        text = message.text or message.caption or ""
        if not text.strip() or text.startswith("/"):
            return None
        source = "edited" if edited else ("caption" if message.caption else "message")
        return message, text, source
    return None


class CrisisFirstAidMiddleware(BaseMiddleware):
    """``given`` remembers, per update, what first aid already did in this process: while an
    outage lasts the same update comes back every few seconds, and the young person should
    get the crisis answer once, not at every redelivery."""

    def __init__(self, outbox: CrisisOutbox, remember: int = 4096) -> None:
        self.outbox = outbox
        self.remember = remember
        self.given: OrderedDict[tuple[int, int], CrisisFirstAid] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        found = screened_message(event)
        runtime: Runtime = data["runtime"]
        if found is None:
            return await handler(event, data)
        # The crisis screen further in reads the same text: it takes this reading over.
        reading = data["crisis_reading"] = runtime.crisis_rules.read(found[1])
        hit = reading.match()
        if hit is None:
            return await handler(event, data)
        key = (data["bot"].id, event.update_id)
        aid = self.given.get(key) or CrisisFirstAid(hit)
        data["crisis_first_aid"] = aid
        try:
            return await handler(event, data)
        except TelegramForbiddenError:
            raise  # they blocked the bot: nothing can reach them (the errors router marks it)
        except Exception as exc:
            log.warning(
                "update %s: crisis text, handling failed (%s); first aid",
                event.update_id,
                type(exc).__name__,
            )
            await self._first_aid(aid, event, found, data)
            self.given[key] = aid
            while len(self.given) > self.remember:
                self.given.popitem(last=False)
            raise

    async def _first_aid(
        self, aid: CrisisFirstAid, update: Update, found: tuple[Message, str, str],
        data: dict[str, Any],
    ) -> None:  # fmt: skip
        message, text, source = found
        runtime: Runtime = data["runtime"]
        bot: Bot = data["bot"]
        if not aid.answered:
            try:
                await send_urgent(bot, answer_from_memory(runtime, message, aid.hit))
                aid.answered = True
            except Exception as exc:  # noqa: BLE001 - go on to store the flag regardless
                log.error("update %s: crisis answer not sent: %s", update.update_id,
                          type(exc).__name__)  # fmt: skip
        if aid.recorded or aid.in_outbox or message.from_user is None:
            return
        if runtime.crisis_rules.is_friend(aid.hit):
            return  # about someone else: answered, never stored or alerted
        entry = new_entry(
            bot.id, update.update_id, message.from_user.id, aid.hit, source,
            runtime.clock.now(), text,
        )  # fmt: skip
        self.outbox.append(entry)
        aid.in_outbox = True
        # The database may well be there (Redis away, or a bug): then store it now, and the
        # alert leaves at once; otherwise the next scheduler pass after the outage does it.
        try:
            slots = await asyncio.wait_for(
                complete_entry(entry, runtime.sessionmaker, runtime.clock, runtime.crisis_rules),
                IMMEDIATE_RECORD_SECONDS,
            )
        except Exception as exc:  # noqa: BLE001 - the outbox holds it
            log.warning("update %s: crisis flag kept in the outbox (%s)", update.update_id,
                        type(exc).__name__)  # fmt: skip
            return
        self.outbox.mark_done(entry.key)
        aid.recorded = True
        deliver_now: DeliverNow | None = data.get("deliver_now")
        if deliver_now is not None and slots:
            await deliver_alert_now(deliver_now, slots, update.update_id)


def answer_from_memory(runtime: Runtime, message: Message, hit: CrisisMatch) -> SendMessage:
    """The crisis answer without the database (the category's answer with 112 and the help
    lines, or the friend answer), in the person's Telegram language (Danish unless English)."""
    code = (getattr(message.from_user, "language_code", None) or "")[:2]
    locale = "en" if code == "en" else runtime.settings.default_locale
    rules, now = runtime.crisis_rules, runtime.clock.now()
    with runtime.i18n.context(), runtime.i18n.use_locale(locale):
        if rules.is_friend(hit):
            text = friend_text(runtime.crisis_lines, locale, now)
        else:
            text = crisis_text(
                runtime.crisis_lines, locale, now, flagged=False, category=hit.category,
                urgency=rules.info(hit.category).urgency,
            )  # fmt: skip
    return SendMessage(chat_id=message.chat.id, text=text)


async def deliver_alert_now(deliver_now: DeliverNow, slots: list[str], update_id: int) -> None:
    """The mentor's alert leaves in the same update (the next pass would send it otherwise)."""
    try:
        await deliver_now(slots)
    except Exception as exc:  # noqa: BLE001 - the ledger keeps it for the next pass
        log.warning("update %s: crisis alert left to the next pass (%s)", update_id,
                    type(exc).__name__)  # fmt: skip
